"""Source readers: one module per source shape, each registered as a plugin.

A reader is any object with:
  name: str
  score(doc: SourceDoc) -> float   how sure it is that it can read doc (0 = not at all)
  read(doc: SourceDoc) -> Issue    the issue, its body as clean Markdown; raises SourceError

The pipeline asks every reader for a score and lets the highest one read. Readers report
what the content says; index hints, file-name dates and defaults are merged later (metadata.py).
"""
from __future__ import annotations

from typing import Protocol

from ..model import Issue, SourceDoc


class Reader(Protocol):
    name: str

    def score(self, doc: SourceDoc) -> float: ...

    def read(self, doc: SourceDoc) -> Issue: ...
