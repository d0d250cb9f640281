"""External links: find them in Markdown, canonicalise their URLs, classify what they point to."""
from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator
from urllib.parse import unquote, urlsplit, urlunsplit

from markdown_it import MarkdownIt

from .model import Link

# Query parameters that only track the reader; everything else (YouTube's `v`, search terms) is kept.
TRACKING_PARAMS = frozenset({
    "ref", "ref_src", "ref_url", "referrer", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking",
    "mc_cid", "mc_eid", "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "twclid", "ttclid",
    "_ga", "_gl", "mkt_tok", "trk", "trkcampaign", "sc_campaign", "sc_channel", "oly_enc_id", "oly_anon_id",
    "vero_id", "vero_conv", "wickedid", "ck_subscriber_id", "s_kwcid", "spm", "si", "cmpid", "campaign_id",
    "ss_source", "ss_campaign_id", "rss", "source_impression_id", "mbid", "sr_share", "ncid", "cid_source",
    "_bhlid", "_kx", "rdt_cid",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hs_", "vgo_", "hubs_")
# A tweet's share parameters ("?s=20&t=…"): tracking there only.
_TWEET_TRACKING = frozenset({"s", "t"})
_TWEET_HOSTS = frozenset({"twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com", "www.x.com"})
# A Mailchimp archive page's "e" is the reader's own subscriber id (or its unfilled "[UNIQID]").
_MAILCHIMP_TRACKING = frozenset({"e"})
_MAILCHIMP_HOSTS = ("mailchi.mp", "campaign-archive.com")

_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
BARE_URL = re.compile(r"(?<![\[\w/=\"'])https?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?*_]")
_SENTENCE_BREAK = re.compile(r"\n|(?<=[.!?])\s+(?=[A-Z\"“(])")
# "> [!note] What’s new" over "> The lab …": a labelled paragraph (readers/labels.py); folded callouts are not.
_LABEL_TITLE = re.compile(r">[ \t]*\[!\w+\][ \t]+(\S.*)")
_PAREN_LABEL = re.compile(r"^\W*(?:[A-Z][\w'’]*(?: [\w'’]+){0,2}):\s+")  # "Read more: "
_PAREN_END = re.compile(r"\)[.,;:!?]?[ \t]*(?:\n|$)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“(])")


@dataclass(frozen=True)
class Span:
    """A Markdown link or image as written: text[start:end] in the body."""

    start: int
    end: int
    text: str        # anchor text or alt text, Markdown kept
    url: str         # destination, unescaped, joined if it was broken across lines
    image: bool


# Only block structure is needed here: inline parsing would triple the cost.
_BLOCK_PARSER = MarkdownIt("commonmark").disable(["inline", "text_join"], ignoreInvalid=True)
_CODE_BLOCKS = {"fence", "code_block", "html_block"}
_MAY_HAVE_BLOCKS = re.compile(r"^ {0,3}(?:```|~~~|<[A-Za-z!/?])", re.M)


@lru_cache(maxsize=32)  # several stages ask about the same body in a row
def protected_ranges(markdown: str) -> tuple[tuple[int, int], ...]:
    """Code blocks, HTML blocks and inline code: never searched for links or mentions."""
    starts = [0]
    for line in markdown.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    ranges = []
    # Parsing blocks costs milliseconds; text without fences or HTML blocks (most issues) needs none.
    tokens = _BLOCK_PARSER.parse(markdown) if _MAY_HAVE_BLOCKS.search(markdown) else ()
    for token in tokens:
        if token.type in _CODE_BLOCKS and token.map:
            first, last = token.map
            ranges.append((starts[min(first, len(starts) - 1)], starts[min(last, len(starts) - 1)]))
    for m in _INLINE_CODE.finditer(markdown):
        if not any(a <= m.start() < b for a, b in ranges):
            ranges.append(m.span())
    return tuple(sorted(ranges))


def _inside(pos: int, ranges) -> bool:
    return any(a <= pos < b for a, b in ranges)


def _match_bracket(text: str, close: int) -> int:
    """Index of the '[' that opens the ']' at `close`, honouring nesting and escapes; -1 if none."""
    depth, i = 0, close
    while i >= 0:
        ch = text[i]
        escaped = i > 0 and text[i - 1] == "\\"
        if ch == "]" and not escaped:
            depth += 1
        elif ch == "[" and not escaped:
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n" and i > 0 and text[i - 1] == "\n":
            return -1  # links never span paragraphs
        i -= 1
    return -1


def _destination(text: str, start: int) -> tuple[str, int] | None:
    """Parse `(url "title")` at text[start] == '('; returns (url, end) or None."""
    i = start + 1
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] == "<":
        close = text.find(">", i)
        if close < 0 or "\n\n" in text[i:close]:
            return None
        url, i = text[i + 1:close], close + 1
    else:
        depth, begin = 0, i
        while i < n:
            ch = text[i]
            if ch == "\\" and i + 1 < n:
                i += 2
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif ch in " \t" or (ch == "\n" and text[i + 1:i + 2] in ("", "\n")):
                break
            i += 1
        url = text[begin:i]
    while i < n and text[i] in " \t\n":
        i += 1
    if i < n and text[i] in "\"'":
        close = text.find(text[i], i + 1)
        if close < 0:
            return None
        i = close + 1
        while i < n and text[i] in " \t":
            i += 1
    if i >= n or text[i] != ")":
        return None
    url = re.sub(r"\s+", "", url)                   # a URL broken across lines is one URL
    url = re.sub(r"\\([()\[\]_*~#&])", r"\1", url)  # escaped parentheses and friends
    return html.unescape(url), i + 1


@lru_cache(maxsize=32)  # extract and url_edits ask about the same body in a row
def find_spans(markdown: str) -> tuple[Span, ...]:
    """Every inline link and image, in order, outside code; never overlapping (a linked image is one span)."""
    ranges = protected_ranges(markdown)
    spans: list[Span] = []
    for m in re.finditer(r"\]\(", markdown):
        close = m.start()
        if _inside(close, ranges) or (spans and close < spans[-1].end):
            continue
        open_ = _match_bracket(markdown, close)
        parsed = _destination(markdown, close + 1)
        if open_ < 0 or parsed is None:
            continue
        url, end = parsed
        image = open_ > 0 and markdown[open_ - 1] == "!"
        while spans and spans[-1].start >= open_ - image:  # an image inside this link: part of its text
            spans.pop()
        spans.append(Span(open_ - image, end, markdown[open_ + 1:close], url, image))
    return tuple(spans)


def _bare_urls(markdown: str, spans: tuple[Span, ...]) -> Iterator[re.Match]:
    """URLs written as plain text: outside code and outside link and image spans."""
    ranges = protected_ranges(markdown)
    bounds = [(s.start, s.end) for s in spans]
    for m in BARE_URL.finditer(markdown):
        if not (_inside(m.start(), ranges) or _inside(m.start(), bounds)):
            yield m


@lru_cache(maxsize=65_536)
def canonical_url(url: str) -> str:
    """Tracking parameters and empty fragments removed, scheme and host lower-cased."""
    url = html.unescape(url.strip())
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    host = parts.netloc.lower()
    if host.endswith(":80") and parts.scheme.lower() == "http" or host.endswith(":443"):
        host = host.rsplit(":", 1)[0]
    target = _redirect_target(host, parts)
    if target is not None and target != url:
        return canonical_url(target)
    # Pieces are kept as written (no re-encoding): only the tracking ones go.
    shared = _TWEET_TRACKING if host in _TWEET_HOSTS else _MAILCHIMP_TRACKING if host.endswith(_MAILCHIMP_HOSTS) \
        else frozenset()
    query = [piece for piece in parts.query.split("&")
             if piece and not _is_tracking(name := piece.split("=", 1)[0]) and name not in shared]
    fragment = parts.fragment if parts.fragment.startswith(("!", "/")) or _keeps_fragment(host) else ""
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), host, path, "&".join(query), fragment))


_ENCODED_TARGET = re.compile(r"(?<=/)https?(?::|%3A)%2F%2F[^/]+", re.I)
_REDIRECT_HOST = re.compile(r"(?:^|\.)(?:tracking|track|click|clicks|links?|redirect|r)\.")  # not an image CDN's


def _redirect_target(host: str, parts) -> str | None:
    """Where a redirect that says its target goes: Outlook's safe links and Google's (`url=`, `q=`), Facebook's
    (`u=`), Substack's (base64 JSON, its target under "e"), a tracker's that writes it into its path. Click trackers
    that hide theirs stay as they are (see names_nothing)."""
    if (host.endswith(".safelinks.protection.outlook.com")
            or (host in ("www.google.com", "google.com") and parts.path == "/url")
            or (host in ("l.facebook.com", "lm.facebook.com") and parts.path == "/l.php")):
        for piece in parts.query.split("&"):
            key, _, value = piece.partition("=")
            if key in ("url", "q", "u") and unquote(value).startswith(("http://", "https://")):
                return unquote(value)
        return None
    encoded = _ENCODED_TARGET.search(parts.path) if _REDIRECT_HOST.search(host) else None
    if encoded:  # a tracker that writes its target into the path: TLDR's "/CL0/https:%2F%2Fexample.com%2Fpost/1/0100…"
        return unquote(encoded.group(0))
    if host == "substack.com" and parts.path.startswith("/redirect/"):
        try:
            data = json.loads(base64.urlsafe_b64decode(parts.path.rsplit("/", 1)[-1] + "=="))
        except (ValueError, TypeError):
            return None
        target = data.get("e") if isinstance(data, dict) else None
        return target if isinstance(target, str) and target.startswith(("http://", "https://")) else None
    return None


# Links that name nothing to make a resource note of (the issue keeps them as links): click trackers that hide their
# target (the mail platform's redirect), an unsubscribe or preferences page, a vote in a poll, a picture.
_OPAQUE_TRACKER = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:list-manage\.com/track/click|sendgrid\.net/(?:ls|wf)/click|hubspotlinks\.com/|"
    r"hs-sales-engage\.com/|convertkit-mail\d*\.com/|beehiiv\.com/ss/c/|substack\.com/c/|aweber\.com/|rs6\.net/tn\.jsp|"
    r"(?:cmail\d+|createsend\d*)\.com/t/|mlsend\.com/|mailchimp\.com/track/|mandrillapp\.com/track/|"
    r"sparkpostmail\.com/f/|mjt\.lu/lnk/)", re.I)
_NOTHING_PATH = re.compile(r"/(?:unsubscribe|email-preferences|manage-?(?:subscription|preferences)|preferences)"
                           r"(?:[/?#.]|$)|\.(?:png|jpe?g|gif|webp|svg|avif)$", re.I)
POLL_KEYS = ("poll", "vote", "rating")   # a query that casts a vote in a reader poll


@lru_cache(maxsize=65_536)  # asked for every link of every issue at every build; URLs come back issue after issue
def names_nothing(url: str) -> bool:
    """Whether a (canonical) URL is a link no resource note is made for (see _OPAQUE_TRACKER)."""
    parts = urlsplit(url)
    return bool(_OPAQUE_TRACKER.match(url) or _NOTHING_PATH.search(parts.path)
                or any(piece.split("=", 1)[0].lower() in POLL_KEYS for piece in parts.query.split("&")))


def _is_tracking(name: str) -> bool:
    name = unquote(name).lower()
    return name in TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def _keeps_fragment(host: str) -> bool:
    # Wikipedia and docs sites use fragments for sections; a fragment there names a different resource.
    return host.endswith("wikipedia.org")


def is_external(url: str) -> bool:
    return bool(re.match(r"https?://[^/\s]+\.[^/\s]+", url, re.I))


@lru_cache(maxsize=65_536)  # asked for every resource note and index of every build
def domain(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def resource_kind(url: str) -> str:
    """What a URL points to, from its shape: repository, paper, tweet, video, profile, pdf, article, website."""
    parts = urlsplit(url)
    host, path = domain(url), parts.path.rstrip("/")
    segments = [s for s in path.split("/") if s]
    if host in ("github.com", "gitlab.com") and len(segments) >= 2:
        return "repository"
    if host in ("arxiv.org", "openreview.net", "aclanthology.org", "aclweb.org", "papers.nips.cc",
                "proceedings.mlr.press", "paperswithcode.com") and segments[:1] in (["abs"], ["pdf"], ["forum"],
                                                                                  ["paper"], ["anthology"]):
        return "paper"
    if host in ("twitter.com", "x.com", "mobile.twitter.com"):
        return "tweet" if "status" in segments else "profile"
    if host in ("youtube.com", "youtu.be", "m.youtube.com", "vimeo.com") or host.endswith(".youtube.com"):
        return "video"
    if host in ("linkedin.com",) or host.endswith(".linkedin.com"):
        return "profile"
    if path.lower().endswith(".pdf"):
        return "pdf"
    if host.endswith("wikipedia.org"):
        return "encyclopedia"
    if not segments:
        return "website"
    return "article"


def plain(markdown: str) -> str:
    """Markdown inline text → readable text (links → their text, images, whose alt text describes a picture and names
    nothing, and emphasis and code marks dropped)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]", r"\1", text)
    text = re.sub(r"[*_`]{1,3}", "", text)
    return " ".join(text.replace("\\", "").split())


def sentence_at(markdown: str, start: int, end: int) -> str:
    """The sentence holding markdown[start:end], as plain text, at most ~300 characters."""
    para_start = markdown.rfind("\n\n", 0, start) + 1
    para_end = markdown.find("\n\n", end)
    para_end = len(markdown) if para_end < 0 else para_end
    before, target, after = markdown[para_start:start], markdown[start:end], markdown[end:para_end]
    # Sentences end at line ends too: one-sentence-per-line newsletters are common.
    head = _SENTENCE_BREAK.split(before)[-1]
    tail = _SENTENCE_BREAK.split(after)[0]
    # The first sentence of a labelled paragraph (a callout's first line) starts with its label.
    line_start = markdown.rfind("\n", 0, start) + 1
    if line_start and markdown.startswith(">", line_start) and len(head) == start - line_start \
            and (title := _LABEL_TITLE.match(markdown, markdown.rfind("\n", 0, line_start - 1) + 1, line_start - 1)):
        head = f"{title.group(1)}: {head[1:].lstrip()}"
    sentence = plain(head + target + tail).lstrip("*-•> ").strip()
    return sentence if len(sentence) <= 300 else sentence[:297].rsplit(" ", 1)[0] + "…"


def extract(markdown: str) -> list[Link]:
    """External links (not images) with canonical URL, anchor text and sentence."""
    links = []
    spans = find_spans(markdown)
    for span in spans:
        if span.image or not is_external(span.url):
            continue
        links.append(Link(span.url, canonical_url(span.url), plain(span.text), sentence_at(markdown, span.start, span.end)))
    for m in _bare_urls(markdown, spans):
        links.append(Link(m.group(0), canonical_url(m.group(0)), _text_before(markdown, m),
                          sentence_at(markdown, m.start(), m.end())))
    return links


def _text_before(markdown: str, url: re.Match) -> str:
    """The text a URL in parentheses stands for, as plain-text e-mails write links ("Read more: Gemma: Open Models
    (arXiv) (https://arxiv.org/abs/2403.08295)."): the line before it, its label aside, when the URL ends the line;
    "" for any other bare URL."""
    start, end = url.span()
    if markdown[start - 1:start] != "(" or not _PAREN_END.match(markdown, end):
        return ""
    line = markdown[markdown.rfind("\n", 0, start) + 1:start - 1]
    line = line[line.rfind("[") + 1:] if line.rfind("[") > line.rfind("]") else line  # "[AraBERT paper(https://…)"
    text = plain(_PAREN_LABEL.sub("", _SENTENCE_BREAK.split(line)[-1], count=1)).strip(" *-•>")
    return text if 0 < len(text) <= 200 else ""


def markdown_link(span: Span, url: str) -> str:
    """A link or image span written again with url as its destination, on one line."""
    text = span.text.replace("\n", " ")
    return f"{'!' if span.image else ''}[{text}]({_written_destination(url)})"


# Compiled here: re's own cache of patterns (512) is flushed by builds that compile many, and this one is asked for
# once per link of every issue linked to another (a recompile each time cost a watcher's build half a second).
_ENCLOSED = re.compile(r"[\s()]")


def _written_destination(url: str) -> str:
    # Angle brackets are never part of a URL as written in Markdown: encoded, so that <…> can enclose it.
    url = url.replace("<", "%3C").replace(">", "%3E")
    return f"<{url}>" if _ENCLOSED.search(url) else url


# (start, end, replacement, canonical URL): the canonical URL is given for external links (not images), which
# may become wikilinks to another issue's note; None for images and bare URLs.
Edit = tuple[int, int, str, "str | None"]


def url_edits(markdown: str) -> tuple[Edit, ...]:
    """The edits, in order, that give every URL of markdown its canonical form.

    Found in one pass over the text as read: computed once per source (and cached with it), applied on every
    build by apply_edits. Every external link has an edit, changed or not, for wikilinks to other issues.
    """
    spans = find_spans(markdown)
    edits = []
    for span in spans:
        if is_external(span.url):
            canonical = canonical_url(span.url)
            new = markdown_link(span, canonical)
            if new != markdown[span.start:span.end] or not span.image:
                edits.append((span.start, span.end, new, None if span.image else canonical))
    for m in _bare_urls(markdown, spans):
        new = canonical_url(m.group(0))
        if new != m.group(0):
            edits.append((m.start(), m.end(), new, None))
    return tuple(sorted(edits))


def apply_edits(markdown: str, edits: Iterable[Edit], wikilink=None) -> str:
    """markdown with its url_edits made; wikilink(canonical, anchor text) may give a link's replacement instead."""
    out, last = [], 0
    for start, end, new, canonical in edits:
        if canonical is not None and wikilink is not None:
            new = wikilink(canonical, _anchor(new, canonical)) or new
        out += (markdown[last:start], new)
        last = end
    out.append(markdown[last:])
    return "".join(out)


def _anchor(written: str, url: str) -> str:
    """The anchor text of a link written by markdown_link(span, url)."""
    return written[1:len(written) - len(_written_destination(url)) - 3]


def bare_urls_canonical(text: str) -> str:
    return BARE_URL.sub(lambda m: canonical_url(m.group(0)), text)
