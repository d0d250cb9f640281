"""Parsed sources kept small: bodies, links, candidates and URL edits zlib-compressed until read.

A parsed issue is about 110 KiB in memory (its body alone, as a str of non-ASCII text, is twice or four
times its UTF-8 size), and the global phase looks at every issue's parts only once or twice, one issue at
a time. Kept packed, an issue is about 15 KiB: a 10,000-issue build holds its archive in ~150 MiB instead
of ~1.1 GiB. The packed forms pickle as they are, so the build state stores them without unpacking, and
an incremental build loads the cached issues without rebuilding their objects.

Consumers see no difference: a Packed is a read-only sequence, a StoredIssue an Issue whose `body` is
decompressed when read. A build moves the packed bytes to a Spill, a temporary file beside the build state,
and keeps only where they are: they are read from the page cache when used, never held by the process.
"""
from __future__ import annotations

import hashlib
import operator
import os
import pickle
import tempfile
import threading
import zlib
from collections.abc import Sequence
from dataclasses import fields, replace
from functools import lru_cache
from typing import Any

from .model import Issue

# zlib level 1 packs within a tenth of level 6's size at half its time.
LEVEL = 1


class Spill:
    """An unnamed temporary file (gone when the last Spilled in it is, or when the process ends) that packed
    bytes move to.

    Append-only: a watcher's session adds the parts of each source it reads again, a few KiB per source.
    """

    def __init__(self, folder=None):
        self._file = tempfile.TemporaryFile(dir=folder)
        self._end = 0
        self._pid = os.getpid()
        self._lock = threading.Lock()

    def put(self, data: bytes) -> "Spilled | bytes":
        """Where data now is; data itself in a forked worker (its writes would go where its parent's go)."""
        if os.getpid() != self._pid:
            return data
        with self._lock:
            offset, self._end = self._end, self._end + len(data)
        os.pwrite(self._file.fileno(), data, offset)
        return Spilled(self, offset, len(data))


class Spilled:
    """Bytes put in a Spill."""

    __slots__ = ("spill", "offset", "length")

    def __init__(self, spill: Spill, offset: int, length: int):
        self.spill, self.offset, self.length = spill, offset, length

    def read(self) -> bytes:
        return os.pread(self.spill._file.fileno(), self.length, self.offset)

    def __eq__(self, other) -> bool:
        return isinstance(other, Spilled) and (self.spill, self.offset) == (other.spill, other.offset)

    def __hash__(self) -> int:
        return hash((self.offset, self.length))


def _held(blob: "bytes | Spilled") -> bytes:
    return blob.read() if isinstance(blob, Spilled) else blob


def _spilled(blob: "bytes | Spilled", spill: Spill) -> "bytes | Spilled":
    return blob if isinstance(blob, Spilled) else spill.put(blob)


@lru_cache(maxsize=16)
def _unpack(blob: "bytes | Spilled") -> tuple:
    """One packed tuple, unpacked; the last few are remembered: an issue's parts are read several times in a row
    (its links for its resources, then for its body), each time all of them."""
    return pickle.loads(zlib.decompress(_held(blob)))


class Packed(Sequence):
    """A tuple of picklable values, held as compressed pickle bytes and unpacked when read; with the digest of those
    bytes (content_digest), taken when they are made: an edit's build asks for every issue's, and would otherwise
    decompress them all for it."""

    __slots__ = ("_blob", "_len", "_digest")

    def __init__(self, items: tuple):
        data = pickle.dumps(tuple(items), pickle.HIGHEST_PROTOCOL)
        self._blob = zlib.compress(data, LEVEL)
        self._len = len(items)
        self._digest = hashlib.sha256(data).hexdigest()

    def __reduce__(self):
        return (_packed, (_held(self._blob), self._len, self._digest))

    def spilled(self, spill: Spill) -> "Packed":
        return _packed(_spilled(self._blob, spill), self._len, self._digest)

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


def content_digest(items: tuple | Packed) -> str:
    """A digest of items' pickle: the same for the same objects read back (a packed tuple's from its bytes, unpacked
    for nothing). Equal items pickled apart may differ: a digest tells "the same as then", never "different"."""
    if isinstance(items, Packed):
        return items._digest or hashlib.sha256(zlib.decompress(_held(items._blob))).hexdigest()
    return hashlib.sha256(pickle.dumps(tuple(items), pickle.HIGHEST_PROTOCOL)).hexdigest()


def _packed(blob: bytes, length: int, digest: str | None = None) -> Packed:
    """`digest`: None in what an older vaultgen pickled (worked out when asked for)."""
    packed = Packed.__new__(Packed)
    packed._blob, packed._len, packed._digest = blob, length, digest
    return packed


def pack(items: tuple | Packed, spill: Spill | None = None) -> tuple | Packed:
    """items packed (and spilled); an empty tuple stays as it is (nothing to gain)."""
    if not isinstance(items, Packed):
        if not items:
            return items
        items = Packed(items)
    return items if spill is None else items.spilled(spill)


_BODY = Issue.__dict__["body"]  # the slot an Issue holds its body in: a StoredIssue holds the compressed bytes there


def _compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), LEVEL)


# An Issue's field names, looked up once: dataclasses.fields() costs more than the hash and repr that ask for them.
_FIELDS = tuple(f.name for f in fields(Issue))
_ALL_BUT_BODY = operator.attrgetter(*(name for name in _FIELDS if name != "body"))


class StoredIssue(Issue):
    """An Issue whose body is held as compressed UTF-8 and decompressed each time it is read, with the digest of all
    its fields (issue_digest) taken when it is packed: an edit's build asks for every issue's.

    Made like an Issue (`replace` works too, and gives an issue whose digest is worked out again when asked for),
    equal to a StoredIssue of the same fields, and with an Issue's repr: notes keyed by an issue's repr keep their keys.
    """

    __slots__ = ("_digest",)

    @classmethod
    def of(cls, issue: Issue) -> "StoredIssue":
        if isinstance(issue, StoredIssue):
            return issue
        stored = cls(**{name: getattr(issue, name) for name in _FIELDS})
        object.__setattr__(stored, "_digest", issue_digest(issue))
        return stored

    @property
    def body(self) -> str:
        return zlib.decompress(_held(_BODY.__get__(self))).decode("utf-8", "surrogatepass")

    @body.setter
    def body(self, text: str) -> None:  # the dataclass __init__ sets it through object.__setattr__: frozen still
        _BODY.__set__(self, _compress(text))

    def issue(self) -> Issue:
        """The plain Issue, body and all."""
        return Issue(**{name: getattr(self, name) for name in _FIELDS})

    def __repr__(self) -> str:
        return repr(self.issue())

    def __hash__(self) -> int:  # hashed without its body (equal issues still hash equal): no body is read for it
        return hash(_ALL_BUT_BODY(self))

    def __reduce__(self):
        return (_stored_issue, (self._values(_held(_BODY.__get__(self))), _known_digest(self)))

    def spilled(self, spill: Spill) -> "StoredIssue":
        return _stored_issue(self._values(_spilled(_BODY.__get__(self), spill)), _known_digest(self))

    def _values(self, body) -> dict[str, Any]:
        return {name: body if name == "body" else getattr(self, name) for name in _FIELDS}


def _known_digest(issue: StoredIssue) -> str | None:
    return getattr(issue, "_digest", None)  # unset in one made by its constructor (replace)


def _stored_issue(values: dict[str, Any], digest: str | None = None) -> StoredIssue:
    """`digest`: None in what an older vaultgen pickled (worked out when asked for)."""
    issue = StoredIssue.__new__(StoredIssue)
    for name, value in values.items():
        if name == "body":
            _BODY.__set__(issue, value)
        else:
            object.__setattr__(issue, name, value)
    if digest is not None:
        object.__setattr__(issue, "_digest", digest)
    return issue


def issue_digest(issue: Issue) -> str:
    """A digest of every field of an issue: its body's UTF-8 bytes (a StoredIssue's are not decoded for it), then the
    repr of the others (an issue's number may be any int a reader gave: 1 == True, but their reprs differ)."""
    if isinstance(issue, StoredIssue):
        known = _known_digest(issue)
        if known is not None:
            return known
        body = zlib.decompress(_held(_BODY.__get__(issue)))
    else:
        body = issue.body.encode("utf-8", "surrogatepass")
    found = hashlib.sha256(len(body).to_bytes(8, "big"))
    found.update(body)
    found.update(repr(_ALL_BUT_BODY(issue)).encode("utf-8", "surrogatepass"))
    return found.hexdigest()


def pack_parsed(parsed, spill: Spill | None = None):
    """A state.Parsed with its issue's body, links, candidates and URL edits packed (as it is, when they are),
    and moved to `spill` when given.

    An issue's candidates are packed together: unpacked, the extractors' candidates share their sentences.
    """
    if parsed.issue is None:
        return parsed
    issue = StoredIssue.of(parsed.issue)
    return replace(parsed, issue=issue if spill is None else issue.spilled(spill), links=pack(parsed.links, spill),
                   candidates=pack(parsed.candidates, spill), url_edits=pack(parsed.url_edits, spill))


def unpack_parsed(parsed):
    """A state.Parsed as plain objects again (itself when it is): what a watcher's session holds, as it reads every
    issue at every batch; unpacked once, the same objects build after build (its memos know them by identity)."""
    if parsed.issue is None or not (isinstance(parsed.issue, StoredIssue) or any(
            isinstance(part, Packed) for part in (parsed.links, parsed.candidates, parsed.url_edits))):
        return parsed
    issue = parsed.issue.issue() if isinstance(parsed.issue, StoredIssue) else parsed.issue
    return replace(parsed, issue=issue, links=tuple(parsed.links), candidates=tuple(parsed.candidates),
                   url_edits=tuple(parsed.url_edits))
