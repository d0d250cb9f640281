"""Issue metadata from every place a file offers it: index hints > the reader > the text > the file name."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath
from typing import Any, Mapping

from .model import Issue
from .textfix import clean_inline

# "2019-10-13-title.md", Jekyll's "2021-3-15-107.md"
_FILENAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)")
_LEADING_NUMBER = re.compile(r"^\s*#\s?(\d{1,5})\s*[:.\-–—]\s*")
_NAMED_NUMBER = re.compile(
    r"\b(?:welcome to (?:the |this week's |issue #?\d+ of )?)?"
    r"((?:[A-Z][\w.&'’-]*|of|the|and|AI|NLP|ML)(?:\s+(?:[A-Z][\w.&'’-]*|of|the|and|&|AI|NLP|ML)){0,4})"
    r"\s*(?:[:—–-]\s*(?=issue))?[(（]?(?:issue\s*#?\s*|no\.?\s*|n[°º]\s*|#)(\d{1,5})\b", re.I)  # "Weekly: Issue #227"
# "NLP Newsletter 13": a bare number after a word that names a newsletter.
_SERIES_NUMBER = re.compile(r"\b((?:[A-Z][\w.&'’-]*\s+){0,3}(?:Newsletter|Digest|Weekly|Bulletin|Roundup))\s+(\d{1,5})\b")
_WELCOME = re.compile(r"\b(?i:welcome to )(?:the \d+\w* (?i:issue|edition|update) (?:of|from) |this week's |the )?"
                      r"((?:[Tt]he )?[A-Z][\w’'&-]*(?:\s+[A-Z][\w’'&-]*){0,4})")
# "You can subscribe to NLP News here", "You are receiving The Batch because…", "Thanks for reading The Sequence Layer!"
_SUBSCRIBE = re.compile(r"(?:^|(?<=[.!?*_] )|\b(?i:you can|you may) )\s*"
                        r"(?i:subscribe to|you are receiving|this issue of|forward|thanks for reading)"
                        r" (?:this issue of )?((?:The )?[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){0,3})", re.M)
# What a title's "Update #87" or "Issue 12" names when no word before says whose: no newsletter.
_GENERIC_SERIES = frozenset({"update", "issue", "edition", "newsletter", "digest", "weekly", "letter", "no", "number",
                             "vol", "volume", "part", "episode", "the newsletter", "this week", "week"})
_TITLE_PREFIX = re.compile(r"^((?:The )?[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){0,3})\s*[:|—–-]\s+\S")
_NAME_WORD = r"[A-Z][\w’'&-]*(?:\.[\w’'&-]+)*"  # "DeepLearning.AI", not the full stop after "Import AI."
_COPYRIGHT = re.compile(r"(?:©|\([cC]\)|\b[Cc]opyright\b|COPYRIGHT)\s*(?:©\s*)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?"
                        rf",?[ \t]+((?:[Tt]he[ \t]+)?{_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|\d+\w*)){{0,4}})")
_COMPANY_SUFFIX = re.compile(r"(?:,?\s+(?:Inc|LLC|Ltd|GmbH|Corp|PBC)\.?)+$|\.$")
_ANCHOR_UNSAFE = re.compile(r"[#|^\[\]\\]")
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?"
          r"|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# A title that opens with the newsletter's name, then which issue it is: "Open Weights Changelog · week 41", "🌱 Open
# Weights Collective — Community Digest, April 2026", "Climate ML notes, Feb 2026: …" (not "OpenAI: what happened in
# May", "Anthropic ships Claude, week 3").
_SERIES_WORD = (r"(?:[A-Z][\w’'&.-]*|AI|ML|of|the|and|in|on"
                r"|(?i:notes|digest|weekly|newsletter|letter|roundup|update|changelog))")
_TITLE_SERIES = re.compile(
    rf"^\W*((?:The )?[A-Z][\w’'&.-]*(?:\s+{_SERIES_WORD}){{0,4}})\s*(?:[,:|·•—–]|--?)\s*"
    rf"(?:(?:[A-Z][\w-]*\s+){{0,2}}(?i:week|issue|edition|vol(?:ume)?\.?|no\.)\s*#?\d"
    rf"|(?:[A-Z][\w-]*(?:\s+[A-Z][\w-]*){{0,2}},\s*)?{_MONTH}\s+{_YEAR}\b)")
_WRITTEN_DATE = rf"(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+{_MONTH},?\s+{_YEAR}|{_YEAR}-\d\d-\d\d)(?![^\W_]|-)"
# A dateline near the top: the date opens its line ("*May 27, 2024* · …", "Published October 5, 2021 · by …",
# "Tuesday, May 7, 2024") or follows a separator ("Issue 498 • August 6, 2024"); a date inside a sentence ("On May 5,
# 2024, OpenAI …") is an event's, not the issue's.
_DATELINE = re.compile(rf"^[\s*_>#]*(?:(?:published|posted|sent|dated|updated)(?:\s+on)?:?\s+|"
                       rf"(?:{_WEEKDAY},?\s+)|.{{0,60}}?\s[•·|—–]\s+[*_]*)?"
                       rf"({_WRITTEN_DATE})", re.I | re.M)
_HEAD_LINES = 12
# A masthead: the newsletter's name, then what it is or its issue, and the date ("**AlphaSignal** | Top repos and papers
# of the week | Tuesday, Aug 20, 2024"); a dateline that opens with the day or the issue names no newsletter.
_MASTHEAD = re.compile(r"^[\s*_>#]*((?:The )?[A-Z][\w’'&.-]*(?:[ \t]+[A-Z][\w’'&.-]*){0,3})[*_]*"
                       r"[ \t]+(?:[|•·]|[-–—]{1,2})[ \t]+(.+)$", re.M)
# What says which issue it is, in the languages of the archives read so far: "Issue #362", "Editie #41", "Edição #87".
ISSUE_WORDS = r"issue|edition|editie|edição|edición|ausgabe|numéro"
ISSUE_NUMBER = rf"(?i:{ISSUE_WORDS}|no\.)\s*#?\s*(\d{{1,5}})\b"
# "Editie #41 · maandag 2 februari 2026", "*Issue 212 | January 14*": a dateline that opens with the issue's number.
_DATELINE_ISSUE = re.compile(r"^[\s*_>#]*" + ISSUE_NUMBER + r"(?!\.\d)", re.M)
_DATELINE_OPENER = re.compile(rf"(?i)(?:issue|edition|vol(?:ume)?|no|{_WEEKDAY}|{_MONTH})\b")
DEFAULT_NEWSLETTER = "Newsletter"
# The words that say a name is a periodical's: "Data Science Digest", "Health AI Weekly", "Lab Monthly".
_PERIODICAL_WORDS = frozenset("digest weekly daily monthly newsletter letter notes roundup bulletin briefing dispatch "
                              "brief".split())
_PERIODICAL_NAME = re.compile(r"(?:The )?(?:[A-Z][\w’'&.-]*\s+){1,3}(?i:" + "|".join(_PERIODICAL_WORDS) + r")")
_CALENDAR_OPENER = re.compile(rf"(?:{_WEEKDAY}|{_MONTH})(?:['’]s)?\b")


# What mail programs put before a subject they reply to or forward: "Re:", "Fwd:", "FW:", German "AW:" and "WG:",
# French "TR:".
REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|tr)\s*:\s*)+", re.I)


def to_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    match = re.fullmatch(r"\s*#?\s*(\d{1,6})\s*", str(value))
    return int(match.group(1)) if match else None


def to_date(value: Any) -> dt.date | None:
    """An ISO 8601 date or datetime (or a date object) → date; anything else → None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    text = str(value)
    found = _date_of(re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", text))
    if found is None and re.search(r"[A-Za-z]{3}", text):  # "Tue, 07 May 2024 08:30:00 +0200", "May 7, 2024"
        try:
            found = parsedate_to_datetime(text).date()
        except (TypeError, ValueError, IndexError, OverflowError):
            found = parse_human_date(text)
    return found


def _date_of(match: re.Match | None) -> dt.date | None:
    """(year, month, day) groups → a date; None when absent or not a real day (2020-02-30)."""
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def parse_human_date(text: str) -> dt.date | None:
    """'August 7, 2019', '7 August 2019', 'Aug 7 2019', 'Mon, May 4, 2026' → date."""
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%d %B %Y", "%d %b %Y", "%b %d %Y", "%A, %B %d, %Y",
                "%a, %b %d, %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(" ".join(text.replace(".", "").split()), fmt).date()
        except ValueError:
            continue
    return None


def date_from_text(body: str) -> dt.date | None:
    """The date of a dateline among the first lines of an issue's text (see _DATELINE)."""
    lines = [line for line in body[:2000].splitlines() if line.strip()][:_HEAD_LINES]
    for line in lines:
        match = _DATELINE.match(line) if len(line) <= 200 else None
        if match:
            found = to_date(re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\.|(?<=\bSep)t\b", "", match.group(1)))
            if found is not None:
                return found
    return None


def date_from_filename(rel: str) -> dt.date | None:
    return _date_of(_FILENAME_DATE.search(PurePosixPath(rel).name))


def heading_text(text: str) -> str:
    """Heading text that works as an Obsidian anchor: no `# | ^ : [ ]` (': ' becomes ' - ', a last ':' goes)."""
    text = re.sub(r"\s*:\s+", " - ", text.strip())
    text = re.sub(r"\s*:+$", "", text).replace(":", "-")
    return " ".join(_ANCHOR_UNSAFE.sub("", text).split())


def strip_number_prefix(title: str) -> str:
    """'#24: Descript's new studio' → 'Descript's new studio'."""
    return _LEADING_NUMBER.sub("", title).strip() or title


def _first_heading(body: str, deepest: int = 3) -> str | None:
    match = re.search(rf"^#{{1,{deepest}}} +(.+)$", body, re.M)
    return match.group(1).strip() if match else None


def _guess_newsletter(issue: Issue) -> str | None:
    if issue.title:  # "NLP Newsletter #3: …" says it outright
        match = _NAMED_NUMBER.search(issue.title) or _SERIES_NUMBER.search(issue.title) \
            or _TITLE_SERIES.match(issue.title)
        if match and match.group(1).strip().casefold() not in _GENERIC_SERIES:
            return match.group(1).strip()
    head = issue.body[:3000]
    for match in _MASTHEAD.finditer("\n".join(head.splitlines()[:_HEAD_LINES])):
        if re.search(_WRITTEN_DATE, match.group(2), re.I) and not _DATELINE_OPENER.match(match.group(1)):
            return match.group(1)
    name = _named(_WELCOME, head) or footer_newsletter(issue.body[-3000:])
    if name:
        return name
    holder = copyright_holder(issue.body[-3000:])
    if holder:
        return holder
    match = _TITLE_PREFIX.match(issue.title or "")
    if match and not _CALENDAR_OPENER.match(match.group(1)):  # "May's LLM Research Papers: …" is a title
        return match.group(1).strip()
    if issue.title and _PERIODICAL_NAME.fullmatch(issue.title):  # a title that is a periodical's name: a masthead
        return issue.title
    return None


def _file_newsletter(source: str) -> str | None:
    """The periodical a file's name spells, its date and number aside: "health-ai-weekly-2026-04-22.md" is Health AI
    Weekly's ("lora-learns-less-xlstm.md", a title's, names none)."""
    words = [w for w in re.split(r"[-_ .]+", PurePosixPath(source).stem) if w and not w.isdigit()]
    if not 2 <= len(words) <= 5 or not any(w.casefold() in _PERIODICAL_WORDS for w in words) \
            or not all(w.isalpha() for w in words):
        return None
    return " ".join(w.upper() if len(w) <= 2 or w.casefold() in ("nlp", "llm") else w.capitalize() for w in words)


def footer_newsletter(text: str) -> str | None:
    """The newsletter a footer names: "You can subscribe to NLP News here", "Thanks for reading The Sequence Layer!"."""
    return _named(_SUBSCRIBE, text)


def _named(pattern: re.Pattern, text: str) -> str | None:
    match = pattern.search(text)
    if match:
        name = re.sub(r"\s+(?:#\d+|issue|no)\b.*$", "", match.group(1).strip(" .,!"), flags=re.I)
        name = name.removeprefix("the ")  # "welcome to the NLP Newsletter", but "The Batch" keeps its "The"
        if name and name.lower() not in {"the", "my", "our", "this"}:
            return name
    return None


def copyright_holder(text: str) -> str | None:
    """Who a footer's copyright line names: "© 2024 Ben's Bites", "Copyright © 2024 Data Elixir, All rights
    reserved.", "© 2024 The Rundown AI, Inc." (the company's suffix goes)."""
    match = _COPYRIGHT.search(text)
    return _COMPANY_SUFFIX.sub("", match.group(1)).strip() or None if match else None


# "Jack Clark and Helen Toner", "A; B", "A & B": the ways one field names several authors. A comma is no separator:
# "Clark, Jack" is one.
_AUTHOR_SEPARATOR = re.compile(r"\s*;\s*|\s+(?:and|&)\s+")


# "Dr. Leah Marchetti", "Sebastian Raschka, PhD": the person, without the titles.
_TITLES = re.compile(r"^(?:Dr|Prof|Professor)\.?\s+(?=[A-Z])|,?\s+(?:PhD|Ph\.D\.|MD|M\.D\.)$")


_WIKILINK = re.compile(r"\[\[([^\[\]|#]+)(?:[|#][^\[\]]*)?\]\]")


def author_names(value: Any) -> tuple[str, ...]:
    """The authors a metadata field names: a string, a list of them, or of mappings with a `name` (Hugo, JSON Feed)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("name")
        if isinstance(item, str):
            item = _WIKILINK.sub(r"\1", item)  # the Obsidian Web Clipper's "[[Maya Lindqvist]]"
            names += (_TITLES.sub("", part).strip(" ,") for part in _AUTHOR_SEPARATOR.split(clean_inline(item)))
    return tuple(dict.fromkeys(n for n in names if n and len(n) <= 100))


_SENDER_AT = re.compile(r" (?:from|at) (?=[A-Z])")


def _sender_parts(name: str | None) -> tuple[str, str]:
    """(who, what) an e-mail sender's display name says: "Jack Clark from Import AI" (Substack's form) and "Priya at
    The Paper Digest" are someone writing the newsletter; a name alone is ("", the name)."""
    parts = _SENDER_AT.split(clean_inline(name or "").strip(" \"'"), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def sender_author(name: str | None) -> tuple[str, ...]:
    """Who an e-mail's sender names as writing it: "Jack Clark from Import AI" is Jack Clark; a name alone, no one."""
    return author_names(_sender_parts(name)[0])


def sender_newsletter(name: str | None) -> str | None:
    """The newsletter an e-mail's sender names: "Jack Clark from Import AI" is Import AI's."""
    return _sender_parts(name)[1] or None


def _unshouted(name: str, issue: Issue) -> str:
    """A masthead's "DRY POWDER" as the title or the letter spells it ("Dry Powder #112: …", "This is today's edition of
    The Download"); a name the issue only ever shouts ("THE DECODER") stays as it is."""
    if not name.isupper() or len(name) < 4:
        return name
    pattern = re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, name.split())) + r"(?![\w-])", re.I)
    spelled = Counter(" ".join(m.group().split()) for text in (issue.title or "", issue.body[:3000])
                      for m in pattern.finditer(text))
    written = [(n, s) for s, n in spelled.items() if not s.isupper()]
    return max(written)[1] if written else name


def with_sender(newsletter: str | None, guessed: bool, sent_by: str | None) -> tuple[str | None, bool]:
    """(newsletter, guessed) of an e-mail: the one its text names, spelt as its sender does ("TLDR" in the masthead of
    "TLDR AI", "DRY POWDER" of "Dry Powder"); else the sender's, as a guess (see sender_newsletter)."""
    sender = sender_newsletter(sent_by)
    if newsletter is None:
        return sender, sender is not None
    if sender and not guessed and len(sender.split()) <= len(newsletter.split()) + 1 \
            and re.search(rf"(?<![\w-]){re.escape(newsletter)}(?![\w-])", sender, re.I):
        return sender, guessed
    return newsletter, guessed


def _guess_number(issue: Issue) -> int | None:
    if issue.title:
        match = (_LEADING_NUMBER.match(issue.title) or _NAMED_NUMBER.search(issue.title)
                 or _SERIES_NUMBER.search(issue.title))
        if match:
            return int(match.groups()[-1])
        if issue.newsletter:  # "Import AI 351: GraphCast…", not "TLDR AI 2024-05-07"
            match = re.match(re.escape(issue.newsletter) + r"\s*#?\s*(\d{1,5})\b(?![.,/-]\d)", issue.title, re.I)
            if match:
                return int(match.group(1))
    match = re.search(r"\bwelcome to [^.\n]{0,60}?#(\d{1,5})\b", issue.body[:3000], re.I) \
        or _DATELINE_ISSUE.search("\n".join(issue.body.splitlines()[:_HEAD_LINES]))
    return int(match.group(1)) if match else None


def complete(issue: Issue, hints: Mapping[str, Any]) -> Issue:
    """Fill what the reader left unknown; index hints win over everything the file says. A newsletter the reader
    only guessed (an e-mail's sender: see sender_newsletter) yields to what the issue's words say."""
    title = clean_inline(str(hints["title"])) if hints.get("title") else issue.title
    newsletter = hints.get("newsletter") or issue.newsletter
    number = to_int(hints.get("number")) or issue.number
    date = to_date(hints.get("published_at") or hints.get("date")) or issue.date
    url = hints.get("url") or issue.url
    authors = author_names(hints.get("authors") or hints.get("author")) or issue.authors
    issue = replace(issue, title=title, newsletter=newsletter, number=number, date=date, url=url, authors=authors,
                    newsletter_guessed=issue.newsletter_guessed and not hints.get("newsletter"))
    if issue.newsletter is None or issue.newsletter_guessed:
        guess = _guess_newsletter(issue)
        if guess and issue.newsletter and guess.casefold() in issue.newsletter.casefold():
            guess = issue.newsletter  # the sender "The Gradient Digest" says it in full
        guess = guess or issue.newsletter or _file_newsletter(issue.source) or DEFAULT_NEWSLETTER
        issue = replace(issue, newsletter=guess, newsletter_guessed=True)
    if issue.number is None:
        issue = replace(issue, number=_guess_number(issue))
    if issue.date is None:
        issue = replace(issue, date=date_from_text(issue.body) or date_from_filename(issue.source))
    if not issue.title:
        # A section's heading ("NEWS", "ASK HN") is no title: which issue it is says more ("AI WEEKLY #362"), or
        # whose it is ("HN AI Digest", the note's name giving its date); a story's heading is one.
        named = issue.newsletter if issue.newsletter != DEFAULT_NEWSLETTER else None
        numbered = f"{named} #{issue.number}" if issue.number and named else None
        heading = _first_heading(issue.body)
        if heading and named and heading.isupper() and len(heading.split()) <= 3:
            heading = named
        fallback = _first_heading(issue.body, 1) or numbered or heading or PurePosixPath(issue.source).stem
        issue = replace(issue, title=clean_inline(fallback))
    newsletter = _unshouted(clean_inline(str(issue.newsletter)), issue)
    # An export that signs every issue with the newsletter's name (Revue's) names no author.
    authors = tuple(a for a in issue.authors if a.casefold() != newsletter.casefold())
    return replace(issue, newsletter=newsletter, authors=authors)


def harmonize_newsletters(issues: list[Issue], renamed: dict | None = None) -> list[Issue]:
    """A guess that no other issue in its folder shares, or that is a fragment of the folder's clear
    majority name, yields to that name.

    Translations and odd titles ("Boletín informativo NLP #5" beside "NLP Newsletter #5", "Halloween:
    …" among "The Batch: …") would otherwise each start a newsletter of their own; two newsletters
    that share a folder, each with several issues, stay two.

    `renamed`: the issues this gave under another name last time (a watcher session's): an issue given the same
    name again is the same object, so that what the session keeps by an issue's identity is found again. Replaced
    by this call's.
    """
    last, now = renamed if renamed is not None else {}, {}
    by_folder: dict[str, list[Issue]] = {}
    for issue in issues:
        by_folder.setdefault(str(PurePosixPath(issue.source).parent), []).append(issue)
    out = []
    for folder_issues in by_folder.values():
        votes: dict[str, int] = {}
        counts = Counter(issue.newsletter for issue in folder_issues)
        for issue in folder_issues:
            if issue.newsletter != DEFAULT_NEWSLETTER:  # no name: no vote
                votes[issue.newsletter] = votes.get(issue.newsletter, 0) + (1 if issue.newsletter_guessed else 2)
        winner = min(votes, key=lambda n: (-votes[n], n), default=None)
        # A folder's name is one that several of its issues give.
        clear = winner is not None and counts[winner] >= 2 and votes[winner] * 2 > sum(votes.values()) \
            and len(folder_issues) >= 3
        for issue in folder_issues:
            if (clear and issue.newsletter_guessed and issue.newsletter != winner
                    and (counts[issue.newsletter] == 1 or issue.newsletter == DEFAULT_NEWSLETTER
                         or _words(issue.newsletter) <= _words(winner))):
                # The entry holds the issue it was made from: its id is not another object's while it is kept.
                known = last.get(id(issue))
                if known is None or known[0] is not issue or known[1].newsletter != winner:
                    known = (issue, replace(issue, newsletter=winner))
                now[id(issue)] = known
                issue = known[1]
            out.append(issue)
    if renamed is not None:
        renamed.clear()
        renamed.update(now)
    return sorted(out, key=lambda i: i.source)


def _words(name: str) -> set[str]:
    return set(re.findall(r"\w+", name.casefold()))
