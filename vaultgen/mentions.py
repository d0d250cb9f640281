"""One issue's share of the entity merge (resolve.py): its candidates as mentions, its local aliases resolved
("Evans" is Benedict Evans there), the keys its declared aliases join and the acronyms it spells out."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .extract.lexicon import lexicon
from .extract.names import (BILL_NUMBER, MODEL_SIZE, ONE_LETTER_NAMES, PLURAL_ACRONYM, TOKEN, VERSION_NUMBER,
                            abbreviates, initial)
from .gazetteer import Gazetteer
from .gazetteer import entity_key as _entity_key
from .model import Candidate, Entity, Mention
from .packed import content_digest

_VERSIONED = re.compile(rf"^(.*?\S)(?:\s+(?:v(?:ersion)?\s*)?({VERSION_NUMBER})(?:\s+(?-i:{MODEL_SIZE}))?"
                        rf"|\s+(?-i:{MODEL_SIZE})|['’]\d\d)$", re.I)
_DOMAIN = re.compile(r"\.(?:com|org|net)$", re.I)
_DOTTED = re.compile(r"(?:^|\s)(?:[^\W\d_]\.){2,}$")
# "iPhones", "iPads": the plural of an i-product is the product ("iOS" is no plural).
_PLURAL_I_PRODUCT = re.compile(r"i[A-Z][a-z]*[a-rt-z]s")
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
    """("TensorFlow 2.0") → ("TensorFlow", "TensorFlow 2.0"); ("TPUs") → ("TPU", "TPUs"); ("iPhones") → ("iPhone",
    "iPhones")."""
    dotted = _DOTTED.search(name.strip())
    name = " ".join(name.split()).strip(" .,;:!?\"“”‘’'[]") + ("." if dotted else "")
    if name.endswith(")") and "(" not in name:
        name = name.rstrip(")")
    if name.startswith("(") and ")" not in name:
        name = name.lstrip("(")
    name = _POSSESSIVE.sub("", name)
    if BILL_NUMBER.fullmatch(name):
        return name, None
    m = _VERSIONED.match(_without_tiers(name))  # "Claude 3.5 Sonnet" is Claude's, as "Claude 3.5" is
    if m and _TWO_LETTERS.search(m.group(1)) and not m.group(1).endswith(("-", "et al.")) \
            and not _cut_short(m.group(1)):  # "52 things I learned in 2018" is a title, not version 2018 of one
        return m.group(1), name
    if PLURAL_ACRONYM.fullmatch(name) or _PLURAL_I_PRODUCT.fullmatch(name):
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
            # A well-known thing of another kind is no surname: Nvidia's Blackwell beside David Blackwell.
            owners = () if lex.known_as_other_than_person(n) else by_last.get(n, ())
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
    for c in sorted({c for group in share.candidates for c in group}, key=_order):
        if c.confidence <= 0:
            continue
        base, versioned = base_name(c.name)
        if len(base) < 2 and base not in ONE_LETTER_NAMES or not _LETTER.search(base) or gaz.is_banned(base) \
                or gaz.is_banned(c.name) or _cut_short(base):
            continue
        entry = gaz.entry(base)
        if merge_key(base) in vetoed and not entry:
            continue
        name = entry.name if entry else base
        items.append(_mention(c, name, versioned or c.name, merge_key(name), surfaces, casefolds, sentences))
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
    _settle(share, items, tuple(unions), tuple(acronyms))


def _mention(c: Candidate, name: str, surface: str, key: str, surfaces: dict[str, str], casefolds: dict[str, str],
             sentences: dict[str, tuple[str, str]]) -> IssueMention:
    surface = surfaces.setdefault(surface, surface)
    # Sentence → (one string for its text, casefolded): one sentence holds several candidates, and the same
    # sentence comes back in issue after issue (mastheads, sign-offs, copies), kept by the entities' mentions.
    said = sentences.get(c.sentence)
    if said is None:
        said = sentences[c.sentence] = (c.sentence, c.sentence.casefold())
    folded_surface = casefolds.get(surface)
    if folded_surface is None:
        folded_surface = casefolds[surface] = surface.casefold()
    ident = (said[1] or c.source, c.extractor, folded_surface)
    return IssueMention(c, name, surface, key, said[1], ident, max(0.0, min(c.confidence, 1.0)), said[0])


def _settle(share: IssueShare, items: list[IssueMention], unions: tuple, acronyms: tuple) -> None:
    share.items = _as_before(items, share.earlier) if share.earlier else items
    share.earlier = None
    share.unions, share.acronyms = unions, acronyms


def share_record(share: IssueShare) -> list:
    """What work_out made of a share, as JSON values: each mention by the position of its candidate among the share's,
    its key, and its name and surface where they are not the candidate's name; then the unions and acronyms."""
    position: dict[Candidate, int] = {}
    for i, c in enumerate(c for group in share.candidates for c in group):
        position.setdefault(c, i)
    items = [[position[m.cand], m.key] if m.name == m.surface == m.cand.name else
             [position[m.cand], m.key, m.name, m.surface] for m in share.items]
    return [items, share.unions, share.acronyms]


def from_record(share: IssueShare, record: list, surfaces: dict[str, str], casefolds: dict[str, str],
                sentences: dict[str, tuple[str, str]]) -> None:
    """work_out(share, …) taken again from share_record(share) as it was made from the same candidates."""
    flat = [c for group in share.candidates for c in group]
    items = []
    for fields in record[0]:
        c = flat[fields[0]]
        name, surface = (fields[2], fields[3]) if len(fields) > 2 else (c.name, c.name)
        items.append(_mention(c, name, surface, fields[1], surfaces, casefolds, sentences))
    _settle(share, items, tuple(map(tuple, record[1])), tuple(map(tuple, record[2])))


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


class StoredShares:
    """Each issue's share as work_out made it, in the build state (state.Lasting) under the digest of what it was made
    from (its candidates, the keys vetoed archive-wide, and `salt`: code, options, gazetteer), for a merge in another
    process to take again: an edit to one issue works out that issue again, not the archive."""

    KIND = "share"

    def __init__(self, lasting, salt: str) -> None:
        self.lasting, self.salt = lasting, salt
        self._vetoed: tuple[frozenset[str], str] | None = None

    def _deps(self, share: IssueShare, vetoed: frozenset[str]) -> str:
        if self._vetoed is None or self._vetoed[0] is not vetoed:
            keys = "\n".join(sorted(vetoed)).encode("utf-8", "surrogatepass")
            self._vetoed = (vetoed, hashlib.sha256(keys).hexdigest())
        return f"{self.salt} {self._vetoed[1]} {content_digest(share.candidates)}"

    def work_out(self, source: str, share: IssueShare, gaz: Lookups, vetoed: frozenset[str], surfaces: dict[str, str],
                 casefolds: dict[str, str], sentences: dict[str, tuple[str, str]]) -> None:
        """work_out(share, …), or what it made of the same candidates under the same vetoes as stored."""
        deps = self._deps(share, vetoed)
        stored = self.lasting.get(self.KIND, source, deps)
        if stored is not None:
            from_record(share, json.loads(stored), surfaces, casefolds, sentences)
            return
        work_out(share, gaz, vetoed, surfaces, casefolds, sentences)
        self.lasting.put(self.KIND, source, deps, json.dumps(share_record(share), ensure_ascii=False,
                                                             separators=(",", ":")))

    def keep_only(self, sources) -> None:
        """Forget the issues a merge no longer has."""
        self.lasting.keep_only(self.KIND, sources)


class StoredMerge:
    """A whole merge's entities in the build state (state.Lasting), under the digest of every issue's candidates and
    `salt` (code, options, gazetteer): an edit that leaves every issue's candidates as they were (a typo fixed, a link
    added) takes the entities again, not even the issues' shares (the merge is a function of those alone)."""

    KIND, KEY = "merge", "entities"

    def __init__(self, lasting, salt: str) -> None:
        self.lasting, self.salt = lasting, salt

    def deps(self, sources, candidates) -> str:
        """sources (sorted) with their candidates (one sequence per extractor, as the merge is given them)."""
        digest = hashlib.sha256(self.salt.encode())
        for source, found in zip(sources, candidates):
            digest.update(f"\0{source}\0{content_digest(found)}".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, deps: str) -> list[Entity] | None:
        stored = self.lasting.get(self.KIND, self.KEY, deps)
        return None if stored is None else entities_from_record(json.loads(stored))

    def put(self, deps: str, entities: list[Entity]) -> None:
        self.lasting.put(self.KIND, self.KEY, deps, json.dumps(entities_record(entities), ensure_ascii=False,
                                                               separators=(",", ":")))


def entities_record(entities: list[Entity]) -> list:
    """Entities as JSON values: the strings their mentions repeat (sources, surfaces, sentences) once each, in
    tables, and each mention as three positions in them."""
    tables: tuple[dict[str, int], ...] = ({}, {}, {})
    rows = []
    for e in entities:
        spots = []
        for m in e.mentions:
            for table, value in zip(tables, (m.source, m.surface, m.sentence)):
                spots.append(table.setdefault(value, len(table)))
        rows.append([e.key, e.name, e.kind, e.aliases, e.description, spots, e.urls])
    return [[list(table) for table in tables], rows]


def entities_from_record(record: list) -> list[Entity]:
    (sources, surfaces, sentences), rows = record
    entities = []
    for key, name, kind, aliases, description, spots, urls in rows:
        mentions = tuple(Mention(sources[spots[i]], surfaces[spots[i + 1]], sentences[spots[i + 2]])
                         for i in range(0, len(spots), 3))
        entities.append(Entity(key, name, kind, tuple(aliases), description, mentions, tuple(urls)))
    return entities
