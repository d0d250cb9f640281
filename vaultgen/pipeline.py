"""The whole build, stage by stage: scan → read (cached) → links → entities → names → render → write."""
from __future__ import annotations

import gc
import json
import os
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import metadata, plugins, scanning, sources
from . import state as statemod
from .errors import SourceError
from .layout import Layout
from .memo import Memo
from .model import Issue, Link
from .packed import Spill, pack_parsed
from .progress import Callback, Reporter, Tick
from .reading import PARALLEL_MIN, Workers, extract_many, give_back_freed_memory, read_sources
from .scanning import Scan
from .state import Parsed, SourceRecord, State
from .tracking import TrackedVault
from .writer import WriteReport

@dataclass(frozen=True)
class Options:
    source: Path
    vault: Path
    templates: Path | None = None          # folder of user templates that shadow the built-in ones
    gazetteer: Path | None = None          # entities.yaml; default: VAULT/entities.yaml when present
    max_source_bytes: int = sources.DEFAULT_MAX_BYTES
    dry_run: bool = False
    lock_wait: float = 0
    names: Layout = Layout()               # name and folder templates per note type ([names] in vaultgen.toml)
    # progress(stage, done, total) as the build goes (see progress.py): the CLI's bar. Not part of what a
    # build produces, so not compared.
    progress: Callback | None = field(default=None, compare=False, repr=False)


@dataclass
class BuildResult:
    report: WriteReport = field(default_factory=WriteReport)
    errors: list[SourceError] = field(default_factory=list)      # sources not exported: exit 2
    partial: list[SourceError] = field(default_factory=list)     # exported in part: warned, exit 2
    warnings: list[SourceError] = field(default_factory=list)    # noted, exit unaffected
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    changes: dict[str, list[str]] = field(default_factory=dict)  # sources added, changed, removed since last build
    skipped: bool = False                                        # nothing changed: the last result, replayed
    notices: list[str] = field(default_factory=list)             # worth saying, not a problem (names taken, settings kept)

    @property
    def exit_code(self) -> int:
        return 2 if self.errors or self.partial or self.report.problems else 0


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def _collect(scan: Scan, parsed: dict[str, Parsed], renamed: dict | None = None):
    """(issues, links by source, errors, partial, warnings); issues with the archive's newsletter names
    (`renamed`: see metadata.harmonize_newsletters)."""
    issues, links, errors, partial, warnings = [], {}, list(scan.errors), [], list(scan.warnings)
    for rel in scan.files:
        result = parsed[rel]
        if result.issue is None:
            errors.append(SourceError(result.error_path or rel, result.error or "not read"))
            continue
        issue = result.issue
        issues.append(issue)
        links[issue.source] = result.links  # a tuple, or packed (read when used)
        warnings += [SourceError(issue.source, w) for w in result.decode_warnings]
        partial += [SourceError(issue.source, w) for w in issue.warnings]
    # Archive-wide, so never cached: a file's newsletter may follow its folder's majority name.
    return metadata.harmonize_newsletters(issues, renamed), links, errors, partial, warnings


def _extract_all(issues: list[Issue], links: dict[str, list[Link]], parsed: dict[str, Parsed],
                 cache: dict[str, SourceRecord] | None, tick: Tick | None = None,
                 spill: Spill | None = None, pack: bool = True,
                 workers: Workers | None = None) -> tuple[dict, dict, list[SourceError]]:
    """Candidates per issue source (one sequence per extractor: the cached object itself), the keys each vetoes (kept
    with them: see resolve.vetoes_of), and extractor failures.

    Issues are extracted under their archive-wide newsletter names (extractors veto the newsletter's own name), in
    `workers` when there are many. Each issue's are cached with its source; they are extracted again when harmonising
    gives the issue another name than the one they were extracted under.
    """
    from .resolve import vetoes_of  # the global phase's: not imported by a build that changes nothing

    extractors = plugins.extractors()
    rel_of = {p.issue.source: rel for rel, p in parsed.items() if p.issue is not None}
    todo = [(rel_of[issue.source], issue) for issue in issues
            if not ((done := parsed[rel_of[issue.source]]).extracted and done.extracted_for == issue.newsletter
                    and len(done.candidates) == len(extractors))]
    ready = len(issues) - len(todo)

    def take(n: int, result: tuple) -> None:
        nonlocal ready
        (rel, issue), (found, failures) = todo[n], result
        done = replace(parsed[rel], candidates=found, extracted=True, extracted_for=issue.newsletter,
                       extract_warnings=failures, vetoes=vetoes_of(found))
        if cache is not None and pack:  # kept packed like the rest of the build's issues (see read_sources)
            done = pack_parsed(done, spill)
        parsed[rel] = done
        if cache is not None and rel in cache:
            cache[rel].update(done)
        ready += 1
        if tick is not None:
            tick(ready, len(issues))

    if tick is not None:
        tick(ready, len(issues))
    extract_many([(issue, links[issue.source]) for _, issue in todo], take, workers)
    if spill is not None and len(todo) >= PARALLEL_MIN:
        give_back_freed_memory()  # the candidates as they came, now packed and spilled (see read_sources)
    groups, vetoes, failed = {}, {}, []
    for issue in issues:
        done = parsed[rel_of[issue.source]]
        groups[issue.source], vetoes[issue.source] = done.candidates, done.vetoes
        failed += [SourceError(issue.source, w) for w in done.extract_warnings]
    if tick is not None:
        tick(len(issues), len(issues))
    return groups, vetoes, failed


def read_issues(source: Path, max_bytes: int = sources.DEFAULT_MAX_BYTES):
    """Every issue under source: (issues, links by source, errors, partial, warnings)."""
    root = source.resolve()
    scan = scanning.scan_sources(root, max_bytes, "", {})
    return _collect(scan, read_sources(scan, root, max_bytes, None))


def extract_candidates(issues: list[Issue], links: dict[str, list[Link]]) -> list:
    candidates = []
    for extractor in plugins.extractors():
        for issue in issues:
            candidates.extend(extractor.extract(issue, links[issue.source]))
    return candidates


class Session:
    """The vault (its lock held) and the build state: for one build, or kept by the watcher between builds."""

    def __init__(self, options: Options, remember: bool = False):
        """`remember`: the session outlives a build (the watcher's): its issues are held as plain objects and what
        the entity merge worked out is kept, for the next build to take again; else its issues are packed and
        spilled, and the merge's mentions go once the merge is done (a one-off build's memory is its peak)."""
        self.options = options
        self.remember = remember
        self.code = scanning.code_key()
        self.memo = Memo(keep=remember)  # what its builds planned, for the next to take again (memo.py)
        self.vault = TrackedVault(options.vault)
        self.merge_memo = None  # resolve.MergeMemo: what the last entity merge worked out, for the next one
        # The issues given their folder's newsletter name (metadata.harmonize_newsletters), for the next build.
        self.renamed: dict | None = {} if remember else None
        self.vault.open(wait=options.lock_wait)
        try:
            self._load()
            # Where the parsed issues' bodies, links and candidates wait to be used (see packed.py): on disk
            # beside the build state, not in memory. Kept with the session: its cached issues point into it. Not
            # closed with it: an issue remembered elsewhere (a cache of labels) may still be read; the file goes
            # when the last issue that points into it does.
            self.spill = None if remember else Spill(self.vault.state)
        except BaseException:
            self.vault.close()
            raise

    def _load(self) -> None:
        self.state = self.vault.tracked = State.load(self.vault.state)
        if self.state.meta.get("clean") != "1":
            # The last build was interrupted (or there is no state): temp files may be left, and notes it
            # created may be missing from the manifest.
            self.vault.sweep()
            self.vault.adopt(json.loads(self.state.meta.get("pending", "[]")))
            self.vault.adopt_moves(json.loads(self.state.meta.get("moves", "[]")))
        self.vault.mark_saved()

    def look_ahead(self) -> None:
        """Locate the vault's notes for the next build now (TrackedVault.look_ahead): the watcher's quiet period."""
        self.vault.look_ahead()

    def reload(self) -> None:
        """After a build that raised: the manifest and state as last saved, the lock still held."""
        self.state.close()
        self.vault.read_manifest()
        self._load()

    def close(self) -> None:
        self.state.close()
        self.vault.close()
        if not self.remember:
            gc.unfreeze()  # what its builds froze (see _build) is the collector's again, as its oldest generation

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def build(options: Options, session: Session | None = None, changed: frozenset[str] = frozenset(),
          warm: bool = False) -> BuildResult:
    """Export every issue under options.source into options.vault, re-reading only sources that changed.

    `changed`: source paths (relative to SOURCE) to hash again even when their stat looks unchanged.
    `warm`: go through the global phase even when nothing changed (it writes nothing then): what the session
    remembers of it makes the next build quick (the watcher's first batch).
    """
    if not options.source.is_dir():
        raise SourceError(options.source, "SOURCE is not a folder")
    if session is None and options.dry_run and not os.path.lexists(options.vault):
        # A dry run writes nothing, not even the lock and state a vault folder would get: it plans against
        # an empty stand-in, and every note is reported as new (paths are relative to the vault).
        with tempfile.TemporaryDirectory(prefix="vaultgen-dry-run-") as empty:
            return build(replace(options, vault=Path(empty)), None, changed)
    if session is None:
        with Session(options) as own:
            return _build(options, own, changed, warm)
    return _build(options, session, changed, warm)


def _build(options: Options, session: Session, changed: frozenset[str], warm: bool = False) -> BuildResult:
    result = BuildResult()
    t = result.timings
    vault, state = session.vault, session.state
    ahead = vault.take_look_ahead()  # taken by this build or by none: a look is never older than the build after it
    root = options.source.resolve()
    report = Reporter(options.progress)
    with _timed(t, "scanning"):
        report("scanning", 0, 0)  # discovery first: how many files there are is not known yet
        scan = scanning.scan_sources(root, options.max_source_bytes, session.code, state.sources, changed,
                                     report.tick("scanning"))
        fingerprint = scanning.fingerprint(session.code, options)
        result.changes = _changes(scan, state.sources)
        if not warm and statemod.nothing_changed(scan, fingerprint, vault, state):
            return _replay(state.meta["result"], vault.manifest, result)
    # Forked by the read when it has many files, before the build holds the issues; extraction uses them again.
    with Workers() as workers:
        with _timed(t, "reading"):
            removed = {rel: state.sources[rel] for rel in result.changes.get("removed", ()) if rel in state.sources}
            parsed = read_sources(scan, root, options.max_source_bytes, state.sources, tick=report.tick("reading"),
                                  spill=session.spill, unpack=session.remember, workers=workers)
            issues, links, result.errors, result.partial, result.warnings = _collect(scan, parsed, session.renamed)
            renamed = _renamed(removed, result.changes.get("added", ()), scan, parsed)
        with _timed(t, "extraction"):  # once the archive's newsletter names are known (metadata.harmonize_newsletters)
            candidates, vetoes, failed = _extract_all(issues, links, parsed, state.sources, report.tick("extraction"),
                                                      session.spill, pack=not session.remember, workers=workers)
            result.partial += failed
    # From here on, the global phase: always over every issue, cached or not (an incremental build that
    # skipped it would leave stale cross-issue links, entity pages and indexes behind).
    from .gazetteer import load_gazetteer
    from .mentions import StoredMerge, StoredShares
    from .notes import plan_notes  # imported here: a build that changes nothing needs none of the global phase
    from .resolve import MergeMemo, collector_paused, merge_sources
    from .starter import install_template
    with _timed(t, "extraction"):
        gazetteer = load_gazetteer(options.gazetteer or options.vault / "entities.yaml")
        if session.remember and session.merge_memo is None:
            session.merge_memo = MergeMemo()
        stored = StoredShares(state.lasting, fingerprint)
        # A watcher's session finds its last merge in memory (session.merge_memo); memo None: for this merge only
        whole = None if session.remember else StoredMerge(state.lasting, fingerprint)
        entities = merge_sources(candidates, gazetteer, session.merge_memo, vetoes, stored, whole)
    report("rendering", 0, 0)  # the vault is looked through and every note named before the count is known
    if not options.dry_run:
        state.mark(clean="0")  # from here files may be written; an interrupted build is noticed by the next
        installed = install_template(vault)
        result.notices += installed.notices
        if installed.copied or installed.merged:
            ahead = None  # files of the vault changed since the look
    located = ahead if ahead is not None else vault.locate()
    vault.pass_on(renamed, located)
    # Through writing: the collector would walk all that planning made, once more; frozen after, until the session
    # closes (a watcher's session, which pauses the collector itself, takes care of its heap: watch.Watcher._settle).
    with collector_paused(then_frozen=True):
        t["linking"] = 0.0
        with _timed(t, "rendering"):
            edits = {p.issue.source: p.url_edits for p in parsed.values() if p.issue is not None}
            notes = plan_notes(issues, links, entities, vault, located, options.templates, result.notices, t,
                               url_edits=edits, salt=fingerprint, layout=options.names, tick=report.tick("rendering"),
                               memo=session.memo, lasting=state.lasting)
        vault.names = options.names.recorded()  # saved with the manifest: the next build tells a template change
        t["rendering"] -= t["linking"]
        kinds = defaultdict(int)
        for note in notes:
            kinds[note.type] += 1
        result.counts = dict(kinds)
        with _timed(t, "writing"):
            result.report = vault.write(notes, located, dry_run=options.dry_run, tick=report.tick("writing"))
            if not options.dry_run:
                vault.save_manifest()  # after every note: see writer.Vault.save_manifest
                statemod.finish(vault, state, fingerprint, scan.discovery_key, _summary(result))
    return result


def _changes(scan: Scan, known: dict[str, SourceRecord]) -> dict[str, list[str]]:
    """What changed in SOURCE since the last build, for the watcher's log line."""
    added = [rel for rel in scan.files if rel not in known]
    changed = [rel for rel, f in scan.files.items() if rel in known and f.digest != known[rel].digest]
    removed = [rel for rel in known if rel not in scan.files]
    return {k: v for k, v in (("added", added), ("changed", changed), ("removed", removed)) if v}


def _renamed(removed: dict[str, SourceRecord], added, scan: Scan, parsed: dict[str, Parsed]) -> list[tuple[str, str]]:
    """Issues whose source file moved with the same bytes: (old note id, new note id); ambiguous pairs are not."""
    from .notes import issue_id

    gone, came = defaultdict(list), defaultdict(list)
    for rel, record in removed.items():
        gone[record.digest].append(rel)
    for rel in added:
        came[scan.files[rel].digest].append(rel)
    pairs = []
    for content, olds in gone.items():
        news = came.get(content, [])
        if len(olds) == 1 and len(news) == 1:
            old, new = removed[olds[0]].parsed, parsed[news[0]]
            if old is not None and old.issue is not None and new.issue is not None:
                pairs.append((issue_id(old.issue), issue_id(new.issue)))
    return pairs


def _summary(result: BuildResult) -> str:
    """What a build that changes nothing would report again."""
    report = result.report
    return json.dumps({
        "errors": [[e.path, e.reason] for e in result.errors],
        "partial": [[e.path, e.reason] for e in result.partial],
        "warnings": [[e.path, e.reason] for e in result.warnings],
        "counts": result.counts,
        "preserved": report.preserved, "orphaned": report.orphaned, "problems": len(report.problems),
    }, ensure_ascii=False)


def _replay(summary: str, manifest: dict, result: BuildResult) -> BuildResult:
    data = json.loads(summary)
    kept = {*data["preserved"], *data["orphaned"]}
    result.errors = [SourceError(p, r) for p, r in data["errors"]]
    result.partial = [SourceError(p, r) for p, r in data["partial"]]
    result.warnings = [SourceError(p, r) for p, r in data["warnings"]]
    result.counts = data["counts"]
    result.report = WriteReport(unchanged=sorted(e["path"] for e in manifest.values() if e["path"] not in kept),
                                preserved=data["preserved"], orphaned=data["orphaned"])
    result.skipped = True
    return result
