"""Numbered references in plain-text e-mails: "OpenAI is building a search engine [1]" in the text, "[1] https://…"
in a list at the end (TLDR, Import AI and most platforms' text parts). The list goes, and each marker becomes a link
where it stands. Its text is "link": a generic anchor, so that no entity is made of it and the resource is named
after its site (notes.GENERIC_ANCHORS).
"""
from __future__ import annotations

import re

_DEFINITION = re.compile(r"^\s*\[(\d{1,3})\]:?\s+<?(https?://[^\s<>]+)>?\s*$")
_MARKER = re.compile(r"\s?\[(\d{1,3})\]")
# What heads the list, and rules around it: "Links:", "References", "------".
_LIST_HEAD = re.compile(r"^\s*(?:(?:links|references|sources|urls)\s*:?|[-=_*~]{3,})\s*$", re.I)
# Where a marker stands once the reader has rendered the text (private-use characters: nothing escapes or strips
# them, and no newsletter writes them).
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d{{1,3}}){_CLOSE}")


def cited(text: str) -> list[str]:
    """The numbers of the references a line of text (as take_references gave it) cites."""
    return _PLACEHOLDER.findall(text)


def uncited(text: str) -> str:
    """A line of text (as take_references gave it) without its reference markers."""
    return _PLACEHOLDER.sub(" ", text)


def cites(text: str) -> bool:
    """Whether a line of text (as take_references gave it) holds a reference marker."""
    return _OPEN in text


def take_references(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """(the lines without the list, with each cited marker replaced by a placeholder; URL by number). Nothing changes
    unless the list's numbers are cited in the text: a lone "[1] https://…" line is the text's own."""
    urls = {m.group(1): m.group(2) for line in lines if (m := _DEFINITION.match(line))}
    if not urls:
        return lines, {}
    kept = [line for line in lines if not _DEFINITION.match(line)]
    cited = {n for line in kept for n in _MARKER.findall(line) if n in urls}
    if not cited:
        return lines, {}
    while kept and (not kept[-1].strip() or _LIST_HEAD.match(kept[-1])):  # the list's heading, at the very end
        kept.pop()
    out = [_MARKER.sub(lambda m: f"{_OPEN}{m.group(1)}{_CLOSE}" if m.group(1) in urls else m.group(0), line)
           for line in kept]
    return out, urls


def link_references(markdown: str, urls: dict[str, str]) -> str:
    """The rendered text with each placeholder a link to its URL; in a heading (which holds no link: see
    metadata.heading_text), the link goes on a line of its own below it."""
    if not urls:
        return markdown

    def link(number: str) -> str:
        return f"[link]({urls[number]})"

    out = []
    for line in markdown.split("\n"):
        if line.startswith("#") and _PLACEHOLDER.search(line):
            out.append(_PLACEHOLDER.sub("", line).rstrip())
            out.append("")
            out.append(" · ".join(link(n) for n in _PLACEHOLDER.findall(line)))
        else:
            out.append(_PLACEHOLDER.sub(lambda m: " " + link(m.group(1)), line))
    return "\n".join(out)
