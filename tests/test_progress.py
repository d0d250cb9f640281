"""Build progress: the library's callback (counts per stage, few calls) and the CLI's bar (terminals only)."""
import io
import os
import shutil
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner
from rich.console import Console

from conftest import ROOT, SAMPLES
from vaultgen import progress, progress_bar, reading
from vaultgen.cli import main
from vaultgen.pipeline import Options, build

BAR_MARKS = ("━", "\x1b[", "Reading sources", "writing notes")


def by_stage(calls):
    stages: dict[str, list[tuple[int, int]]] = {}
    for stage, done, total in calls:
        stages.setdefault(stage, []).append((done, total))
    return stages


def test_each_stage_counts_up_to_its_total_on_a_real_build(tmp_path):
    calls = []
    result = build(Options(SAMPLES, tmp_path / "vault", progress=lambda *call: calls.append(call)))
    assert result.exit_code == 0
    stages = by_stage(calls)
    assert list(stages) == list(progress.STAGES)  # in build order, each once
    for stage, counts in stages.items():
        dones = [done for done, _ in counts]
        assert dones == sorted(dones), f"{stage} went back: {counts}"
        assert counts[-1][0] == counts[-1][1] > 0, f"{stage} did not end at its total: {counts}"
        assert all(total in (0, counts[-1][1]) for _, total in counts), f"{stage} changed its known total: {counts}"
    assert stages["reading"][-1] == stages["extraction"][-1] == (5, 5)
    assert stages["writing"][-1][1] == sum(result.counts.values())

    calls.clear()  # nothing changed: the build stops after scanning, and says so
    assert build(Options(SAMPLES, tmp_path / "vault", progress=lambda *call: calls.append(call))).skipped
    assert by_stage(calls) == {"scanning": [(0, 0), (0, 5), (5, 5)]}


def test_worker_processes_report_each_chunk_and_results_keep_source_order(tmp_path):
    count = reading.PARALLEL_MIN + 12
    for n in range(count):
        (tmp_path / f"{n:03}.md").write_text(f"---\ntitle: Issue {n}\n---\nHello number {n}.\n")
    jobs = [(tmp_path / f"{n:03}.md", {}) for n in range(count)]
    seen = []
    results = reading._parse_many(tmp_path, 1 << 20, jobs, parsed=seen.append)
    assert [r.issue.source for r in results] == [f"{n:03}.md" for n in range(count)]
    assert seen == sorted(seen) and seen[-1] == count
    assert len(seen) < count or os.cpu_count() == 1  # per chunk, not per file, when workers ran


def test_reporter_passes_first_last_and_new_totals_and_little_between(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: now[0])
    calls = []
    report = progress.Reporter(lambda *call: calls.append(call))
    report("reading", 0, 0)
    report("reading", 0, 1000)                   # a total now known: passed on at once
    for done in range(1, 1000):
        report("reading", done, 1000)            # all within one interval: dropped
    now[0] += 2 * progress.INTERVAL
    report("reading", 400, 1000)                 # lower than a count already passed on? no: 400 > 0, passed
    report("reading", 300, 1000)                 # went back (a fallback counting again): dropped
    report("reading", 1000, 1000)                # the last: always
    report("reading", 1000, 1000)                # the same again: dropped
    report("writing", 0, 10)                     # a new stage: always
    assert calls == [("reading", 0, 0), ("reading", 0, 1000), ("reading", 400, 1000), ("reading", 1000, 1000),
                     ("writing", 0, 10)]
    assert progress.Reporter(None).tick("reading") is None  # no callback: callees skip counting


@pytest.fixture
def issues(tmp_path):
    shutil.copytree(SAMPLES, tmp_path / "issues")
    return tmp_path / "issues"


def test_no_bar_in_pipes(issues, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "vaultgen", "build", str(issues), str(tmp_path / "v")],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert not any(mark in done.stderr + done.stdout for mark in BAR_MARKS), done.stderr


def as_terminal(monkeypatch) -> io.StringIO:
    """stderr as a terminal, for rich: what the bar draws lands in the returned buffer."""
    screen = io.StringIO()
    monkeypatch.setattr(progress_bar, "stderr_console",
                        lambda: Console(file=screen, force_terminal=True, width=100, color_system=None))
    return screen


def test_a_terminal_gets_a_bar_and_stdout_and_the_exit_status_stay_the_same(issues, tmp_path, monkeypatch):
    plain = CliRunner().invoke(main, ["build", str(issues), str(tmp_path / "plain")])
    screen = as_terminal(monkeypatch)
    threads_while_reading = []
    real_parse = reading._parse_many

    def parse_many(*args, **kwargs):
        threads_while_reading.append(threading.active_count())
        return real_parse(*args, **kwargs)
    monkeypatch.setattr(reading, "_parse_many", parse_many)
    shown = CliRunner().invoke(main, ["build", str(issues), str(tmp_path / "shown")])
    assert shown.exit_code == plain.exit_code == 0
    assert shown.stdout == plain.stdout.replace("plain", "shown")
    drawn = screen.getvalue()
    for label in progress_bar.LABELS.values():
        assert label in drawn
    assert "5/5" in drawn and "━" in drawn
    assert not any(mark in plain.stderr + shown.stderr for mark in BAR_MARKS)
    # No refresh thread: the read phase may still fork its workers (reading._parse_many).
    assert threads_while_reading == [threading.active_count()]


@pytest.mark.parametrize("flag", ["-q", "--json", "--diff"])
def test_quiet_json_and_a_piped_diff_get_no_bar_even_on_a_terminal(issues, tmp_path, monkeypatch, flag):
    """--diff here goes to a pipe (the runner's stdout), as into `| less`, whose screen the bar would spoil."""
    screen = as_terminal(monkeypatch)
    result = CliRunner().invoke(main, ["build", str(issues), str(tmp_path / "v"), flag])
    assert result.exit_code == 0
    assert screen.getvalue() == ""


def test_candidates_extracted_in_workers_are_those_extracted_here(tmp_path):
    """The build's workers take packed, spilled issues (sent as their compressed bytes) and give each issue's
    candidates once, whatever order the chunks finish in."""
    from vaultgen.links import extract as extract_links
    from vaultgen.model import Issue
    from vaultgen.packed import Spill, pack_parsed
    from vaultgen.state import Parsed

    spill = Spill(tmp_path)
    work = []
    for n in range(reading.PARALLEL_MIN + 20):
        body = (f"Issue {n}. Researchers at Stanford University and [DeepMind](https://deepmind.com/{n}) "
                f"released Model{n}Net, said Jane Doe{'' if n % 2 else ' of Acme Labs'}.\n")
        links = tuple(extract_links(body))
        held = pack_parsed(Parsed(Issue(f"{n:03}.md", body, newsletter="Weekly"), links), spill)
        work.append((held.issue, held.links))
    here, there = {}, {}
    reading.extract_many(work, here.__setitem__)
    with reading.Workers() as workers:
        assert workers.pool(len(work)) is not None or os.cpu_count() == 1
        reading.extract_many(work, lambda n, result: there.setdefault(n, result) is result or pytest.fail("twice"),
                             workers)
    assert there == here and sorted(here) == list(range(len(work)))
    assert all(any(c.name == f"Model{n}Net" for group in here[n][0] for c in group) for n in range(len(work)))


def test_work_a_broken_pool_did_not_give_back_is_done_here(tmp_path):
    from concurrent.futures.process import BrokenProcessPool

    class Broken:
        """A pool whose worker died (the OOM killer, a sandbox): what it was given comes back as an error."""
        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("a worker died")

        def shutdown(self, **kwargs):
            pass

    count = reading.PARALLEL_MIN + 4
    for n in range(count):
        (tmp_path / f"{n:03}.md").write_text(f"---\ntitle: Issue {n}\n---\nHello number {n}.\n")
    workers = reading.Workers()
    workers.count, workers._pool = 2, Broken()
    results = reading._parse_many(tmp_path, 1 << 20, [(tmp_path / f"{n:03}.md", {}) for n in range(count)],
                                  workers=workers)
    assert [r.issue.title for r in results] == [f"Issue {n}" for n in range(count)]
    assert workers.pool(count) is None  # broken once: not forked again for the extraction
