"""Reader for plain-text newsletter e-mails (masthead, letter, headlined stories, ads, footer)."""
from __future__ import annotations

import datetime as _dt
import re
from email.utils import parseaddr
from itertools import takewhile

from .. import frontmatter_io
from ..errors import SourceError
from ..links import BARE_URL
from ..hookspecs import hookimpl
from ..model import Issue, SourceDoc
from ..metadata import (ISSUE_NUMBER, ISSUE_WORDS, REPLY_PREFIX, copyright_holder, heading_text, parse_human_date,
                        sender_author, to_date, with_sender)
from ..textfix import clean_inline
from . import labels
from .boilerplate import BUTTON, COUNTER, POSTAL, UNSUBSCRIBE_ABROAD, WEB_VERSION, web_version
from .references import cited, cites, link_references, take_references, uncited

# --- line shapes -------------------------------------------------------------------------------
_ODD_SPACE = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_HEADER = re.compile(r"^(from|to|cc|date|subject|sent|reply-to):\s*(.*)$", re.I)
_GREETING = re.compile(
    r"^(dear|hi|hello|hey|greetings|howdy|good (morning|afternoon|evening))\b[^.!?:]{0,40}[,!:]?$", re.I)
_SIGNOFF = re.compile(
    r"^(keep learning|best|cheers|thanks|thank you|sincerely|regards|warmly|warm regards|yours|"
    r"until next (time|week)|see you|stay (safe|tuned|curious)|talk soon|all the best|onward|happy \w+)"
    r"\b[^.?:]{0,25}[!,.]?$", re.I)
_NAME = re.compile(r"^[-–—~ ]*[A-Z][\w.'’-]*( [A-Z][\w.'’-]*){0,2}$")
# "What's new:", "Yes, but:", "Key insight:": a short capitalised prefix, then a sentence or nothing.
_LABEL = re.compile(r"^([A-Z][\w'’-]*(?:,? [\w'’-]+){0,3}):(?=\s+[\"“‘'(A-Z0-9•]|\s*$)")
_BULLET = re.compile(r"^(\s*)(?:[•◦▪‣●○■□·*+-]|(\d{1,3})[.)])\s+(\S.*)$")
# Gmail's "[image: The Neuron logo]"; Outlook's "[cid:image001.png@01DCA47E.3B2F9C10]", a picture without its text.
_MAIL_IMAGE = re.compile(r"\[(?:image:|cid:[^\]\s]*(?=\]))\s*([^\]]*)\]", re.I)
_LOGO = re.compile(r"(.{2,40}?)\s+logo", re.I)  # not "Email header", "Newsletter banner"
_DASH_ITEM = re.compile(r"^(\s*)()–\s+(\S.*)$")  # an en dash: an em dash opens a sign-off ("— Noah and Grant")
_URL_LINE = re.compile(r"<?https?://\S+>?$")
_WORD = re.compile(r"[^\W_]+")
_RULE = re.compile(r"^(?:[-_=*~#·•] ?){2,}$")  # "-----", "* * *", "--": separators, not content
_BYLINE = re.compile(r"^[Bb]y [A-Z]")
# A dek under a headline, Import AI's "...GraphCast beats the European model..."
_DEK = re.compile(r"^(?:\.{3}|…)\s*\S.{0,200}(?:\.{3}|…)$")
_SENTENCE_BREAK = re.compile(r"[.!?]\s")
_YEAR = re.compile(r"\d{4}")
_ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{1,2}-\d{1,2}(?![\d-])")  # "TLDR AI 2024-05-07"
_SEPARATORS = re.compile(r"\s+[|·•—–-]\s+")  # "Issue 12 · August 7, 2019"
_ISSUE_NO = re.compile(r"(?:\bissue|\bno\.|#)\s*#?\s*(\d{1,5})\b", re.I)

# --- footer, ads, newsletter names ---------------------------------------------------------------
_FOOTER = re.compile(
    POSTAL + r"|stop receiving|unsubscribe|" + UNSUBSCRIBE_ABROAD +
    r"|\bsubscribe (?:here|now|to\b)|update (?:your )?preferences|manage (?:your )?"
    r"(?:subscription|preferences)|copyright\s*(?:©|\(c\)|\d{4})|©\s*\d{4}|all rights reserved|"
    r"thoughts, suggestions|view (?:this email |it )?in (?:your |a )?browser|forward(?:ed)? this|"
    r"forward to a friend|you (?:are receiving|received) this|privacy policy|follow us on|"
    r"add (?:our|us to your) (?:e-?mail )?address|stay updated with|refer(?:ral)? link|tell your friends|"
    r"want to advertise|advertise (?:with|in) ", re.I)
_SPONSOR_LINE = re.compile(
    r"^(a message from|sponsored|sponsor|advertisement|brought to you by|presented by|in partnership"
    r" with|together with|partner content|promoted)\b|\((sponsored|sponsor|ad|advertisement|promoted)\)$", re.I)
# An ad ends with an imperative call to action and talks about courses, sign-ups, offers.
_CTA = re.compile(r"^(enroll|start|sign up|register|join|apply|get started|buy|order|reserve|claim|"
                  r"download|subscribe|learn more|book|grab|try)\b", re.I)
_AD_WORD = re.compile(r"\b(course \d|courses?|specialization|enroll\w*|certificate|coursera|webinar|"
                      r"workshop|discount|free trial|sign up|register|tickets?|learn how|limited time|promo)\b",
                      re.I)
# Case-insensitive lead-in, case-sensitive name: "Subscribe to The Batch", not "subscribe to our list".
_CAPS_NAME = r"([A-Z][\w'’&.-]*(?:[ ][A-Z0-9][\w'’&.-]*){0,4})"
# "Subscribe to X", Substack's "Thanks for reading X!"
_SUBSCRIBE_TO = re.compile(r"(?i:\bsubscribe to |\bthanks for reading )" + _CAPS_NAME)
_THIS_ISSUE_OF = re.compile(r"(?i:\bthis (?:issue|edition) of )" + _CAPS_NAME)

# --- Markdown safety ---------------------------------------------------------------------------
# Obsidian turns these into links, comments, Templater/Dataview code, math, HTML or tags anywhere.
_INLINE_RISK = re.compile(r"\[{2,}|%{2,}|<%|\$|`(?=\$?=)|<(?!(?:https?://|mailto:)[^>\s]+>)(?=[A-Za-z/!?])"
                          r"|(?:(?<=\s)|^)#(?=\w)")
# ...and these only at the start of a block (headings, quotes, tables, fences, rules, lists, link defs).
_START_RISK = re.compile(r"^(?:#|>|\||```|~~~|[-*+](?=\s|$)|[-*_=]{3,}\s*$|=+\s*$|\[[^\]]*\]:)")
_NUMBERED_START = re.compile(r"^(\d+)([.)])(?=\s|$)")
_HTML_DOC = re.compile(r"<(!doctype|html|body)\b", re.I)
_HTML_TAG = re.compile(r"</?(p|div|span|table|td|tr|br|a)\b[^>]{0,200}>", re.I)


def _norm_lines(text: str) -> list[str]:
    """Lines with odd spaces folded and trailing space gone; leading indentation kept for bullets."""
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _ODD_SPACE.sub(" ", raw).rstrip()
        words = line.split()
        lines.append(" " * (len(line) - len(line.lstrip())) + " ".join(words) if words else "")
    return lines


_CLOCK = re.compile(r"\s+at\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]\.?M\.?)?\s*$", re.I)
_FORWARDED = re.compile(r"-{3,}\s*(?:Forwarded message|Original Message)\s*-{3,}|Begin forwarded message:", re.I)


def _innermost(lines: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """(headers, lines, notes) of an e-mail that may have been forwarded on and on: the headers and the text of the
    last message forwarded (the newsletter, as it was sent), and what the forwarders wrote around it, without their
    header blocks. Forwarded text quoted line by line ("> ") loses one level of quotes."""
    headers, rest = _split_headers(lines)
    notes: list[str] = []
    forwarded = any(_FORWARDED.match(line.strip()) for line in lines[:len(lines) - len(rest)])
    while True:
        at = next((i for i, line in enumerate(rest) if _FORWARDED.match(line.strip())), None)
        if at is None:
            break
        inner, after = _split_headers(rest[at:])
        if not inner:
            break
        notes += rest[:at]
        headers, rest, forwarded = {**headers, **inner}, after, True
    return headers, _unquoted(rest) if forwarded else rest, notes


def _unquoted(lines: list[str]) -> list[str]:
    """Lines nearly all quoted ("> "), one level of quotes off: a forwarded message as some mail programs send it."""
    text = [line.lstrip() for line in lines if line.strip()]
    if len(text) < 3 or sum(line.startswith(">") for line in text) < 0.8 * len(text):
        return lines
    return [re.sub(r"^\s*> ?", "", line) for line in lines]


def _split_headers(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Take an RFC 822-style header block (From:/Subject:/Date:) off the top, if there is one."""
    i = next((i for i, line in enumerate(lines) if line), len(lines))
    if i < len(lines) and _FORWARDED.match(lines[i].strip()):  # a reader forwarded it to themselves: its own headers
        i = next((k for k in range(i + 1, len(lines)) if lines[k]), len(lines))
    headers: dict[str, str] = {}
    while i < len(lines) and (m := _HEADER.match(lines[i])):
        key = m.group(1).lower()
        headers[key] = m.group(2).strip()
        i += 1
        while i < len(lines) and lines[i].startswith(" "):  # a folded header line
            headers[key] += " " + lines[i].strip()
            i += 1
    # one "Date:" line alone is prose; a Subject or two header lines make a header block
    return (headers, lines[i:]) if len(headers) >= 2 or "subject" in headers else ({}, lines)


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line and not _RULE.match(line.strip()):
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _date_in(line: str) -> _dt.date | None:
    """The date a short masthead line states, alone, between separators or as an ISO date after a name."""
    if len(line) > 60 or not _YEAR.search(line):  # strptime is slow: only try lines with a year
        return None
    iso = _ISO_DATE.search(line)
    return (to_date(iso.group(0)) if iso else None) or next(
        filter(None, map(parse_human_date, [line, *_SEPARATORS.split(line)])), None)


def _is_short(line: str) -> bool:
    """A standalone line that could be a masthead, headline or image alt text rather than prose."""
    return (len(line) <= 100 and len(line.split()) <= 16 and line[-1] not in ".,;:"
            and not (line[-1] in "!?" and _SENTENCE_BREAK.search(line))  # "Yikes! We hope so!" is prose
            and any(c.isalpha() for c in line) and not _LABEL.match(line))


def _wrap_width(blocks: list[list[str]]) -> int | None:
    """The column the text was hard-wrapped at, or None when lines are whole paragraphs."""
    # A line holding an address may run past the column: a URL is not broken at it (or is, anywhere).
    lengths = [len(line) for block in blocks for line in block[:-1] if "://" not in line and "www." not in line]
    # The column most lines end near: one line that ran past it (an editor's slip) does not move it.
    within = sorted(n for n in lengths if n <= 100)
    width = within[int(0.95 * (len(within) - 1))] if len(within) >= 20 else max(within, default=0)
    if width < 50:  # short lines everywhere: addresses, lists, signatures, not a wrapped text
        return None
    filled = sum(1 for n in lengths if width - 20 <= n <= width)
    return width if filled >= max(3, len(lengths) // 2) else None


_URL_START = re.compile(r"[<(]?(https?://|www\.)")


def _url_break(prev: str, cur: str) -> bool:
    """A URL cut by the wrap: the previous line ends inside it and this line goes on with it."""
    tail, head = prev.rsplit(" ", 1)[-1], cur.split(" ", 1)[0]
    if not _URL_START.match(tail) or _URL_START.match(head):  # a URL on each line: two of them
        return False
    if tail[0] in "<(" and head[-1:] in ">)":
        return True
    return tail[-1] in "/-_?=&%#+~" and not head[:1].isupper() or bool(re.search(r"[/?=&%]", head))


def _continues(prev: str, cur: str, indent: int, unit: dict, width: int | None) -> str | None:
    """The joiner when `cur` continues the unit ending in line `prev`, else None."""
    if _url_break(prev, cur):
        return ""
    if unit["kind"] == "bullet" and indent > unit["indent"]:
        return " "
    word = cur.split(" ", 1)[0]
    if prev[-1] not in ".!?:\"”’)" and cur[0].islower():
        return "" if prev[-1] == "-" and prev[-2:-1].isalpha() else " "
    if width and len(prev) + 1 + len(word) > width - 2:  # the next word did not fit: a wrap
        return " "
    return None


def _units(blocks: list[list[str]], width: int | None) -> list[dict]:
    """Blocks → paragraphs and bullet items, each remembering its block (headlines are 1-unit blocks)."""
    units: list[dict] = []
    dashes = sum(1 for block in blocks for line in block if _DASH_ITEM.match(line)) >= 2  # one is a sign-off
    for b, block in enumerate(blocks):
        first, prev = len(units), ""
        for line in block:
            text, indent = line.strip(), len(line) - len(line.lstrip())
            image = _MAIL_IMAGE.fullmatch(text)
            if image:  # Gmail's "[image: The Neuron logo]": a picture's alt text, never a headline
                if image.group(1).strip():
                    units.append({"kind": "image", "text": image.group(1).strip(), "block": b})
                prev = text
                continue
            bullet = _BULLET.match(line)
            if bullet is None and dashes and (dash := _DASH_ITEM.match(line)) and (
                    len(units) == first or units[-1]["kind"] == "bullet" or prev[-1] in ".!?)"):
                bullet = dash  # "– Headline (Source)": an item; "… word\n– more words" goes on a sentence
            joiner = None
            if len(units) > first and units[-1]["kind"] == "bullet" and _URL_LINE.match(text):
                joiner = " "  # "– Headline (Source)" over its URL: one item
            elif len(units) > first and not bullet and not _LABEL.match(text):
                joiner = _continues(prev, text, indent, units[-1], width)
            if joiner is not None:
                units[-1]["text"] += joiner + text
            elif bullet:
                units.append({"kind": "bullet", "text": bullet.group(3), "indent": len(bullet.group(1)),
                              "num": bullet.group(2), "block": b})
            else:
                units.append({"kind": "para", "text": text, "block": b})
            prev = text
        if len(units) - first == 1 and units[first]["kind"] == "bullet" and units[first]["num"] \
                and units[first]["text"].isupper():
            # "1. N2 IS A VOLUME NODE NOW", "2. CHIPS" alone between rules: a numbered section's heading, not a list
            # of one
            units[first] = {"kind": "para", "text": f"{units[first]['num']}. {units[first]['text']}", "block": b,
                            "short": _is_short(units[first]["text"])}
        elif len(units) - first == 1 and units[first]["kind"] == "para" and _is_short(units[first]["text"]):
            units[first]["short"] = True
    return units


def _masthead(blocks: list[list[str]], greeting_block: int | None) -> int:
    """How many leading blocks are masthead: short lines before the greeting, or up to a date line."""
    # Or a dateline and the tagline under it: "AI WEEKLY — Issue #362 — February 15, 2024" / "The week's most
    # important AI news, research and tools. Curated by hand, every Thursday."
    short = [len(block) <= 6 and all(len(line) <= 60 and line[-1] != "." for line in block)
             or (len(block) <= 3 and len(block[0]) <= 80 and _dateline(block[0])
                 and all(len(line) <= 120 for line in block))
             for block in blocks[:4]]
    if greeting_block is not None:
        return len(list(takewhile(bool, short[:greeting_block])))
    for n, block in enumerate(blocks[:3]):
        if not short[n]:
            break
        if any(_dateline(line) for line in block):
            return n + 1
    return 0


# A masthead's issue: "Issue #362", "Edição #87" (not any "#1").
_ISSUE_WORD = re.compile(r"\b" + ISSUE_NUMBER)


def _dateline(line: str) -> bool:
    """The line says the issue's date or number."""
    return bool(_date_in(line) or _ISSUE_WORD.search(line))


_TAGLINE = re.compile(r"\s+(?:--?|[|·•—–])\s+")
# A dateline, not a name: "Monday — March 9", "Vol. 3 | …", "Edição #87 | …", "WEEKLY ISSUE -- …"
_DATELINE_WORD = re.compile(r"(?i)^(?:n[°º]|week|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
                            r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b"
                            rf"|\b(?:{ISSUE_WORDS}|vol(?:ume)?)\b")


def _meta(lines: list[str]) -> tuple[str | None, _dt.date | None, int | None]:
    """Newsletter name, date and issue number from masthead lines."""
    name = date = number = None
    for line in lines:
        image = _MAIL_IMAGE.fullmatch(line)
        if image:  # "[image: Wafer & Watt logo]" names the newsletter; another picture names nothing
            logo = _LOGO.fullmatch(image.group(1).strip())
            name = name or (clean_inline(logo.group(1)) if logo else None)
            continue
        found, issue_no = _date_in(line), _ISSUE_NO.search(line)
        date = date or found
        number = number or (int(issue_no.group(1)) if issue_no else None)
        if name is None and not _FOOTER.search(line) and len(line) <= 80:
            # "AI WEEKLY — Issue #362 — February 15, 2024", "DRY POWDER -- the week in AI venture": the name before
            # the issue, the date or a tagline.
            first, *rest = _TAGLINE.split(line, maxsplit=1)
            if rest:
                dateline = _ISSUE_NO.search(first) or _date_in(first) or _DATELINE_WORD.search(first)
                name = None if dateline else clean_inline(first.strip(" |·•—–-,"))
            elif not issue_no and len(line) <= 60:
                # "TLDR AI 2024-05-07": the name beside the date; a line that is only a date names nothing.
                rest = _ISO_DATE.sub("", line) if found else line
                name = clean_inline(rest.strip(" |·•—–-,")) if not found or rest != line else None
    return name or None, date, number


def _web_version(lines: list[str], references: dict[str, str]) -> tuple[list[str], str | None]:
    """(the lines without the one linking to the issue's web version near the top, its URL): "View in browser:
    https://…", "Read online [1]", or the URL on the next line. The line is chrome, as in an HTML issue."""
    for n, line in enumerate(lines[:40]):
        found = WEB_VERSION.search(line)
        if found is None or len(_WORD.findall(line[:found.start()])) > 6 \
                or _WORD.findall(BARE_URL.sub(" ", uncited(line[found.end():]))):
            continue  # "Having trouble reading this? View it in your browser": the line ends with it
        urls = BARE_URL.findall(line) + [references[k] for k in cited(line) if k in references]
        dropped = {n}
        after = next((k for k in range(n + 1, min(n + 3, len(lines))) if lines[k].strip()), None)
        if not urls and after is not None and _URL_LINE.match(lines[after].strip()):
            urls = [lines[after].strip().strip("<>")]
            dropped.add(after)
        url = web_version(urls)
        if url is not None:
            return [x for k, x in enumerate(lines) if k not in dropped], url
    return lines, None


def _footer_start(blocks: list[list[str]]) -> int:
    """Index of the first footer block: the trailing run of boilerplate, from its first marker on."""
    start = len(blocks)
    for i in range(len(blocks) - 1, -1, -1):
        text = " ".join(line.strip() for line in blocks[i])
        markers = {m.group(0).lower() for m in _FOOTER.finditer(text)}
        if markers and not _LABEL.match(text) and (len(text) <= 200 or len(markers) >= 2):
            start = i
        elif not all(len(line) <= 80 and line[-1] not in ".?!:" or line.strip().startswith("http")
                     for line in blocks[i]):
            break
    return start


def _is_ad(unit: dict) -> bool:
    text = unit["text"]
    if unit["kind"] != "para" or _LABEL.match(text) or len(text) > 800:
        return False
    *pitch, last = re.split(r"(?<=[.!?])\s+", text)
    # the pitch must sell on its own: "Enroll today!" is a call to action, not evidence of one
    weak = {m.group(0).lower() for m in _AD_WORD.finditer(" ".join(pitch))}
    return bool(_CTA.match(last) and len(last) <= 80 and weak) or len(weak) >= 3


def _greeting(units: list[dict]) -> int | None:
    return next((i for i, u in enumerate(units[:12]) if _GREETING.match(u["text"])), None)


def _letter_end(units: list[dict], greet: int) -> int:
    """Last unit of the letter: its sign-off (and the name under it), else the prose before a headline."""
    end = greet
    for i in range(greet + 1, len(units)):
        if _SIGNOFF.match(units[i]["text"]) and len(units[i]["text"]) <= 40:
            nxt, after = units[i + 1] if i + 1 < len(units) else None, units[i + 2:i + 3]
            # a name on its own line is a headline when story text follows it
            if nxt and _NAME.match(nxt["text"]) and (nxt["block"] == units[i]["block"] or (
                    nxt.get("short") and (not after or after[0].get("short")))):
                return i + 1
            return i
        if units[i].get("short"):
            break
        end = i
    return end


def _roles(units: list[dict]) -> list[str]:
    """Role per unit: letter, ad, alt (image alt text), heading, or text."""
    roles = ["text"] * len(units)
    greet = _greeting(units)
    if greet is not None:  # nothing in the letter is a headline, not even "Dear friends,"
        end = _letter_end(units, greet)
        roles[greet:end + 1] = ["letter"] * (end + 1 - greet)
    for i, unit in enumerate(units):
        if roles[i] != "text":
            continue
        if unit.get("short") and _SPONSOR_LINE.search(unit["text"]):
            j = i + 1  # a sponsor line opens an ad that runs to the next standalone line or label
            while j < len(units) and roles[j] == "text" and not units[j].get("short") \
                    and not _LABEL.match(units[j]["text"]):
                j += 1
            if j > i + 1:
                roles[i:j] = ["ad"] * (j - i)
        elif _is_ad(unit):
            roles[i] = "ad"
            if i and units[i - 1].get("short") and roles[i - 1] == "text":  # the ad's image alt text
                roles[i - 1] = "ad"

    def prose(k: int) -> bool:  # story text follows (past pictures); a "By Jane Doe" byline counts as story text
        while k < len(units) and units[k]["kind"] == "image":
            k += 1
        return k < len(units) and roles[k] == "text" and (
            not units[k].get("short") or bool(_BYLINE.match(units[k]["text"])))

    def headline(k: int) -> bool:  # a line holding a URL is a link, not a headline (a heading cannot keep a URL)
        return k < len(units) and roles[k] == "text" and units[k].get("short", False) \
            and not _BYLINE.match(units[k]["text"]) and "://" not in units[k]["text"]

    def over_dek(k: int) -> bool:  # "DeepMind builds a forecaster:" over "...it beats ECMWF...": a headline, colon and all
        text = units[k]["text"]
        return (k + 1 < len(units) and roles[k] == "text" and units[k]["kind"] == "para"
                and (text[:1].isupper() or text[:1].isdigit()) and len(text) <= 120 and "://" not in text
                and bool(_DEK.match(units[k + 1]["text"])))

    for i, unit in enumerate(units):
        if over_dek(i):
            roles[i] = "heading"
            continue
        if not headline(i):
            continue
        # alt text, then the headline; an all-caps line is a section label, not an image, and an image's text cites
        # nothing (a reference ends the last headline of a list: "Runway unveils Gen-3 [7]" over "TOP PAPERS")
        cited = cites(unit["text"])
        label = unit["text"].isupper() and not cited  # not a button ("TRY CLAUDE [2]")
        if headline(i + 1) and prose(i + 2) and not label and not units[i + 1]["text"].isupper() and not cited:
            roles[i], roles[i + 1] = "alt", "heading"
        elif prose(i + 1) or (label and headline(i + 1) and not _SPONSOR_LINE.search(unit["text"])):
            roles[i] = "heading"  # a headline over its story, or a section's label ("TOP NEWS") over a headline
    return roles


def _inert(text: str) -> str:
    """Escape what would turn plain prose into Markdown/Obsidian structure."""
    text = _INLINE_RISK.sub(lambda m: "".join("\\" + c if c in "[%<$`#" else c for c in m.group(0)), text)
    if _START_RISK.match(text):
        return "\\" + text
    return _NUMBERED_START.sub(r"\1\\\2", text)


def _norm_notes(lines: list[str]) -> list[str]:
    """A forwarder's note: its lines as prose, one blank line between paragraphs, none at the ends."""
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1]):
            out.append(_inert(line.strip()) if line.strip() else "")
    while out and not out[-1]:
        out.pop()
    return out


def _heading_text(text: str) -> str:
    return heading_text(clean_inline(text)).strip(" -")  # Obsidian anchors break on # | ^ [ ] and ": "


def _picture(alt: str) -> str:
    alt = _inert(alt).replace("_", "\\_")
    return f"_(image: {alt})_"


def _paragraph(unit: dict) -> str:
    label = _LABEL.match(unit["text"])
    if not label:
        return _inert(unit["text"])
    rest = unit["text"][label.end():].strip()
    return f"**{label.group(1)}:**" + (" " + _inert(rest) if rest else "")


def _list(items: list[dict]) -> str:
    base = min(u["indent"] for u in items)
    lines = []
    for u in items:
        level = min(3, (u["indent"] - base) // 2)
        marker = f"{u['num']}." if u["num"] else "-"
        lines.append("    " * level + f"{marker} {_inert(u['text'])}")
    return "\n".join(lines)


def _render(units: list[dict], roles: list[str]) -> str:
    parts: list[str] = []
    callouts = labels.uses_labels(m.group(1) for u in units if (m := _LABEL.match(u["text"])))
    i = 0
    while i < len(units):
        role, j = roles[i], i + 1
        if role == "ad":
            while j < len(units) and roles[j] == "ad":
                j += 1
            inner = _render_plain(units[i:j]).split("\n")
            parts.append("> [!note]- Sponsored\n" + "\n".join(("> " + s) if s else ">" for s in inner))
        elif role == "alt":
            parts.append(f"## {_heading_text(units[j]['text'])}\n\n{_picture(units[i]['text'])}")
            j += 1
        elif role == "heading":
            parts.append(f"## {_heading_text(units[i]['text'])}")
        else:
            while j < len(units) and roles[j] in ("text", "letter"):
                j += 1
            parts.append(_render_plain(units[i:j], callouts))
        i = j
    return "\n\n".join(parts) + "\n"


def _render_plain(units: list[dict], callouts: bool = False) -> str:
    """Paragraphs and lists, no headings: letter, story text, callout insides; labelled paragraphs as callouts."""
    parts, i = [], 0
    while i < len(units):
        j = i + 1
        label = _LABEL.match(units[i]["text"]) if callouts and units[i]["kind"] == "para" else None
        rest = units[i]["text"][label.end():].strip() if label else ""
        if units[i]["kind"] == "image":
            parts.append(_picture(units[i]["text"]))
        elif units[i]["kind"] == "bullet":
            while j < len(units) and units[j]["kind"] == "bullet":
                j += 1
            parts.append(_list(units[i:j]))
        elif rest or (label and j < len(units) and units[j]["kind"] == "bullet"):
            # Lines of the same block (no blank line between them) stay in the label's callout, and so does a
            # list right after it ("How it works:" and its bullets).
            while j < len(units) and units[j]["block"] == units[i]["block"] and not _LABEL.match(units[j]["text"]):
                j += 1
            while j < len(units) and units[j]["kind"] == "bullet":
                j += 1
            body = _render_plain(([{**units[i], "text": rest}] if rest else []) + units[i + 1:j])
            parts.append(labels.callout(label.group(1), label.group(1), body))
        else:
            parts.append(_paragraph(units[i]))
        i = j
    return "\n\n".join(parts)


def _newsletter_in(text: str, pattern: re.Pattern) -> str | None:
    for m in pattern.finditer(text):
        name = m.group(1).rstrip(".'’-")
        if name.split()[0] not in ("Our", "This", "My", "Your") and name.lower() != "the newsletter":
            return clean_inline(name)
    return None


class EmailReader:
    """Plain-text e-mail newsletters: letter kept as prose, stories as `##` sections."""

    name = "email"

    def score(self, doc: SourceDoc) -> float:
        text, head = doc.text, doc.text[:20000]
        if not text.strip() or frontmatter_io.split(text)[0] is not None or _HTML_DOC.search(head) \
                or len(_HTML_TAG.findall(head)) >= 3:
            return 0.0  # frontmatter Markdown and HTML belong to other readers
        lines = _norm_lines(text[:200000])
        stripped = [line.strip() for line in lines if line.strip()]
        signals = [
            any(_GREETING.match(s) for s in stripped[:12]),
            sum(1 for s in stripped if _LABEL.match(s) and len(s) > 40) >= 2,
            any(s.startswith("•") for s in stripped),
            any(_date_in(s) for s in stripped[:5]),
            any(_SIGNOFF.match(s) and len(s) <= 40 for s in stripped),
            bool(_FOOTER.search("\n".join(stripped[-30:]))),
            bool(_split_headers(lines)[0]),
            bool(take_references(lines)[1]),  # "… next week [1]", with "[1] https://…" listed at the end
        ]
        if not any(signals):
            return 0.05  # plain text without e-mail traits: let the generic reader have it
        score = min(0.7, 0.3 + 0.1 * sum(signals))
        headings = [s for s in stripped if re.match(r"#{1,6} \S", s)]
        if "](http" in text or len(headings) >= 2 or stripped[0] in headings:
            score *= 0.5  # Markdown links or headings: the Markdown reader should win
        return round(score, 2)

    def read(self, doc: SourceDoc) -> Issue:
        if not doc.text.strip():
            raise SourceError(doc.rel, "empty file")
        headers, lines, notes = _innermost(_norm_lines(doc.text))
        lines, references = take_references(lines)
        lines, url = _web_version(lines, references)
        lines = [line for line in lines if not COUNTER.fullmatch(line.strip())]
        blocks = [b for b in _blocks(lines) if not (len(b) == 1 and BUTTON.fullmatch(b[0].strip()))]
        units = _units(blocks, _wrap_width(blocks))
        greeting = _greeting(units)
        head = _masthead(blocks, None if greeting is None else units[greeting]["block"])
        newsletter, date, number = _meta([line.strip() for block in blocks[:head] for line in block])
        foot = _footer_start(blocks)
        footer_text = "\n".join(line for block in blocks[max(foot, head):] for line in block)
        units = [u for u in units if head <= u["block"] < foot]
        if not units:
            raise SourceError(doc.rel, "no content besides masthead and footer")
        warnings = []
        if "date" in headers and date is None:
            stated = _CLOCK.sub("", headers["date"])  # Gmail's forward: "Mon, May 4, 2026 at 6:47 AM"
            date = to_date(stated) or _date_in(stated)
            if date is None:
                warnings.append(f"Date header not understood: {headers['date'][:60]!r}")
        # "subscribe to X" only counts in the footer: in a story X is whatever people subscribe to
        newsletter = newsletter or _newsletter_in(footer_text, _SUBSCRIBE_TO) or _newsletter_in(
            doc.text, _THIS_ISSUE_OF)
        # The footer's copyright holder, or the sender, only when the text names no newsletter, and only as a
        # guess (metadata.complete)
        sent_by = parseaddr(headers.get("from", ""))[0]
        holder = None if newsletter else copyright_holder(footer_text)
        newsletter, guessed = with_sender(newsletter or holder, holder is not None, sent_by)
        title = clean_inline(REPLY_PREFIX.sub("", headers.get("subject", ""))) or None
        body = link_references(_render(units, _roles(units)), references)
        if any(line.strip() for line in notes):  # the forwarders' own words, kept above what they forwarded
            said = labels.callout_block("> [!quote] Forwarded with a note", "\n".join(_norm_notes(notes)))
            body = f"{said}\n\n{body}"
        return Issue(source=doc.rel, body=body, title=title, url=url, newsletter=newsletter,
                     newsletter_guessed=guessed, number=number, date=date,
                     authors=sender_author(sent_by), reader=self.name,
                     warnings=tuple(warnings))


@hookimpl
def register_readers(register):
    register(EmailReader())
