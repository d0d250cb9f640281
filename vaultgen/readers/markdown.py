"""Reader for Markdown issues, with or without YAML frontmatter (Hugo, Jekyll, Revue exports)."""
from __future__ import annotations

import re
from typing import Any

from .. import frontmatter_io, metadata
from ..errors import SourceError
from ..hookspecs import hookimpl
from ..model import Issue, SourceDoc
from ..textfix import clean_inline
from . import labels
from .boilerplate import drop_markdown_chrome, markdown_web_version
from .headings import story_headings
from .shortcodes import hugo_shortcodes

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_MD_SIGNS = re.compile(r"^#{1,6} \S|\]\([^)\s]+\)|^\s*[*-] \S|\*\*\S|^> ", re.M)
_TAG_LIKE = re.compile(r"<(p|div|table|h[1-6]|br|span|a)\b", re.I)
_JEKYLL_BREAK = re.compile(r"^\s*\\\\\s*$\n?", re.M)


class MarkdownReader:
    name = "markdown"

    def score(self, doc: SourceDoc) -> float:
        head = doc.text[:4000]
        fm, _ = frontmatter_io.split(head if "\n---" in head else doc.text)
        if fm is not None or frontmatter_io.split_toml(doc.text)[0] is not None:
            return 0.9
        if len(_TAG_LIKE.findall(head)) > 8:
            return 0.2
        return 0.6 if len(_MD_SIGNS.findall(head)) >= 2 else 0.1

    def read(self, doc: SourceDoc) -> Issue:
        fm_text, body = frontmatter_io.split(doc.text)
        toml = False
        if fm_text is None:  # Hugo's and Zola's '+++' block
            fm_text, body = frontmatter_io.split_toml(doc.text)
            toml = fm_text is not None
        meta: dict[str, Any] = {}
        warnings: list[str] = []
        if fm_text is not None:
            try:
                meta = frontmatter_io.load_toml(fm_text) if toml else frontmatter_io.load(fm_text)
            except frontmatter_io.FrontmatterError as exc:
                warnings.append(f"{exc}; the frontmatter is kept as text in the note")
                body = f"```{'toml' if toml else 'yaml'}\n{fm_text.strip()}\n```\n\n{body}"
                # its plain `key: value` lines still give title and date
                meta = {} if toml else frontmatter_io.salvage(fm_text)
        body = _unescaped(hugo_shortcodes(_JEKYLL_BREAK.sub("", body)))
        meta = _fields(meta)
        title = _text(meta.get("title"))
        if title is None:
            title, body = _take_title_heading(body)
        if fm_text is None:
            # Notion's "Date: April 20, 2026" lines under the title, Readwise's "## Metadata" list: the fields a file
            # without frontmatter gives (its own words first).
            properties, body = _take_properties(body)
            meta = {**_fields(properties), **{k: v for k, v in meta.items() if v is not None}}
            title = title or _text(meta.get("title"))
        url = _text(meta.get("url")) or markdown_web_version(body)  # before the chrome, "Read online" with it, goes
        newsletter = _text(meta.get("newsletter"))
        signed = None if newsletter else metadata.footer_newsletter(body[-3000:])  # "Thanks for reading X!" is chrome
        body = story_headings(drop_markdown_chrome(_notion_blocks(body)))
        if not body.strip() and not title:
            raise SourceError(doc.rel, "no text content")
        return Issue(
            source=doc.rel,
            body=body.strip() + "\n",
            title=title,
            newsletter=newsletter or signed,
            newsletter_guessed=signed is not None,
            number=metadata.to_int(meta.get("number")),
            date=metadata.to_date(meta.get("date")),
            url=url,
            aliases=_strings(meta.get("aliases")),
            tags=_strings(meta.get("tags")) + _strings(meta.get("categories")),
            authors=metadata.author_names(meta.get("authors")),
            reader=self.name,
            warnings=tuple(warnings),
        )


# What other tools call the fields an issue has (Jekyll, Hugo, Ghost, Substack and Buttondown exports, read-later apps
# such as Omnivore, Notion, Obsidian's Web Clipper): the first one present gives the field. Keys are matched whatever their case.
_FIELD_NAMES = {
    "title": ("title", "subject", "headline", "name"),
    "newsletter": ("newsletter", "publication", "site_name", "series"),
    "number": ("number", "issue", "issue_number", "edition"),
    "date": ("date", "published", "published_at", "publish_date", "date_published", "pubdate", "sent_at",
             "created", "date_saved", "saved", "date_added"),
    "url": ("url", "canonical_url", "url_original", "original_url", "source_url", "source", "link"),
}
_AUTHOR_NAMES = ("authors", "author", "by", "byline", "creator", "writer")
_URL_LIKE = re.compile(r"https?://\S+$")


def _fields(meta: dict) -> dict[str, Any]:
    """meta with each field of _FIELD_NAMES under its own name, taken from the first of its names that has a value
    (a URL field only when it holds a URL, a newsletter only when it does not); other keys as they were."""
    folded: dict[str, Any] = {}
    for key, value in meta.items():
        folded.setdefault(str(key).casefold(), value)
    out = dict(meta)
    for field, names in _FIELD_NAMES.items():
        for name in names:
            value = folded.get(name)
            if isinstance(value, list) and len(value) == 1:  # Hugo's `series = ["AI Infra Weekly"]`
                value = value[0]
            if value is not None and value != "" and not isinstance(value, (dict, list)) \
                    and _fits(field, name, value):
                out[field] = value
                break
    for name in ("aliases", "tags", "categories"):
        if name not in out and folded.get(name) is not None:
            out[name] = folded[name]
    out["authors"] = next((folded[name] for name in _AUTHOR_NAMES if folded.get(name)), None)
    return out


def _fits(field: str, name: str, value: Any) -> bool:
    """A URL field's other names ("link", "source") give it only a URL; a newsletter's never one."""
    url = _URL_LIKE.match(str(value).strip()) is not None
    if field == "url":
        return url or name in ("url", "canonical_url")
    return not url if field == "newsletter" else True


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = clean_inline(str(value))
    return text or None


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    return tuple(t for t in (_text(v) for v in items if not isinstance(v, (dict, list))) if t)


def _take_title_heading(body: str) -> tuple[str | None, str]:
    """The first heading is the title when no frontmatter gives one; it leaves the body. "Title" over a line of "="
    (a setext heading) is one too."""
    match = _HEADING.search(body) or _SETEXT_TITLE.search(body)
    if not match or body[: match.start()].strip():
        return None, body
    return clean_inline(match.group(2)), body[match.end():]


_SETEXT_TITLE = re.compile(r"^()(\S.*)\n=+[ \t]*$", re.M)  # its text in group 2, as _HEADING's
# "Date: April 20, 2026" (Notion's properties under a page's title), "- Author: [[Tobias Wren]]" (Readwise's list
# under "## Metadata"): a key of a few words and its value.
_PROPERTY = re.compile(r"^(?:- )?([A-Z][\w]*(?: [\w]+){0,2}): +(\S.*)$")
_METADATA_HEADING = re.compile(r"#{1,3} Metadata[ \t]*\n")
_COVER = re.compile(r"!\[[^\]\n]*\]\([^)\s]*\)\n+")


def _take_properties(body: str) -> tuple[dict[str, str], str]:
    """The lines of properties that open the body, or follow a "Metadata" heading at its top (after Readwise's cover
    picture, which stays), and the body without them: at least two lines, each "Key: value", a paragraph of their
    own."""
    top = body.lstrip("\n")
    cover = _COVER.match(top)
    after_cover = top[cover.end():] if cover else top
    heading = _METADATA_HEADING.match(after_cover)
    kept, rest = (top[:len(top) - len(after_cover)], after_cover[heading.end():]) if heading else ("", top)
    block, _, after = rest.partition("\n\n")
    found = [_PROPERTY.match(line) for line in block.split("\n")]
    if len(found) < 2 or not all(found):
        return {}, body
    return {m.group(1).casefold(): m.group(2).strip() for m in found}, kept + after


# What Notion's Markdown export keeps as HTML: a callout as <aside>, a toggle as <details>; Obsidian would show the
# Markdown inside them as it is written. And links to the export's other pages ("ML%20Roundup%2012%20a1b2c3.md"), which
# are no notes of the vault.
_ASIDE = re.compile(r"^<aside>[ \t]*\n(.*?)\n?</aside>[ \t]*$", re.M | re.S)
_DETAILS = re.compile(r"^<details>[ \t]*\n<summary>(.*?)</summary>[ \t]*\n(.*?)\n?</details>[ \t]*$", re.M | re.S)
# Notion's mention of a date: "@April 9, 2026".
_NOTION_DATE = re.compile(r"@(?=(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4})")
_PAGE_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\((?![a-z][\w+.-]*:|#)[^)\s]*\.md\)", re.I)


def _notion_blocks(body: str) -> str:
    """Notion's callouts and toggles as Obsidian's callouts (a toggle folded), its links to other pages as their
    text."""
    if "<aside>" in body or "<details>" in body:
        body = _ASIDE.sub(lambda m: labels.callout_block("> [!note]", m.group(1)), body)
        body = _DETAILS.sub(lambda m: labels.callout_block(f"> [!note]- {clean_inline(m.group(1))}", m.group(2)), body)
    return _NOTION_DATE.sub("", _PAGE_LINK.sub(r"\1", body))


# Google Docs' Markdown: "## Vendor moves {#vendor-moves}", and a backslash before every sign ("Claude 4\.7",
# "sales\-research", "Data \+ AI Summit") where Markdown needs none.
_HEADING_ID = re.compile(r"^(#{1,6}[ \t].*?)[ \t]*\{#[^{}\n]*\}[ \t]*$", re.M)
_ESCAPE = re.compile(r"\\([-.+=!_&#~])")
_ENTITY_REF = re.compile(r"#?\w+;")  # "&amp;", "&#38;": what an escaped "&" would start
# Where a backslash is the text's own: code blocks, and TeX ("\\sigma\\!\\left(" in $…$ or $$…$$).
_VERBATIM = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$|\$\$.+?\$\$|\$[^$\n]+\$", re.M | re.S)


def _unescaped(body: str) -> str:
    """Heading ids gone, and each escape Markdown does not need undone (outside code blocks): a sign that would
    start a list, a heading or an image, or make an entity or emphasis, keeps its backslash."""
    if "{#" in body:
        body = _HEADING_ID.sub(r"\1", body)
    if "\\" not in body:
        return body
    kept = [m.span() for m in _VERBATIM.finditer(body)] if "``" in body or "~~" in body or "$" in body else []

    def undo(m: re.Match) -> str:
        at, sign = m.start(), m.group(1)
        if any(a <= at < b for a, b in kept):
            return m.group()
        line = body[body.rfind("\n", 0, at) + 1:at]
        after, opening = body[m.end():m.end() + 1], line.lstrip(" \t>")  # a quote's line starts after its ">"
        needed = (sign in "-+=#" and not opening or sign == "." and opening.isdigit()
                  or sign == "!" and after == "[" or sign == "~" and "~" in (after, line[-1:])
                  or sign == "&" and _ENTITY_REF.match(body, m.end(), m.end() + 12)
                  or sign == "_" and not (line[-1:].isalnum() and after.isalnum()))
        return m.group() if needed else sign
    return _ESCAPE.sub(undo, body)


@hookimpl
def register_readers(register):
    register(MarkdownReader())
