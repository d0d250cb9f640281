"""The whole build, stage by stage: read → links → entities → names → render → write."""
from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import links as linkmod
from . import metadata, plugins, sources, textfix
from .errors import SourceError
from .model import Issue, Link, SourceDoc
from .notes import plan_notes
from .writer import Vault, WriteReport
from .starter import install_template


@dataclass(frozen=True)
class Options:
    source: Path
    vault: Path
    templates: Path | None = None          # folder of user templates that shadow the built-in ones
    gazetteer: Path | None = None          # entities.yaml; default: VAULT/entities.yaml when present
    max_source_bytes: int = sources.DEFAULT_MAX_BYTES
    dry_run: bool = False
    lock_wait: float = 0


@dataclass
class BuildResult:
    report: WriteReport = field(default_factory=WriteReport)
    errors: list[SourceError] = field(default_factory=list)      # sources not exported: exit 2
    partial: list[SourceError] = field(default_factory=list)     # exported in part: warned, exit 2
    warnings: list[SourceError] = field(default_factory=list)    # noted, exit unaffected
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 2 if self.errors or self.partial or self.report.problems else 0


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


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
    return replace(issue, body=textfix.neutralize_markdown(issue.body)), warnings


def read_issues(source: Path, max_bytes: int = sources.DEFAULT_MAX_BYTES):
    """Every issue under source: (issues, links by source, errors, partial, warnings)."""
    root = source.resolve()
    found = sources.discover(root)
    readers = plugins.readers()
    issues, errors, partial = [], list(found.errors), []
    warnings = list(found.warnings)
    for path in found.files:
        try:
            issue, decode_warnings = read_one(path, root, found.hints.get(path.resolve(), {}), readers, max_bytes)
        except SourceError as exc:
            errors.append(exc)
            continue
        issues.append(issue)
        warnings += [SourceError(issue.source, w) for w in decode_warnings]
        partial += [SourceError(issue.source, w) for w in issue.warnings]
    issues = metadata.harmonize_newsletters(issues)
    links = {issue.source: linkmod.extract(issue.body) for issue in issues}
    return issues, links, errors, partial, warnings


def extract_candidates(issues: list[Issue], links: dict[str, list[Link]]) -> list:
    candidates = []
    for extractor in plugins.extractors():
        for issue in issues:
            candidates.extend(extractor.extract(issue, links[issue.source]))
    return candidates


def build(options: Options) -> BuildResult:
    """Export every issue under options.source into options.vault."""
    result = BuildResult()
    t = result.timings
    if not options.source.is_dir():
        raise SourceError(options.source, "SOURCE is not a folder")
    vault = Vault(options.vault).open(wait=options.lock_wait)
    try:
        with _timed(t, "reading"):
            issues, links, result.errors, result.partial, result.warnings = read_issues(
                options.source, options.max_source_bytes)
        with _timed(t, "extraction"):
            candidates = extract_candidates(issues, links)
            from .resolve import merge_entities
            from .gazetteer import load_gazetteer
            gazetteer = load_gazetteer(options.gazetteer or options.vault / "entities.yaml")
            entities = merge_entities(candidates, gazetteer)
        if not options.dry_run:
            install_template(vault)
        located = vault.locate()
        with _timed(t, "linking and rendering"):
            notes = plan_notes(issues, links, entities, vault, located, options.templates)
        with _timed(t, "writing"):
            result.report = vault.write(notes, located, dry_run=options.dry_run)
            if not options.dry_run:
                vault.save_manifest()
        kinds = defaultdict(int)
        for note in notes:
            kinds[note.type] += 1
        result.counts = dict(kinds)
    finally:
        vault.close()
    return result
