"""The build's progress bar on a terminal (rich, on stderr): the CLI's view of the library's progress callback."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from .progress import Callback

if TYPE_CHECKING:
    from rich.console import Console

LABELS = {"scanning": "Scanning sources", "reading": "Reading sources", "extraction": "Extracting entities",
          "rendering": "Naming and linking notes", "writing": "Rendering and writing notes"}


def stderr_console() -> "Console | None":
    """Where the bar is drawn: stderr when it is a terminal; None in logs, pipes and CI (tests replace this)."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    return Console(stderr=True)


@contextmanager
def progress_bar(console: "Console | None") -> Iterator[Callback | None]:
    """A progress callback drawing one line on console (stage, bar, done/total, time), erased when the build ends.

    Yields None without a console: the build then skips counting altogether.
    """
    if console is None:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    # No refresh thread (auto_refresh=False): with another thread alive the read phase parses in-process instead
    # of forking workers (reading._parse_many), so the bar is redrawn when the build reports, which
    # progress.Reporter keeps to every few milliseconds. stdout is left alone: it is the command's output.
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=console, transient=True, auto_refresh=False,
                   redirect_stdout=False, redirect_stderr=False)
    tasks: dict[str, int] = {}

    def show(stage: str, done: int, total: int) -> None:
        known = total or None  # 0: not known yet, drawn as a pulsing bar
        if stage in tasks:
            bar.update(tasks[stage], completed=done, total=known)
        else:  # one task per stage, on one line: each stage has its own clock
            for old in tasks.values():
                bar.remove_task(old)
            tasks.clear()
            tasks[stage] = bar.add_task(LABELS.get(stage, stage), completed=done, total=known)
        bar.refresh()

    with bar:
        yield show
