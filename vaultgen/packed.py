"""Parsed sources kept small: bodies, links, candidates and URL edits zlib-compressed until read.

A parsed issue is about 110 KiB in memory (its body alone, as a str of non-ASCII text, is twice or four
times its UTF-8 size), and the global phase looks at every issue's parts only once or twice, one issue at
a time. Kept packed, an issue is about 15 KiB: a 10,000-issue build holds its archive in ~150 MiB instead
of ~1.1 GiB. The packed forms pickle as they are, so the build state stores them without unpacking, and
an incremental build loads the cached issues without rebuilding their objects.

Consumers see no difference: a Packed is a read-only sequence, a StoredIssue an Issue whose `body` is
decompressed when read.
"""
from __future__ import annotations

import pickle
import zlib
from collections.abc import Sequence
from dataclasses import fields, replace
from functools import lru_cache
from typing import Any

from .model import Issue

# zlib level 1 packs within a tenth of level 6's size at half its time.
LEVEL = 1


@lru_cache(maxsize=16)
def _unpack(blob: bytes) -> tuple:
    """One packed tuple, unpacked; the last few are remembered: an issue's parts are read several times in a row
    (its links for its resources, then for its body), each time all of them."""
    return pickle.loads(zlib.decompress(blob))


class Packed(Sequence):
    """A tuple of picklable values, held as compressed pickle bytes and unpacked when read."""

    __slots__ = ("_blob", "_len")

    def __init__(self, items: tuple):
        self._blob = zlib.compress(pickle.dumps(tuple(items), pickle.HIGHEST_PROTOCOL), LEVEL)
        self._len = len(items)

    def __reduce__(self):
        return (_packed, (self._blob, self._len))

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index):
        return _unpack(self._blob)[index]

    def __iter__(self):
        return iter(_unpack(self._blob))

    def __eq__(self, other) -> bool:
        if isinstance(other, Packed):
            return self._blob == other._blob or tuple(self) == tuple(other)
        return isinstance(other, tuple) and tuple(self) == other

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


def _packed(blob: bytes, length: int) -> Packed:
    packed = Packed.__new__(Packed)
    packed._blob, packed._len = blob, length
    return packed


def pack(items: tuple | Packed) -> tuple | Packed:
    """items packed; an empty tuple stays as it is (nothing to gain)."""
    return items if isinstance(items, Packed) or not items else Packed(items)


_BODY = Issue.__dict__["body"]  # the slot an Issue holds its body in: a StoredIssue holds the compressed bytes there


def _compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), LEVEL)


class StoredIssue(Issue):
    """An Issue whose body is held as compressed UTF-8 and decompressed each time it is read.

    Made like an Issue (`replace` works too), equal to a StoredIssue of the same fields, and with an Issue's
    repr: notes keyed by an issue's repr keep their keys.
    """

    __slots__ = ()

    @classmethod
    def of(cls, issue: Issue) -> "StoredIssue":
        if isinstance(issue, StoredIssue):
            return issue
        return cls(**{f.name: getattr(issue, f.name) for f in fields(issue)})

    @property
    def body(self) -> str:
        return zlib.decompress(_BODY.__get__(self)).decode("utf-8", "surrogatepass")

    @body.setter
    def body(self, text: str) -> None:  # the dataclass __init__ sets it through object.__setattr__: frozen still
        _BODY.__set__(self, _compress(text))

    def issue(self) -> Issue:
        """The plain Issue, body and all."""
        return Issue(**{f.name: getattr(self, f.name) for f in fields(self)})

    def __repr__(self) -> str:
        return repr(self.issue())

    def __hash__(self) -> int:  # the compressed body stands for the body: hashed without decompressing it
        return hash(tuple(_BODY.__get__(self) if f.name == "body" else getattr(self, f.name) for f in fields(self)))

    def __reduce__(self):
        return (_stored_issue, ({f.name: _BODY.__get__(self) if f.name == "body" else getattr(self, f.name)
                                 for f in fields(self)},))


def _stored_issue(values: dict[str, Any]) -> StoredIssue:
    issue = StoredIssue.__new__(StoredIssue)
    for name, value in values.items():
        if name == "body":
            _BODY.__set__(issue, value)
        else:
            object.__setattr__(issue, name, value)
    return issue


def pack_parsed(parsed):
    """A state.Parsed with its issue's body, links, candidates and URL edits packed (as it is, when they are).

    An issue's candidates are packed together: unpacked, the extractors' candidates share their sentences.
    """
    if parsed.issue is None:
        return parsed
    return replace(parsed, issue=StoredIssue.of(parsed.issue), links=pack(parsed.links),
                   candidates=pack(parsed.candidates), url_edits=pack(parsed.url_edits))
