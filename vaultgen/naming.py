"""Note names and tags: legal on Linux, macOS, Windows and in Obsidian links; unique case-insensitively."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from slugify import slugify

ILLEGAL = '*"\\/<>:|?#^[]'
_ILLEGAL_RE = re.compile("[" + re.escape(ILLEGAL) + r"\x00-\x1f\x7f-\x9f%]")
_RESERVED = {"con", "prn", "aux", "nul", "conin$", "conout$"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(10)} \
    | {f"{p}{c}" for p in ("com", "lpt") for c in "¹²³"}
MAX_NAME_BYTES = 150  # leaves room for ".md", a collision suffix, and Windows' 260-character paths


@lru_cache(maxsize=1 << 16)  # asked for every note's name, build after build in a watcher session
def key(name: str) -> str:
    """The identity of a name for collisions: NFC, case-folded (macOS and Windows are case-insensitive)."""
    return unicodedata.normalize("NFC", name).casefold()


def _truncate(name: str, limit: int) -> str:
    if len(name.encode("utf-8")) <= limit:
        return name
    cut = name.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
    shorter = cut.rsplit(" ", 1)[0]
    return (shorter if len(shorter) > limit // 2 else cut).rstrip(" .,-")


_COLON = re.compile(r"\s*:\s*")
_MD_END = re.compile(r"\.md$", re.I)


def _sanitized(text: str, limit: int) -> str:
    name = unicodedata.normalize("NFC", str(text))
    name = _COLON.sub(" - ", name)
    name = _ILLEGAL_RE.sub(" ", name)
    name = " ".join(name.split())
    return _truncate(name, limit).strip(" .")


def is_blank(text: str) -> bool:
    """Nothing is left of text once the characters no file name may hold are gone: legal_name would fall back."""
    return not _sanitized(text, MAX_NAME_BYTES)


def legal_name(text: str, fallback: str = "Untitled", limit: int = MAX_NAME_BYTES) -> str:
    """A file name (without .md) that every OS and Obsidian accept; never empty."""
    name = _sanitized(text, limit)
    if not name:
        name = _truncate(" ".join(_ILLEGAL_RE.sub(" ", fallback).split()), limit).strip(" .") or "Untitled"
    first, dot, rest = name.partition(".")
    if first.strip().casefold() in _RESERVED:
        name = f"{first}_{dot}{rest}"  # Windows reserves "NUL" whatever the extension
    # "[[issue a.md]]" is a link to "issue a", Obsidian's and every link checker's way: no name ends in ".md".
    return _MD_END.sub(" md", name)


def with_former(former: Iterable[str], old: str | None, new: str) -> list[str]:
    """The names a note had before `new`: `old` added when it is another name, `new` itself never among them."""
    names = [*former, *([old] if old else [])]
    out, seen = [], {key(new)}
    for name in names:
        if key(name) not in seen:
            seen.add(key(name))
            out.append(name)
    return out


def short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


@lru_cache(maxsize=65_536)  # every note has tags, from a few hundred distinct values
def tag(text: str) -> str | None:
    """An Obsidian tag without '#': letters, digits, '_', '-', '/', at least one non-digit; None if nothing is left."""
    parts = [slugify(p, allow_unicode=True, regex_pattern=r"[^\w-]+") for p in str(text).split("/")]
    value = "/".join(p for p in parts if p)
    if not value:
        return None
    if value.replace("/", "").replace("-", "").replace("_", "").isdigit():
        value = f"n{value}"
    return value


@dataclass(frozen=True)
class Request:
    """A note that wants a name: `preferred` first, then `preferred (qualifier)`, then a numbered suffix."""

    id: str
    preferred: str
    qualifier: str | None = None
    priority: int = 0       # lower wins the bare name when several notes want it


def assign(requests: Iterable[Request], taken: Iterable[str] = ()) -> dict[str, str]:
    """Give every request a legal name unique case-insensitively, whatever the order of `requests`.

    `taken` are names already used by files vaultgen did not write: they are never reused.
    """
    used = {key(t) for t in taken}
    with_base = [(r, legal_name(r.preferred, r.id)) for r in requests]
    ordered = sorted(with_base, key=lambda rb: (key(rb[1]), rb[0].priority, rb[0].id))
    names: dict[str, str] = {}
    for r, base in ordered:
        for name in _candidates(r, base):
            if key(name) not in used:
                break
        used.add(key(name))
        names[r.id] = name
    return names


def _candidates(r: Request, base: str) -> Iterator[str]:
    """The names a request may take, best first (lazily: almost every request takes the first)."""
    yield base
    if r.qualifier:
        yield legal_name(f"{base} ({r.qualifier})", r.id, MAX_NAME_BYTES + 30)
    for n in range(2, 50):
        yield legal_name(f"{base} ({n})", r.id, MAX_NAME_BYTES + 30)
    yield legal_name(f"{base} {short_hash(r.id)}", r.id, MAX_NAME_BYTES + 30)
    yield legal_name(f"{base} {short_hash(r.id, 16)}", r.id, MAX_NAME_BYTES + 30)
