"""Plain walks over a BeautifulSoup tree, shared by the HTML reader and its boilerplate pass."""
from __future__ import annotations

from bs4 import NavigableString, Tag

HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
BLOCKS = set(HEADINGS) | {"p", "div", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "figure", "figcaption",
                          "pre", "table", "tr", "td", "th", "hr", "vg-sponsored", "vg-callout", "[document]"}


def attr(el: Tag | None, name: str) -> str:
    value = el.get(name) if el is not None else None
    return " ".join(value) if isinstance(value, list) else (value or "")


def sibling(node, forward: bool):
    """The next (or previous) sibling that is not white space."""
    sib = node.next_sibling if forward else node.previous_sibling
    while isinstance(sib, NavigableString) and not sib.strip():
        sib = sib.next_sibling if forward else sib.previous_sibling
    return sib


def within(node, names) -> Tag | None:
    """The nearest ancestor named in `names`; a plain walk, far cheaper than bs4's find_parent."""
    node = node.parent
    while node is not None and node.name not in names:
        node = node.parent
    return node


def block_of(node) -> Tag | None:
    node = node.parent
    while node is not None and node.name not in BLOCKS:
        node = node.parent
    return node
