"""The link extractor: anchor texts that name their target, GitHub repositories, papers, profiles."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence
from urllib.parse import unquote, urlsplit

from ..model import Candidate, Issue, Link
from .lexicon import Lexicon, lexicon
from .context import context
from .names import CJK, clip, foreign, is_generic, self_names, shape_kind, titled_report, tokens, trim_punct
from .phrases import headline_words, verb_between_names

C_LINK_NAME = 0.85      # a link whose anchor names its target ("[Spleeter](github.com/deezer/spleeter)")
C_LINK_WEAK = 0.6       # an anchor of ordinary words that the URL confirms
C_LINK_TITLE = 0.7      # a title introduced as one ("…here: [Using computing to fix climate change](…)")
C_URL_ONLY = 0.5        # a repository named by its URL only, and named in the text too

_GH_RESERVED = frozenset("features topics sponsors orgs marketplace about collections trending settings apps login "
                         "join explore site blog pricing enterprise customer-stories security readme".split())
_TW_RESERVED = frozenset("home search hashtag i intent share explore settings messages notifications".split())
_SELF_ANCHOR = re.compile(r"^(?:[A-Z]{1,4}\s*)?#\s?\d+$|^(?:see all|all)\s+\d+|^\d+(?:\.\d+)*$|^part\s+\w+$", re.I)
# A link whose text is its address ("https://arxiv.org/abs/2403.05286", "github.com/xai-org/grok-1") names nothing
# itself; a bare domain ("remove.bg", "fast.ai") may be a name.
_ADDRESS_ANCHOR = re.compile(r"^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)+/\S*$", re.I)
_OWNER_REPO = re.compile(r"^([\w.-]+)/([\w.-]+)(?:\s|$)")
_INTRO = re.compile(r"(?::|\b(?:called|titled|entitled|named|paper|essay|post|article|book|report|thesis|study|"
                    r"preprint|video|talk)\W{0,3})\s*[\"“]?$", re.I)
_NOT_ALNUM = re.compile(r"[\W_]+")
_WORDS = re.compile(r"\w+")
_GOES_ON = re.compile(r"\s+[a-z]")
_LOWER_WORD = re.compile(r"[a-z][a-z'’-]+")  # "released", not "remove.bg", "wav2letter@anywhere" or "NVIDIA’s"
_DASHES = re.compile(r"[-_]")
_DOT_GIT = re.compile(r"\.git$")
_POSSESSIVE = re.compile(r"['’]s$")
# Link targets, URLs, e-mail addresses. The address alternative starts only where a run of [\w.+-] starts
# (a match never ends inside one) and never gives back what it took ("@" is not in the run): the same
# matches without rescanning every word from each of its letters; without an "@" it cannot match at all.
_NOT_PROSE = re.compile(r"\]\([^)]*\)|https?://\S+|(?<![\w.+-])[\w.+-]++@\S+")
_NOT_PROSE_NO_AT = re.compile(r"\]\([^)]*\)|https?://\S+")
_SEPARATORS = re.compile(r"[-_ ]+")
_LETTER = re.compile(r"[^\W\d_]")
_MARKUP = re.compile(r"[*_`]+")
_LEADING_PUNCT = re.compile(r"^[^\w#@$(]+")
_MODEL = re.compile(r"\bmodel\b", re.I)
_SOURCE_NOTE = re.compile(r"\s+\(([^()]{1,40})\)$")


# URLs, hosts and names recur across links and issues: the pure helpers below remember their answers.
@lru_cache(maxsize=1 << 16)
def _host(url: str) -> str:
    host = urlsplit(url).netloc.casefold().split("@")[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=1 << 16)
def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


@lru_cache(maxsize=1 << 16)
def _host_matches(name: str, host: str) -> bool:
    """True when the host is the name's own site: deezer.com for Deezer, mturk.com for Mechanical Turk."""
    labels = [l for l in host.split(".")[:-1] if l not in ("www", "blog", "app", "en", "m")]
    if not labels:
        return False
    label = labels[-1]
    comp = _compact(name)
    if len(comp) < 2:
        return False
    if comp == _compact(label) or comp == _compact(host) or (len(comp) >= 4 and comp in _compact(label)) \
            or (len(label) >= 4 and _compact(label) in comp):
        return True
    words = {w for w in _WORDS.findall(name.casefold()) if len(w) >= 4}
    if words & {w for w in _DASHES.split(label) if len(w) >= 4}:
        return True
    it = iter(comp)
    return len(label) >= 4 and label[0] == comp[0] and all(ch in it for ch in label)


@lru_cache(maxsize=1 << 16)
def _github(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if _host(url) != "github.com":
        return None
    segs = [unquote(s) for s in parts.path.split("/") if s]
    if len(segs) >= 2 and segs[0].casefold() not in _GH_RESERVED:
        return segs[0], _DOT_GIT.sub("", segs[1])
    return None


@lru_cache(maxsize=1 << 16)
def _profile(url: str) -> bool:
    host, segs = _host(url), [s for s in urlsplit(url).path.split("/") if s]
    if host in ("twitter.com", "x.com", "mobile.twitter.com"):
        return bool(segs) and segs[0].casefold() not in _TW_RESERVED
    if host.endswith("linkedin.com"):
        return len(segs) >= 2 and segs[0] == "in"
    return host == "github.com" and len(segs) == 1 and segs[0].casefold() not in _GH_RESERVED


def _url_kind(url: str, lex: Lexicon) -> str | None:
    return _kind_of_url(url, lex.url_kinds)


@lru_cache(maxsize=1 << 16)
def _kind_of_url(url: str, url_kinds: tuple[tuple[str, str], ...]) -> str | None:
    host = _host(url)
    path = urlsplit(url).path.casefold()
    for prefix, kind in url_kinds:
        h, _, p = prefix.partition("/")
        if (host == h or host.endswith("." + h)) and path.lstrip("/").startswith(p):
            return kind
    return None


def _without_source_note(anchor: str, host: str, lex: Lexicon) -> str:
    """Import AI's "GraphCast: … (arXiv)", "Yi (GitHub)", "Claude 3 (Anthropic blog)": where the link goes, said
    after what it is, is not part of its name. "Transformer (machine learning model)" keeps its parenthesis."""
    note = _SOURCE_NOTE.search(anchor)
    if note is None or note.start() == 0:
        return anchor
    said = note.group(1).strip()
    low = said.casefold()
    if low in lex.anchor_heads or low.rsplit(" ", 1)[-1] in lex.anchor_heads or _host_matches(said, host):
        return anchor[:note.start()]
    return anchor


_LIST_SEPARATOR = re.compile(r",\s+(?:and\s+)?|\s+(?:and|&)\s+")


def _names_listed(anchor: str, lex: Lexicon) -> bool:
    """A link's text that lists well-known names ("Carnegie Mellon and Google Brain", "Geoffrey Hinton, and Demis
    Hassabis"), not one name itself ("Procter & Gamble")."""
    parts = _LIST_SEPARATOR.split(anchor)
    return len(parts) > 1 and not lex.well_known(anchor) and all(lex.well_known(part) for part in parts)


_HONORIFIC = re.compile(r"^(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+(?=[A-Z]\S*\s+[A-Z])")  # before a name of two words or more


def _strip_anchor(anchor: str, lex: Lexicon) -> str:
    """ "Runway ML’s website" → "Runway ML", "PyTorch library" → PyTorch, "Dr. Axel Krieger" → "Axel Krieger"; a
    title stays as it is."""
    name = _HONORIFIC.sub("", anchor)
    words = name.split()
    if titled_report(words):
        return name            # "GPT-4 Technical Report": a title, whose last word is no anchor head
    while len(words) > 1 and words[-1].islower() and lex.is_word(words[-1]) and not any(
            w.islower() for w in words[:-1]) and words[-2].casefold() not in lex.connectors:
        words.pop()
    name = " ".join(words)
    for _ in range(2):
        low = name.casefold()
        # The longest head ending the anchor, as a scan of anchor_heads (longest first) finds it: only one
        # head of each length can be the anchor's ending, so one look-up per length does.
        for size, heads in _heads_by_length(lex.anchor_heads):
            if len(low) > size + 2 and low[-size - 1] == " " and low[-size:] in heads:
                name = name[: -size - 1].rstrip()
                break
        name = _POSSESSIVE.sub("", name).strip()
    return name


# One plain lower-case word, perhaps with a version: "uv", "pgvector", "ripgrep 15" (names.tokens leaves such words out).
_LOWER_NAME = re.compile(r"([a-z]+(?:-[a-z]+){0,2})(?:\s+v?\d+(?:\.\d+)*)?")  # not a slug; "vid2vid" is a token


@lru_cache(maxsize=4)
def _heads_by_length(heads: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...]:
    sizes = sorted({len(h) for h in heads}, reverse=True)
    return tuple((n, frozenset(h for h in heads if len(h) == n)) for n in sizes)


class LinkEntityExtractor:
    """Anchor texts that name their target; GitHub repositories, arXiv papers and profile links."""

    name = "links"

    def extract(self, issue: Issue, links: Sequence[Link]) -> Iterable[Candidate]:
        lex = lexicon()
        own_hosts = {_host(u) for u in (issue.url, *issue.aliases) if u and "//" in u}
        own_names = self_names(issue, ())
        plain = None
        found: dict[str, str | None] = {}
        out: list[Candidate] = []

        def in_text(word: str) -> str | None:
            """The word as the issue's prose writes it (outside URLs), or None."""
            nonlocal plain
            if word in found:           # asked twice for an owner: one search of the whole body
                return found[word]
            if plain is None:
                plain = (_NOT_PROSE if "@" in issue.body else _NOT_PROSE_NO_AT).sub(" ", issue.body)
            pattern = r"(?<![\w/.-])" + r"[\s-]?".join(map(re.escape, _SEPARATORS.split(word))) + r"(?![\w/-])"
            m = re.search(pattern, plain, re.I)
            found[word] = m.group(0) if m else None
            return found[word]

        def emit(name, link, conf, kind, desc=None, aliases=()):
            if not _LETTER.search(name) or name.casefold() in own_names:
                return
            out.append(Candidate(name, issue.source, self.name, kind, clip(link.sentence), link.canonical or link.url,
                                 conf, desc, tuple(aliases)))

        for link in links:
            url = link.canonical or link.url
            host = _host(url)
            if not host or host in own_hosts:
                continue
            anchor = trim_punct(" ".join(_MARKUP.sub("", link.text).split()).strip("[]"))
            anchor = _without_source_note(_LEADING_PUNCT.sub("", anchor), host, lex)
            repo = _github(url)
            if repo and repo[0].casefold() == repo[1].casefold():
                owner = None
            else:
                owner = repo[0] if repo else None
            low = anchor.casefold()
            generic = not anchor or low in lex.generic_anchors or low.endswith(" here") \
                or _SELF_ANCHOR.match(anchor) or _ADDRESS_ANCHOR.match(anchor) or low in own_names \
                or any(low.startswith(n + " ") for n in own_names if len(n) > 3)
            shown = _OWNER_REPO.match(anchor)
            if repo and (generic or (shown and shown.group(2).casefold() == repo[1].casefold())):
                surface = repo[1] if shown else in_text(repo[1])
                if surface and (shown or not lex.is_word(surface) or surface[:1].isupper()):
                    kind = "model" if _MODEL.search(link.sentence) and not shown else "library"
                    emit(surface, link, 0.8 if shown else C_URL_ONLY, kind, None, (f"{repo[0]}/{repo[1]}",))
                    if owner and in_text(owner):
                        emit(in_text(owner), link, C_URL_ONLY, "organization")
                continue
            if generic or _names_listed(anchor, lex):
                continue   # "[Carnegie Mellon and Google Brain](arxiv…)": the prose names them, the link is neither's
            self._anchor(anchor, link, url, host, repo, owner, emit, in_text, lex)
        return out

    @staticmethod
    def _lower_case_name(name, word, link, url, host, repo, sentence, emit, lex):
        """"[uv](github.com/astral-sh/uv)", "[mise](mise.jdx.dev)", "[ty](docs.astral.sh/ty/)": a word the dictionary
        lacks names its target when the URL says it too: its repository, or off the platforms its site, a subdomain or
        the first folder of its path."""
        if lex.is_word(word) or len(word) < 2:
            return
        if repo:
            if _compact(repo[1]) != _compact(word):
                return
        elif any(host == p or host.endswith("." + p) for p in lex.platform_hosts):
            return                     # "[youtube](youtube.com/…)", "[karpathy](twitter.com/karpathy)": not the target
        elif not (_host_matches(word, host) or _compact(word) in {_compact(p) for p in host.split(".")}
                  or _compact(word) == _compact(urlsplit(url).path.strip("/").split("/")[0])):
            return                     # (a later folder is a page's: "…/projects/nowcasting")
        at = sentence.find(name)
        ctx = context(sentence, at, at + len(name), lex, 1) if at >= 0 else None
        kind = (ctx.kind if ctx else None) or ("library" if repo else _url_kind(url, lex)) or "product"
        emit(name, link, C_LINK_WEAK, kind, ctx.description if ctx else None)

    def _anchor(self, anchor, link, url, host, repo, owner, emit, in_text, lex):
        name = _strip_anchor(anchor, lex)
        first, _, rest = name.partition(" ")
        if first.casefold() in lex.calls_to_action:
            if not rest or rest[:1].islower():
                return                 # "DM on Twitter", "Follow us": a button, not a name
            name, first = rest, rest.split(" ", 1)[0]   # "Try DeOldify": DeOldify
        sentence = " ".join(link.sentence.split())
        lone = _LOWER_NAME.fullmatch(name)
        if lone:
            self._lower_case_name(name, lone.group(1), link, url, host, repo, sentence, emit, lex)
            return
        if (" " in name and first.islower() and first.isalpha() and first != "the") or CJK.search(name):
            return                     # "according to IBPAP", "AraBERT模型" (the AraBERT model): a phrase, not a name
        toks = tokens(name, lex)
        if not toks:
            return
        at = sentence.find(anchor)
        before = sentence[:at] if at >= 0 else ""
        intro = bool(_INTRO.search(before)) if at > 0 else False
        # Ordinary lower-case words make a headline or a clause of it ("California's SB 1047 awaits Governor Newsom's
        # decision", "Anthropic just released"), not a name; "Papers with Code" has only function words.
        clause = any(_LOWER_WORD.fullmatch(w) and w not in lex.connectors and w not in lex.stopwords
                     for w in name.split())
        if clause and before.strip() and not intro and not before.rstrip().endswith((":", "\"", "“", "—", "–", "(")):
            return                     # "This week [Anthropic released Claude 3], and …": a clause of the text
        if clause and at >= 0 and _GOES_ON.match(sentence, at + len(anchor)):
            return                     # "[Anthropic just released] an upgraded Claude": the text goes on with it
        url_kind = _url_kind(url, lex)
        profile = _profile(url)
        words = [t for t in toks if not t.version]
        capital = [t for t in words if t.cap or t.strength >= 1]
        lower = [t for t in words if not (t.cap or t.strength >= 1) and t.core.casefold() not in lex.connectors]
        matched = _host_matches(name, host) or \
            bool(repo and _compact(repo[1]) in (_compact(name), _compact(name.split()[-1])))
        best = max((t.strength for t in words), default=-1)
        if is_generic(name, lex) and not matched:
            return
        ctx = context(sentence, at, at + len(anchor), lex, len(words)) if at >= 0 else None
        cue_kind = ctx.kind if ctx else None
        desc = ctx.description if ctx else None
        if not capital:
            # "fast.ai", "wav2letter": a lower-case anchor with a name's shape names its target when the URL agrees.
            if len(words) == 1 and (matched or best == 3) and not lex.is_word(name):
                emit(name, link, C_LINK_WEAK, cue_kind or url_kind or "product", desc)
            return
        short = not lower and not clause and len(words) <= 6 and (toks[0].cap or toks[0].strength >= 1)
        # A headline, not a name: a verb between names ("OpenAI Launches ChatGPT Edu"). Asked once, where it matters.
        news = (short or intro or matched and not clause) and verb_between_names(toks, *headline_words(toks, name, lex))
        name_like = short and not news
        if not name_like or (len(words) >= 3 and intro and not matched):
            if matched and len(words) <= 5 and not clause:
                emit(name, link, C_LINK_NAME, cue_kind or "product", desc)
            elif url_kind == "paper" or (intro or matched and not clause) and not news:  # a site's post, not its news
                kind = "other" if host in ("youtube.com", "youtu.be", "vimeo.com") else "paper"
                emit(anchor, link, C_LINK_TITLE, kind)
            return
        person = profile and len(words) <= 4 and all(t.core.isalpha() or "-" in t.core for t in words)
        if best <= 1 and not (matched or person or repo or intro or lex.well_known(name)):
            if url_kind == "paper" and len(words) >= 3:
                emit(anchor, link, C_LINK_TITLE, "paper")  # "[Instruction Tuning With Loss Over Instructions](arxiv…)"
            return                     # "Electricity Systems", "Transportation": ordinary words in a list of links
        if best == 2 and len(words) == 1 and not (matched or person or repo) and foreign(sentence, lex):
            return                     # "Aquí", "Suscríbete": a word of another language, the URL's name or not
        kind = ("person" if person else None) or (lex.well_known(name) or (None, None))[1] or cue_kind \
            or (("library" if repo else None) if repo else url_kind) or shape_kind([t.core for t in words], lex)
        if kind is None and matched:
            kind = "organization" if len(words) == 1 else "product"
        if url_kind == "person" and not person:
            kind = cue_kind or None
        conf = C_LINK_NAME if (matched or person or repo or best >= 2) else C_LINK_WEAK
        if person and len(words) == 1:
            conf = C_LINK_WEAK
        aliases = (f"{repo[0]}/{repo[1]}",) if repo and _compact(repo[1]) == _compact(name) else ()
        emit(name, link, conf, kind, desc, aliases)
        if repo and owner and in_text(owner) and _compact(owner) != _compact(name):
            emit(in_text(owner), link, C_URL_ONLY, "organization")

