"""What a session's builds planned, for its next build to take again where the inputs are the same (`vaultgen watch`).

Every entry is stored with everything its value was computed from (its deps) and is taken again only when the deps
compare equal: a hit is the value a computation would give now. Deps hold strings, numbers of a fixed type (lengths),
tuples, lists and dicts of them, entities (whose fields are all strings) and, for issues, a digest of their fields
(packed.issue_digest). Comparing is cheap where the
objects are the very ones of the last build (containers compare their items by identity first).
"""
from __future__ import annotations

from typing import Any, Callable, Hashable

from . import packed
from .issuememo import FoundIn, Linking

_MISSING = object()


class Table:
    """Values of the last build and of this one, by key: what a build no longer asks for is forgotten after it."""

    __slots__ = ("last", "now")

    def __init__(self) -> None:
        self.last: dict[Hashable, tuple[Any, Any]] = {}
        self.now: dict[Hashable, tuple[Any, Any]] = {}

    def turn(self) -> None:
        self.last, self.now = self.now, {}

    def get(self, key: Hashable, deps: Any) -> Any:
        """The value stored under key with equal deps, or _MISSING."""
        hit = self.now.get(key) or self.last.get(key)
        if hit is None or hit[0] != deps:
            return _MISSING
        self.now[key] = hit
        return hit[1]

    def put(self, key: Hashable, deps: Any, value: Any) -> Any:
        self.now[key] = (deps, value)
        return value


class _Forgetful(Table):
    """A table that keeps nothing: a one-off build's memo (its deps would hold every issue's links unpacked)."""

    __slots__ = ()

    def get(self, key: Hashable, deps: Any) -> Any:
        return _MISSING

    def put(self, key: Hashable, deps: Any, value: Any) -> Any:
        return value


class Memo:
    """One per session (pipeline.Session); a build without a session gets a new one, which remembers nothing.

    `keep`: False for a session of one build (no next build to take anything again): nothing is stored in its
    tables; what `held` computes is kept for that build only (an issue's digest is asked for three times)."""

    MISSING = _MISSING

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self.setting: Any = None
        self.tables: dict[str, Table] = {}
        self._versions: dict[str, tuple[Any, int]] = {}
        self._count = 0
        self._this_build: dict[str, Table] = {}  # tables asked twice in a build, when nothing is kept for another
        self.found_in = FoundIn(keep)   # entity note names by issue source (issuememo.py)
        self.listing: dict[str, dict[str, str]] = {}   # entity note name → its entry in issue notes' lists
        self.linking = Linking(keep)    # the issues linking each entity note (issuememo.py)

    def begin(self, setting: Any) -> None:
        """A build starts. `setting`: what every note depends on (salt, templates, name layout); a change forgets all."""
        if setting != self.setting:
            self.tables, self._versions, self.setting = {}, {}, setting
        for table in self.tables.values():
            table.turn()

    def table(self, name: str, asked_twice: bool = False) -> Table:
        """`asked_twice`: its values are asked for again within a build, so kept for the build even when nothing is
        kept for another."""
        if asked_twice and not self.keep:
            return self._this_build.setdefault(name, Table())
        found = self.tables.get(name)
        if found is None:
            found = self.tables[name] = Table() if self.keep else _Forgetful()
        return found

    def version(self, name: str, value: Any) -> int:
        """A number that stays the same while `value` compares equal to the last one given under `name`: a cheap
        stand-in in deps for a big value (never reused for another value in this memo's life)."""
        known = self._versions.get(name)
        if known is not None and known[0] == value:
            return known[1]
        self._count += 1
        self._versions[name] = (value, self._count)
        return self._count

    def same(self, name: str, value: Any, identity: Hashable) -> tuple[Any, int]:
        """(value, its version), or the value last given under `name` when `identity` is the same: an equal object the
        next build can tell by identity (its own caches work by identity)."""
        known = self._versions.get(name)
        if known is not None and known[0][0] == identity:
            return known[0][1], known[1]
        self._count += 1
        self._versions[name] = ((identity, value), self._count)
        return value, self._count

    def held(self, name: str, obj: Any, compute: Callable[[Any], Any]) -> Any:
        """compute(obj), kept by obj's identity under `name`: the very object of the last build gives its value again.
        The object is held with its value, so its id cannot be reused by another object meanwhile."""
        table = self.table(name, asked_twice=True)
        hit = table.now.get(id(obj)) or table.last.get(id(obj))
        if hit is None or hit[0] is not obj:
            hit = (obj, compute(obj))
        table.now[id(obj)] = hit
        return hit[1]

    def issue_digest(self, issue) -> str:
        """Digest of the whole issue, body included (packed.issue_digest), kept by identity: a cached source's issue is
        the same object from build to build."""
        return self.held("issue-digest", issue, packed.issue_digest)
