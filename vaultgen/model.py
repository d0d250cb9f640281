"""The data model shared by every pipeline stage: frozen dataclasses, no behaviour."""
from __future__ import annotations

import datetime as _dt
import operator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

ENTITY_KINDS = (
    "organization", "person", "product", "model", "dataset",
    "library", "paper", "event", "place", "other",
)



def pickled_by_fields(cls):
    """A frozen slots dataclass pickled as a call of its constructor with its field values. The state functions
    dataclasses gives slots classes look the fields up again for every object: with them, pickling and
    unpickling parsed issues (the build state, the parse workers' results) took three times as long."""
    values = operator.attrgetter(*(f.name for f in fields(cls)))

    def __reduce__(self):
        return cls, values(self)
    cls.__reduce__ = __reduce__
    return cls


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One source file, decoded and repaired, as readers see it."""

    path: Path                      # absolute path on disk
    rel: str                        # POSIX path relative to SOURCE: the issue's identity
    text: str                       # decoded text, mojibake and control characters repaired
    hints: Mapping[str, Any] = field(default_factory=dict)  # from _index.jsonl; wins over guesses
    # The file's bytes as read, for a reader that decodes parts by their own charsets (a MIME message's); b"" when
    # the text did not come from a file.
    data: bytes = field(default=b"", repr=False, compare=False)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Issue:
    """One newsletter issue as a reader understood it; `body` is clean Markdown."""

    source: str
    body: str
    title: str | None = None
    newsletter: str | None = None
    number: int | None = None
    date: _dt.date | None = None
    url: str | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()   # who wrote it, as its metadata names them
    reader: str = ""
    warnings: tuple[str, ...] = ()
    newsletter_guessed: bool = False  # from the text's words, not from metadata: may yield to the folder's


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Link:
    """An external link found in an issue body."""

    url: str            # as written (unescaped)
    canonical: str      # tracking parameters removed, normalised
    text: str           # anchor text ('' for a bare URL)
    sentence: str       # the sentence around the link, for context


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Candidate:
    """A named thing an extractor found in one issue."""

    name: str                       # surface form as written
    source: str                     # the issue's source path
    extractor: str                  # which extractor found it
    kind: str | None = None         # best guess, one of ENTITY_KINDS, or None
    sentence: str = ""              # context of the mention
    url: str | None = None          # link target when found through a link
    confidence: float = 0.5         # 0..1; resolve.py decides what is kept
    description: str | None = None  # "X is an app that …" when the text says so
    aliases: tuple[str, ...] = ()   # forms the text itself declares ("Climate Change AI (CCAI)")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Mention:
    """Where an entity or resource is cited: the issue and the sentence."""

    source: str
    surface: str
    sentence: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Entity:
    """One real thing across the whole archive, after merging."""

    key: str                        # stable merge key (casefolded canonical name)
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    mentions: tuple[Mention, ...] = ()
    urls: tuple[str, ...] = ()


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Resource:
    """One canonical external URL and every issue that cites it."""

    url: str
    domain: str
    kind: str
    title: str | None = None
    citations: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    """A rendered note, ready for the writer.

    A note planned from the same inputs as the file the vault holds unchanged may come unrendered: body
    None, its inputs' digest in `key`, and `render` to call should the writer need the text after all.
    """

    id: str                         # stable identity, also in frontmatter as vaultgen_id
    type: str
    path: str                       # vault-relative POSIX path
    frontmatter: Mapping[str, Any]
    body: str | None
    key: str | None = None          # digest of everything the note is made from, when known before rendering
    render: Callable[[], "Note"] | None = field(default=None, compare=False, repr=False)

    def rendered(self) -> "Note":
        return self if self.body is not None else self.render()
