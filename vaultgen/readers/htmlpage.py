"""The HTML reader's work: a page, a fragment or an e-mail's HTML parsed, cleaned and turned into Markdown."""
from __future__ import annotations

import datetime as _dt
import email.utils
import html
import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import MarkdownConverter, chomp, should_remove_whitespace_inside, should_remove_whitespace_outside

from ..errors import SourceError
from ..metadata import author_names, copyright_holder, heading_text
from ..model import Issue, SourceDoc
from ..textfix import clean_inline
from . import labels
from .boilerplate import WEB_VERSION, sponsored_callout, web_version
from .htmlchrome import Boilerplate, tracking_pixel
from .htmltree import BLOCKS, HEADINGS, attr, sibling, within
from .headings import story_headings

_TAG = re.compile(r"<[^>]*>")

# Structure.
_DROP = {"script", "style", "noscript", "template", "nav", "iframe", "svg", "form", "button", "input", "select",
         "textarea", "object", "embed", "canvas", "map", "link", "meta", "title", "base", "footer"}
# markdownify glues unknown tags inline and turns every table into a Markdown table: layout gets plain blocks.
_AS_DIV = {"center", "main", "header", "aside", "address", "details", "summary", "body", "html", "head",
           "hgroup", "fieldset", "article", "section"}
_TABLE_PARTS = {"thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup"}
_MARKUP = {"a", "em", "i", "strong", "b", "code", "kbd", "samp", "del", "s", "q"}  # emit a leading marker
_WRAPPERS = {"em", "i", "span", "font", "u", "strong", "b"}  # inline tags a paragraph's label may sit in
# Where a labelled paragraph stays as it is: a callout cannot start inside a list item, cell, quote or ad.
_NO_CALLOUT = {"li", "td", "th", "blockquote", "pre", "figure", "figcaption", "vg-sponsored", "vg-callout", *HEADINGS}
_HIDDEN = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all|visibility\s*:\s*hidden", re.I)

# Text escaping. Bare URLs match first and stay verbatim, so links found in the text still resolve.
_ESC = (r"(?P<url>https?://[^\s<>\"]+)|\\(?=[!-/:-@\[-`{-~])|[*`]|\[\[|\](?=\()|%%|<(?=[A-Za-z/!?%])|(?<![\w&])#(?=\w)"
        r"|_(?![^\W_])|(?<![^\W_])_")
_ESC_RE = {(a, c): re.compile(_ESC + (r"|[\[\]]" if a else "") + (r"|\|" if c else "")) for a in (0, 1) for c in (0, 1)}
_MATH = re.compile(r"\$(?=\S)[^$\n]*(?<=\S)\$")  # Obsidian would render "$5–$10" as LaTeX
_LS_DIGITS = re.compile(r"(\s*\d{1,9})(?=[.)](?:\s|$))")
_LS_MARK = re.compile(r"\s*(?=#{1,6}(?:\s|$)|[-+](?:\s|$)|>|=+\s*$|-+\s*$|~~~)")
_WS = re.compile(r"[\t\r\n ]+")
_NBSP = re.compile(r"\xa0|&(?:nbsp|#0*160|#x0*a0);?", re.I)
# bs4's html.parser builder remembers every void tag written as <br> in a list it scans on each end tag:
# quadratic on e-mails with thousands of <br>/<img>. Written as <br />, they never enter that list.
_VOID = re.compile(r"<(br|hr|img|wbr|input|source|col|area|embed|param|track)\b"
                   r"((?:[^<>\"']|\"[^\"]*\"|'[^']*')*?)\s*/?>", re.I)
_FENCE = re.compile(r"^((?:>\s?)*)\s{0,3}(`{3,}|~{3,})(.*)$")


def _escape(text: str, link: bool = False, cell: bool = False) -> str:
    """Markdown and Obsidian syntax in source text made literal: [[, %%, <%, #tags, emphasis, $math$."""
    text = _ESC_RE[int(link), int(cell)].sub(
        lambda m: m.group() if m.group("url") else "".join("\\" + c for c in m.group()), text)
    return text.replace("$", "\\$") if "$" in text and _MATH.search(text) else text


def _plain(el: Tag) -> str:
    """Visible text on one line; <br> counts as a space."""
    return " ".join("".join(" " if n.name == "br" else str(n) for n in el.descendants
                            if type(n) is NavigableString or n.name == "br").split())


def _dest(url: str) -> str:
    url = re.sub(r"[\r\n\t]", "", url).strip()
    if re.search(r"\s", url) or url.count("(") != url.count(")"):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"  # CommonMark's form for awkward URLs
    return url


def _italic(text: str) -> str:
    return text if len(text) > 1 and text[0] == text[-1] == "*" else f"*{text}*"


def _is_break(node) -> bool:
    return isinstance(node, Tag) and (node.name == "br" or node.name in BLOCKS)


def _line_start(node) -> bool:
    """Does this text begin a Markdown line, where '1. ' or '# ' would become a list or a heading?"""
    while (prev := sibling(node, False)) is None:
        parent = node.parent
        if parent is None or parent.name in BLOCKS or parent.name in _MARKUP:
            return parent is None or parent.name in BLOCKS
        node = parent
    return _is_break(prev)


def _inline(markup: str):
    """Emphasis that survives a paragraph break inside it and keeps white space outside its markers."""
    def convert(self, el, text, parent_tags):
        if "_noformat" in parent_tags:
            return text
        pieces = []
        for piece in text.split("\n\n"):
            core = piece.strip()
            pieces.append(piece.replace(core, f"{markup}{core}{markup}", 1) if core else piece)
        return "\n\n".join(pieces)
    return convert


class _Find:
    """find and find_parent by a bare tag name as plain walks (bs4 builds a filter for each call, and
    markdownify asks every tag for a <pre> around it); any other query goes to bs4."""

    def find_parent(self, name=None, attrs=None, **kwargs):
        if type(name) is str and ":" not in name and not attrs and not kwargs:
            return within(self, (name,))
        return super().find_parent(name, attrs, **kwargs)

    def find(self, name=None, attrs=None, recursive=True, string=None, **kwargs):
        if type(name) is str and ":" not in name and not attrs and recursive and string is None and not kwargs:
            return next((el for el in self.descendants if el.name == name and isinstance(el, Tag)), None)
        return super().find(name, attrs, recursive, string, **kwargs)


_Tag, _Soup = type("_Tag", (_Find, Tag), {}), type("_Soup", (_Find, BeautifulSoup), {})


class _Converter(MarkdownConverter):
    def __init__(self):
        super().__init__(bullets="-", heading_style="atx", wrap=True, wrap_width=None)

    def process_text(self, el, parent_tags=None):
        parent_tags = parent_tags or set()
        if "pre" in parent_tags:
            return str(el)
        text = _WS.sub(" ", str(el))
        if "_noformat" not in parent_tags:
            text = _escape(text, "a" in parent_tags, bool(parent_tags & {"td", "th"}))
        inside = should_remove_whitespace_inside(el.parent)
        if should_remove_whitespace_outside(el.previous_sibling) or (inside and not el.previous_sibling):
            text = text.lstrip()
        if should_remove_whitespace_outside(el.next_sibling) or (inside and not el.next_sibling):
            text = text.rstrip()
        if text and not parent_tags & {"_noformat", "_inline"} and _line_start(el):
            if m := _LS_DIGITS.match(text):
                text = m.group(1) + "\\" + text[m.end():]
            elif m := _LS_MARK.match(text):
                text = text[: m.end()] + "\\" + text[m.end():]
        return text

    convert_em = convert_i = _inline("*")
    convert_strong = convert_b = _inline("**")
    convert_del = convert_s = _inline("~~")

    def convert_a(self, el, text, parent_tags):
        prefix, suffix, text = chomp(text)
        text = re.sub(r"\s*\n\s*", " ", text)  # link text cannot hold a paragraph break
        href = attr(el, "href").strip()
        if not text or parent_tags & {"_noformat", "a"} or not href or href.startswith("#") \
                or href.lower().startswith("javascript:"):
            return prefix + text + suffix
        return f"{prefix}[{text}]({_dest(href)}){suffix}"

    def convert_img(self, el, text, parent_tags):
        src = attr(el, "src") or attr(el, "data-src")
        if not src.strip() or src.startswith("data:") or tracking_pixel(src, el):
            return ""  # tracking pixels, spacers and inline blobs carry no content
        return f"![{_escape(' '.join(attr(el, 'alt').split()), link=True)}]({_dest(src)})"

    def convert_figure(self, el, text, parent_tags):
        body = text.strip()
        if "_inline" in parent_tags or not body:
            return body
        cap, alt = el.find("figcaption"), " ".join(attr(el.find("img"), "alt").split())
        if not (cap and cap.get_text(strip=True)) and alt and "![" in body:
            body += "\n" + _italic(_escape(alt))  # no figcaption: the alt text is the caption
        return f"\n\n{body}\n\n"

    def convert_figcaption(self, el, text, parent_tags):
        text = re.sub(r"\s*\n\s*", " ", text).strip()
        return "" if not text else f"\n{_italic(text)}\n" if "figure" in parent_tags else f"\n\n{_italic(text)}\n\n"

    def convert_br(self, el, text, parent_tags):
        return " " if "_inline" in parent_tags else "\n\n" if el.get("data-vg-para") else "\n"

    def convert_hN(self, n, el, text, parent_tags):
        if "_inline" in parent_tags:
            return text
        if "vg-sponsored" in parent_tags:  # a heading inside a callout would still enter the outline
            text = re.sub(r"\s*\n\s*", " ", text).strip()
            text = text[2:-2] if len(text) > 4 and text.startswith("**") and text.endswith("**") else text
            return f"\n\n**{text}**\n\n" if text else ""
        plain = heading_text(_plain(el))  # plain text that works in [[Note#Heading]]
        return f"\n\n{'#' * max(2, min(6, n))} {_escape(plain)}\n\n" if plain else ""

    def convert_hr(self, el, text, parent_tags):
        return "" if parent_tags & {"vg-sponsored", "_inline", "pre"} else "\n\n---\n\n"

    def convert_pre(self, el, text, parent_tags):
        text = text.strip("\n")
        m = re.search(r"\b(?:language|lang)-([\w+#.-]+)", attr(el, "class") + " " + attr(el.find("code"), "class"))
        lang = m.group(1) if m else ""
        if lang.lower() in ("dataview", "dataviewjs"):
            lang = "text"  # a live query from someone else's newsletter must not run in the vault
        fence = "`" * max(3, 1 + max((len(r) for r in re.findall("`+", text)), default=0))
        return f"\n\n{fence}{lang}\n{text}\n{fence}\n\n" if text.strip() else ""

    def convert_vg_callout(self, el, text, parent_tags):
        body = re.sub(r"\n{3,}", "\n\n", text.strip())
        if parent_tags & {"vg-sponsored", "vg-callout", "_inline"} or not body:
            return text
        label = el["data-label"]
        return "\n\n" + labels.callout(label, _escape(label), body) + "\n\n"

    def convert_vg_sponsored(self, el, text, parent_tags):
        text = re.sub(r"\n{3,}", "\n\n", text.strip("\n"))
        if parent_tags & {"vg-sponsored", "_inline"} or not text.strip():
            return text
        return sponsored_callout(text)


# Metadata: the first non-empty source in each list wins.
_META = {
    "title": ("og:title", "twitter:title", "dc.title", "<title>"),
    "newsletter": ("og:site_name", "application-name"),
    "date": ("article:published_time", "datepublished", "dc.date.issued", "dc.date", "date", "pubdate",
             "publish-date", "publish_date", "sailthru.date", "parsely-pub-date", "<time>"),
    "url": ("<canonical>", "og:url"),
    "authors": ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"),
}


def _parse_date(value: str) -> _dt.date | None:
    value = " ".join(value.split())
    if m := re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)", value):
        try:
            return _dt.date(*map(int, m.groups()))  # the date as written, not shifted to UTC
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d"):
        try:
            return _dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    return None


def _metadata(soup, root, warnings: list[str]) -> dict:
    found: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = (attr(meta, "property") or attr(meta, "name") or attr(meta, "itemprop")).strip().lower()
        if attr(meta, "content").strip():
            found.setdefault(key, attr(meta, "content"))
    for link in soup.find_all("link", href=True):
        if "canonical" in attr(link, "rel").lower().split():
            found.setdefault("<canonical>", attr(link, "href"))
    title = next((t for t in soup.find_all("title") if t.find_parent("svg") is None), None)
    found["<title>"] = title.get_text() if title is not None else ""
    time = root.find("time", datetime=True) or root.find("time")
    found["<time>"] = (attr(time, "datetime") or time.get_text()) if time is not None else ""
    out = {field: next((found[k].strip() for k in keys if found.get(k, "").strip()), None)
           for field, keys in _META.items()}
    out["title"], out["newsletter"] = (clean_inline(out[k]) if out[k] else None for k in ("title", "newsletter"))
    # A profile's address ("https://facebook.com/…" in article:author) names no one.
    out["authors"] = author_names(out["authors"]) if out["authors"] and "://" not in out["authors"] else ()
    if not out["authors"] and (card := root.find(class_="p-author")) is not None:  # microformats: Medium's export
        out["authors"] = author_names(card.get_text())
    if out["date"] and (date := _parse_date(out["date"])) is None:
        warnings.append(f"unreadable date {out['date'][:40]!r}")
    out["date"] = date if out["date"] else None
    for sep in (" | ", " - ", " – ", " — ", " · "):  # "Issue 5 | Site" when the site's name is known
        if out["title"] and out["newsletter"] and out["title"].endswith(sep + out["newsletter"]):
            out["title"] = out["title"][: -len(sep + out["newsletter"])].strip() or out["title"]
    return out


def _site_after(title: str, h1: str) -> str | None:
    """The site's name a page's title ends with after its headline, when no tag names the site: "Coding agents learn
    to say 'I'm not sure' — The Loop Log" over the h1 "Coding agents learn to say 'I'm not sure' — and it's …"."""
    for sep in (" | ", " — ", " – ", " - ", " · "):
        head, _, site = title.rpartition(sep)
        words = re.sub(r"\W", "", head).casefold()
        if head and 0 < len(site) <= 40 and len(site.split()) <= 5 and words \
                and re.sub(r"\W", "", h1).casefold().startswith(words) and site.casefold() not in h1.casefold():
            return site.strip()
    return None


_LOGO_WORD = re.compile(r"\s+(?:logo|masthead|header|banner)$", re.I)
_NO_NAME = re.compile(r"^(?:(?:e-?mail|newsletter|site|company)(?:\s+|$))?(?:logo|image|header|banner|masthead|icon|avatar|"
                      r"profile|photo)?$", re.I)


def _masthead_logo(soup) -> str | None:
    """The alt text of the picture an e-mail's masthead links to its site's home page with: Substack's and beehiiv's
    headers ("<a href='https://evalgap.substack.com/'><img alt='The Eval Gap'>"), when no tag names the site."""
    for link in soup.find_all("a", href=re.compile(r"^https?://"), limit=8):
        image = link.find("img", alt=True)
        path = urlsplit(attr(link, "href").strip()).path
        if image is None or path.strip("/"):
            continue
        alt = " ".join(attr(image, "alt").split())
        name = _LOGO_WORD.sub("", alt)
        if not _NO_NAME.match(alt) and len(name.split()) <= 5 and len(name) <= 50:
            return clean_inline(name)
    # A logo not linked: "<img src='…/logo-neurale-polder.png' alt='Neurale Polder'>", its file named by its text.
    for image in soup.find_all("img", alt=True, limit=3):
        alt = " ".join(attr(image, "alt").split())
        file = urlsplit(attr(image, "src")).path.rpartition("/")[2].casefold()
        letters = re.sub(r"\W", "", alt.casefold())
        if "logo" in file and letters and letters in re.sub(r"\W", "", file) and len(alt) <= 50:
            return clean_inline(_LOGO_WORD.sub("", alt))
    return None


# Hosts of many newsletters: a link to one of them is no newsletter's own site (its sub-domains are).
_PLATFORMS = frozenset({"substack.com", "beehiiv.com", "medium.com", "ghost.io", "buttondown.email", "buttondown.com",
                        "mailchi.mp", "list-manage.com", "campaign-archive.com", "convertkit.com", "kit.com"})
_OWN_PAGE = re.compile(r"/(?:subscribe|unsubscribe|account|archive|about|comments)\b", re.I)


def _home_link(soup, url: str | None) -> str | None:
    """The text of a link to the home page of the issue's own site, when the text is the site's name: "<a
    href='https://www.platformer.news/?utm_source=…'>Platformer</a>", "You're on the free list for Exponential View"
    (exponentialview.co). The site is the issue's address's, or one that the issue's subscribe or account links go
    to."""
    links = [(a, urlsplit(attr(a, "href").strip())) for a in soup.find_all("a", href=re.compile(r"^https?://"))]
    own = {_host(u.netloc) for _, u in links if _OWN_PAGE.match(u.path)}
    if url:
        own.add(_host(urlsplit(url).netloc))
    for link, u in links:
        host = _host(u.netloc)
        if host in own and host not in _PLATFORMS and not u.path.strip("/"):
            text = " ".join(link.get_text().split())
            letters = re.sub(r"\W", "", text.casefold())
            if letters and letters in host.split(".")[:-1] and len(text) <= 40:
                return clean_inline(text)
    return None


def _host(netloc: str) -> str:
    return netloc.lower().split(":")[0].removeprefix("www.")


def _text_size(node) -> int:
    return sum(len(text.strip()) for text in node.find_all(string=True)
               if text.parent is None or text.parent.name not in ("script", "style"))


def _same(a: str, b: str | None) -> bool:
    a, b = re.sub(r"\W", "", a).casefold(), re.sub(r"\W", "", b or "").casefold()
    short, long_ = sorted((a, b), key=len)
    return bool(short) and short in long_ and len(short) * 2 >= len(long_)


_EMPHASIS = {"em": ("em", "i"), "i": ("em", "i"), "strong": ("strong", "b"), "b": ("strong", "b")}


def _clean(soup, root: Tag, text: str) -> None:
    """Drop page chrome and e-mail boilerplate, flatten layout, mark ads, <br><br> and lone images, in place."""
    drops, tables, parts, brs, imgs, bolds, nested = [], [], [], [], [], [], []
    by_name = {"table": tables, "br": brs, "img": imgs, "strong": bolds, "b": bolds}
    boilerplate = Boilerplate()
    has_th, has_table = set(), set()  # ids of tables holding a <th> or a nested table
    for el in root.descendants:  # one walk collects everything; changing the tree mid-walk would derail it
        if isinstance(el, NavigableString):
            if type(el) is not NavigableString:  # comments, doctypes, <?xml?>, CDATA
                drops.append(el)
            else:
                boilerplate.text(el)
        elif el.name in _DROP or el.has_attr("hidden") or _HIDDEN.search(attr(el, "style")) \
                or (el.name == "header" and root.name not in ("article", "main")):
            drops.append(el)
        else:
            boilerplate.tag(el)
            by_name.get(el.name, parts if el.name in _TABLE_PARTS else []).append(el)
            if el.name in _EMPHASIS and within(el, _EMPHASIS[el.name]) is not None:
                nested.append(el)  # <em><em>x</em></em> would come out as **x**: bold, not italic
            if el.name in ("th", "table") and (outer := within(el, ("table",))) is not None:
                (has_th if el.name == "th" else has_table).add(id(outer))
            if el.name in _AS_DIV:
                el.name = "div"
            elif el.name == "ol" and not re.fullmatch(r"[0-9]{1,9}", attr(el, "start")):
                el.attrs.pop("start", None)  # markdownify int()s any "numeric" start, "½" included
    for el in drops:
        el.extract()
    for el in nested:
        el.unwrap()
    bolds = [b for b in bolds if b.parent is not None]
    # Layout tables (every e-mail) become plain blocks; only real data tables stay Markdown tables.
    for t in tables:
        if id(t) not in has_th or id(t) in has_table or attr(t, "role") == "presentation":
            t.name = "div"
    for el in parts:
        if within(el, ("table",)) is None:
            el.name = "div"
    boilerplate.fold(soup, root, text)

    # <br><br>, even across inline tags, is a paragraph break: mark the first, drop the others.
    gone: set[int] = set()
    for br in brs:
        if id(br) in gone:
            continue
        extra = []
        for node in br.next_elements:
            if isinstance(node, NavigableString) and node.strip() or isinstance(node, Tag) \
                    and (node.name in BLOCKS or node.name == "img"):
                break
            if isinstance(node, Tag) and node.name == "br":
                extra.append(node)
        for node in extra:
            gone.add(id(node))
            node.extract()
        if extra:
            br["data-vg-para"] = "1"
    # An image alone on its line is treated as a figure: its alt text becomes the caption.
    for img in imgs:
        node = img
        while sibling(node, False) is None and sibling(node, True) is None \
                and node.parent is not None and node.parent.name not in BLOCKS:
            node = node.parent
        if node.parent is not None and node.parent.name in BLOCKS - {"figure", "td", "th"} \
                and within(img, ("figure", "td", "th")) is None \
                and all(s is None or _is_break(s) for s in (sibling(node, False), sibling(node, True))):
            node.wrap(soup.new_tag("figure"))
    _label_callouts(soup, bolds)


def _label_start(bold: Tag) -> tuple[str, Tag] | None:
    """(label, the node its paragraph starts with) when this bold run labels a paragraph of a <p> or <div>."""
    text, after = " ".join(bold.get_text().split()), bold.next_sibling
    if text.endswith(":"):
        label = text[:-1]
    elif isinstance(after, NavigableString) and after.lstrip().startswith(":"):  # "**We’re thinking**: …"
        label = text
    else:
        return None
    if not labels.is_label(label) or bold.find(["a", "img"]) is not None:
        return None
    node = bold
    while sibling(node, False) is None and node.parent is not None and node.parent.name in _WRAPPERS:
        node = node.parent
    prev, host = sibling(node, False), node.parent
    if host is None or host.name not in ("p", "div") or not (prev is None or getattr(prev, "name", None) == "br"):
        return None
    outer = within(node, _NO_CALLOUT | {"[document]"})  # and still in the document: not in a dropped block
    return (label, node) if outer is not None and outer.name == "[document]" else None


def _label_callouts(soup, bolds: list[Tag]) -> None:
    """Labelled paragraphs into <vg-callout data-label=…>, when the issue writes in that style (labels.py).

    A paragraph runs from its label to the next paragraph break (<br><br>, a block, another label):
    one callout per labelled paragraph, as the source groups them.
    """
    starts, begins = [], set()
    for bold in bolds:
        if (found := _label_start(bold)) and id(found[1]) not in begins:  # <strong><strong>X:</strong></strong>
            starts.append((bold, *found))
            begins.add(id(found[1]))
    if not labels.uses_labels(label for _, label, _ in starts):
        return
    for bold, label, node in starts:
        group, sib = [node], node.next_sibling
        while sib is not None and not (isinstance(sib, Tag) and (sib.name in BLOCKS or id(sib) in begins or (
                sib.name == "br" and (sib.get("data-vg-para") or id(sibling(sib, True)) in begins)))):
            group.append(sib)
            sib = sib.next_sibling
        whole = " ".join("".join(n.get_text() if isinstance(n, Tag) else str(n) for n in group).split())
        if not any(c.isalnum() for c in whole[len(" ".join(bold.get_text().split())):]):
            continue  # a label over nothing ("How it works:" above a list) stays bold
        if isinstance(sib, Tag) and sib.name == "br" and not sib.get("data-vg-para"):
            sib.extract()  # a line break before the next label: that label starts a paragraph of its own
        wrapper = soup.new_tag("vg-callout", attrs={"data-label": label})
        node.insert_before(wrapper)
        for n in group:
            wrapper.append(n.extract())
        after = bold.next_sibling
        bold.extract()
        if isinstance(after, NavigableString) and after.lstrip().startswith(":"):
            after.replace_with(after.lstrip()[1:])


def _tidy(md: str) -> str:
    """No trailing spaces, one blank line at most, '---' between blank lines, inert dataview fences."""
    out: list[str] = []
    fence = None
    for line in md.split("\n"):
        line = line.rstrip()
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(2)[0] == fence[0] and len(m.group(2)) >= len(fence) and not m.group(3).strip():
                fence = None
        elif m:
            fence = m.group(2)
            if m.group(3).strip().lower() in ("dataview", "dataviewjs"):
                line = line[: m.start(3)] + "text"
        if not line:
            if out and out[-1]:
                out.append("")
        elif line == "---" and fence is None:  # never directly under text, never twice, never at the ends
            while out and not out[-1]:
                out.pop()
            out += ["", "---", ""] if out and out[-1] != "---" else [""] if out else []
        else:
            out += ["", line] if out and out[-1] == "---" else [line]
    while out and out[-1] in ("", "---"):
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def read_page(doc: SourceDoc, reader: str) -> Issue:
    """The issue an HTML source holds (HtmlReader.read)."""
    text = _VOID.sub(r"<\1\2 />", _NBSP.sub(" ", doc.text))
    soup = _Soup(text, "html.parser", element_classes={Tag: _Tag})
    warnings: list[str] = []
    page = soup.find("main") or soup.body or soup
    articles = soup.find_all("article", limit=2)
    # The page's one article, unless it is a small part of the page (a comment under a LinkedIn article).
    root = articles[0] if len(articles) == 1 and 2 * _text_size(articles[0]) >= _text_size(page) else page
    meta = _metadata(soup, root, warnings)
    h1 = root.find("h1") or soup.find("h1")
    h1_text = clean_inline(_plain(h1)) if h1 is not None else ""
    if not meta["newsletter"] and meta["title"] and h1_text and (site := _site_after(meta["title"], h1_text)):
        meta["newsletter"], meta["title"] = site, h1_text
    meta["newsletter"] = meta["newsletter"] or _masthead_logo(soup) or _home_link(soup, meta["url"])
    title = meta["title"] or h1_text or None
    if h1_text and _same(h1_text, title):
        # A title that links somewhere links to the issue itself (an e-mail's "read online" headline).
        link = h1.find("a", href=re.compile(r"^https?://"))
        meta["url"] = meta["url"] or (attr(link, "href").strip() if link is not None else None)
        h1.extract()  # the page's h1 is the note's title, not a body heading
    if not meta["url"]:  # "Read Online" near the top, before the chrome goes with it
        meta["url"] = web_version(attr(a, "href").strip() for a in root.find_all("a", href=True, limit=30)
                                  if WEB_VERSION.fullmatch(" ".join(a.get_text().split()).strip("*_ ")))
    _clean(soup, root, text)
    body = story_headings(labels.with_lists(_tidy(_Converter().process_tag(root, parent_tags=set()))))
    if not body.strip():
        raise SourceError(doc.rel, "no text content")
    # The footer's copyright holder ("© 2024 Ben's Bites"), before the footer went, as a guess (metadata.complete)
    holder = None if meta["newsletter"] or doc.hints.get("newsletter") else copyright_holder(
        _TAG.sub("\n", html.unescape(doc.text[-20_000:])))
    return Issue(source=doc.rel, body=body, title=title, newsletter=meta["newsletter"] or holder,
                 newsletter_guessed=holder is not None, date=meta["date"], url=meta["url"], authors=meta["authors"],
                 reader=reader, warnings=tuple(warnings))
