"""Benchmark: full build, no-change rebuild, one-issue edit and watcher latency on scaled corpora, against Hugo.

    python bench/run.py                        # 1,000 and 10,000 issues (about half an hour on 2 cores)
    python bench/run.py --sizes 1000 --repeat 1 --watch-edits 3
    python bench/run.py --keep --workdir /tmp/vaultgen-bench   # keep corpora and vaults to look at

Corpora, vaults and a snapshot of the code are written to a temporary folder (removed at the end unless
--keep); the figures are printed and written as JSON to bench/out/results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REPO, edit_issue, issue_to_edit, write_corpus  # noqa: E402
from hugo import make_site  # noqa: E402

OUT = REPO / "bench" / "out"


# -- measuring a process -------------------------------------------------------------------------------
def _tree_rss(root: int) -> int:
    """Resident set size of a process and all its descendants, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run to completion: wall seconds, exit code, peak RSS (largest process; sum of the tree, sampled)."""
    out = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
    peak, done = [0], threading.Event()

    def sample():
        while not done.wait(0.02):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    return {"seconds": round(wall, 3), "exit": proc.returncode, "rss_mib": round(usage.ru_maxrss / 1024, 1),
            "tree_rss_mib": round(max(peak[0], usage.ru_maxrss * 1024) / 1048576, 1),
            "output": out.read().decode("utf-8", "replace")[-2000:]}


def snapshot(folder: Path, skip_state: bool = True) -> dict[str, tuple]:
    """Every file: (mtime_ns, inode, size); vaultgen's own .vaultgen/ folder aside."""
    found = {}
    for base, dirs, files in os.walk(folder):
        if skip_state:
            dirs[:] = [d for d in dirs if d != ".vaultgen"]
        for name in files:
            path = Path(base) / name
            st = path.lstat()
            found[path.relative_to(folder).as_posix()] = (st.st_mtime_ns, st.st_ino, st.st_size)
    return found


def written(before: dict, after: dict) -> int:
    return sum(1 for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel))


def contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.md")
            if ".vaultgen" not in p.parts}


# -- the cases ------------------------------------------------------------------------------------------
class Bench:
    def __init__(self, workdir: Path, repeat: int):
        self.workdir = workdir
        self.repeat = repeat
        self.code = workdir / "code"
        self.results: dict = {}

    def snapshot_code(self) -> None:
        """A copy of vaultgen as it is now: others editing the checkout mid-run cannot change what is measured."""
        if self.code.exists():
            shutil.rmtree(self.code)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(REPO / "vaultgen", self.code / "vaultgen", ignore=ignore)
        shutil.copytree(REPO / "vault_template", self.code / "vault_template", ignore=ignore)

    def vaultgen(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "vaultgen", *args]

    def build(self, source: Path, vault: Path) -> dict:
        before = snapshot(vault) if vault.exists() else {}
        state = vault / ".vaultgen"
        state_before = snapshot(state, False) if state.exists() else {}
        result = run(self.vaultgen("build", str(source), str(vault), "-q"), self.code)
        if result["exit"] not in (0, 2):
            raise SystemExit(f"vaultgen build failed ({result['exit']}):\n{result['output']}")
        result["files_written"] = written(before, snapshot(vault))
        result["state_files_written"] = written(state_before, snapshot(state, False))
        return result

    def size(self, n: int, watch_edits: int, hugo: bool) -> dict:
        source, vault = self.workdir / f"corpus-{n}", self.workdir / f"vault-{n}"
        print(f"\n== {n} issues: writing the corpus", flush=True)
        write_corpus(source, n)
        out: dict = {"issues": n, "source_mib": round(sum(p.stat().st_size for p in source.rglob("*")
                                                          if p.is_file()) / 1048576, 1)}
        runs = []
        for i in range(self.repeat):
            shutil.rmtree(vault, ignore_errors=True)
            runs.append(self.build(source, vault))
            print(f"  full build {i + 1}/{self.repeat}: {runs[-1]['seconds']:.2f} s, "
                  f"{runs[-1]['rss_mib']:.0f} MiB, {runs[-1]['files_written']} files", flush=True)
        out["full"] = median_run(runs)
        out["notes"] = sum(1 for _ in vault.rglob("*.md"))
        runs = []
        for i in range(self.repeat):
            runs.append(self.build(source, vault))
            print(f"  no-change rebuild {i + 1}/{self.repeat}: {runs[-1]['seconds']:.2f} s, "
                  f"{runs[-1]['files_written']} files", flush=True)
        out["no_change"] = median_run(runs)
        runs = []
        for i in range(self.repeat):
            before = contents(vault)
            edited = edit_issue(source, 7 + i)
            runs.append(self.build(source, vault))
            after = contents(vault)
            runs[-1]["notes_changed"] = sum(1 for rel in before.keys() | after.keys()
                                            if before.get(rel) != after.get(rel))
            runs[-1]["edited"] = edited.relative_to(source).as_posix()
            print(f"  one-issue edit {i + 1}/{self.repeat}: {runs[-1]['seconds']:.2f} s, {runs[-1]['files_written']} "
                  f"files written, {runs[-1]['notes_changed']} notes changed", flush=True)
        out["edit"] = median_run(runs)
        if watch_edits:
            out["watch"] = self.watch(source, vault, watch_edits)
        if hugo:
            out["hugo"] = self.hugo(source)
        return out

    def watch(self, source: Path, vault: Path, edits: int) -> dict:
        """Event → consistent vault: from the write of an edited issue to the watcher's line for its batch."""
        proc = subprocess.Popen(self.vaultgen("watch", str(source), str(vault)), cwd=self.code,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put((time.perf_counter(), line)) for line in proc.stdout],
                         daemon=True).start()
        peak, done = [0], threading.Event()
        threading.Thread(target=lambda: [peak.__setitem__(0, max(peak[0], _tree_rss(proc.pid)))
                                         for _ in iter(lambda: done.wait(0.05), True)], daemon=True).start()
        latencies, line_log = [], []
        try:
            wait_line(lines, "watching", 600, line_log)
            for i in range(edits):
                path = issue_to_edit(source, 100 + i)  # listing the corpus is the benchmark's work: not timed
                start = time.perf_counter()
                edited = edit_issue(source, 100 + i, path).relative_to(source).as_posix()
                at, line = wait_line(lines, edited, 600, line_log)
                latencies.append(round((at - start) * 1000, 1))
                print(f"  watcher edit {i + 1}/{edits}: {latencies[-1]:.0f} ms  | {line.strip()}", flush=True)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(120)
            done.set()
        return {"latency_ms": latencies, "median_ms": statistics.median(latencies), "exit_on_sigterm": code,
                "tree_rss_mib": round(peak[0] / 1048576, 1)}

    def hugo(self, source: Path) -> dict | None:
        binary = shutil.which("hugo")
        if not binary:
            print("  hugo is not installed (apt-get install hugo): no reference figures", flush=True)
            return None
        site = self.workdir / "hugo-site"
        pages = make_site(source, site)
        version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.strip()
        runs = []
        for i in range(self.repeat):
            shutil.rmtree(site / "public", ignore_errors=True)
            shutil.rmtree(site / "resources", ignore_errors=True)
            result = run([binary, "--quiet", "--source", str(site), "--destination", str(site / "public")], site)
            if result["exit"] != 0:
                print(f"  hugo failed:\n{result['output']}", flush=True)
                return None
            result["files_written"] = sum(1 for p in (site / "public").rglob("*") if p.is_file())
            runs.append(result)
            print(f"  hugo {i + 1}/{self.repeat}: {result['seconds']:.2f} s, {result['rss_mib']:.0f} MiB, "
                  f"{result['files_written']} files", flush=True)
        return {**median_run(runs), "pages": pages, "version": version}


def wait_line(lines: queue.Queue, text: str, timeout: float, log: list) -> tuple[float, str]:
    deadline = time.monotonic() + timeout
    while True:
        at, line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        log.append(line)
        if text in line:
            return at, line


def median_run(runs: list[dict]) -> dict:
    ordered = sorted(runs, key=lambda r: r["seconds"])
    best = dict(ordered[len(ordered) // 2])
    best.pop("output", None)
    best["all_seconds"] = [r["seconds"] for r in runs]
    return best


# -- the report ------------------------------------------------------------------------------------------
def report(results: dict) -> str:
    lines = []
    for n, r in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
        full, none, edit = r["full"], r["no_change"], r["edit"]
        lines += [f"\n{n} issues ({r['source_mib']} MiB of sources, {r['notes']} notes)",
                  f"  {'case':34} {'seconds':>9} {'peak RSS MiB':>13} {'tree RSS MiB':>13} {'files written':>14}",
                  row("full build", full), row("no-change rebuild (new process)", none),
                  row("one-issue edit (new process)", edit)]
        lines.append(f"    no-change = {none['seconds'] / full['seconds']:.1%} of full; edit = "
                     f"{edit['seconds'] / full['seconds']:.1%} of full; edit wrote {edit['files_written']} files "
                     f"for {edit['notes_changed']} notes whose bytes changed")
        if r.get("watch"):
            w = r["watch"]
            lines.append(f"  watcher: event → consistent vault median {w['median_ms']:.0f} ms "
                         f"(all: {', '.join(f'{x:.0f}' for x in w['latency_ms'])}); "
                         f"watcher tree RSS {w['tree_rss_mib']} MiB; exit on SIGTERM {w['exit_on_sigterm']}")
        if r.get("hugo"):
            h = r["hugo"]
            lines.append(row(f"hugo ({h['pages']} pages)", h))
            lines.append(f"    vaultgen/hugo: time {full['seconds'] / h['seconds']:.1f}x, peak RSS "
                         f"{full['rss_mib'] / h['rss_mib']:.1f}x "
                         f"(tree {full['tree_rss_mib'] / h['tree_rss_mib']:.1f}x); {h['version']}")
    return "\n".join(lines)


def row(label: str, r: dict) -> str:
    return (f"  {label:34} {r['seconds']:9.2f} {r['rss_mib']:13.0f} {r['tree_rss_mib']:13.0f} "
            f"{r['files_written']:14}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes in issues (default: 1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case at sizes up to 1000; the median is kept")
    parser.add_argument("--watch-edits", type=int, default=5, help="edits timed through `vaultgen watch` (1000 only)")
    parser.add_argument("--workdir", type=Path, help="where corpora and vaults go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="vaultgen-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip()
    results = {"command": " ".join([Path(sys.executable).name, *sys.argv]), "commit": commit,
               "python": platform.python_version(), "cpus": len(os.sched_getaffinity(0)),
               "machine": platform.platform(), "sizes": {}}
    print(f"work folder: {workdir}; vaultgen at {commit}; {results['cpus']} cores", flush=True)
    bench = Bench(workdir, args.repeat)
    bench.snapshot_code()
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            bench.repeat = args.repeat if n <= 1000 else 1
            results["sizes"][str(n)] = bench.size(n, args.watch_edits if n <= 1000 else 0, hugo=n <= 1000)
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(results))


if __name__ == "__main__":
    main()
