"""Find the source files under SOURCE, read `_index.jsonl` hints, and load files as SourceDocs."""
from __future__ import annotations

import fnmatch
import json
import os
import stat
from dataclasses import dataclass
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


# Editors' backups and swap files, downloads in progress, OS metadata: never issues, never worth an error.
DROPPINGS = (
    "*~", "*.swp", "*.swx", "*.swo", "*.swn", "*.bck", "*.bak", "*.tmp", "*.temp", "*.crdownload", "*.part",
    "4913", "#*#", ".#*", "*___jb_tmp___", "*___jb_old___", "*___jb_bak___", ".goutputstream-*", ".sb-*",
    "flycheck_*", ".DS_Store", "Thumbs.db", "desktop.ini", ".vaultgen-tmp-*",
)


def _hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def _dropping(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DROPPINGS)


def discover(root: Path) -> Found:
    """Every regular file under root that may be an issue, sorted; never follows links out of root."""
    root = root.resolve()
    files: list[Path] = []
    hints: dict[Path, dict[str, Any]] = {}
    errors: list[SourceError] = []
    warnings: list[SourceError] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(folder)
        dirnames[:] = sorted(d for d in dirnames if not _hidden(d))
        if INDEX_NAME in filenames:
            index, problems = read_index(here / INDEX_NAME, root)
            hints.update(index)
            warnings.extend(problems)
        for name in sorted(filenames):
            if _hidden(name) or _dropping(name):
                continue
            path = here / name
            rel = path.relative_to(root).as_posix()
            try:
                mode = os.lstat(path).st_mode
                if stat.S_ISLNK(mode):
                    target = path.resolve()
                    if not target.is_relative_to(root):
                        warnings.append(SourceError(rel, "symbolic link to a file outside SOURCE; not followed"))
                        continue
                    mode = os.stat(path).st_mode
                if not stat.S_ISREG(mode):
                    errors.append(SourceError(rel, "not a regular file (FIFO, socket or device); skipped"))
                    continue
            except OSError as exc:
                errors.append(SourceError(rel, f"cannot stat: {exc.strerror}"))
                continue
            files.append(path)
    return Found(tuple(files), hints, tuple(errors), tuple(warnings))


def read_index(index: Path, root: Path) -> tuple[dict[Path, dict[str, Any]], list[SourceError]]:
    """Hints from one `_index.jsonl`: {file path: {title, date, number, url, newsletter}}."""
    rel = index.relative_to(root).as_posix()
    hints: dict[Path, dict[str, Any]] = {}
    problems: list[SourceError] = []
    try:
        lines = index.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        return hints, [SourceError(rel, f"cannot read: {exc.strerror}")]
    for number, line in enumerate(lines, 1):
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
        target = (index.parent / name).resolve()
        if target.parent != index.parent.resolve():
            problems.append(SourceError(f"{rel}:{number}", f"ignored index line: 'file' must name a file in {rel}'s folder"))
            continue
        keep = {k: entry[k] for k in ("title", "published_at", "date", "number", "url", "newsletter") if entry.get(k) is not None}
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
    return SourceDoc(path=path, rel=rel, text=text, hints=dict(hints or {})), warnings
