"""The global entity phase: every issue's candidates → one Entity per real thing, deterministic."""
from __future__ import annotations

import gc
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

from .extract.lexicon import lexicon
from .extract.names import abbreviates
from .gazetteer import Gazetteer
from .grouping import Grouping
from .mentions import (IssueMention, IssueShare, Lookups, StoredMerge, StoredShares, base_name, entity_key,
                       is_acronym, merge_key, name_words, note_key, work_out)
from .model import ENTITY_KINDS, Candidate, Entity, Mention
from .people import first_names_to_people, people_by_first_name

KEEP = 0.5          # a thing is kept when its mentions, taken together, are this sure (noisy-or)
FRAGMENT = 0.5      # mentions below this are dropped when a longer kept name covers them
_NOT_CAPITAL = re.compile(r"[^A-Z]")
_FAMILY = {"person": "person", "place": "place", "organization": "org", "event": "event", "paper": "paper",
           "product": "artifact", "model": "artifact", "dataset": "artifact", "library": "artifact",
           "other": "other"}


class _Union:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, k: str) -> str:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)   # the smaller key wins: independent of input order


def merge_entities(candidates: Iterable[Candidate], gazetteer: Gazetteer | None = None) -> list[Entity]:
    """Merge every issue's candidates into entities, sorted by key; the same input in any order gives the same output.

    A candidate with confidence 0 is a veto: its extractor knows the name is no entity anywhere in this
    archive (the newsletter's own name); no entity of that name is made, whatever other issues say.
    """
    by_source: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_source[c.source].append(c)
    return merge_sources({s: (cs,) for s, cs in by_source.items()}, gazetteer)


def merge_sources(by_source: Mapping[str, Sequence[Sequence[Candidate]]], gazetteer: Gazetteer | None = None,
                  memo: "MergeMemo | None" = None, vetoes: Mapping[str, frozenset[str]] | None = None,
                  stored: StoredShares | None = None, whole: StoredMerge | None = None) -> list[Entity]:
    """merge_entities for candidates given per issue source (one sequence per extractor); with the memo of the
    previous merge in a watcher session, an issue whose candidates are the same object as then, and a group of
    mentions that is the same as then, are not worked out again. `vetoes`: vetoes_of each source's candidates, where
    the caller keeps them (the build state does). `stored`: each issue's share as worked out by an earlier build of
    the vault, and `whole` the entities of an earlier merge, taken again when every issue's candidates are the same
    (their salts must stand for the gazetteer given)."""
    gazetteer, memo = gazetteer or Gazetteer.empty(), memo or MergeMemo(keep=False)
    with collector_paused():  # a third of a merge's time, else
        if whole is None:
            return _merge(by_source, gazetteer, memo, vetoes, stored)
        sources = sorted(by_source)
        deps = whole.deps(sources, [by_source[s] for s in sources])
        entities = whole.get(deps)
        if entities is None:
            entities = _merge(by_source, gazetteer, memo, vetoes, stored)
            whole.put(deps, entities)
        return entities


@contextmanager
def collector_paused(then_frozen: bool = False):
    """Python's cyclic collector off, and back as it was after. The global phase (this merge, then planning and
    writing the notes: pipeline.py) makes a few hundred thousand small objects and next to no reference cycles (33 at
    1,000 issues, none from reading every note of a vault); the collector, woken by them, would walk the build's whole
    heap of parsed issues again and again. Not for reading: HTML parse trees are cycles.

    `then_frozen`: what the process holds is moved out of the collector's sight (gc.freeze) before it runs again: its
    first collection would otherwise walk everything made while it was off (80 ms at 1,000 issues), for next to
    nothing. Frozen objects are still freed by their reference counts; whoever asks for it gives them back to the
    collector (gc.unfreeze) when they are done with them (pipeline.Session.close)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            if then_frozen:
                gc.freeze()
            gc.enable()


@dataclass(slots=True)
class _Group:
    """Mentions under one key after aliases are joined, with what is worked out from them alone."""

    members: list[IssueMention]             # held, so that the ids in the memo's key stay theirs
    score: float
    multi: frozenset[str]               # casefolded names of more than one word (they cover fragments)
    weak: frozenset[str]                # casefolded one-word names of mentions weak enough to be fragments
    entities: list[Entity] | None = None
    # The members that are no fragment of a longer kept name, by the longer names that cover `weak`.
    rest: dict[tuple, list[IssueMention]] = field(default_factory=dict)
    sig: tuple[int, ...] | None = ()    # the ids of the members: its key in MergeMemo.groups (None: not kept)


def vetoes_of(candidates) -> frozenset[str]:
    """The merge keys an issue's candidates (one sequence per extractor) veto archive-wide: confidence 0."""
    return frozenset(merge_key(base_name(c.name)[0]) for group in candidates for c in group if c.confidence <= 0)


class MergeMemo:
    """What one merge worked out, for the next in the same session (the watcher's): per source its mentions,
    per group of mentions its score and entities. Entries are found by objects they hold themselves (the
    candidates given, the mentions grouped), so an entry can only be found by the very input it was made
    from; a different gazetteer or set of vetoed names starts afresh."""

    def __init__(self, keep: bool = True):
        """keep: for another merge (else groups are not filed: a one-off merge's memory is the build's peak)."""
        self.keep = keep
        self.gazetteer: Gazetteer | None = None
        self.lookups: Lookups | None = None
        self.vetoed: frozenset[str] | None = None
        self.sources: dict[str, IssueShare] = {}
        self.groups: dict[tuple[int, ...], _Group] = {}
        # One string per surface form and per casefolded surface: entities and mentions keep them, issue after issue.
        self.surfaces: dict[str, str] = {}
        self.casefolds: dict[str, str] = {}
        self.sentences: dict[str, tuple[str, str]] = {}
        self.grouping = Grouping(keep)  # the mentions of each group, kept where no source changed
        # Each Mention of an entity, by its fields: an entity made again from a group that changed holds the very
        # Mentions it held, and the next build compares it with the last one's at C speed (a dataclass compares field
        # by field in Python: 17,000 calls a watcher's batch at 1,000 issues).
        self._mentions: dict[tuple, Mention] = {}
        self._mentions_held = 0  # how many the entities held when the dict was last pruned

    def basis(self, gazetteer: Gazetteer) -> Lookups:
        if self.lookups is None or self.gazetteer != gazetteer:
            self.__init__(self.keep)
            self.gazetteer, self.lookups = gazetteer, Lookups(gazetteer)
        return self.lookups

    def source(self, source: str, candidates, vetoes: frozenset[str] | None = None) -> IssueShare:
        """`vetoes`: vetoes_of(candidates), when the caller has them (else worked out here: the candidates are read
        twice then, once for these and once by work_out)."""
        known = self.sources.get(source)
        if known is None or known.candidates is not candidates:
            vetoes = vetoes_of(candidates) if vetoes is None else vetoes
            earlier = (known and (known.items or known.earlier)) if self.keep else None
            known = self.sources[source] = IssueShare(candidates, vetoes, earlier=earlier)
        return known

    def mention(self, fields: tuple) -> Mention:
        if not self.keep:
            return Mention(*fields)
        made = self._mentions.get(fields)
        if made is None:
            made = self._mentions[fields] = Mention(*fields)
        return made

    def prune(self, entities: list[Entity]) -> None:
        """Let go of the Mentions no entity holds any more, once there are as many again as they held."""
        if len(self._mentions) > 2 * self._mentions_held + 1024:
            self._mentions = {(m.source, m.surface, m.sentence): m for e in entities for m in e.mentions}
            self._mentions_held = len(self._mentions)

    def group(self, members: list[IssueMention], groups: dict) -> _Group:
        """The group of these mentions, from the memo or worked out; kept in `groups` (the memo's next entries)."""
        sig = tuple(map(id, members)) if self.keep else None
        found = (self.groups.get(sig) or groups.get(sig)) if self.keep else None
        if found is None:
            multi = frozenset(m.name.casefold() for m in members if " " in m.name)
            weak = frozenset(m.name.casefold() for m in members if " " not in m.name and m.cand.confidence < FRAGMENT)
            found = _Group(members, _score(members), multi, weak, sig=sig)
        if self.keep:
            groups[sig] = found
        return found


def _merge(by_source: Mapping[str, Sequence[Sequence[Candidate]]], gazetteer: Gazetteer,
           memo: MergeMemo, vetoes: Mapping[str, frozenset[str]] | None = None,
           stored: StoredShares | None = None) -> list[Entity]:
    gaz = memo.basis(gazetteer)
    sources = sorted(by_source)
    vetoes = vetoes or {}
    shares = [memo.source(s, by_source[s], vetoes.get(s)) for s in sources]
    memo.sources = {s: memo.sources[s] for s in by_source}
    vetoed = frozenset().union(*(share.vetoes for share in shares))
    if vetoed != memo.vetoed:
        memo.vetoed = vetoed
        for share in shares:
            share.items, share.earlier = None, (share.items or share.earlier) if memo.keep else None
    union = _Union()
    acronyms: dict[str, set[str]] = defaultdict(set)
    for source, share in zip(sources, shares):
        if share.items is None:
            if stored is None:
                work_out(share, gaz, vetoed, memo.surfaces, memo.casefolds, memo.sentences)
            else:
                stored.work_out(source, share, gaz, vetoed, memo.surfaces, memo.casefolds, memo.sentences)
        for a, b in share.unions:
            union.union(a, b)
        for short, long in share.acronyms:
            acronyms[short].add(long)
    for entry in gaz.entries:
        for alias in entry.aliases:
            union.union(merge_key(entry.name), merge_key(alias))
    for names in lexicon().same:
        for other in names[1:]:
            if not gaz.is_banned(other):
                union.union(merge_key(names[0]), merge_key(other))
    for short, longs in sorted(acronyms.items()):
        roots = {union.find(k) for k in longs}
        if len(roots) == 1:
            union.union(short, roots.pop())

    # Every mention in its group, in source order and the order within its source (the root is a group's
    # smallest key: independent of the order of unions; a key no alias joined is its own root).
    root_of = {k: union.find(k) for k in list(union.parent)}
    members = memo.grouping.members(sources, [share.items for share in shares], root_of)
    groups: dict[tuple[int, ...], _Group] = {}
    found = memo.grouping.groups(members, groups, memo.group)
    kept = {k: g for k, g in found.items() if g.score >= KEEP or _declared(g.members, gaz)}

    # "Code" in "Papers with Code": a weak one-word mention inside a longer kept name is that name's.
    longer: dict[str, set[str]] = defaultdict(set)
    for g in kept.values():
        for name in g.multi:
            for w in name.split():
                longer[w].add(name)
    entities: list[Entity] = []
    for key in sorted(kept):
        g = kept[key]
        covering = tuple((w, frozenset(longer[w])) for w in sorted(g.weak) if w in longer)
        if covering:
            if covering not in g.rest:
                g.rest[covering] = [m for m in g.members if not _fragment(m, longer)]
            rest = g.rest[covering]
            if not rest:
                continue
            if len(rest) < len(g.members):
                g = memo.group(rest, groups)
                if g.score < KEEP and not _declared(g.members, gaz):
                    continue
        if g.entities is None:
            g.entities = _entities(g.members, gaz, memo.mention)
        entities.extend(g.entities)
    memo.groups = groups
    if stored is not None:
        stored.keep_only(by_source)
    declared = {entity_key(e.name) for e in entities} | {entity_key(a) for e in entities for a in e.aliases}
    for entry in gaz.entries:
        if entry.declared and entity_key(entry.name) not in declared:
            entities.append(Entity(note_key(entry.name), entry.name, entry.kind or "other", entry.aliases,
                                   entry.description))
    entities = first_names_to_people(people_by_first_name(entities, gaz), gaz)
    entities = _dedupe_aliases(sorted(entities, key=lambda e: e.key), gaz)
    memo.prune(entities)
    return entities


def _fragment(m: IssueMention, longer: Mapping[str, set[str]]) -> bool:
    covers = longer.get(m.name.casefold(), ()) if " " not in m.name else ()
    return bool(covers) and m.cand.confidence < FRAGMENT and any(s in m.sentence for s in covers)


def _declared(group: list[IssueMention], gaz: Lookups) -> bool:
    entry = gaz.entry(group[0].name)
    return bool(entry and entry.declared)


def _score(group: list[IssueMention]) -> float:
    """Noisy-or of the mentions' confidences: independent weak hints add up, one strong one is enough.
    One extractor's several readings of one mention count once, at their best; so does one sentence
    repeated in many issues (a masthead, a signature, an ad), which is one piece of evidence."""
    best: dict[tuple, float] = {}
    for m in group:
        conf, had = m.conf, best.get(m.ident, 0.0)
        best[m.ident] = conf if conf > had else had        # max(had, conf)
    miss = 1.0
    for conf in best.values():
        miss *= 1.0 - conf
    return 1.0 - miss


def _entities(group: list[IssueMention], gaz: Lookups, mention: Callable[[tuple], Mention]) -> list[Entity]:
    """One entity per group, or several when strong evidence says the name is two different things.
    `mention(fields)`: the Mention of these fields (MergeMemo.mention: the last merge's, where it made one)."""
    lex = lexicon()
    entry = gaz.entry(group[0].name)
    clusters = _split_by_kind(group) if not entry else [group]
    out = []
    for i, members in enumerate(clusters):
        # One pass over the members (groups of thousands: Google, OpenAI) gathers everything below.
        names: dict[str, float] = defaultdict(float)
        kinds: dict[str, float] = defaultdict(float)
        aliases: set[str] = set()
        seen: set[tuple[str, str, str]] = set()
        urls: set[str] = set()
        handles: set[str] = set()       # names that are someone's handle ("rita-m" from "@rita-m")
        described = None
        for m in members:
            c = m.cand
            if c.aliases and c.aliases == ("@" + m.name,):
                handles.add(m.name)
            # Prose and anchors say how a name is written; a URL's lower-case repo name less so.
            weight = 0.5 if c.url and any("/" in a for a in c.aliases) and m.name.islower() else 1.0
            names[m.name] += weight * (1.0 + c.confidence)
            if c.kind in ENTITY_KINDS:
                kinds[c.kind] += c.confidence
            if c.description and (described is None or (-c.confidence, c.source, c.sentence) < (
                    -described.confidence, described.source, described.sentence)):
                described = c            # the first of the most confident, as a stable sort would put it
            aliases.add(m.surface)
            aliases.add(m.name)
            aliases.update(c.aliases)
            seen.add((c.source, m.surface, m.said))
            if c.url:
                urls.add(c.url)
        # Shouted forms ("DEEPLEARNING.AI" in a masthead) and lower-case repository names lose to prose.
        # An acronym gives way to the long form it abbreviates ("Climate Change AI", alias CCAI).
        spelled = {n for n in names if " " in n}
        # A person's name wins over their handle ("Rita Monteiro", not "rita-m" from "(@rita-m)"), and over a first
        # name that a handle joined to it ("Leila (@leilahaddad)" beside "Leila Haddad").
        if handles:
            handles |= {n for n in names if " " not in n and any(s.startswith(n + " ") for s in spelled)}
        # A spelling the lexicon of well-known names holds wins ("DeepMind" over "Deep Mind", "GitHub"
        # over "The GitHub"); then the most used.
        name = entry.name if entry else min(names, key=lambda n: (
            lex.known.get(n.casefold(), (None,))[0] != n, n.startswith("@"), n in handles,
            is_acronym(n) and any(abbreviates(n, name_words(s)) for s in spelled),
            n.isupper() and len(_NOT_CAPITAL.sub("", n)) > 5, -round(names[n], 6), n.islower(), -len(n),
            n.isascii(), n))  # "Beyoncé" over "Beyonce" when they are as used
        known = lex.known.get(name.casefold())
        if known and i == 0:               # a second thing of the same name is not the well-known one
            kinds[known[1]] += 2.0
        kind = (entry.kind if entry and entry.kind else None) or \
            (min(kinds, key=lambda k: (-round(kinds[k], 6), k)) if kinds else "other")
        description = (entry.description if entry else None) or (described.description if described else None)
        if entry:
            aliases |= set(entry.aliases)
        aliases = tuple(sorted(a for a in aliases if a != name and not gaz.is_banned(a)))
        mentions = tuple(map(mention, sorted(seen, key=lambda t: (t[0], t[2], t[1]))))
        urls = tuple(sorted(urls))
        key = note_key(name) if i == 0 else f"{note_key(name)}|{kind}"
        out.append(Entity(key, name, kind, aliases, description, mentions, urls))
    return out


def _split_by_kind(group: list[IssueMention]) -> list[list[IssueMention]]:
    """Two things with one name (Gemini the model, Gemini the exchange): split only on strong evidence,
    each kind family confirmed by confident mentions in at least two issues."""
    fam_sources: dict[str, set[str]] = defaultdict(set)
    for m in group:
        if m.cand.kind and m.cand.confidence >= 0.7 and m.cand.kind != "other":
            fam_sources[_FAMILY[m.cand.kind]].add(m.cand.source)
    strong = sorted((f for f, s in fam_sources.items() if len(s) >= 2), key=lambda f: (-len(fam_sources[f]), f))
    # A second family must hold its own: at least a third of the issues that the first one has.
    strong = [f for f in strong if 3 * len(fam_sources[f]) >= len(fam_sources[strong[0]])] if strong else []
    if len(strong) < 2 or sum(len(fam_sources[f]) for f in strong) < 5:
        return [group]
    clusters: dict[str, list[IssueMention]] = {f: [] for f in strong}
    for m in group:
        fam = _FAMILY.get(m.cand.kind or "", None)
        clusters[fam if fam in clusters else strong[0]].append(m)
    return [clusters[f] for f in strong]


def _dedupe_aliases(entities: list[Entity], gaz: Lookups) -> list[Entity]:
    """An alias two entities claim, or another entity's name, links nowhere: drop it from both."""
    owners: dict[str, set[str]] = defaultdict(set)
    for e in entities:
        owners[entity_key(e.name)].add(e.key)
        for a in e.aliases:
            owners[entity_key(a)].add(e.key)
    out = []
    for e in entities:
        aliases = tuple(a for a in e.aliases if len(owners[entity_key(a)]) == 1 or
                        (gaz.entry(a) and gaz.entry(a).name == e.name))
        out.append(Entity(e.key, e.name, e.kind, aliases, e.description, e.mentions, e.urls) if aliases != e.aliases
                   else e)
    return out
