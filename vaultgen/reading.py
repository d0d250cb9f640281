"""The read stage: source files → Parsed (issue, links, URL edits, entity candidates), from the build state's
cache when a file is unchanged, else read, in worker processes when there are many."""
from __future__ import annotations

import functools
import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence

from . import links as linkmod
from . import metadata, plugins, sources, textfix
from .errors import SourceError
from .model import Candidate, Issue, Link, SourceDoc
from .packed import Spill, pack_parsed, unpack_parsed
from .progress import Tick
from .scanning import Scan, sig_of
from .state import Parsed, SourceRecord

# Below this many files to parse, worker processes cost more to start than they save.
PARALLEL_MIN = 48


def choose_reader(doc: SourceDoc, readers: list):
    """The reader most sure it can read doc; registration order breaks ties."""
    scored = [(reader.score(doc), -i, reader) for i, reader in enumerate(readers)]
    score, _, reader = max(scored, key=lambda t: (t[0], t[1]))
    if score <= 0:
        raise SourceError(doc.rel, "no reader recognises this file's shape")
    return reader


def read_one(path: Path, root: Path, hints: dict, readers: list, max_bytes: int) -> tuple[Issue, list[str]]:
    """One source file → a complete Issue. Raises SourceError naming the file."""
    doc, warnings = sources.load(path, root, hints, max_bytes)
    reader = choose_reader(doc, readers)
    try:
        issue = reader.read(doc)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - a reader bug must not end the build
        raise SourceError(doc.rel, f"the {reader.name} reader failed: {type(exc).__name__}: {exc}") from exc
    issue = metadata.complete(issue, doc.hints)  # its title and newsletter repaired (textfix.clean_inline)
    # The reader that read it, whatever a plugin reader put there: issue notes say so (`reader`).
    return replace(issue, body=textfix.neutralize_markdown(textfix.encodable(issue.body)), reader=reader.name,
                   url=issue.url and textfix.encodable(issue.url)), warnings


def parse_one(path: Path, root: Path, hints: dict, readers: list, max_bytes: int) -> Parsed:
    """What one source file yields on its own: issue, links, URL edits (candidates wait for the archive-wide
    newsletter names: see pipeline._extract_all). Never raises."""
    try:
        issue, decode_warnings = read_one(path, root, hints, readers, max_bytes)
    except SourceError as exc:
        return Parsed(None, error=exc.reason, error_path=exc.path)
    return Parsed(issue, tuple(linkmod.extract(issue.body)), decode_warnings=tuple(decode_warnings),
                  url_edits=linkmod.url_edits(issue.body))


def extract_one(issue: Issue, links, extractors: list) -> tuple[tuple, tuple[str, ...]]:
    """(candidates per extractor, failures): an extractor bug costs this issue its candidates, not the build."""
    groups, failures = [], []
    for extractor in extractors:
        try:
            groups.append(tuple(extractor.extract(issue, list(links))))
        except Exception as exc:  # noqa: BLE001 - reported as the issue exported in part
            groups.append(())
            failures.append(f"the {extractor.name} extractor failed: {type(exc).__name__}: {exc}")
    return _sharing_strings(groups, links), tuple(failures)


def _sharing_strings(groups: list[tuple[Candidate, ...]], links) -> tuple:
    """The candidates with one string object per distinct sentence and name in the issue.

    Extractors make a new string for each candidate (the same sentence, a dozen times over): shared, they
    are held once in memory (a fifth of a parsed issue) and pickled once in the build state.
    """
    one: dict[str, str] = {link.sentence: link.sentence for link in links}
    out = []
    for group in groups:
        shared = []
        for c in group:
            sentence, name = one.setdefault(c.sentence, c.sentence), one.setdefault(c.name, c.name)
            shared.append(c if sentence is c.sentence and name is c.name else replace(c, sentence=sentence, name=name))
        out.append(tuple(shared))
    return tuple(out)


class Workers:
    """Worker processes for reading sources and extracting candidates, when there are many of either.

    Forked once, at the first batch big enough, and kept until closed: a build forks them while reading, before it
    holds the archive's issues (a forked worker starts as a copy of its parent: forked later, each would start as big
    as the build). Extraction sends them the issues, packed (packed.py: a few KiB each). None are forked with other
    threads alive (fork() then can deadlock the child: the watcher's observer), with one core, or where there is no
    fork: the work is done here then.
    """

    def __init__(self) -> None:
        self.count = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
        self._pool = None
        self._broken = False

    def pool(self, jobs: int):
        """The pool, forked now if need be, when `jobs` are worth sending to it; else None."""
        if self._pool is None and not self._broken and jobs >= PARALLEL_MIN and self.count >= 2 \
                and threading.active_count() == 1 and os.name == "posix":
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            plugins.readers(), plugins.extractors()  # loaded once, before forking
            try:
                self._pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("fork"))
            except (OSError, RuntimeError):  # no processes to be had (a sandbox, a limit)
                self._broken = True
        return self._pool if jobs >= PARALLEL_MIN else None

    def chunks(self, items: list) -> list[tuple[int, list]]:
        """(start, items) in chunks of a size that keeps every worker busy to the end, and that the build takes back
        a few MiB at a time (a chunk's results are unpickled at once)."""
        size = min(256, max(8, len(items) // (self.count * 4)))
        return [(start, items[start:start + size]) for start in range(0, len(items), size)]

    def run(self, function, items: list, take: Callable[[int, object], None],
            chunk_done: Callable[[int], None] | None = None) -> list[int]:
        """function(chunk) → one result per item, in the pool; take(i, result) as each chunk comes back, then
        chunk_done(items taken so far). Returns the indices not taken: the pool failed (no processes to be had), the
        caller does those itself."""
        from concurrent.futures import as_completed

        taken: set[int] = set()
        try:
            futures = {self._pool.submit(function, chunk): start for start, chunk in self.chunks(items)}
            for future in as_completed(futures):
                for n, result in enumerate(future.result(), futures[future]):
                    take(n, result)
                    taken.add(n)
                if chunk_done is not None:
                    chunk_done(len(taken))
        except (OSError, RuntimeError):  # BrokenProcessPool is a RuntimeError
            self._broken = True
            self.close()
        return [n for n in range(len(items)) if n not in taken]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def extract_many(work: list[tuple[Issue, Sequence[Link]]], take: Callable[[int, tuple], None],
                 workers: Workers | None = None) -> None:
    """extract_one for each (issue, links); take(i, result) for each as results come (in no particular order: a
    vault's worth of candidates is never held unpacked at once). In `workers` when there are many."""
    extractors = plugins.extractors()
    rest = range(len(work))
    if workers is not None and workers.pool(len(work)) is not None:
        rest = workers.run(_extract_batch, work, take)
    for n in rest:
        take(n, extract_one(*work[n], extractors))


def _extract_batch(work: list[tuple[Issue, Sequence[Link]]]) -> list[tuple]:
    extractors = plugins.extractors()
    return [extract_one(issue, links, extractors) for issue, links in work]


def _parse_batch(root: Path, max_bytes: int, jobs: list[tuple[Path, dict]],
                 parsed: Callable[[int], None] | None = None, pack: bool = False) -> list[Parsed]:
    """`parsed(n)` after each file (in-process only: a worker's count is its whole chunk, see _parse_many).

    `pack`: results packed (packed.pack_parsed) as they are made: a chunk's worth of whole issues is never held.
    """
    readers = plugins.readers()
    out = []
    for path, hints in jobs:
        result = parse_one(path, root, hints, readers, max_bytes)
        out.append(pack_parsed(result) if pack else result)
        if parsed is not None:
            parsed(len(out))
    return out


def _parse_many(root: Path, max_bytes: int, jobs: list[tuple[Path, dict]],
                parsed: Callable[[int], None] | None = None, pack: bool = False,
                workers: Workers | None = None) -> list[Parsed]:
    """Parse in `workers` when there are many files (see Workers), else here; results in the order of jobs.

    `parsed(n)`: n files parsed so far, after each file in-process, after each finished chunk in workers.
    """
    own = workers is None
    workers = Workers() if own else workers
    try:
        if workers.pool(len(jobs)) is None:
            return _parse_batch(root, max_bytes, jobs, parsed, pack)
        results: list[Parsed | None] = [None] * len(jobs)
        rest = workers.run(functools.partial(_parse_batch, root, max_bytes, pack=pack), jobs, results.__setitem__,
                           parsed)
        for n, result in zip(rest, _parse_batch(root, max_bytes, [jobs[n] for n in rest], None, pack)):
            results[n] = result
        if parsed is not None:
            parsed(len(jobs))
        return results
    finally:
        if own:
            workers.close()


def read_sources(scan: Scan, root: Path, max_bytes: int, cache: dict[str, SourceRecord] | None,
                 tick: Tick | None = None, spill: Spill | None = None,
                 unpack: bool = False, workers: Workers | None = None) -> dict[str, Parsed]:
    """Every scanned file's Parsed: from the cache when its key matches, else read now (and cached if stable).

    `tick(done, total)`: sources ready, of all scanned; those from the cache count as ready from the start.
    With a cache, results are packed (see packed.py): cached and held by the build as a few KiB per issue,
    and with a spill, moved there: then the build holds little more than each issue's metadata. `unpack`:
    held as plain objects instead, once for all (a watcher's session reads every issue at every batch).
    `workers`: the build's (see Workers), else the read forks its own when there are many files.
    """
    parsed: dict[str, Parsed] = {}
    jobs: list[str] = []
    for rel, found in scan.files.items():
        if found.error is not None:
            parsed[rel] = Parsed(None, error=found.error.reason, error_path=found.error.path)
        elif cache is not None and found.key and rel in cache and cache[rel].key == found.key \
                and cache[rel].parsed is not None:
            parsed[rel] = held = cache[rel].parsed
            if spill is not None:
                parsed[rel] = pack_parsed(held, spill)
            elif unpack:
                parsed[rel] = unpack_parsed(held)
            if parsed[rel] is not held:
                cache[rel].hold(parsed[rel])
            if found.hashed:  # hashed again (touched, or changed too recently to trust): the same bytes as of now
                cache[rel].sig, cache[rel].checked_ns = found.sig, scan.checked_ns
        else:
            jobs.append(rel)
    total, ready = len(scan.files), len(scan.files) - len(jobs)
    parsed_now = None if tick is None else lambda n: tick(ready + n, total)
    if parsed_now is not None:
        parsed_now(0)
    results = _parse_many(root, max_bytes, [(scan.files[r].path, scan.files[r].hints) for r in jobs],
                          parsed_now, pack=cache is not None, workers=workers)
    if parsed_now is not None:
        parsed_now(len(jobs))  # the stage ends at its total even when no file had to be read
    for rel, result in zip(jobs, results):
        if spill is not None:
            result = pack_parsed(result, spill)
        elif unpack:
            result = unpack_parsed(result)
        parsed[rel] = result
        if cache is None:
            continue
        found = scan.files[rel]
        try:
            stable = found.digest is not None and sig_of(os.stat(found.path)) == found.sig
        except OSError:
            stable = False
        if stable:  # not changed while being read: what was parsed is what was hashed
            cache[rel] = SourceRecord(found.sig, scan.checked_ns, found.digest, found.key, result)
        else:
            cache.pop(rel, None)
    if cache is not None:
        for rel in set(cache) - set(scan.files):
            del cache[rel]
    if spill is not None:
        del results  # the packed issues as they came, now spilled
        give_back_freed_memory()
    return parsed


def give_back_freed_memory() -> None:
    """Return the heap memory freed since reading began to the system (glibc only; elsewhere nothing).

    Every packed issue came through this process's heap on its way to the spill: freed, glibc keeps that memory
    for later allocations of its sizes, but the merge's and the notes' small objects come from elsewhere (Python's
    own allocator); without this, a 10,000-issue build would carry ~200 MiB it no longer uses to its peak.
    """
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
