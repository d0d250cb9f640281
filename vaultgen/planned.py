"""What a dry run would write, kept as texts so that `build --dry-run --diff` can show it as a unified diff."""
from __future__ import annotations

import difflib
from typing import NamedTuple


class PlannedWrite(NamedTuple):
    """A change a dry run would make: vault-relative path, text before (None: new) and after (None: deleted)."""

    path: str
    old: str | None
    new: str | None
    moved_from: str | None = None   # the note's path now, when the write would also rename it

    def diff(self) -> str:
        """A unified diff with git's a/ and b/ paths (/dev/null for a side that does not exist)."""
        before = f"a/{self.moved_from or self.path}" if self.old is not None else "/dev/null"
        after = f"b/{self.path}" if self.new is not None else "/dev/null"
        lines = difflib.unified_diff(_lines(self.old), _lines(self.new), before, after)
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _lines(text: str | None) -> list[str]:
    """Lines ending in \\n only: str.splitlines would also split at U+2028 and form feeds, which notes may hold."""
    if text is None:
        return []
    parts = text.split("\n")
    return [line + "\n" for line in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def printable(text: str) -> str:
    """Text read with surrogateescape, printable: bytes that are not UTF-8 shown as U+FFFD."""
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
