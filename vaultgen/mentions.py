"""One issue's share of the entity merge (resolve.py): its candidates as mentions, its local aliases resolved
("Evans" is Benedict Evans there), the keys its declared aliases join and the acronyms it spells out."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .extract.lexicon import lexicon
from .extract.names import PLURAL_ACRONYM, TOKEN, VERSION_NUMBER, abbreviates, initial
from .gazetteer import Gazetteer
from .gazetteer import entity_key as _entity_key
from .model import Candidate

_VERSIONED = re.compile(rf"^(.*?\S)(?:\s+(?:v(?:ersion)?\s*)?({VERSION_NUMBER})|['’]\d\d)$", re.I)
_DOMAIN = re.compile(r"\.(?:com|org|net)$", re.I)
_DOTTED = re.compile(r"(?:^|\s)(?:[^\W\d_]\.){2,}$")
_POSSESSIVE = re.compile(r"['’]s$")
_NOT_ASCII_LETTER = re.compile(r"[^A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")
_TWO_LETTERS = re.compile(r"[^\W\d_]{2}")
# The same few thousand names come back in every issue: their pure string functions are worked out once.
entity_key = lru_cache(maxsize=1 << 17)(_entity_key)


@dataclass(slots=True)
class IssueMention:
    """A candidate as the merge counts it: its name as merged, its key, and what its group's score needs."""

    cand: Candidate
    name: str           # the base name: version and possessive removed, local alias resolved
    surface: str        # as written
    key: str
    sentence: str = field(default="", repr=False)   # cand.sentence casefolded
    ident: tuple = field(default=(), repr=False)     # what the group's score counts once
    conf: float = field(default=0.0, repr=False)     # cand.confidence within 0..1
    said: str = field(default="", repr=False)        # cand.sentence, one string per text across the archive


# A name does not end on these: "My Tweet about the" is a link text cut before its end, and "52 things I learned in"
# is "52 things I learned in 2018" less its year. "six months in" ends a title as it should.
_OPEN_ENDS = frozenset({"the", "a", "an", "of", "for", "to", "with", "about", "and", "or", "from", "at", "by", "in"})
_SPANS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years"})


@lru_cache(maxsize=1 << 16)
def _cut_short(name: str) -> bool:
    words = name.rsplit(None, 2)
    return len(words) > 1 and words[-1] in _OPEN_ENDS and not (words[-1] == "in" and words[-2].casefold() in _SPANS)


def _without_tiers(name: str) -> str:
    """The name less the model tiers that end it ("Claude 3.5 Sonnet" → "Claude 3.5"), when a version precedes them."""
    words = name.split(" ")
    tiers = lexicon().model_tiers
    end = len(words)
    while end > 2 and words[end - 1].casefold() in tiers:
        end -= 1
    return " ".join(words[:end]) if end < len(words) and _VERSIONED.match(" ".join(words[:end])) else name


@lru_cache(maxsize=1 << 17)
def base_name(name: str) -> tuple[str, str | None]:
    """("TensorFlow 2.0") → ("TensorFlow", "TensorFlow 2.0"); ("TPUs") → ("TPU", "TPUs")."""
    dotted = _DOTTED.search(name.strip())
    name = " ".join(name.split()).strip(" .,;:!?\"“”‘’'[]") + ("." if dotted else "")
    if name.endswith(")") and "(" not in name:
        name = name.rstrip(")")
    if name.startswith("(") and ")" not in name:
        name = name.lstrip("(")
    name = _POSSESSIVE.sub("", name)
    m = _VERSIONED.match(_without_tiers(name))  # "Claude 3.5 Sonnet" is Claude's, as "Claude 3.5" is
    if m and _TWO_LETTERS.search(m.group(1)) and not m.group(1).endswith(("-", "et al.")) \
            and not _cut_short(m.group(1)):  # "52 things I learned in 2018" is a title, not version 2018 of one
        return m.group(1), name
    if PLURAL_ACRONYM.fullmatch(name):
        return name[:-1], name
    return name, None


@lru_cache(maxsize=1 << 17)
def note_key(name: str) -> str:
    """The key of the entity a name is the chosen name of (its note's id): entity_key, less a bare domain's .com / .org
    / .net."""
    return entity_key(_DOMAIN.sub("", name) if " " not in name else name)


# Accents on Latin letters: "Beyoncé" and "Beyonce" merge. Other scripts' marks stay ("Й" is not "И").
_LATIN_ACCENTS = re.compile("([a-z])[\u0300-\u036f]+")


@lru_cache(maxsize=1 << 17)
def merge_key(name: str) -> str:
    """The key mentions merge under: note_key, less the accents on Latin letters. Not the note's id: a note keeps the
    id its accented name gave it before accents were merged."""
    key = note_key(name)
    if key.isascii():
        return key
    return unicodedata.normalize("NFC", _LATIN_ACCENTS.sub(r"\1", unicodedata.normalize("NFD", key)))


def _order(c: Candidate) -> tuple:
    return (c.source, c.sentence, c.name, c.extractor, c.kind or "", c.url or "", -c.confidence,
            c.description or "", c.aliases)


@lru_cache(maxsize=1 << 17)
def is_acronym(name: str) -> bool:
    """One word of at most 8 characters with two capitals or more: "CCAI", "GPT", also "OpenAI"."""
    letters = _NOT_ASCII_LETTER.sub("", name)
    return " " not in name and len(letters) >= 2 and sum(c.isupper() for c in letters) >= 2 and len(name) <= 8


@lru_cache(maxsize=1 << 17)
def name_words(name: str) -> tuple[str, ...]:
    """A name's words, each less its possessive."""
    return tuple(_POSSESSIVE.sub("", w) for w in TOKEN.findall(name))


def _local_aliases(items: list[IssueMention]) -> None:
    """Within one issue: "Evans" is Benedict Evans, "DRL" the Drone Racing League, "Runway" Runway ML."""
    lex = lexicon()
    names = sorted({m.name for m in items})
    multi = {n: ws for n in names if len(n.split()) > 1 and "et al" not in n and not n.endswith(")")
             for ws in [name_words(n)] if ws}
    persons = {n for n, ws in multi.items() if 2 <= len(ws) <= 3 and all(w[:1].isupper() and w.isalpha() for w in ws)
               and not any(w.casefold() in lex.org_suffixes for w in ws)}
    persons |= {m.name for m in items if m.cand.kind == "person" and m.name in multi}
    # Each short name below is compared with the long names that can qualify only, not with all of them:
    # by the capital an acronym of them opens with, their last word, their first word (in multi's order).
    by_initial: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    by_head: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for m, ws in multi.items():
        by_initial[initial(ws)].append((m, ws))
        by_head[ws[0]].append((m, ws))
    by_last: dict[str, set[str]] = defaultdict(set)
    for p in persons:
        by_last[multi[p][-1]].add(p)
    rename: dict[str, str] = {}
    for n in names:
        if " " in n:
            continue
        letters = _NOT_ASCII_LETTER.sub("", n)
        if len(letters) >= 2 and letters.isupper():
            first = next((c for c in n if c.isupper() or c.isdigit()), "")
            longs = {entity_key(m): m for m, ws in by_initial.get(first, ()) if abbreviates(n, ws)}
            if len(longs) == 1:
                rename[n] = next(iter(longs.values()))
                continue
        if n[:1].isupper() and n.isalpha():
            owners = by_last.get(n, ())
            if len(owners) == 1:
                rename[n] = next(iter(owners))
                continue
            if lex.is_word(n):
                heads = {m for m, ws in by_head.get(n, ()) if all(
                    w.casefold() in lex.org_suffixes or w.casefold() in lex.generic_acronyms for w in ws[1:])}
                if len(heads) == 1:
                    rename[n] = heads.pop()
    for m in items:
        if m.name in rename:
            m.name = rename[m.name]
            m.key = merge_key(m.name)


class Lookups:
    """gaz.entry and gaz.is_banned, remembered per name for one merge: names repeat in issue after issue."""

    def __init__(self, gaz: Gazetteer):
        self.entries = gaz.entries
        self._gaz, self._entry, self._banned = gaz, {}, {}
        if not gaz:           # nothing declared, nothing banned: no name needs looking up
            self.entry, self.is_banned = (lambda name: None), (lambda name: False)

    def entry(self, name: str):
        if name not in self._entry:
            self._entry[name] = self._gaz.entry(name)
        return self._entry[name]

    def is_banned(self, name: str) -> bool:
        if name not in self._banned:
            self._banned[name] = self._gaz.is_banned(name)
        return self._banned[name]


@dataclass(slots=True)
class IssueShare:
    """One issue's share of a merge: what can be worked out from its candidates alone."""

    candidates: object                          # as given: a later merge's are these when they are the same object
    vetoes: frozenset[str]                      # keys its extractors veto archive-wide
    items: list[IssueMention] | None = None     # its mentions, local aliases resolved (under `vetoed`)
    unions: tuple[tuple[str, str], ...] = ()    # keys its declared aliases join
    acronyms: tuple[tuple[str, str], ...] = ()  # (acronym key, long form key) it proposes
    earlier: list[IssueMention] | None = None   # its last merge's mentions, to take again where equal


def work_out(share: IssueShare, gaz: Lookups, vetoed: frozenset[str], surfaces: dict[str, str],
             casefolds: dict[str, str], sentences: dict[str, tuple[str, str]]) -> None:
    """One issue's mentions in a stable order, with its local aliases resolved and the keys its aliases join."""
    items: list[IssueMention] = []
    # Sentence → (one string for its text, casefolded): one sentence holds several candidates, and the same
    # sentence comes back in issue after issue (mastheads, sign-offs, copies), kept by the entities' mentions.
    folded = sentences
    for c in sorted({c for group in share.candidates for c in group}, key=_order):
        if c.confidence <= 0:
            continue
        base, versioned = base_name(c.name)
        if len(base) < 2 or not _LETTER.search(base) or gaz.is_banned(base) or gaz.is_banned(c.name) or _cut_short(base):
            continue
        entry = gaz.entry(base)
        if merge_key(base) in vetoed and not entry:
            continue
        name = entry.name if entry else base
        surface = versioned or c.name
        surface = surfaces.setdefault(surface, surface)
        said = folded.get(c.sentence)
        if said is None:
            said = folded[c.sentence] = (c.sentence, c.sentence.casefold())
        sentence = said[1]
        folded_surface = casefolds.get(surface)
        if folded_surface is None:
            folded_surface = casefolds[surface] = surface.casefold()
        ident = (sentence or c.source, c.extractor, folded_surface)
        items.append(IssueMention(c, name, surface, merge_key(name), sentence, ident, max(0.0, min(c.confidence, 1.0)),
                                  said[0]))
    _local_aliases(items)
    # Declared aliases join keys; an acronym joins its long form only if it has one across the archive.
    unions, acronyms = [], []
    for m in items:
        for alias in m.cand.aliases:
            a_base, _ = base_name(alias)
            a_key = merge_key(a_base)
            if not a_key or gaz.is_banned(a_base):
                continue
            if is_acronym(a_base) and " " in m.name:
                acronyms.append((a_key, m.key))
            elif is_acronym(m.name) and " " in a_base:
                acronyms.append((m.key, a_key))
            else:
                unions.append((m.key, a_key))
    share.items = _as_before(items, share.earlier) if share.earlier else items
    share.earlier = None
    share.unions, share.acronyms = tuple(unions), tuple(acronyms)


def _as_before(items: list[IssueMention], earlier: list[IssueMention]) -> list[IssueMention]:
    """items, each equal to one of the last merge's mentions of the issue replaced by that one: an edit to an issue
    leaves most of its mentions as they were, and the groups they are in stay the very lists of mentions the memo
    knows (MergeMemo.group): their entities are not worked out again, and stay the very objects of the last build."""
    def fields(m: IssueMention) -> tuple:
        return m.cand, m.name, m.surface, m.key, m.sentence, m.ident, m.conf, m.said
    spare: dict[tuple, list[IssueMention]] = defaultdict(list)
    for m in reversed(earlier):
        spare[fields(m)].append(m)
    out = []
    for m in items:
        same = spare.get(fields(m))
        out.append(same.pop() if same else m)
    return out

