"""Build progress for a caller's callback (the CLI's bar): per stage, counts that never go back, few calls."""
from __future__ import annotations

import time
from typing import Callable

# progress(stage, done, total): stage is one of STAGES; total is 0 while not known yet (discovery, naming).
Callback = Callable[[str, int, int], None]
Tick = Callable[[int, int], None]  # (done, total) within one stage: what the stages below pipeline.py are given
STAGES = ("scanning", "reading", "extraction", "rendering", "writing")
INTERVAL = 0.05  # seconds between calls within a stage: a terminal redraws no faster, and calls are not free


class Reporter:
    """Passes a stage's counts on to the callback: its first and last call and a newly known total always,
    between them at most one per INTERVAL; never a count lower than one already passed on (a fallback to
    reading in-process counts the stage again from 0)."""

    def __init__(self, callback: Callback | None, interval: float = INTERVAL):
        self.callback, self.interval = callback, interval
        self._stage, self._done, self._total, self._last = "", -1, -1, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        if stage == self._stage:
            if (done, total) == (self._done, self._total) or done < self._done:
                return
            if total == self._total and done != total and now - self._last < self.interval:
                return
        self._stage, self._done, self._total, self._last = stage, done, total, now
        self.callback(stage, done, total)

    def tick(self, stage: str) -> Tick | None:
        """(done, total) → this stage's count; None without a callback, so callees can skip counting at all."""
        if self.callback is None:
            return None
        return lambda done, total: self(stage, done, total)
