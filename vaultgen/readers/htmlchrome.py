"""E-mail boilerplate in HTML issues: ads folded into a Sponsored callout, footers and social rows dropped."""
from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from .boilerplate import AD_MARK, BUTTON, JUNK, POLL_LINK
from .htmltree import BLOCKS, HEADINGS, attr, block_of, sibling, within

_AD_ATTR = re.compile(r"sponsor|advert|promo", re.I)
# A web page's chrome around a post, named by its class: a sign-up box in the middle of the text ("Thanks for reading!
# Subscribe for free…"), the buttons, the like and comment counts, the comments. Short blocks only: a class never
# takes the text of a post with it.
_CHROME_ATTR = re.compile(r"subscri(?:be|ption)[-_]?(?:widget|form|box|cta|embed)|button[-_]wrapper|"
                          r"share[-_]?(?:button|bar|widget|dialog)|post[-_](?:meta|ufi|footer)|comments?[-_]section",
                          re.I)
# Profile links only (a tweet or a video cited in the news is content, not a social icon row).
_SOCIAL = re.compile(r"^https?://(?:www\.)?(?:twitter\.com|x\.com|facebook\.com|fb\.com|linkedin\.com|instagram\.com|"
                     r"youtube\.com|tiktok\.com|threads\.net|pinterest\.com|reddit\.com|bsky\.app|mastodon\.social)"
                     r"(?:/(?:company|in|channel|c|user|u|r|groups))?(?:/(?!watch\b)[@\w.-]*)?/?(?:[?#]\S*)?$", re.I)
_ACTION_ROW = re.compile(rf"(?:{BUTTON.pattern})(?:[\s·|•]+(?:{BUTTON.pattern}))*", re.I)
_PIXEL = re.compile(r"spacer|pixel\.(?:gif|png)|blank\.gif|transparent\.(?:gif|png)|/open\.(?:gif|aspx)", re.I)


def tracking_pixel(src: str, el: Tag) -> bool:
    """Tracking pixels and spacers carry no content."""
    return bool(_PIXEL.search(src)) or bool({attr(el, "width").strip(), attr(el, "height").strip()} & {"0", "1"})


def _short_text(el: Tag, limit: int) -> str | None:
    """The text if it has at most `limit` characters; stops reading early, so climbing the tree stays linear."""
    out, size = [], 0
    for s in el.strings:
        out.append(s)
        if (size := size + len(s)) > limit * 4 + 200:
            return None
    text = " ".join("".join(out).split())
    return text if len(text) <= limit else None


def _blocks_only_of(links: list[Tag], limit: int):
    """The blocks of the first `limit` of these links whose every link is one of them."""
    ids = set(map(id, links))
    for a in links[:limit]:
        if (block := block_of(a)) is not None and all(id(x) in ids for x in block("a")):
            yield block


class Boilerplate:
    """What the reader's one walk over the tree met that may be boilerplate; fold() then deals with it."""

    def __init__(self):
        self.ads: list[Tag] = []                 # elements whose class or id says sponsor, advert, promo
        self.junk: list[NavigableString] = []    # footer text: unsubscribe, view in browser, copyright
        self.marks: list[NavigableString] = []   # "A MESSAGE FROM …", "Sponsored by …"
        self.social: list[Tag] = []              # links to social profiles
        self.actions: list[Tag] = []             # links that are buttons: "Like", "Comment", "Share"
        self.polls: list[Tag] = []               # links that cast a vote in a reader poll
        self.chrome: list[Tag] = []              # a page's sign-up boxes, buttons and comments, by their class

    def text(self, s: NavigableString) -> None:
        if JUNK.search(s):
            self.junk.append(s)
        elif AD_MARK.match(s):
            self.marks.append(s)

    def tag(self, el: Tag) -> None:
        names = attr(el, "class") + " " + attr(el, "id")
        if _AD_ATTR.search(names):
            self.ads.append(el)
        if _CHROME_ATTR.search(names):
            self.chrome.append(el)
        if el.name == "a":
            if _SOCIAL.match(attr(el, "href")):
                self.social.append(el)
            elif BUTTON.fullmatch(" ".join(el.get_text().split())):
                self.actions.append(el)
            elif POLL_LINK.search(attr(el, "href")):
                self.polls.append(el)

    def fold(self, soup, root: Tag, text: str) -> None:
        """Ads into <vg-sponsored>, footer and social blocks at the edges dropped, in place (tables flattened)."""
        for el in self.ads:  # blocks only: a "promo" class on a link must not split its paragraph
            if el.name in BLOCKS and within(el, ("vg-sponsored",)) is None:
                el.wrap(soup.new_tag("vg-sponsored"))
        for el in self.chrome[:50]:
            if el is not root and el.parent is not None and _short_text(el, 400) is not None:
                el.extract()
        self._drop_edges(root, text)
        self._wrap_marked(soup, root)

    def _drop_edges(self, root: Tag, text: str) -> None:
        # E-mail boilerplate lives at the edges: only short blocks in the first 20% or the last half of the
        # content (measured from the root, past any <head> full of CSS) go.
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        total = len(root.get_text())

        def offset(el: Tag) -> int | None:
            line = getattr(el, "sourceline", None)
            return starts[line - 1] + (el.sourcepos or 0) if line and line <= len(starts) else None

        first = offset(root) or 0

        def drop_block(block: Tag | None, limit: int) -> None:
            if block is None or block is root or (at := offset(block)) is None or _short_text(block, limit) is None:
                return
            if 0.2 < (at - first) / max(1, len(text) - first) < 0.5:
                return
            while block.parent is not None and block.parent is not root \
                    and (t := _short_text(block.parent, limit)) is not None and len(t) * 3 < total:
                block = block.parent
            block.extract()

        for s in self.junk[:50]:
            if within(s, ("pre",)) is None:
                drop_block(block_of(s), 300)
        for a in self.social[:50]:
            if (block := block_of(a)) is not None and all(_SOCIAL.match(attr(x, "href")) for x in block("a")):
                drop_block(block, 40)
        for block in _blocks_only_of(self.polls, 20):  # a block of votes, with its question
            drop_block(block, 200)
        for block in _blocks_only_of(self.actions, 50):  # a block of buttons and nothing else
            if _ACTION_ROW.fullmatch(" ".join(block.get_text(" ").split())):
                drop_block(block, 60)

    def _wrap_marked(self, soup, root: Tag) -> None:
        # Text-marked ads ("A MESSAGE FROM …"): from their label to the next <hr> or heading.
        for s in self.marks[:50]:
            block = block_of(s)
            if block is None or block is root or within(s, ("vg-sponsored",)) is not None \
                    or next((t for t in block.strings if t.strip()), None) is not s or _short_text(block, 120) is None:
                continue
            unit = block
            while sibling(unit, True) is None and unit.parent is not None and unit.parent is not root:
                unit = unit.parent
            if unit.parent is None:  # already dropped as boilerplate
                continue
            group, sib = [unit], unit.next_sibling
            while sib is not None and not (isinstance(sib, Tag) and (sib.name in HEADINGS + ["hr"]
                                                                       or sib.find(HEADINGS + ["hr"]))):
                group.append(sib)
                sib = sib.next_sibling
            wrapper = soup.new_tag("vg-sponsored")
            unit.insert_before(wrapper)
            for node in group:
                wrapper.append(node.extract())
