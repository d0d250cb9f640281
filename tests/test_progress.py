"""Build progress: the library's callback (counts per stage, few calls)."""
import os


from conftest import SAMPLES
from vaultgen import pipeline, progress
from vaultgen.pipeline import Options, build


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
    count = pipeline.PARALLEL_MIN + 12
    for n in range(count):
        (tmp_path / f"{n:03}.md").write_text(f"---\ntitle: Issue {n}\n---\nHello number {n}.\n")
    jobs = [(tmp_path / f"{n:03}.md", {}) for n in range(count)]
    seen = []
    results = pipeline._parse_many(tmp_path, 1 << 20, jobs, parsed=seen.append)
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
