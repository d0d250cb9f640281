"""Find the source files under SOURCE, read `_index.jsonl` hints, and load files as SourceDocs."""
from __future__ import annotations

import fnmatch
import json
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import textfix
from .errors import SourceError
from .model import SourceDoc

INDEX_NAME = "_index.jsonl"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Found:
    """Source files to read, and what was passed over on the way (with reasons)."""

    files: tuple[Path, ...]
    hints: dict[Path, dict[str, Any]]
    errors: tuple[SourceError, ...]
    warnings: tuple[SourceError, ...]
    rels: tuple[str, ...] = ()                  # files' POSIX paths relative to root, in the same order
    links: frozenset[Path] = frozenset()        # the files that are symbolic links (to files under root)


# Editors' backups and swap files, downloads in progress, OS metadata: never issues, never worth an error.
DROPPINGS = (
    "*~", "*.swp", "*.swx", "*.swo", "*.swn", "*.bck", "*.bak", "*.tmp", "*.temp", "*.crdownload", "*.part",
    "4913", "#*#", ".#*", "*___jb_tmp___", "*___jb_old___", "*___jb_bak___", ".goutputstream-*", ".sb-*",
    "flycheck_*", ".DS_Store", "Thumbs.db", "desktop.ini", ".vaultgen-tmp-*",
)
_DROPPING = re.compile("|".join(fnmatch.translate(pattern) for pattern in DROPPINGS))


_INDEX_KEYS = ("title", "published_at", "date", "number", "url", "newsletter", "author", "authors")


def _hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def _dropping(name: str) -> bool:
    return _DROPPING.match(name) is not None


def discover(root: Path) -> Found:
    """Every regular file under root that may be an issue, sorted; never follows links out of root.

    Folders are read with os.scandir, whose entries know their type without a stat: the watcher runs this
    on every batch, over the whole archive.
    """
    root = root.resolve()
    files: list[Path] = []
    rels: list[str] = []
    links: set[Path] = set()
    hints: dict[Path, dict[str, Any]] = {}
    errors: list[SourceError] = []
    warnings: list[SourceError] = []

    def walk(here: Path, prefix: str) -> None:
        try:
            with os.scandir(here) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:  # an unreadable folder is passed over, as os.walk does
            return
        folders = []
        if any(e.name == INDEX_NAME for e in entries):
            index, problems = read_index(here / INDEX_NAME, root, frozenset(e.name for e in entries if e.is_symlink()))
            hints.update(index)
            warnings.extend(problems)
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir():  # a link to a folder is not followed (nor reported)
                    if not _hidden(name) and not entry.is_symlink():
                        folders.append(entry)
                    continue
            except OSError:
                continue
            if _hidden(name) or _dropping(name):
                continue
            path, rel = here / name, prefix + name
            try:
                if entry.is_symlink():
                    if not path.resolve().is_relative_to(root):
                        warnings.append(SourceError(rel, "symbolic link to a file outside SOURCE; not followed"))
                        continue
                    links.add(path)
                    regular = stat.S_ISREG(os.stat(path).st_mode)
                else:
                    regular = entry.is_file(follow_symlinks=False)
                if not regular:
                    errors.append(SourceError(rel, "not a regular file (FIFO, socket or device); skipped"))
                    continue
            except OSError as exc:
                errors.append(SourceError(rel, f"cannot stat: {exc.strerror}"))
                continue
            files.append(path)
            rels.append(rel)
        for entry in folders:
            walk(here / entry.name, f"{prefix}{entry.name}/")

    walk(root, "")
    return Found(tuple(files), hints, tuple(errors), tuple(warnings), tuple(rels), frozenset(links))


def read_index(index: Path, root: Path, links: frozenset[str]) -> tuple[dict[Path, dict[str, Any]], list[SourceError]]:
    """Hints from one `_index.jsonl`: {file path: {title, date, number, url, newsletter}}. `links`: the names in its
    folder that are symbolic links (discovery's listing of the folder says)."""
    rel = index.relative_to(root).as_posix()
    try:
        text = index.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return {}, [SourceError(rel, f"cannot read: {exc.strerror}")]
    folder = index.parent.resolve()
    found = _plain_index(text, rel, folder, links)
    return found if found is not None else _index(text, rel, index.parent, folder, links)


@lru_cache(maxsize=256)
def _plain_index(text: str, rel: str, folder: Path, links: frozenset[str]):
    """_index of an index whose every line names a plain file of its folder (nothing to resolve: the same text and
    links, the same hints), kept: the watcher reads every index on every batch. None for another index. What it
    returns is shared: not to be changed."""
    return _index(text, rel, folder, folder, links, may_resolve=False)


def _index(text: str, rel: str, parent: Path, folder: Path, links: frozenset[str], may_resolve: bool = True):
    hints: dict[Path, dict[str, Any]] = {}
    problems: list[SourceError] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            name = entry["file"]
            if not isinstance(entry, dict) or not isinstance(name, str):
                raise ValueError("not an object with a 'file' string")
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(SourceError(f"{rel}:{number}", f"ignored index line: {exc}"))
            continue
        # A plain file name needs no walk up the path (resolve() reads a link per component): only a symbolic
        # link, or a name with a folder in it, is followed.
        if name not in ("", ".", "..") and "/" not in name and name not in links:
            target = folder / name
        elif may_resolve:
            target = (parent / name).resolve()
        else:
            return None
        if target.parent != folder:
            problems.append(SourceError(f"{rel}:{number}", f"ignored index line: 'file' must name a file in {rel}'s folder"))
            continue
        keep = {k: entry[k] for k in _INDEX_KEYS if entry.get(k) is not None}
        hints[target] = keep
    return hints, problems


def load(path: Path, root: Path, hints: dict[str, Any] | None = None,
         max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[SourceDoc, list[str]]:
    """Read and repair one source file. Raises SourceError naming the file and the reason."""
    rel = path.resolve().relative_to(root.resolve()).as_posix() if path.is_absolute() else path.as_posix()
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(rel, f"file is {size / 1048576:.1f} MiB, over the {max_bytes / 1048576:.0f} MiB limit "
                                   "(set max_source_mib in vaultgen.toml to raise it)")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(rel, f"cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise SourceError(rel, "empty file")
    try:
        text, warnings = textfix.decode(data)
    except textfix.UndecodableError as exc:
        raise SourceError(rel, str(exc)) from exc
    text = textfix.repair(text)
    if not text.strip():
        raise SourceError(rel, "no text after decoding")
    return SourceDoc(path=path, rel=rel, text=text, hints=dict(hints or {}), data=data), warnings
