"""What a watcher session's builds work out per issue for its note, kept for the next build (see memo.py).

An edit to one issue changes a few dozen entities and one issue's links; these keep the rest of the per-issue work
(the entities each issue's mentions belong to, the resources it links, the order of its entity list) from being
done again for every issue of the archive.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any, Callable, Mapping

from . import links as linkmod
from .render import link_label

_EMPTY: frozenset[str] = frozenset()


class FoundIn:
    """Entity note names by the issue sources their entity's mentions come from, as a build's entities give them.

    Kept from build to build and changed only by the entities that are not the very objects, under the very names,
    of the last build: the entities are held, so an id seen again is the same object. Note names are unique in a
    build, so taking an old entity's name off its sources never takes off a new entity's.
    """

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep  # False: one build only (nothing kept: a one-off build's memory is its peak)
        self._entities: dict[int, tuple[object, str, frozenset[str]]] = {}   # id(entity) → (entity, name, sources)
        self._by_source: dict[str, set[str]] = defaultdict(set)

    def update(self, named: list[tuple[object, str]]) -> Mapping[str, set[str]]:
        """(entity, note name) for every entity of this build → note names by source (not to be mutated)."""
        if not self.keep:
            found: dict[str, set[str]] = defaultdict(set)
            for entity, name in named:
                for m in entity.mentions:
                    found[m.source].add(name)
            return found
        last, self._entities = self._entities, {}  # a build that raises half-way leaves nothing to trust
        if not last:
            self._by_source = defaultdict(set)
        by_source, now, added = self._by_source, {}, []
        for entity, name in named:
            known = last.get(id(entity))
            if known is not None and known[0] is entity and known[1] == name:
                now[id(entity)] = known
            else:
                added.append((entity, name))
        for key, (entity, name, sources) in last.items():
            if now.get(key) is None:
                for source in sources:
                    by_source[source].discard(name)
        for entity, name in added:
            sources = frozenset(m.source for m in entity.mentions)
            now[id(entity)] = (entity, name, sources)
            for source in sources:
                by_source[source].add(name)
        self._entities = now
        return by_source

    @staticmethod
    def of(by_source: Mapping[str, set[str]], source: str) -> set[str] | frozenset[str]:
        return by_source.get(source, _EMPTY)


def stems(memo, located: Mapping[str, object]) -> dict[str, str]:
    """{note id: the stem of its file (Path.stem)}, kept by the Path's identity (memo.Memo.held): a session's vault
    listing keeps its Path objects from build to build (see tracking.TrackedVault._files)."""
    return {note_id: memo.held("stem", path, _stem) for note_id, path in located.items()}


def _stem(path) -> str:
    return path.stem


def targets(memo, named: list[tuple[object, str]]) -> tuple[dict[str, str], int]:
    """(surface → entity note name, its version: see memo.Memo.same): each entity's name and aliases, the most
    mentioned entity first. Made from what `shaping` holds of each entity: the last build's is taken again when
    that is the same."""
    shaping = [(len(e.mentions), e.key, e.name, e.aliases, name) for e, name in named]
    table = memo.table("targets")
    found = table.get("", shaping)
    if found is memo.MISSING:
        mapping: dict[str, str] = {}
        for _, _, entity_name, aliases, name in sorted(shaping, key=lambda s: (-s[0], s[1])):
            for surface in (entity_name, *aliases):
                mapping.setdefault(surface, name)
        found = table.put("", shaping, memo.same("targets", mapping, frozenset(mapping.items())))
    return found


def listing(memo, named: list[tuple[object, str]]) -> dict[str, dict[str, str]]:
    """{note name: {"name", "kind"}} of every entity, for issue notes' entity lists: the dicts of the last build where
    name and kind are the same, so that an issue note's inputs compare by identity (never mutated)."""
    last = memo.listing
    now = {}
    for entity, name in named:
        entry = last.get(name)
        if entry is None or entry["kind"] != entity.kind:
            entry = {"name": name, "kind": entity.kind}
        now[name] = entry
    memo.listing = now
    return now


def in_order(memo, note_id: str, mentioned: frozenset[str]) -> tuple[str, ...]:
    """The note names an issue mentions, sorted as its note lists them (kept while they are the same names)."""
    table = memo.table("mentioned")
    order = table.get(note_id, mentioned)
    if order is memo.MISSING:
        order = table.put(note_id, mentioned, tuple(sorted(mentioned, key=str.casefold)))
    return order


def issue_resources(memo, note_id: str, links: tuple, names: Mapping[str, str], generic: frozenset[str]) -> list:
    """The resources an issue note lists ({"name", "label"}, first link to each): kept while the issue's links, and
    the names of the resource notes they would point at, are the same."""
    ids = memo.table("resource-ids")
    rids = ids.get(note_id, links)
    if rids is memo.MISSING:
        rids = ids.put(note_id, links, tuple(f"resource:{link.canonical}" for link in links))
    named = tuple(map(names.get, rids))
    table, deps = memo.table("resources"), (links, named)
    found = table.get(note_id, deps)
    if found is not memo.MISSING:
        return found
    resources, seen = [], set()
    for link, rid, name in zip(links, rids, named):
        if name is not None and rid not in seen:
            seen.add(rid)
            label = link.text if link.text.casefold() not in generic else linkmod.domain(link.canonical)
            resources.append({"name": name, "label": link_label(label)})
    return table.put(note_id, deps, resources)


class Linking:
    """The issue sources linking each entity note, in the order of `rank`: the inverse of the entity note names each
    issue links to, kept from build to build and changed only for the names an issue took up or dropped (all of
    them when the order of the issues changed)."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep  # False: one build only (nothing kept)
        self._rank: Mapping[str, int] | None = None
        self._mentioned: dict[str, frozenset[str]] = {}    # source → the names it links to
        self._sources: dict[str, set[str]] = {}            # name → the sources linking to it
        self._ordered: dict[str, list[str]] = {}           # name → those sources, in order

    def update(self, mentioned: Mapping[str, frozenset[str]], rank: Mapping[str, int]) -> Mapping[str, list[str]]:
        """mentioned: the names each issue source links to; rank: each source's place. → sources by name, in order
        (lists never changed afterwards; the mapping is not to be changed)."""
        if not self.keep:
            ordered: dict[str, list[str]] = {}
            for source in sorted(mentioned, key=rank.__getitem__):
                for name in mentioned[source]:
                    ordered.setdefault(name, []).append(source)
            return ordered
        fresh = rank != self._rank
        self._rank = None  # a build that raises half-way leaves nothing to trust: the next starts afresh
        if fresh:
            self._mentioned, self._sources, self._ordered = {}, {}, {}
        known, sources, touched = self._mentioned, self._sources, set()
        for source in [s for s in known if s not in mentioned]:
            for name in known.pop(source):
                sources[name].discard(source)
                touched.add(name)
        for source, names in mentioned.items():
            old = known.get(source, _EMPTY)
            if old == names:
                continue
            for name in old - names:
                sources[name].discard(source)
                touched.add(name)
            for name in names - old:
                sources.setdefault(name, set()).add(source)
                touched.add(name)
            known[source] = frozenset(names)
        for name in touched:
            if sources[name]:
                self._ordered[name] = sorted(sources[name], key=rank.__getitem__)
            else:
                del sources[name]
                self._ordered.pop(name, None)
        self._rank = rank
        return self._ordered


class StoredLinking:
    """Each issue's linking (its linked body's digest, the entity note names it links) in the build state (state.Lasting)
    under the digest of what it was made from, for a build in another process to take again: an edit to one issue
    links that issue again, not the archive.

    What it is made from: the issue (its digest; its links and URL edits are made from its body), and what every issue
    shares, made by `shared()` (the code's salt, the names linked and the links to other issues), digested once for
    the build, and once for as long as `version` (numbers that stand for them in the memo) stays the same."""

    KIND = "linked"

    def __init__(self, lasting, memo, version: tuple, shared: Callable[[], Any]) -> None:
        self.lasting, self._memo, self._version, self._shared = lasting, memo, version, shared
        self._digest: str | None = None

    def _deps(self, issue_digest: str) -> str:
        if self._digest is None:
            table = self._memo.table("linking-digest")
            found = table.get("", self._version)
            if found is self._memo.MISSING:
                found = table.put("", self._version, hashlib.sha256(
                    repr(self._shared()).encode("utf-8", "surrogatepass")).hexdigest())
            self._digest = found
        return f"{self._digest} {issue_digest}"

    def get(self, note_id: str, issue_digest: str) -> tuple[str, list[str]] | None:
        """(body digest, names linked), or None when nothing was stored from the same inputs."""
        if self.lasting is None:
            return None
        stored = self.lasting.get(self.KIND, note_id, self._deps(issue_digest))
        return None if stored is None else tuple(json.loads(stored))

    def put(self, note_id: str, issue_digest: str, body_digest: str, names) -> tuple[str, list[str]]:
        found = (body_digest, sorted(names))
        if self.lasting is not None:
            self.lasting.put(self.KIND, note_id, self._deps(issue_digest), json.dumps(found, ensure_ascii=False))
        return found

    def keep_only(self, note_ids) -> None:
        """Forget the issues a build no longer has."""
        if self.lasting is not None:
            self.lasting.keep_only(self.KIND, note_ids)
