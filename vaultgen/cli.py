"""Command line: argument parsing, messages and exit codes only; the work happens in the library."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .config import load_config
from .errors import VaultgenError

EXIT_OK, EXIT_RUN_FAILED, EXIT_SOURCES_FAILED = 0, 1, 2


def _err(message: str) -> None:
    click.echo(f"vaultgen: {message}", err=True)


def _config(source, vault):
    try:
        return load_config(source=Path(source) if source else None, vault=Path(vault) if vault else None)
    except VaultgenError as exc:
        _err(f"error: {exc}")
        sys.exit(EXIT_RUN_FAILED)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="vaultgen", message="%(prog)s %(version)s")
def main() -> None:
    """Turn a folder of newsletter issues into a linked Obsidian vault.

    \b
    Examples:
      vaultgen build                      # issues/ → vault/
      vaultgen build archive/ notes/      # another source and vault
      vaultgen check vault/               # are all links and names valid?
      vaultgen watch                      # rebuild whenever a source changes
    """


@main.command()
@click.argument("source", required=False, type=click.Path())
@click.argument("vault", required=False, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print a unified diff of each note that would change (implies --dry-run: write nothing).")
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON on stdout.")
@click.option("--profile", is_flag=True, help="Print the time spent in each stage.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="List every note created, updated or removed.")
def build(source, vault, dry_run, show_diff, as_json, profile, quiet, verbose) -> None:
    """Export every issue under SOURCE (default issues/) into VAULT (default vault/).

    On a terminal, a progress bar on stderr shows each stage with its counts
    (none with -q or --json, none in logs or pipes, none when --diff goes to a pipe).

    \b
    Exit status: 0 all sources exported; 2 some could not be read, or only in part
    (each named on stderr with the reason); 1 the run itself failed.
    \b
    Examples:
      vaultgen build
      vaultgen build ~/newsletters ~/Obsidian/Newsletters --profile
      vaultgen build --dry-run -v
      vaultgen build --dry-run --diff | less     # each note that would change, as a diff
    """
    from .pipeline import Options, build as run_build
    from .progress_bar import progress_bar, stderr_console

    dry_run = dry_run or show_diff  # like black --diff and ruff format --diff: a diff is a preview

    config = _config(source, vault)
    try:
        # The bar goes to a terminal's stderr only: never into logs or pipes, nor with -q or --json, nor when a
        # diff goes into a pipe (`--diff | less`: the pager has the terminal the bar would draw over).
        piped_diff = show_diff and not sys.stdout.isatty()
        with progress_bar(None if quiet or as_json or piped_diff else stderr_console()) as progress:
            options = Options(source=config.source, vault=config.vault, templates=config.templates,
                              gazetteer=config.gazetteer, max_source_bytes=int(config.max_source_mib * 1024 * 1024),
                              dry_run=dry_run, names=config.names, progress=progress)
            result = run_build(options)
    except VaultgenError as exc:
        _err(f"error: {exc}")
        sys.exit(EXIT_RUN_FAILED)
    for problem in result.errors:
        _err(f"error: {problem}")
    for problem in result.partial:
        _err(f"warning: {problem} (exported in part)")
    for problem in result.warnings:
        _err(f"warning: {problem}")
    for problem in result.report.problems:
        _err(f"error: {problem}")
    for notice in result.notices:
        _err(f"note: {notice}")
    for path in result.report.preserved:
        _err(f"warning: {path}: you edited vaultgen's part of this note; kept your version, not updated")
    report = result.report
    if as_json:
        click.echo(json.dumps({"exit_code": result.exit_code, "dry_run": dry_run, "notes": result.counts,
                               "failed": [str(e) for e in result.errors],
                               "partial": [str(e) for e in result.partial],
                               **report.as_dict(diffs=show_diff),
                               "timings": {k: round(v, 4) for k, v in result.timings.items()}},
                              indent=2, ensure_ascii=False))
    elif show_diff:
        for planned in report.planned:
            click.echo(planned.diff(), nl=False)
    if not as_json and not quiet:
        if verbose:
            for label in ("created", "updated", "removed", "orphaned"):
                for path in getattr(report, label):
                    click.echo(f"  {label:9} {path}")
        counts = ", ".join(f"{n} {k}" for k, n in sorted(result.counts.items()))
        verb = "would write" if dry_run else "wrote"
        click.echo(f"{'Dry run: ' if dry_run else ''}{counts or 'no notes'} in {options.vault}: {verb} "
                   f"{len(report.created)} new, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
                   f"{len(report.removed)} removed, {len(report.preserved)} kept as you edited them, "
                   f"{len(report.orphaned)} orphaned; {len(result.errors)} failed.")
    if profile:
        total = sum(result.timings.values())
        for stage, seconds in result.timings.items():
            click.echo(f"  {stage:24} {seconds * 1000:8.1f} ms", err=as_json)
        click.echo(f"  {'total':24} {total * 1000:8.1f} ms", err=as_json)
    sys.exit(result.exit_code)


@main.command()
@click.argument("vault", required=False, type=click.Path())
def check(vault) -> None:
    """Validate a vault: links resolve, names are legal, frontmatter parses. Exit 1 when problems are found.

    \b
    Examples:
      vaultgen check                      # the vault of vaultgen.toml, else vault/
      vaultgen check ~/Obsidian/Newsletters
      vaultgen build -q && vaultgen check # build, then validate what was built
    """
    from .check import check_vault, notices

    root = Path(vault) if vault else _config(None, None).vault
    if not root.is_dir():
        _err(f"error: {root}: no such vault folder")
        sys.exit(EXIT_RUN_FAILED)
    problems = check_vault(root)
    for label, items in sorted(notices(root).items()):
        click.echo(f"note: {label}: {len(items)}")
        for item in items:
            click.echo(f"    {item}")
    for label, items in sorted(problems.items()):
        click.echo(f"PROBLEM {label}: {len(items)}")
        for item in items[:20]:
            click.echo(f"    {item}")
    if problems:
        sys.exit(1)
    click.echo(f"{root}: valid")


@main.command()
@click.argument("source", required=False, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def entities(source, as_json) -> None:
    """List the entities found in SOURCE, to curate entities.yaml.

    \b
    Examples:
      vaultgen entities                   # issues/: a table, or tab-separated lines in a pipe
      vaultgen entities issues/ --json > entities.json
      vaultgen entities | head -20        # the 20 most mentioned
    """
    from .gazetteer import load_gazetteer
    from .pipeline import extract_candidates, read_issues
    from .resolve import merge_entities

    config = _config(source, None)
    issues, links, errors, _, _ = read_issues(config.source)
    for problem in errors:
        _err(f"error: {problem}")
    found = merge_entities(extract_candidates(issues, links), load_gazetteer(config.gazetteer or config.vault / "entities.yaml"))
    rows = sorted(found, key=lambda e: (-len(e.mentions), e.name.casefold()))
    if as_json:
        click.echo(json.dumps([{"name": e.name, "kind": e.kind, "mentions": len(e.mentions),
                                "aliases": list(e.aliases)} for e in rows], indent=2, ensure_ascii=False))
    elif not sys.stdout.isatty():  # for scripts and pipes: one tab-separated line per entity
        for e in rows:
            click.echo("\t".join((str(len(e.mentions)), e.kind, e.name, ", ".join(e.aliases))))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("mentions", "kind", "name", "aliases", box=None, header_style="bold")
        for e in rows:
            table.add_row(str(len(e.mentions)), e.kind, e.name, ", ".join(e.aliases))
        Console().print(table)


@main.command()
@click.argument("vault", required=False, type=click.Path())
def init(vault) -> None:
    """Start a vault from the template (Obsidian settings, Home note, .gitignore) without building.

    In an existing vault, your settings win: Obsidian settings files and the
    .gitignore only get what they lack (each setting is offered once, so one
    you remove stays removed); the Home note is never overwritten.

    \b
    Examples:
      vaultgen init                       # vault/, or the vault of vaultgen.toml
      vaultgen init ~/Obsidian/Newsletters && vaultgen build issues/ ~/Obsidian/Newsletters
    """
    from .starter import install_template
    from .writer import Vault

    root = Path(vault) if vault else _config(None, None).vault
    try:
        opened = Vault(root).open()
        try:
            done = install_template(opened)
            opened.save_manifest()
        finally:
            opened.close()
    except (VaultgenError, OSError) as exc:
        _err(f"error: {exc}")
        sys.exit(EXIT_RUN_FAILED)
    for notice in done.notices:
        _err(f"warning: {notice}")
    click.echo(f"{root}: {len(done.copied)} template files added" + (f" ({', '.join(done.copied)})" if done.copied else "")
               + (f"; settings merged into {', '.join(done.merged)}" if done.merged else ""))


@main.command()
@click.argument("source", required=False, type=click.Path())
@click.argument("vault", required=False, type=click.Path())
@click.option("--poll", is_flag=True, help="Poll for changes instead of waiting for file events (network, Docker "
                                           "and WSL mounts send none).")
def watch(source, vault, poll) -> None:
    """Build, then keep VAULT in step with SOURCE until Ctrl-C or SIGTERM (exit 0).

    \b
    One line per batch of changes: sources added, changed or removed, notes
    written and removed, and the milliseconds it took. Bad sources are
    reported and retried when they change again; the watcher keeps going.
    \b
    Examples:
      vaultgen watch
      vaultgen watch ~/newsletters ~/Obsidian/Newsletters --poll
    """
    import signal

    from .pipeline import Options
    from .watch import Watcher

    config = _config(source, vault)
    options = Options(source=config.source, vault=config.vault, templates=config.templates,
                      gazetteer=config.gazetteer, max_source_bytes=int(config.max_source_mib * 1024 * 1024),
                      names=config.names)
    watcher = Watcher(options, poll=poll, log=lambda line: click.echo(line))

    def stop(signum, _frame):
        watcher.stop.set()  # the current build finishes, a pending batch is flushed, then exit 0
        signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        watcher.run()
    except VaultgenError as exc:
        _err(f"error: {exc}")
        sys.exit(EXIT_RUN_FAILED)
    click.echo("stopped")
    sys.exit(EXIT_OK)


@main.command()
def plugins() -> None:
    """List loaded plugins: built-in readers and extractors, and third-party ones from entry points.

    Readers and extractors are listed in the order vaultgen asks them: installed
    plugins before the built-ins. Of two readers equally sure, the one listed first reads.

    \b
    Examples:
      vaultgen plugins
      vaultgen plugins | grep reader      # the readers, in the order they are asked
    """
    from . import plugins as plugin_registry

    for name, origin in plugin_registry.loaded():
        click.echo(f"{name}  ({origin})")
    for reader in plugin_registry.readers():
        click.echo(f"  reader     {reader.name}")
    for extractor in plugin_registry.extractors():
        click.echo(f"  extractor  {extractor.name}")


def entry() -> None:
    """The console script: click's usage errors exit 1 (the run failed), as the contract says, not 2."""
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        _err("aborted")
        sys.exit(EXIT_RUN_FAILED)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(EXIT_RUN_FAILED)
    except VaultgenError as exc:
        _err(f"error: {exc}")
        sys.exit(EXIT_RUN_FAILED)
    except Exception as exc:  # noqa: BLE001 - a bug: say so in one line, exit 1 as the contract says
        if os.environ.get("VAULTGEN_DEBUG"):
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} (set VAULTGEN_DEBUG=1 for the traceback)")
        sys.exit(EXIT_RUN_FAILED)


if __name__ == "__main__":  # pragma: no cover
    entry()
