"""What the words around a name say of it: the kind of thing it is ("the startup X", "X researchers"), a description
("X, a library for …"), and how much surer they make it a name."""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from .lexicon import Lexicon
from .phrases import opens_sentence

_NAMING = frozenset("called named dubbed titled entitled nicknamed codenamed".split())
_SAYING = frozenset(("said says wrote writes argues argued describes described told explains explained believes "
                     "thinks tweeted noted notes added adds suggests suggested recommends claims claimed "
                     "warns warned asks asked admits").split())

# "a startup founded by Kai-Fu Lee", "a team led by …": what people do.
_BY_PEOPLE = frozenset("led founded co-founded cofounded authored co-authored coauthored written directed".split())

# A list of people's names after "by" or an "Authors:" label, or that is a whole sentence (an "Authors:" label set
# apart): "… by Hongyu Wang, Shuming Ma, Ruiping Wang and Furu Wei", "**Authors:** Peng Gao, Shijie Geng, …". Names
# of two to four capitalised words; without the label, three of them ("developed by Google Research and Meta AI"
# names no people), and a list that is the sentence runs to its end or to a parenthesis (the affiliation).
_PERSON_ITEM = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3}"
_LIST_BEFORE = re.compile(rf"(?:\b(?P<by>by)\s+|\b(?P<label>(?i:authors?))\s*[*_]*:[*_]*\s+|^\s*)"
                          rf"(?P<names>(?:{_PERSON_ITEM},\s+)*)(?:and\s+)?$")
_LIST_AFTER = re.compile(rf"(?:,?\s+(?:and\s+)?{_PERSON_ITEM}(?=[,.;:)]|\s+(?:and|\()|\s*$))*")
_APPOSITION = re.compile(r"^\s*(?:\([^)]*\)\s*)?,\s+(?:(a|an|the)\s+)([^,.;:()]{2,140})")
# "In the U.S., the state of California passed…": the comma closes a phrase that opens the sentence, no apposition.
_OPENING_PHRASE = re.compile(r"(?:^|[.!?:;]\s+)(?:in|at|for|on|from|to|with|without|within|across|throughout|under|"
                             r"over|like|unlike|after|before|since|despite|during|among|beyond|besides)\s+(?:the\s+)?$",
                             re.I)
_IS_A = re.compile(r"^\s+(?:is|was|are|has become|remains)\s+(?:(a|an|the|one of the)\s+)([^.;:]{2,200})")
_WORD = re.compile(r"[\w'’-]+")
_NEXT_WORD = re.compile(r" (?:[—–-] )?[\w'’]")


def _last_words(text: str, end: int, n: int, window: int = 200) -> list[str]:
    """_WORD.findall(text[:end])[-n:], reading only the last few hundred characters when they hold more than n
    words (the first, perhaps cut, is then not among the last n): not the whole sentence for every phrase."""
    if end > window:
        words = _WORD.findall(text, end - window, end)
        if len(words) > n:
            return words[-n:]
    return _WORD.findall(text, 0, end)[-n:]


def _cue_in(words: list[str], lex: Lexicon, limit: int = 5) -> str | None:
    words = [w.casefold() for w in words[:limit]]
    for i, w in enumerate(words):
        if i + 1 < len(words) and f"{w} {words[i + 1]}" in lex.cues:
            return lex.cues[f"{w} {words[i + 1]}"]
        if w in lex.cues:
            return lex.cues[w]
    return None


# A company's funding round or sale, a newsletter staple, names its start-up however ordinary the word: "Keel -- $8M
# seed from General Catalyst", "Quarry (Berlin): EUR 18M Series A", "Harbor, which …, raised $40M", "acquire Anvil",
# "a $6M seed from Conviction", "a Series A led by Accel".
_MONEY = r"(?:(?:US|C|A)?[$€£]\s?\d|(?:EUR|USD|GBP|CHF)\s?\d)"
_ROUND = r"(?:pre-seed|seed|series\s+[a-h]\b|round|raise|funding|investment|led\s+by)"
_FUNDED_AFTER = re.compile(
    rf"(?:\s*\([^()]{{1,40}}\))?(?:,[^,.;:]{{1,90}},)?(?:\s*(?:--|—|–|:)\s*{_MONEY}(?=[^.;\n]{{0,40}}\b{_ROUND})"
    rf"|\s+(?:has\s+|just\s+)?(?:raise[sd]?|raising|close[sd]|land(?:s|ed)|secure[sd]|bag(?:s|ged)|nab(?:s|bed)|"
    rf"picke?d?\s+up|picks\s+up)\s+(?:(?:an?\s+|another\s+)?(?:fresh\s+|new\s+)?{_MONEY}"
    rf"|(?:an?|its|their)\s+(?:[\w-]+\s+)?(?:pre-seed|seed|series\s+[a-h])\b))", re.I)
_TAKEN_BY = frozenset("acquire acquires acquired acquiring buys bought backed backs".split())  # not "buy Premium"
_ROUND_BEFORE = re.compile(r"\b(?:pre-seed|seed|round|raise|funding|invest(?:s|ed|ing|ment)?|stake|series [a-h])\b")
_PAID_BY = frozenset("acquired bought backed funded".split())
_BOUGHT = frozenset("acquired bought".split())
_MAY_FUND = re.compile(rf"{_MONEY}|\bseed\b|\bseries\s+[a-h]\b", re.I)  # what _FUNDED_AFTER needs
_LEADS_IN = _TAKEN_BY | {"from", "by", "in"}  # the words before a name funding_role looks at (no money needed)


def funding_role(text: str, start: int, end: int, prev_low: list[str] | None = None) -> str | None:
    """What text[start:end] is to a funding round or a sale (see _FUNDED_AFTER): "company" for the company funded,
    bought or buying ("Keel -- $8M seed", "acquire Anvil", "acquired by Google"), "investor" for who funds it ("a Series
    A led by Accel", "backed by Sequoia"); None when no round or sale is about it."""
    if _FUNDED_AFTER.match(text, end):
        return "company"
    prev = prev_low if prev_low is not None else [w.casefold() for w in _last_words(text, start, 4)]
    if not prev or text[:start].rstrip().endswith((",", ".", ":", ";", ")")):
        return None
    if prev[-1] in _TAKEN_BY:
        return "company"              # "acquire Anvil", "backed Slipway"
    if len(prev) < 2:
        return None
    if prev[-1] == "by" and prev[-2] in _PAID_BY or prev[-1] in ("from", "by", "in") and _ROUND_BEFORE.search(
            " ".join(prev[-4:-1])):
        return "company" if prev[-2] in _BOUGHT else "investor"     # "acquired by Google" names the buyer
    return None


@dataclass(frozen=True)
class Context:
    kind: str | None = None
    description: str | None = None
    boost: float = 0.0          # how much the context says "this is a name"


def context(text: str, start: int, end: int, lex: Lexicon, n_words: int = 1) -> Context:
    """What the words around text[start:end] say about it: kind, a one-line description, name evidence."""
    after, before = text[end:], text[:start]
    prev = _last_words(text, start, 4)
    prev_low = [w.casefold() for w in prev]
    nxt = [m.group() for m in islice(_WORD.finditer(text, end), 3)]   # _WORD.findall(after)[:3]
    kind, desc, boost = None, None, 0.0
    m = _APPOSITION.match(after)
    if m and not _OPENING_PHRASE.search(before[-40:]):
        clause = m.group(2)
        cue = _cue_in(_WORD.findall(clause), lex)      # the head noun comes within a few words
        if cue:
            kind, boost = cue, 0.2
            desc = _sentence_case(f"{m.group(1)} {clause}")
    if kind is None and opens_sentence(text, start):
        m = _IS_A.match(after)
        if m:
            cue = _cue_in(_WORD.findall(m.group(2)), lex)
            if cue:
                kind, boost = cue, 0.2
                desc = text[start:].strip()
                desc = desc if len(desc) <= 240 else desc[:237].rsplit(" ", 1)[0] + "…"
    if prev_low and prev_low[-1] in _NAMING:
        boost = max(boost, 0.25)
        cue = _cue_in(prev_low[-5:-1][::-1], lex)
        if cue and kind is None:
            kind = cue
            art = re.search(r"\b(an?|the)\s+([^,.;:()]{2,80}?)\s+(?:called|named|dubbed)\s*$", before)
            if art:
                desc = _sentence_case(f"{art.group(1)} {art.group(2)}")
    elif prev_low and prev_low[-1] in lex.cues and not before.rstrip().endswith((",", ".", ":", ";", ")")):
        cue = lex.cues[prev_low[-1]]
        if kind is None:
            kind = cue
        boost = max(boost, 0.15)                      # "the security company Symantec"
    # "X dataset", "X — software used by…", not "X (city planning…)": a parenthesis says something else.
    if nxt and kind is None and _NEXT_WORD.match(after) and after.lstrip(" —–-").startswith(nxt[0]):
        w = nxt[0].casefold()
        if w in _SAYING and n_words >= 2:
            # "Cisco Systems said", "the Department of Health and Human Services said": a company's name ends on a
            # word that ends organisations' names, a body's holds a head ("Department of").
            *heads, last = text[start:end].casefold().split()
            organization = last in lex.org_suffixes or any(h in lex.of_heads for h in heads)
            kind, boost = "organization" if organization else "person", max(boost, 0.15)
        elif lex.is_title(w) and w not in ("he", "she") and not w.endswith("s"):
            kind, boost = "organization", max(boost, 0.1)  # "Descript CEO"; not the plurals ("Cryptography researchers")
        elif w in lex.cues and lex.cues[w] not in ("person", "paper") and w not in ("post", "blog"):
            kind, boost = lex.cues[w], max(boost, 0.1)    # "YouTube-8M dataset", "ACES sensors"
        elif len(nxt) > 1 and f"{w} {nxt[1].casefold()}" in lex.cues:
            kind, boost = lex.cues[f"{w} {nxt[1].casefold()}"], max(boost, 0.1)
    role = funding_role(text, start, end, prev_low) if boost < 0.25 and (
        prev_low and prev_low[-1] in _LEADS_IN or _MAY_FUND.search(text)) else None
    if role:
        # The company funded or bought is an organization; so is a round's investor of one word ("led by Accel") or
        # with a firm's last word ("Bessemer Venture Partners"), but not any other ("funding from Jaan Tallinn").
        firm = role == "company" or n_words == 1 or text[start:end].rsplit(None, 1)[-1].casefold() in lex.org_suffixes
        kind, boost = kind or ("organization" if firm else None), 0.25
    # After what comes next: "founded by UC Berkeley AI professor …" names the university.
    by_people = len(prev_low) >= 2 and prev_low[-1] == "by" and prev_low[-2] in _BY_PEOPLE
    if by_people or (nxt[:2] and [w.casefold() for w in nxt[:2]] == ["and", "colleagues"]) \
            or (2 <= n_words <= 4 and in_author_list(before, after)):
        kind, boost = kind or "person", max(boost, 0.15)
    return Context(kind, desc, boost)


def in_author_list(before: str, after: str) -> bool:
    """Whether a name between `before` and `after` stands in a list of people's names (see _LIST_BEFORE)."""
    tail = before[-400:]
    if len(before) > 400 and " by " not in tail and "uthor" not in tail:
        return False
    m = _LIST_BEFORE.search(tail)
    if m is None:
        return False
    if m.group("label"):
        return True
    rest = _LIST_AFTER.match(after)
    listed = m.group("names").count(",") + 1 + len(re.findall(_PERSON_ITEM, rest.group()))
    whole = m.group("by") or not after[rest.end():].strip() or after[rest.end():].lstrip()[:1] in "(."
    return listed >= 3 and bool(whole)


def _sentence_case(text: str) -> str:
    text = text.strip().rstrip(",;:")
    return text[:1].upper() + text[1:]


# --- helpers shared by the extractors -------------------------------------------------------------
