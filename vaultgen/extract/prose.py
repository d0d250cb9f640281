"""An issue's Markdown body → plain sentences with their context, for the text-based extractors."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Sentinels mark link anchors and emphasised spans while markup is stripped; textfix already removed
# every control character from bodies, so these cannot collide with the text.
_A_OPEN, _A_CLOSE, _E_OPEN, _E_CLOSE, _S_OPEN, _S_CLOSE = "\x01", "\x02", "\x03", "\x04", "\x05", "\x06"
_SENTINELS = re.compile("[\x01-\x06]")


@dataclass(frozen=True)
class Sentence:
    """One sentence of prose, markup removed; spans index into text."""

    text: str
    section: int                            # 0 before the first heading, then one per heading
    title: bool = False                     # headline-like context: capitals say little here
    anchors: tuple[tuple[int, int], ...] = ()
    emphasis: tuple[tuple[int, int], ...] = ()
    strong: tuple[tuple[int, int], ...] = ()    # bold spans: a newsletter sets the names it is about in bold


@dataclass(frozen=True)
class Prose:
    sentences: tuple[Sentence, ...]
    headings: tuple[str, ...]


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.M | re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_RULE = re.compile(r"^\s{0,3}([-*_=])(\s*\1){2,}\s*$")
_CALLOUT = re.compile(r"^\[!\w+\][-+]?")
_IMAGE_LINE = re.compile(r"^(!\[[^\]]*\]\([^)]*\)\s*)+$|^[_*]\(image:.*\)[_*]$", re.I)
_ITALIC_LINE = re.compile(r"^([_*]).+\1$")
_EMPHASIS_LINE = re.compile(r"^(\*{1,3}|_{1,3})[^*_].*?\1\W*$")
_LIST_ITEM = re.compile(r"^([-*+•▪‣◦]|\d{1,3}[.)])\s+")
# A chapter's or a transcript's time ("[00:12:41] Why Mistral bet on open weights"): the sentence starts after it.
_TIMESTAMP = re.compile(r"^[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s*(?:[-–—|:]\s+)?(?=\S)")
_BOILERPLATE_HINTS = ("unsubscribe", "copyright", "rights reserved", "©", "preferences", "browser", "friend",
                      "receiving this", "subscription", "privacy policy", "contacts", "address book")
# A footer's words; not "copyright" or "privacy policy" in a story ("sued OpenAI for copyright infringement").
_BOILERPLATE = re.compile(
    r"unsubscribe|copyright\s*(?:©|\(c\)|\d{4})|all rights reserved|©|update your preferences|"
    r"view (it |this )?in (your )?browser|forward (it|this)( email| newsletter)? to a friend|"
    r"you('re| are) receiving this|manage (your )?subscription|add (us|our address) to your (contacts|address book)|"
    r"^.{0,80}privacy policy.{0,80}$", re.I)

_WIKILINK = re.compile(r"\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_INLINE_IMAGE = re.compile(r"!\[[^\]]*\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\((?:<[^>]*>|(?:\\.|[^()\s\\]|\((?:\\.|[^()\s\\])*\))*)"
                   r"(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\[[^\]]*\]")
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^>\s]+>")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\x01-\x04]+")
# Superscript digits at a name's end or start mark its author's affiliations: "Chelsea Finn¹²", "(¹Physical
# Intelligence, ²Stanford)"; inside a name they are its own ("M²LInES").
_AFFILIATION_MARK = re.compile(r"(?<=[^\W\d_])[⁰¹²³⁴-⁹]+(?![^\W\d_])|(?<![^\W\d_])[⁰¹²³⁴-⁹]+(?=[^\W\d_])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|<>~])")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0E\uFE0F\u200d\u20e3]")
# "**What's new:**", "_Motion capture:_", "Results:" at the start of a paragraph: labels, not prose.
_MARKED_LABEL = re.compile(r"^\s*(\*\*|__|\*|_)([^*_\n]{1,60}?):\s*\1\s*")
_PLAIN_LABEL = re.compile(r"^\s*([A-Z][\w'’ -]{0,40}?):\s+")
_SPLIT = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9\x01\x03])")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|vs|etc|al|dr|mr|mrs|ms|st|inc|corp|ltd|co|no|fig|approx|jr|sr|prof|"
                     r"u\.s|u\.k|d\.c|p\.s|ph\.d|cf|ca|vol|pp|op|ed|eds|feat)\.|\b[A-Z]\.)$", re.I)
# A sentence's end, and what may follow it in a paragraph that is prose: "… 15 cents. (The Verge)" credits a source.
_TERMINAL = re.compile(r"[.!?…:;][\"”’)\]]*(?:\s*\([^()]{1,60}\))?\s*$")
_LABEL_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_TITLE_WORD = re.compile(r"[^\W\d_](?:[\w'’-]|\.(?=\w))*")   # "llama.cpp" is one word
_SPACES = re.compile(r"[ \t\n]+")
_WORD_CHAR = re.compile(r"\w")
_LETTER = re.compile(r"[^\W\d_]")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def _dictionary_words_only(label: str, is_word) -> bool:
    words = _LABEL_WORD.findall(label)
    return bool(words) and all(is_word(w) for w in words)


def _clean_inline(text: str, is_word) -> str:
    """Markdown inline markup → plain text with anchor and emphasis sentinels."""
    m = _MARKED_LABEL.match(text)
    if m and len(m.group(2).split()) <= 6:
        text = text[m.end():]
    else:
        m = _PLAIN_LABEL.match(text)
        if m and len(m.group(1).split()) <= 4 and _dictionary_words_only(m.group(1), is_word):
            text = text[m.end():]
    # Each pattern runs only when its marker character is there: most paragraphs have few of them.
    if not text.isascii():
        text = _AFFILIATION_MARK.sub("", text)
    if "`" in text:
        text = _INLINE_CODE.sub(" ", text)
    if "[" in text:
        text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
        text = _INLINE_IMAGE.sub(" ", text)
    if "<" in text:
        text = _AUTOLINK.sub(" ", text)
    if "[" in text:
        text = _LINK.sub(lambda m: _A_OPEN + m.group(1) + _A_CLOSE, text)
        text = _REF_LINK.sub(lambda m: _A_OPEN + m.group(1) + _A_CLOSE, text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "&" in text:
        text = html.unescape(text)
    if "**" in text or "__" in text:
        text = _BOLD.sub(lambda m: _S_OPEN + m.group(2) + _S_CLOSE, text)
    if "*" in text or "_" in text:
        text = _ITALIC.sub(lambda m: _E_OPEN + (m.group(1) or m.group(2)) + _E_CLOSE, text)
    if not text.isascii():
        text = _EMOJI.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _spans(text: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """Remove sentinels; return the text and the anchor, emphasis and bold spans in it."""
    out: list[str] = []
    anchors, emphasis, strong = [], [], []
    open_a = open_e = open_s = None
    pos = last = 0
    for m in _SENTINELS.finditer(text):
        out.append(text[last:m.start()])
        pos += m.start() - last
        last = m.end()
        ch = m.group(0)
        if ch == _A_OPEN:
            open_a = pos
        elif ch == _A_CLOSE:
            if open_a is not None:
                anchors.append((open_a, pos))
            open_a = None
        elif ch == _E_OPEN:
            open_e = pos
        elif ch == _E_CLOSE:
            if open_e is not None:
                emphasis.append((open_e, pos))
            open_e = None
        elif ch == _S_OPEN:
            open_s = pos
        elif open_s is not None:
            strong.append((open_s, pos))
            open_s = None
    out.append(text[last:])
    return "".join(out), anchors, emphasis, strong


_MINOR = frozenset("a an the and or nor but of for to in on at by with from as vs via into onto over per up".split())


def title_case(text: str) -> bool:
    """Headline capitalisation: nearly every word but the short function words starts with a capital."""
    words = [w for w in _TITLE_WORD.findall(text) if w.casefold() not in _MINOR]
    if len(words) < 2:
        return False
    caps = len(words) - _lower_case(words)
    # Headlines have at most one lower-case content word; name-dense prose has several.
    return caps / len(words) >= 0.7 and len(words) - caps <= 1


def _lower_case(words: list[str]) -> int:
    """How many of these words are written in lower case. A name written in lower case keeps its case in a
    headline: "vLLM", "llama.cpp" are no lower-case words."""
    return sum(1 for w in words if not (w[0].isupper() or "." in w or any(c.isupper() for c in w[1:])))


def _reads_as_prose(text: str) -> bool:
    """Three lower-case words but the short function words: "Periodic Labs raises another $200M for labs", not a
    job ("Software Engineer, control plane"), a chapter ("Intro") or a reference ("Adler et al. — NVIDIA")."""
    return _lower_case([w for w in _TITLE_WORD.findall(text) if w.casefold() not in _MINOR]) >= 3


def _split(text: str, anchors, emphasis) -> list[tuple[int, int]]:
    """Sentence boundaries, never inside an anchor or emphasised span, never after an abbreviation."""
    protected = anchors + emphasis
    bounds, start = [], 0
    for m in _SPLIT.finditer(text):
        cut = m.start()
        if any(a < cut < b for a, b in protected):
            continue
        if _ABBREV.search(text[max(0, cut - 8):cut]):
            continue
        bounds.append((start, cut))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _sentences(paragraph: str, section: int, is_word, heading: bool = False, item: bool = False) -> list[Sentence]:
    text, anchors, emphasis, strong = _spans(_clean_inline(paragraph, is_word))
    if not _WORD_CHAR.search(text):
        return []
    # A paragraph without a full stop (a pseudo-heading, a list of links, an ad's call to action) or
    # written in Title Case is a headline: its capitals are typography, not names. Headings are often
    # whole sentences ("TabNine is an autocompleter that ..."), so only their case decides.
    words = len(text.split())
    rest = _outside(text, anchors, keep_spaces=True) if anchors else text
    # Prose that ends like a sentence is prose, however many names it holds.
    # A short line is a headline unless it holds sentences ("… at Imperial College London! Dr. Tobi, everyone 🎉").
    bounds = _split(text, anchors, emphasis)
    # A list item in sentence case is a sentence, full stop or not: "- **Periodic Labs** raises another $200M".
    title = (heading or not _TERMINAL.search(text)) and (title_case(rest) or words <= (6 if heading else 14) and (
        heading or len(bounds) == 1 and not (item and _reads_as_prose(rest))))
    if anchors and not _LETTER.search(rest):
        title = True  # nothing but links
    out = []
    for a, b in bounds:
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        seg = seg.strip()
        if not seg:
            continue
        off = a + lead
        seg_anchors = [(x - off, y - off) for x, y in anchors if x >= off and y <= off + len(seg)]
        seg_rest = _outside(seg, seg_anchors, keep_spaces=True) if seg_anchors else seg
        out.append(Sentence(
            seg, section, title or (not _TERMINAL.search(seg) and title_case(seg_rest)),
            tuple((x - off, y - off) for x, y in anchors if x >= off and y <= off + len(seg)),
            tuple((x - off, y - off) for x, y in emphasis if x >= off and y <= off + len(seg)),
            tuple((x - off, y - off) for x, y in strong if x >= off and y <= off + len(seg)),
        ))
    return out


def _outside(text: str, spans, keep_spaces: bool = False) -> str:
    """The text outside the given spans (what is left when every anchor is removed)."""
    parts, pos = [], 0
    for a, b in sorted(spans):
        parts.append(text[pos:a])
        pos = b
    parts.append(text[pos:])
    joined = " ".join(parts)
    return joined if keep_spaces else _NOT_LETTERS.sub("", joined)


def title_spans(s: Sentence) -> list[tuple[int, int]]:
    """Anchors and emphasised spans written in Title Case: headline typography inside a sentence."""
    return [(a, b) for a, b in (*s.anchors, *s.emphasis) if title_case(s.text[a:b])]


def parse(body: str, is_word) -> Prose:
    """Split a Markdown body into sentences, skipping headings, code, images and captions, boilerplate."""
    body = _FENCE.sub("\n", body)
    body = _HTML_COMMENT.sub(" ", body)
    body = _HTML_TAG.sub(" ", body)
    sentences: list[Sentence] = []
    headings: list[str] = []
    section = 0
    buffer: list[str] = []
    after_image = False
    listed = False  # the buffer holds a list item

    def flush():
        nonlocal buffer
        if buffer:
            sentences.extend(_sentences(" ".join(buffer), section, is_word, item=listed))
        buffer = []

    for raw in body.split("\n"):
        line = raw.strip()
        while line.startswith(">"):
            line = line[1:].strip()
        if not line:
            flush()
            continue
        if _HEADING.match(raw) and not raw.lstrip().startswith(">"):
            flush()
            section += 1
            heading = line.lstrip("#").strip()
            headings.append(heading)
            sentences.extend(_sentences(heading, section, is_word, heading=True))
            after_image = False
            continue
        if _RULE.match(line) or _CALLOUT.match(line):
            flush()
            continue
        if _IMAGE_LINE.match(line):
            flush()
            after_image = True
            continue
        if after_image and _ITALIC_LINE.match(line):
            flush()  # the caption under an image repeats its alt text: never an entity source
            after_image = False
            continue
        after_image = False
        low = line.lower()
        if any(h in low for h in _BOILERPLATE_HINTS) and _BOILERPLATE.search(line):
            flush()
            continue
        if line.startswith("|"):
            flush()
            listed = False
            for cell in line.strip("|").split("|"):
                if cell.strip() and not set(cell.strip()) <= set("-: "):
                    buffer.append(cell.strip())
                    flush()
            continue
        item = _LIST_ITEM.match(line)
        if item:
            flush()
            line = line[item.end():]
        line = _TIMESTAMP.sub("", line)
        if buffer and not _TERMINAL.search(buffer[-1]) and len(buffer[-1]) < 60:
            flush()       # a short line without a full stop is a title over the next, not its first half
        if not buffer:
            listed = item is not None
        buffer.append(line)
        if _EMPHASIS_LINE.match(line):
            flush()       # "***Deep Learning with PyTorch***": a pseudo-heading, however it is spaced
    flush()
    return Prose(tuple(sentences), tuple(headings))


# A link to one paper: its arXiv id, OpenReview id, DOI or ACL Anthology id (a version or ".pdf" is the same paper).
_PAPER_LINK = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|openreview\.net/(?:forum|pdf)\?id=|doi\.org/|aclanthology\.org/)"
                         r"([\w./-]+?)(?:v\d+)?(?:\.pdf)?(?=[\s)\]>\"'|]|$)")
_PAPER_HOSTS = ("arxiv.org/", "openreview.net/", "doi.org/", "aclanthology.org/")  # _PAPER_LINK's, to skip a body fast
_MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
_NUMBERING = re.compile(r"^(?:\d{1,3}[.):]|#\d{1,3}:?)\s+")
# A column's label before its topic: "ML Concept of the Day: …", "ML Research: Mixture-of-Depths", "Paper of the Week".
_COLUMN = re.compile(r"^\W*(?:AI|ML|NLP|LLMs?|DL|RL|CV)\b[^:]*?(?::|\s[-–—]\s)|\bof the (?:day|week|month|year)\b",
                     re.I)


def paper_headings(body: str) -> list[str]:
    """The headings over a section that links one paper and few other things, when they read as a title (four words or
    more in Title Case): a paper digest's picks ("## 3. Agents Forget Their Own Plans: Measuring Plan Drift…" over an
    arXiv link). A section linking several papers ("Also noted") or many things is no paper's."""
    if not any(host in body for host in _PAPER_HOSTS):
        return []
    heads = list(_MARKDOWN_HEADING.finditer(body))
    titles = []
    for i, heading in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        if len({m.group(1) for m in _PAPER_LINK.finditer(body, heading.end(), end)}) != 1 \
                or body.count("://", heading.end(), end) > 3:   # a section of links ("Tools and Datasets")
            continue
        title = _NUMBERING.sub("", _SENTINELS.sub("", _spans(_clean_inline(heading.group(1), lambda w: False))[0]))
        title = title.strip(" *_")
        if 4 <= len(title.split()) <= 25 and title[:1].isupper() and title_case(title) and not _COLUMN.search(title):
            titles.append(title)
    return titles
