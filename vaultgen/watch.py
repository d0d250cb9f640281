"""`vaultgen watch`: file-system events as hints, batched, reconciled by hash, built off the observer thread."""
from __future__ import annotations

import errno
import fnmatch
import gc
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from watchdog.events import DirModifiedEvent, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from .errors import SourceError, VaultgenError
from .sources import DROPPINGS
from .pipeline import BuildResult, Options, Session, build

QUIET = 0.15         # a batch is built once no event came for this long…
CAP = 1.0            # …or this long after its first event, so a steady stream of saves still gets built
RECONCILE = 60.0     # a full scan this often catches events the kernel dropped (inotify queue overflow)
POLL_INTERVAL = 0.5  # PollingObserver's period, with --poll or when inotify is out of watches
KEEP_BATCHES = 200   # Watcher.batches: the latest ones, for tests and callers that inspect them
FULL_GC_EVERY = 25   # builds between collections of the whole heap, frozen part included (see Watcher._settle)
PAUSE_GC_UPTO = 16   # a batch of at most this many changed files is built with the cyclic collector paused

# Editors' and tools' temporary files (Hugo's and watchfiles' lists, merged): never a reason to build.
INDEX_NAME = "_index.jsonl"


def is_ignored(rel: str) -> bool:
    """A path under SOURCE (POSIX, relative) whose events cannot change what a build reads."""
    parts = [p for p in rel.split("/") if p]
    if not parts:
        return False
    if any(p.startswith((".", "_")) for p in parts[:-1]):
        return True  # inside a folder that discovery skips
    name = parts[-1]
    if name == INDEX_NAME:
        return False
    if name.startswith((".", "_")):
        return True
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DROPPINGS)


class Batcher:
    """Paths from the observer thread, handed out as one batch after a quiet period (or the cap)."""

    def __init__(self, quiet: float = QUIET, cap: float = CAP):
        self.quiet, self.cap = quiet, cap
        self._cond = threading.Condition()
        self._paths: set[str] = set()
        self._first = self._last = 0.0

    def add(self, paths: Iterable[str]) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths.update(paths)
            self._last = now
            self._cond.notify_all()

    def pending(self) -> bool:
        with self._cond:
            return bool(self._paths)

    def take(self, stop: threading.Event, timeout: float,
             meanwhile: Callable[[], None] | None = None) -> set[str] | None:
        """The next batch; an empty set after `timeout` with no event; None when stop is set and nothing waits.
        `meanwhile()` is called once the batch's first event came, while its quiet period runs (events still come
        in); it may take longer than the quiet period, which then ends when it returns."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                if self._paths:
                    due = min(self._last + self.quiet, self._first + self.cap)
                    if now >= due or stop.is_set():
                        batch, self._paths = self._paths, set()
                        return batch
                    if meanwhile is not None:
                        work, meanwhile = meanwhile, None
                        self._cond.release()
                        try:
                            work()
                        finally:
                            self._cond.acquire()
                        continue
                    wait = due - now
                elif stop.is_set():
                    return None
                elif now >= deadline:
                    return set()
                else:
                    wait = deadline - now
                # Bounded so a signal's stop flag is seen soon even if no notify comes.
                self._cond.wait(min(wait, 0.1))


class _Hints(FileSystemEventHandler):
    """Runs on the observer thread: filters events and hands their paths to the batcher, nothing more."""

    def __init__(self, root: Path, batcher: Batcher, extra: Iterable[Path] = ()):
        self.root = root
        self.batcher = batcher
        self.extra = {str(p) for p in extra}   # files outside SOURCE that a build reads (the gazetteer)
        self.extra_dirs = [str(p) for p in extra if p.is_dir()]

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if isinstance(event, DirModifiedEvent) and sys.platform != "darwin":
            return  # its files' own events say what changed; macOS may report a delete only this way
        keep = []
        for raw in (event.src_path, getattr(event, "dest_path", "") or ""):
            path = os.fsdecode(raw) if raw else ""
            if not path:
                continue
            if path in self.extra or any(path.startswith(d + os.sep) or path == d for d in self.extra_dirs):
                keep.append(path)
                continue
            try:
                rel = Path(path).relative_to(self.root).as_posix()
            except ValueError:
                continue  # a neighbour of the gazetteer in the vault folder: our own notes, never a trigger
            if rel == "." or not is_ignored(rel):
                keep.append(path)
        if keep:
            self.batcher.add(keep)


def start_observer(handler: _Hints, folders: list[tuple[Path, bool]], poll: bool,
                   log: Callable[[str], None]) -> tuple:
    """An inotify (or the platform's) observer; polling with --poll or when the kernel is out of watches."""
    if not poll:
        observer = Observer()
        try:
            for folder, recursive in folders:
                observer.schedule(handler, str(folder), recursive=recursive)
            observer.start()
            return observer, "events"
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                log("vaultgen: warning: inotify watch limit reached; polling instead "
                    "(raise it with: sudo sysctl fs.inotify.max_user_watches=524288)")
            elif exc.errno == errno.EMFILE:
                log("vaultgen: warning: inotify instance limit reached; polling instead "
                    "(raise it with: sudo sysctl fs.inotify.max_user_instances=1024)")
            else:
                log(f"vaultgen: warning: file events unavailable ({exc}); polling instead")
            try:
                observer.stop()
            except Exception:  # noqa: BLE001 - it never started
                pass
    observer = PollingObserver(timeout=POLL_INTERVAL)
    for folder, recursive in folders:
        observer.schedule(handler, str(folder), recursive=recursive)
    observer.start()
    return observer, "polling"


@dataclass
class BatchLog:
    """One batch: what changed in SOURCE, what the build did, how long it took."""

    changes: dict[str, list[str]]
    result: BuildResult | None
    error: str | None
    ms: float

    def line(self) -> str:
        bits = []
        for label in ("added", "changed", "removed"):
            items = self.changes.get(label, [])
            if items:
                shown = ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")
                bits.append(f"{label} {shown}")
        what = "; ".join(bits) or "no source changed"
        if self.error:
            return f"{what} | build failed: {self.error} | {self.ms:.0f} ms"
        report = self.result.report
        out = (f"{what} | notes written: {len(report.created) + len(report.updated)}, "
               f"removed: {len(report.removed) + len(report.orphaned)}")
        failed = len(self.result.errors)
        if failed:
            out += f" | {failed} failed: " + "; ".join(str(e) for e in self.result.errors[:3])
        if report.problems:  # notes left as they are (a file in the way, an edit while writing): retried next batch
            out += f" | {len(report.problems)} not written: " + "; ".join(report.problems[:3])
        return f"{out} | {self.ms:.0f} ms"


def relevant_folders(options: Options) -> tuple[list[tuple[Path, bool]], list[Path]]:
    """(folders to watch, recursive?), and the files outside SOURCE whose changes matter."""
    folders = [(options.source.resolve(), True)]
    extra: list[Path] = []
    if options.templates and Path(options.templates).is_dir():
        folders.append((Path(options.templates).resolve(), True))
        extra.append(Path(options.templates).resolve())
    gazetteer = Path(options.gazetteer or options.vault / "entities.yaml").resolve()
    if gazetteer.parent.is_dir():
        folders.append((gazetteer.parent, False))
        extra.append(gazetteer)
    return folders, extra


class Watcher:
    """Initial build, then one build per batch of events, in the calling thread, until `stop` is set."""

    def __init__(self, options: Options, poll: bool = False, log: Callable[[str], None] = print,
                 quiet: float = QUIET, cap: float = CAP, reconcile: float = RECONCILE):
        self.options = options
        self.poll = poll
        self.log = log
        self.batcher = Batcher(quiet, cap)
        self.reconcile = reconcile
        self.stop = threading.Event()
        self.builds = 0
        self.mode = ""
        self.ready = threading.Event()   # set once the initial build is done and events are being watched
        self.batches: list[BatchLog] = []

    def run(self) -> int:
        options = self.options
        source, vault = options.source.resolve(), options.vault.resolve()
        if not source.is_dir():
            raise SourceError(options.source, "SOURCE is not a folder")
        if vault == source or vault.is_relative_to(source):
            raise VaultgenError(options.vault, "the vault is inside SOURCE: vaultgen would read its own notes as "
                                               "issues and rebuild on its own writes; choose a vault outside it")
        with Session(options, remember=True) as session:
            first = self._build(session, frozenset())
            observer = self._observe(None)
            try:
                if first.result is not None and first.result.skipped:
                    self._warm(session)  # watched already: a change made meanwhile is built, or batched
                self.log(f"watching {options.source} ({self.mode}); Ctrl-C to stop")
                self.ready.set()
                self._loop(session, observer, source)
            finally:
                self._observer.stop()
                self._observer.join(timeout=5)
                gc.unfreeze()  # what the session held is the collector's again once it is closed
        return 0

    def _observe(self, old):
        """A fresh observer on SOURCE and the files outside it that builds read."""
        if old is not None:
            old.stop()
            old.join(timeout=5)
        folders, extra = relevant_folders(self.options)
        handler = _Hints(self.options.source.resolve(), self.batcher, extra)
        self._observer, self.mode = start_observer(handler, folders, self.poll, self.log)
        return self._observer

    def _loop(self, session: Session, observer, source: Path) -> None:
        missing = False  # SOURCE was seen gone: its watch died with it, even if it is back by the next look
        while True:
            gone = missing or not source.is_dir()
            batch = self.batcher.take(self.stop, 1.0 if gone else self.reconcile, lambda: self._look_ahead(session))
            if batch is None:
                return
            if not source.is_dir():
                # Never read as "every source was deleted": the vault stays as it is.
                if batch:
                    self.log(f"{self.options.source} is gone; the vault is left as it is until it comes back")
                missing = True
                continue
            if gone or not observer.is_alive():  # SOURCE is back (its old watch died with it), or the observer died
                observer = self._observe(observer)
                missing = False
            changed = frozenset(self._rel(p, source) for p in batch) - {None}
            self._build(session, changed, quiet_if_unchanged=not batch)
            if self.stop.is_set() and not self.batcher.pending():
                return

    def _warm(self, session: Session) -> None:
        """The initial build found the vault up to date and did nothing: go through the global phase once now,
        before the watcher says it is watching, so that the first batch is as quick as the next. It writes
        nothing, unless a source changed since the initial build: then it is that change's batch (and logged)."""
        if not self.stop.is_set():
            self._build(session, frozenset(), warm=True)

    @staticmethod
    def _look_ahead(session: Session) -> None:
        """The batch's quiet period: the vault's notes are located now (the build after it takes the look)."""
        try:
            session.look_ahead()
        except Exception:  # noqa: BLE001 - only a head start: the build locates the notes itself
            session.vault.take_look_ahead()

    @staticmethod
    def _rel(path: str, source: Path) -> str | None:
        try:
            return Path(path).relative_to(source).as_posix()
        except ValueError:
            return None

    def _build(self, session: Session, changed: frozenset, quiet_if_unchanged: bool = False,
               warm: bool = False) -> BatchLog | None:
        start = time.perf_counter()
        # A batch of a few edits, after the first build, reads only those files: the garbage it makes is small, and the
        # cyclic collector can wait for _settle, once the batch is logged. A big batch (or a look at every file) may
        # parse thousands of HTML files, whose trees are cycles: the collector runs as usual then.
        paused = self.builds > 0 and 0 < len(changed) <= PAUSE_GC_UPTO and gc.isenabled()
        if paused:
            gc.disable()
        try:
            result = build(self.options, session, changed, warm=warm)
            entry = BatchLog(result.changes, result, None, (time.perf_counter() - start) * 1000)
        except Exception as exc:  # noqa: BLE001 - the watcher outlives any one bad build; the next batch retries
            reason = str(exc) if isinstance(exc, VaultgenError) else f"{type(exc).__name__}: {exc}"
            entry = BatchLog({}, None, reason, (time.perf_counter() - start) * 1000)
            try:
                session.reload()  # what the failed build changed in memory is dropped: back to what is on disk
            except Exception as again:  # noqa: BLE001 - reported; the next batch tries again
                entry.error += f"; and reloading the state failed: {again}"
        finally:
            if paused:
                gc.enable()
        if warm and entry.result is not None and not entry.result.changes:
            self._settle()
            return None  # the warm-up alone: no batch, nothing to say
        self.builds += 1
        self.batches.append(entry)
        if len(self.batches) > 2 * KEEP_BATCHES:  # a watcher runs for days: keep the recent ones only
            del self.batches[:-KEEP_BATCHES]
        if not (quiet_if_unchanged and entry.result is not None and entry.result.skipped):
            self.log(time.strftime("%H:%M:%S ") + entry.line())
        if entry.result is not None:
            entry.result.report.unchanged = []  # every note of the vault, each batch: not worth keeping
        self._settle()
        return entry

    def _settle(self) -> None:
        """After a build, once it is logged: what the session keeps (parsed issues, memos: most of the heap) is
        moved out of the cyclic collector's sight (gc.freeze), so that no full collection over all of it lands
        in the middle of the next build (300–500 ms at 1,000 issues). Frozen objects are freed by their reference
        counts only; every FULL_GC_EVERY builds the frozen part is collected too (a few hundred ms, while no one
        waits), so that reference cycles the session let go of are not kept for the life of the watcher."""
        if self.builds % FULL_GC_EVERY == 0:
            gc.unfreeze()
        gc.collect()
        gc.freeze()

