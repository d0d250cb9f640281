"""Files written so that each is wholly old or wholly new after a crash at any moment, many at a time."""
from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path
from typing import Callable

from .errors import VaultError

TMP_PREFIX = ".vaultgen-tmp-"


def atomic_write(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, replace, fsync the folder: the old or the new file, never half."""
    for _, reason in _write_all([(path, data, ANY)]):
        raise VaultError(path, reason)


ANY = object()  # write_batch: replace whatever is there


_temp_names = itertools.count()


def _create_temp(target: Path) -> tuple[int, str]:
    """A new file beside target, opened for writing: (descriptor, path).

    Not tempfile.mkstemp: its random names cost seven times the file's creation, and its files are
    private (0600). A new note gets the mode the user's umask gives, as a note made in an editor would.
    """
    while True:
        tmp = f"{target.parent}/{TMP_PREFIX}{os.getpid()}-{next(_temp_names)}"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666), tmp
        except FileExistsError:  # left by a process that had our pid before: take the next name
            continue


def _check_target(path: Path) -> int | None:
    """The mode to keep, or None for a new file; refuses links (writing through them edits another file)."""
    if not (path.exists() or path.is_symlink()):
        return None
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode) or st.st_nlink > 1:
        raise VaultError(path, "is a symbolic or hard link; vaultgen does not write through links")
    return stat.S_IMODE(st.st_mode)


def write_batch(items: list[tuple[Path, bytes, object]], staged_count: Callable[[int], None] | None = None) -> list[str]:
    """As _write_all; each problem as "path: reason"."""
    return [f"{path}: {reason}" for path, reason in _write_all(items, staged_count)]


def _write_all(items: list[tuple[Path, bytes, object]],
               staged_count: Callable[[int], None] | None = None) -> list[tuple[Path, str]]:
    """Write many files so that each is wholly old or wholly new after a crash at any moment.

    Every temp file is written first, then made durable with one sync instead of one fsync per
    file, then renamed over its target. `expected` is the target's bytes when it was read (None:
    it must not exist): a file changed meanwhile, say by the user's editor, is left alone.
    `staged_count(n)`: n temp files written so far (most of the time a batch takes).
    """
    staged, problems = [], []
    for done, (path, data, expected) in enumerate(items):
        if staged_count is not None:
            staged_count(done)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            mode = _check_target(path)
            fd, tmp = _create_temp(path)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if len(items) == 1:
                    handle.flush()
                    os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            staged.append((Path(tmp), path, expected))
        except (OSError, VaultError) as exc:
            problems.append((path, exc.reason if isinstance(exc, VaultError) else str(exc)))
    if len(staged) > 1:
        os.sync()
    folders = set()
    for tmp, path, expected in staged:
        try:
            if expected is not ANY and _current_bytes(path) != expected:
                problems.append((path, "changed while vaultgen was writing; left as it is now"))
                tmp.unlink(missing_ok=True)
                continue
            os.replace(tmp, path)
            folders.add(path.parent)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            problems.append((path, str(exc)))
    if len(folders) > 4:
        os.sync()
    else:
        for folder in folders:
            _fsync_dir(folder)
    return problems


def _current_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open folders; rename is durable enough there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
