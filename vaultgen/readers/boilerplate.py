"""E-mail boilerplate in HTML issues: ads folded into a Sponsored callout, footers and social rows dropped."""
from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from ..links import POLL_KEYS, canonical_url, names_nothing
from .htmltree import BLOCKS, HEADINGS, attr, block_of, sibling, within

_AD_ATTR = re.compile(r"sponsor|advert|promo", re.I)
# A web page's chrome around a post, named by its class: a sign-up box in the middle of the text ("Thanks for reading!
# Subscribe for free…"), the buttons, the like and comment counts, the comments. Short blocks only: a class never
# takes the text of a post with it.
_CHROME_ATTR = re.compile(r"subscri(?:be|ption)[-_]?(?:widget|form|box|cta|embed)|button[-_]wrapper|"
                          r"share[-_]?(?:button|bar|widget|dialog)|post[-_](?:meta|ufi|footer)|comments?[-_]section",
                          re.I)
_AD_MARK = re.compile(
    r"\A\s*(?:a\s+message\s+from\b|sponsor(?:ed|s)?(?:\s+(?:content|message|post|section))?\s*[:\-–—]?\s*\Z"
    r"|(?:this\s+(?:issue|newsletter|edition|email|episode)\s+is\s+)?(?:sponsored|presented|brought\s+to\s+you)\s+by\b"
    r"|together\s+with\b|in\s+partnership\s+with\b|advertisement\b|paid\s+(?:post|partnership|promotion)\b"
    r"|from\s+our\s+(?:sponsors?|partners?)\b)", re.I)
# The postal address every commercial e-mail's footer must give (CAN-SPAM): "214 Barton Springs Rd, Austin",
# "PO Box 3512", "Boulder, CO 80307", "Austin, Texas, 78704".
POSTAL = (r"\b\d{1,6}[A-Za-z]?\s+(?:[A-Z0-9][\w.'’-]*\s+){0,3}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|"
          r"Lane|Way|Pl|Place|Ct|Court|Pkwy|Parkway|Hwy|Highway|Sq|Square|Broadway|Terrace|Plaza)\.?(?:\s+[NSEW]{1,2})?,"
          r"|\bP\.?\s?O\.?\s+Box\s+\d+|\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s+(?:[A-Z]{2}|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?),?"
          r"\s+\d{5}(?:-\d{4})?(?=\s*(?:[,·•|\n]|$|USA\b|United States\b))")
# "Unsubscribe" in the languages of the archives read so far: Dutch, German, French, Spanish, Italian, Portuguese.
UNSUBSCRIBE_ABROAD = (r"afmelden|uitschrijven|abmelden|abbestellen|se\s+d[ée]sabonner|se\s+d[ée]sinscrire|"
                      r"darse\s+de\s+baja|cancelar\s+(?:la\s+|a\s+)?(?:suscripci[óo]n|inscri[çc][ãa]o)|disiscriviti|"
                      r"descadastr")
# "View in browser" in the languages of the archives read so far: "Bekijk deze e-mail in je browser", "Im Browser
# ansehen", "Voir dans votre navigateur", "Ver en el navegador".
VIEW_ABROAD = (r"(?:bekijk|lees)\s+(?:deze\s+)?(?:e-?mail\s+|nieuwsbrief\s+)?(?:online|in\s+(?:je|jouw|uw|de)\s+"
               r"browser)|im\s+(?:web)?browser\s+(?:ansehen|anzeigen|öffnen|lesen)|online\s+(?:ansehen|lesen)"
               r"|(?:voir|lire|afficher)\s+(?:cet?\s+(?:e-?mail|message)\s+)?(?:en\s+ligne|dans\s+(?:votre|ton|le)\s+"
               r"navigateur)|(?:ver|leer|visualizar|visualizza|abrir)\s+(?:este\s+(?:correo|e-?mail)\s+)?(?:en\s+"
               r"(?:el\s+|tu\s+|su\s+)?navegador|no\s+(?:seu\s+)?navegador|nel\s+browser|en\s+línea)")
_JUNK = re.compile(
    POSTAL + r"|stop\s+receiving|unsubscribe|" + UNSUBSCRIBE_ABROAD + "|" + VIEW_ABROAD +
    r"|view\s+(?:this\s+(?:e-?mail|newsletter|issue|message)\s+|it\s+)?(?:in|on)\s+(?:your|a|the)?\s*"
    r"(?:web\s*)?browser|view\s+(?:it\s+|this\s+e-?mail\s+)?online|(?:manage|update)\s+(?:your\s+)?(?:e-?mail\s+)?"
    r"(?:preferences|subscription)|you\s+(?:are\s+)?receiv(?:ed|ing)\s+this|no\s+longer\s+wish\s+to\s+receive|©|"
    r"copyright\s*(?:©\s*)?\d{4}|all\s+rights\s+reserved|forward\s+(?:this\s+)?to\s+a\s+friend|having\s+trouble\s+"
    r"(?:viewing|reading)|forwarded\s+this\s+(?:e-?mail|newsletter)|subscribe\s+for\s+free|(?:upgrade|switch)\s+to\s+"
    r"(?:a\s+)?paid|(?:read|open|view)\s+in\s+(?:the\s+)?app\b|our\s+mailing\s+address\s+is|why\s+did\s+i\s+get\s+this|"
    r"add\s+(?:us|our\s+(?:e-?mail\s+)?address)\s+to\s+your\s+address\s+book|is\s+a\s+reader-supported\s+"
    r"publication|did\s+you\s+enjoy\s+this\s+issue|powered\s+by\s+revue|don'?t\s+want\s+these\s+updates|"
    r"how\s+did\s+you\s+like\s+(?:today['’]?s|this)\s+(?:e-?mail|issue|edition|newsletter)|leave\s+a\s+review!|"
    r"(?:read|view)\s+online\s*$", re.I)
# Buttons an e-mail platform puts under a post's title and at its end ("Like · Comment · Restack", "Share",
# "Subscribe now", "Leave a comment"): as links in HTML and Markdown, alone on their line in a text part.
# A count of reactions ("⇧ 8,412 Likes", "1.2K views", "♥ 42 likes") is a button too: alone on its line, anywhere.
COUNTER = re.compile(r"[⇧↑▲♥❤👍🔥]?\ufe0f?\s*\d[\d,.]*\s?[KkM]?\s+(?:likes?|upvotes?|views?|comments?|restacks?|"
                     r"shares?|reactions?)[.!]?", re.I)
BUTTON = re.compile(r"(?:like|comments?|share(?: this post)?|restack|reply|forward|tweet|listen(?: now)?|"
                    r"subscribe(?: now| for free)?|upgrade(?: to paid)?|donate|leave a comment|read in app|"
                    r"sign in|log in|"
                    rf"give a gift subscription|{COUNTER.pattern})[.!]?", re.I)
# The link to an issue's web version, near its top: "Read Online", "View this email in your browser".
WEB_VERSION = re.compile(r"(?:read|view|open)\s+(?:it\s+|this\s+(?:e-?mail|post|issue|newsletter)\s+)?(?:online|in\s+"
                         r"(?:your\s+|a\s+|the\s+)?(?:web\s+)?browser)"
                         r"|" + VIEW_ABROAD, re.I)
_MD_WEB_VERSION = re.compile(rf"\[[*_]*(?:{WEB_VERSION.pattern})[*_]*\]\((https?://[^)\s]+)\)", re.I)


def web_version(urls) -> str | None:
    """The first of these (the hrefs of web-version links) that names the issue: a click tracker hides it."""
    return next((url for url in map(canonical_url, urls) if not names_nothing(url)), None)


def markdown_web_version(markdown: str) -> str | None:
    """The web version a Markdown issue's "[Read online](…)" link near its top gives."""
    return web_version(m.group(1) for m in _MD_WEB_VERSION.finditer(markdown, 0, 3000))


# A reader poll's answers ("😍 Loved it", "⭐️⭐️⭐️ Average"): links that cast a vote.
POLL_LINK = re.compile(rf"[?&](?:amp;)?(?:{'|'.join(POLL_KEYS)})=", re.I)
# Profile links only (a tweet or a video cited in the news is content, not a social icon row).
_SOCIAL = re.compile(r"^https?://(?:www\.)?(?:twitter\.com|x\.com|facebook\.com|fb\.com|linkedin\.com|instagram\.com|"
                     r"youtube\.com|tiktok\.com|threads\.net|pinterest\.com|reddit\.com|bsky\.app|mastodon\.social)"
                     r"(?:/(?:company|in|channel|c|user|u|r|groups))?(?:/(?!watch\b)[@\w.-]*)?/?(?:[?#]\S*)?$", re.I)
_ACTION_ROW = re.compile(rf"(?:{BUTTON.pattern})(?:[\s·|•]+(?:{BUTTON.pattern}))*", re.I)
_PIXEL = re.compile(r"spacer|pixel\.(?:gif|png)|blank\.gif|transparent\.(?:gif|png)|/open\.(?:gif|aspx)", re.I)


def tracking_pixel(src: str, el: Tag) -> bool:
    """Tracking pixels and spacers carry no content."""
    return bool(_PIXEL.search(src)) or bool({attr(el, "width").strip(), attr(el, "height").strip()} & {"0", "1"})


def sponsored_callout(text: str) -> str:
    """An ad's Markdown folded into a collapsed callout."""
    lines = ["> [!note]- Sponsored"] + [("> " + line).rstrip() for line in text.split("\n")]
    return "\n\n" + "\n".join(lines) + "\n\n"


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
        if _JUNK.search(s):
            self.junk.append(s)
        elif _AD_MARK.match(s):
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


_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:<[^>\n]*>|[^)\s]*)\)")
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)", re.M)


_CRUMB = re.compile(r"\) *[›»/] *\[")


def drop_markdown_chrome(markdown: str) -> str:
    """A Markdown issue's boilerplate, gone as the HTML reader drops it: paragraphs that are nothing but buttons
    ("[Share](…)", "[Leave a comment](…)") or a saved page's breadcrumbs near its top, and short paragraphs of
    footer text ("unsubscribe", "Thanks for reading X! Subscribe for free", "X is a reader-supported publication") in
    the issue's first fifth or its last half.
    Code blocks are left as they are."""
    paragraphs = markdown.split("\n\n")
    total, at, fenced, kept = max(1, len(markdown)), 0, False, []
    for paragraph in paragraphs:
        where, at = at / total, at + len(paragraph) + 2
        fences = len(_FENCE.findall(paragraph))
        if not fenced and not fences and _chrome(paragraph, where):
            continue
        fenced ^= fences % 2 == 1
        kept.append(paragraph)
    return "\n\n".join(kept) if len(kept) < len(paragraphs) else markdown


def _chrome(paragraph: str, where: float) -> bool:
    links = _MD_LINK.findall(paragraph)
    if links and all(BUTTON.fullmatch(" ".join(text.split()).strip("*_ ")) for text in links) \
            and not _MD_LINK.sub("", paragraph).strip(" \t\n·|•*_"):
        return True
    if links and where < 0.2 and _CRUMB.search(paragraph) and not _MD_LINK.sub("", paragraph).strip(" \t\n›»/|"):
        return True  # a saved page's breadcrumbs: "[Home](…) › [Archive](…) › [Agents & Evals](…)"
    if links and len(paragraph) <= 600 and all(POLL_LINK.search(m.group(0)) for m in _MD_LINK.finditer(paragraph)):
        return True  # a reader poll's answers
    text = " ".join(_MD_LINK.sub(lambda m: m.group(1), paragraph).split())
    return len(text) <= 300 and not 0.2 < where < 0.5 and bool(_JUNK.search(text))
