"""Entity extractors: each registered as a plugin; resolve.py merges their candidates.

An extractor is any object with:
  name: str
  extract(issue: Issue, links: Sequence[Link]) -> Iterable[Candidate]
"""
from __future__ import annotations

from typing import Iterable, Protocol, Sequence

from ..model import Candidate, Issue, Link


class Extractor(Protocol):
    name: str

    def extract(self, issue: Issue, links: Sequence[Link]) -> Iterable[Candidate]: ...
