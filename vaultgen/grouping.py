"""Mentions into groups (resolve._merge), group by group again only where a source's mentions changed (a watcher
session's merge memo: resolve.MergeMemo)."""
from __future__ import annotations

from bisect import insort
from collections import defaultdict
from typing import Callable, Mapping, Sequence


class Grouping:
    """Every mention in the group of its key's root: in source order, and in its source's order within it.

    Between merges it keeps each source's mentions split by root, and each group's list: a group that no changed
    source adds to or takes from is the very list of the last merge (so the merge memo finds its group by
    identity). Anything but the same roots (equal, as a dict) starts afresh.
    """

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep  # False: one merge only (nothing is kept: a one-off merge's memory is the build's peak)
        self.root_of: Mapping[str, str] | None = None
        self._splits: dict[str, tuple[object, dict[str, list]]] = {}   # source → (its mentions, them by root)
        self._members: dict[str, list] = {}                            # root → its group's mentions
        self._contributors: dict[str, list[str]] = {}                  # root → its sources, in order
        self._groups: dict[str, object] = {}                           # root → its group (resolve._Group)

    def members(self, sources: Sequence[str], items: Sequence[list], root_of: Mapping[str, str]) -> dict[str, list]:
        """sources (sorted) with their mentions (each with its .key) → the mentions by group root. The lists
        returned are never changed afterwards (a later merge makes new ones); the dict is not to be changed."""
        if not self.keep:
            grouped: dict[str, list] = defaultdict(list)
            for mentions in items:
                for m in mentions:
                    grouped[root_of.get(m.key, m.key)].append(m)
            return grouped
        fresh = root_of != self.root_of
        self.root_of = None  # a merge that raises half-way leaves nothing to trust: the next starts afresh
        if fresh:
            self._splits, self._members, self._contributors = {}, {}, {}
        splits, members, contributors = self._splits, self._members, self._contributors
        touched: set[str] = set()
        now = dict.fromkeys(sources)
        for source in [s for s in splits if s not in now]:   # gone
            for root in splits.pop(source)[1]:
                contributors[root].remove(source)
                touched.add(root)
        for source, mentions in zip(sources, items):
            known = splits.get(source)
            if known is not None and known[0] is mentions:
                continue
            by_root: dict[str, list] = defaultdict(list)
            for m in mentions:
                by_root[root_of.get(m.key, m.key)].append(m)
            if known is not None:
                for root in known[1]:
                    contributors[root].remove(source)
                    touched.add(root)
            splits[source] = (mentions, dict(by_root))
            for root in by_root:
                insort(contributors.setdefault(root, []), source)
                touched.add(root)
        for root in touched:
            group = [m for source in contributors[root] for m in splits[source][1][root]]
            if group:
                members[root] = group
            else:
                members.pop(root, None)
                del contributors[root]
        self.root_of = root_of
        return members

    def groups(self, members: dict[str, list], groups: dict, make: Callable[[list, dict], object]) -> dict[str, object]:
        """The group of each root's mentions: the last merge's where its list is the very same one (see members),
        else make(mentions, groups). Each is entered in `groups` under its sig (the merge memo's next entries)."""
        if not self.keep:
            return {root: make(mentions, groups) for root, mentions in members.items()}
        found = {}
        for root, mentions in members.items():
            known = self._groups.get(root)
            if known is not None and known.members is mentions:
                groups[known.sig] = known
                found[root] = known
            else:
                found[root] = make(mentions, groups)
        self._groups = found
        return found
