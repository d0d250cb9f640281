"""The read stage: source files → Parsed (issue, links, URL edits, entity candidates), from the build state's
cache when a file is unchanged, else read, in worker processes when there are many."""
from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable

from . import links as linkmod
from . import metadata, plugins, sources, textfix
from . import state as statemod
from .errors import SourceError
from .model import Candidate, Issue, SourceDoc
from .packed import Spill, pack_parsed, unpack_parsed
from .progress import Tick
from .state import Parsed, Scan, SourceRecord

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
    issue = metadata.complete(issue, doc.hints)
    # The reader that read it, whatever a plugin reader put there: issue notes say so (`reader`).
    return replace(issue, body=textfix.neutralize_markdown(issue.body), reader=reader.name), warnings


def parse_one(path: Path, root: Path, hints: dict, readers: list, extractors: list, max_bytes: int) -> Parsed:
    """Everything one source file yields on its own: issue, links, entity candidates. Never raises."""
    try:
        issue, decode_warnings = read_one(path, root, hints, readers, max_bytes)
    except SourceError as exc:
        return Parsed(None, error=exc.reason, error_path=exc.path)
    links = tuple(linkmod.extract(issue.body))
    edits = linkmod.url_edits(issue.body)
    if not extractors:
        return Parsed(issue, links, decode_warnings=tuple(decode_warnings), url_edits=edits)
    # Extracted under the newsletter name as read; harmonize_newsletters may rename it (see _extract_all).
    groups, failures = extract_one(issue, links, extractors)
    return Parsed(issue, links, groups, tuple(decode_warnings), extracted=True, extracted_for=issue.newsletter,
                  extract_warnings=failures, url_edits=edits)


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


def _parse_batch(root: Path, max_bytes: int, jobs: list[tuple[Path, dict]], extract: bool = True,
                 parsed: Callable[[int], None] | None = None, pack: bool = False) -> list[Parsed]:
    """`parsed(n)` after each file (in-process only: a worker's count is its whole chunk, see _parse_many).

    `pack`: results packed (packed.pack_parsed) as they are made: a chunk's worth of whole issues is never held.
    """
    readers, extractors = plugins.readers(), plugins.extractors() if extract else []
    out = []
    for path, hints in jobs:
        result = parse_one(path, root, hints, readers, extractors, max_bytes)
        out.append(pack_parsed(result) if pack else result)
        if parsed is not None:
            parsed(len(out))
    return out


def _parse_many(root: Path, max_bytes: int, jobs: list[tuple[Path, dict]], extract: bool = True,
                parsed: Callable[[int], None] | None = None, pack: bool = False) -> list[Parsed]:
    """Parse in worker processes when there are many files, a core to spare, and no thread to fork with.

    Workers extract candidates too (the costliest part), under the newsletter name as read; in-process,
    extraction waits for the archive-wide names (_extract_all), so that an issue is extracted once.
    `parsed(n)`: n files parsed so far, after each file in-process, after each finished chunk in workers.
    """
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    # fork() with other threads alive (the watcher's observer) can deadlock the child: parse in-process then.
    if len(jobs) < PARALLEL_MIN or workers < 2 or threading.active_count() > 1 or os.name != "posix":
        return _parse_batch(root, max_bytes, jobs, False, parsed, pack)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    plugins.readers(), plugins.extractors()  # load plugins once, before forking
    size = max(8, len(jobs) // (workers * 4))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    parts: list[list[Parsed]] = [[] for _ in chunks]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {pool.submit(_parse_batch, root, max_bytes, chunk, extract, None, pack): n
                       for n, chunk in enumerate(chunks)}
            done = 0
            for future in as_completed(futures):  # in the order chunks finish; kept in source order in parts
                parts[futures[future]] = future.result()
                done += len(parts[futures[future]])
                if parsed is not None:
                    parsed(done)
    except (OSError, RuntimeError):  # no processes to be had (a sandbox, a limit): do it here
        return _parse_batch(root, max_bytes, jobs, extract, parsed, pack)
    return [p for part in parts for p in part]


def read_sources(scan: Scan, root: Path, max_bytes: int, cache: dict[str, SourceRecord] | None,
                 extract: bool = True, tick: Tick | None = None, spill: Spill | None = None,
                 unpack: bool = False) -> dict[str, Parsed]:
    """Every scanned file's Parsed: from the cache when its key matches, else read now (and cached if stable).

    `tick(done, total)`: sources ready, of all scanned; those from the cache count as ready from the start.
    With a cache, results are packed (see packed.py): cached and held by the build as a few KiB per issue,
    and with a spill, moved there: then the build holds little more than each issue's metadata. `unpack`:
    held as plain objects instead, once for all (a watcher's session reads every issue at every batch).
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
    results = _parse_many(root, max_bytes, [(scan.files[r].path, scan.files[r].hints) for r in jobs], extract,
                          parsed_now, pack=cache is not None)
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
            stable = found.digest is not None and statemod.sig_of(os.stat(found.path)) == found.sig
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
        _give_back_freed_memory()
    return parsed


def _give_back_freed_memory() -> None:
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
