"""Boilerplate as text, in every shape: footers, buttons, web-version links, ad marks; a Markdown issue's dropped
(an HTML issue's: htmlchrome.py)."""
from __future__ import annotations

import re

from ..links import POLL_KEYS, canonical_url, names_nothing

AD_MARK = re.compile(
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
JUNK = re.compile(
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


def sponsored_callout(text: str) -> str:
    """An ad's Markdown folded into a collapsed callout."""
    lines = ["> [!note]- Sponsored"] + [("> " + line).rstrip() for line in text.split("\n")]
    return "\n\n" + "\n".join(lines) + "\n\n"


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
    return len(text) <= 300 and not 0.2 < where < 0.5 and bool(JUNK.search(text))
