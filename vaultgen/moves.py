"""Moving notes vaultgen placed to where their names and folders now say: all before any note is written."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from . import naming


def move_all(vault, due: dict[str, tuple[Path, Path]], located: Mapping[str, Path], problems: list[str]) -> dict[str, Path]:
    """Move each due note (id → (where it is, where it goes)); returns `located` with the notes where they now are.

    Moving every note before writing any lets a note take a name another one leaves, whatever their order.
    The moves are journaled first (vault._journal_moves) so that a build killed midway is picked up by the next.
    A move whose place holds a file that does not move away is reported in `problems` and not made; a folder a
    move leaves empty is removed.
    """
    moved = dict(located)
    if not due:
        return moved
    due = dict(due)
    vault._journal_moves([[nid, _rel(vault, c), _rel(vault, t), naming.with_former(vault.renamed_from(nid), c.stem, t.stem)]
                          for nid, (c, t) in sorted(due.items())])
    while due:
        # A place another due note still holds frees up once that note has moved: chains resolve in turns.
        ready = [nid for nid, (current, target) in due.items() if not occupied(target, current)]
        if not ready:
            break
        for nid in ready:
            current, target = due.pop(nid)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(current, target)
            except OSError as exc:
                problems.append(f"{_rel(vault, current)}: not moved to {_rel(vault, target)}: {exc}")
                continue
            former = naming.with_former(vault.renamed_from(nid), current.stem, target.stem)
            vault.manifest[nid] = moved_entry(vault.manifest[nid], _rel(vault, target), former)
            moved[nid] = target
            remove_if_empty(vault.root, current.parent)
    for current, target in due.values():  # a swap, or a file of the user's that appeared meanwhile
        problems.append(f"{_rel(vault, current)}: not moved to {_rel(vault, target)}: another file is there")
    return moved


def moved_entry(entry: Mapping[str, Any], path: str, former: list[str]) -> dict[str, Any]:
    """The manifest entry of a note moved to path, with the names it had before (kept in its aliases)."""
    moved = {k: v for k, v in entry.items() if k != "renamed_from"} | {"path": path}
    return moved | {"renamed_from": former} if former else moved


def occupied(target: Path, current: Path) -> bool:
    """Another file is at target (not current itself under another case, as macOS and Windows report it)."""
    try:
        return target.exists() and not os.path.samefile(target, current)
    except OSError:
        return True


def remove_if_empty(root: Path, folder: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()  # fails, as it should, on a folder that holds anything
        except OSError:
            return
        folder = folder.parent


def _rel(vault, path: Path) -> str:
    return path.relative_to(vault.root).as_posix()
