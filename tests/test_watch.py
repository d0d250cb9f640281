"""`vaultgen watch` on real folders with a real watchdog observer; every wait is on a condition, with a timeout."""
import errno
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from vaultgen import watch as watchmod
from vaultgen.pipeline import Options, Session
from vaultgen.watch import Batcher, Watcher, is_ignored

EDITED = "002_9bee8cc4421629a8.txt"
OTHER = "000_08b7c5cf3f2cafef.txt"
TIMEOUT = 30


class Recorder:
    """The watcher's log: each line wakes whoever waits for a condition on the watcher's batches."""

    def __init__(self):
        self.lines: list[str] = []
        self.cond = threading.Condition()

    def __call__(self, line: str) -> None:
        with self.cond:
            self.lines.append(line)
            self.cond.notify_all()

    def wait(self, predicate, timeout: float = TIMEOUT):
        with self.cond:
            assert self.cond.wait_for(predicate, timeout), f"timed out; log so far: {self.lines}"


@pytest.fixture(params=["events", "polling"])
def mode(request, monkeypatch):
    monkeypatch.setattr(watchmod, "POLL_INTERVAL", 0.1)
    return request.param


@pytest.fixture
def source(tmp_path) -> Path:
    folder = tmp_path / "issues"
    shutil.copytree(SAMPLES, folder)
    return folder


@contextmanager
def watching(source: Path, vault: Path, poll: bool = False, quiet: float = 0.05, **options):
    log = Recorder()
    watcher = Watcher(Options(source, vault, **options), poll=poll, log=log, quiet=quiet, cap=max(0.5, 2 * quiet))
    failure: list[BaseException] = []

    def run():
        try:
            watcher.run()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failure.append(exc)
            log(f"CRASHED: {exc!r}")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    log.wait(lambda: watcher.ready.is_set() or failure)
    assert not failure, failure
    try:
        yield watcher, log
    finally:
        watcher.stop.set()
        thread.join(TIMEOUT)
        assert not thread.is_alive() and not failure, failure


def wait_batch(watcher: Watcher, log: Recorder, after: int, predicate=lambda b: True):
    """The first batch after the first `after` that satisfies predicate."""
    found = []

    def ready():
        found[:] = [b for b in watcher.batches[after:] if predicate(b)]
        return bool(found)

    log.wait(ready)
    return found[0]


def changed(rel: str):
    return lambda b: b.result is not None and rel in sum(b.changes.values(), [])


def issue_note(vault: Path, rel: str) -> Path | None:
    for path in (vault / "Issues").rglob("*.md"):
        if f"source: {rel}\n" in path.read_text(encoding="utf-8"):
            return path
    return None


def sentinel(source: Path, watcher: Watcher, log: Recorder, after: int):
    """Change another file and wait for its batch: every batch caused by earlier events is then done."""
    path = source / OTHER
    path.write_text(path.read_text(encoding="utf-8") + "\nSentinel.\n", encoding="utf-8")
    return wait_batch(watcher, log, after, changed(OTHER))


# -- the batch reducer and the ignore list ----------------------------------------------------------
@pytest.mark.parametrize("rel", [".note.md.swp", "note.md.swx", "note.md~", "4913", ".#note.md", "#note.md#",
                                 "note.md___jb_tmp___", "note.md___jb_old___", ".goutputstream-ABC12",
                                 ".DS_Store", "a/.hidden/x.md", "_drafts/x.md", ".vaultgen-tmp-x1", "x.tmp"])
def test_droppings_and_hidden_paths_are_ignored(rel):
    assert is_ignored(rel)


@pytest.mark.parametrize("rel", ["note.md", "a/b/c/note.md", "issue-4913.html", "_index.jsonl", "a/_index.jsonl",
                                 "2020 notes.txt", "x.html"])
def test_sources_are_not_ignored(rel):
    assert not is_ignored(rel)


def test_batcher_waits_for_quiet_and_caps_the_wait():
    batcher, stop = Batcher(quiet=0.05, cap=0.3), threading.Event()
    assert batcher.take(stop, 0.01) == set()            # nothing came: an empty batch at the timeout
    batcher.add(["a"])
    batcher.add(["b", "a"])
    assert batcher.take(stop, 5) == {"a", "b"}          # deduplicated, one batch
    stream = threading.Event()

    def keep_saving():  # an event every 10 ms, never quiet: the cap still hands out a batch
        while not stream.wait(0.01):
            batcher.add(["c"])

    feeder = threading.Thread(target=keep_saving)
    feeder.start()
    try:
        assert batcher.take(stop, 5) == {"c"}
    finally:
        stream.set()
        feeder.join()
    stop.set()
    batcher.take(stop, 5)  # what the feeder left
    assert batcher.take(stop, 5) is None                # stopped with nothing pending


def test_a_batch_line_says_which_notes_were_not_written():
    from vaultgen.pipeline import BuildResult
    from vaultgen.writer import WriteReport
    result = BuildResult(report=WriteReport(updated=["Issues/a.md"], problems=["Entities/X.md: changed while vaultgen "
                                                                              "was writing; left as it is now"]))
    line = watchmod.BatchLog({"changed": ["a.md"]}, result, None, 12.0).line()
    assert line == ("changed a.md | notes written: 1, removed: 0 | 1 not written: Entities/X.md: changed while "
                    "vaultgen was writing; left as it is now | 12 ms")


def test_the_batcher_has_work_done_while_a_batch_waits_for_quiet():
    batcher, stop = Batcher(quiet=0.05, cap=5), threading.Event()
    done: list[str] = []
    assert batcher.take(stop, 0.01, lambda: done.append("early")) == set()
    assert done == []                                   # no event, no batch: nothing to do ahead of it
    batcher.add(["a"])

    def meanwhile():                                    # longer than the quiet period; an event comes meanwhile
        batcher.add(["b"])
        stop.wait(0.1)
        done.append("looked")
    assert batcher.take(stop, 5, meanwhile) == {"a", "b"}
    assert done == ["looked"]                           # once, and the batch waited for it
    batcher.add(["c"])
    assert batcher.take(stop, 5, lambda: done.append("again")) == {"c"}
    assert done == ["looked", "again"]                  # once per batch


def test_the_watcher_locates_the_notes_while_a_batch_waits_for_quiet(source, tmp_path, monkeypatch):
    from vaultgen.tracking import TrackedVault
    looks, builds_located = [], []
    real_look, real_locate = TrackedVault.look_ahead, TrackedVault.locate

    def look_ahead(self):
        looks.append(len(builds_located))
        real_look(self)

    def locate(self):
        builds_located.append("locate")
        return real_locate(self)
    monkeypatch.setattr(TrackedVault, "look_ahead", look_ahead)
    monkeypatch.setattr(TrackedVault, "locate", locate)
    with watching(source, tmp_path / "vault", quiet=0.2) as (watcher, log):
        located, after = len(builds_located), len(watcher.batches)
        (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        batch = wait_batch(watcher, log, after, changed(EDITED))
        assert batch.result.report.updated
    assert looks == [located]                  # one look for the batch, during its quiet period…
    assert len(builds_located) == located + 1  # …which was the batch's only one: the build took it


# -- the watcher on real folders ---------------------------------------------------------------------
def test_atomic_save_updates_the_note_once(source, tmp_path, mode):
    vault = tmp_path / "vault"
    with watching(source, vault, poll=mode == "polling") as (watcher, log):
        n = len(watcher.batches)
        target = source / EDITED
        tmp = source / f".{EDITED}.tmp1234"   # an editor's atomic save: temp file, then rename over the file
        tmp.write_text(target.read_text(encoding="utf-8") + "\nSaved atomically.\n", encoding="utf-8")
        os.replace(tmp, target)
        batch = wait_batch(watcher, log, n, changed(EDITED))
        assert batch.changes == {"changed": [EDITED]} and not batch.result.report.removed
        assert "Saved atomically." in issue_note(vault, EDITED).read_text(encoding="utf-8")
        sentinel(source, watcher, log, n + 1)
        assert len(watcher.batches) == n + 2   # one build for the save, one for the sentinel


def test_vim_style_save_is_one_change_not_a_delete(source, tmp_path):
    vault = tmp_path / "vault"
    with watching(source, vault) as (watcher, log):
        n = len(watcher.batches)
        target = source / EDITED
        note = issue_note(vault, EDITED)
        text = target.read_text(encoding="utf-8")
        probe = source / "4913"                # vim's write probe, then note→note~, write note, unlink note~
        probe.write_bytes(b"")
        probe.unlink()
        target.rename(source / f"{EDITED}~")
        target.write_text(text + "\nSaved by vim.\n", encoding="utf-8")
        (source / f"{EDITED}~").unlink()
        batch = wait_batch(watcher, log, n, changed(EDITED))
        assert batch.changes == {"changed": [EDITED]}
        assert not any(b.result.report.removed for b in watcher.batches[n:])
        assert note.exists() and "Saved by vim." in note.read_text(encoding="utf-8")


def test_editor_droppings_never_trigger_a_build(source, tmp_path):
    vault = tmp_path / "vault"
    with watching(source, vault) as (watcher, log):
        n = len(watcher.batches)
        for name in (f".{EDITED}.swp", f".#{EDITED}", ".goutputstream-X1Y2", "4913", f"{EDITED}___jb_tmp___"):
            (source / name).write_text("scratch", encoding="utf-8")
            (source / name).unlink()
        batch = sentinel(source, watcher, log, n)
        assert watcher.batches[n] is batch and batch.changes == {"changed": [OTHER]}


def test_deleting_a_source_removes_its_note(source, tmp_path, mode):
    vault = tmp_path / "vault"
    with watching(source, vault, poll=mode == "polling") as (watcher, log):
        n = len(watcher.batches)
        note = issue_note(vault, EDITED)
        (source / EDITED).unlink()
        batch = wait_batch(watcher, log, n, changed(EDITED))
        assert batch.changes == {"removed": [EDITED]} and not note.exists()
        assert note.relative_to(vault).as_posix() in batch.result.report.removed


def test_renaming_a_source_keeps_its_note(source, tmp_path, mode):
    vault = tmp_path / "vault"
    with watching(source, vault, poll=mode == "polling") as (watcher, log):
        n = len(watcher.batches)
        note = issue_note(vault, EDITED)
        (source / "moved").mkdir()
        (source / EDITED).rename(source / "moved" / "renamed.md")
        batch = wait_batch(watcher, log, n, changed("moved/renamed.md"))
        assert batch.changes == {"added": ["moved/renamed.md"], "removed": [EDITED]}
        assert batch.result.report.updated == [note.relative_to(vault).as_posix()]
        assert issue_note(vault, "moved/renamed.md") == note


def test_moving_a_source_out_and_back_in(source, tmp_path):
    vault = tmp_path / "vault"
    outside = tmp_path / "elsewhere.txt"
    with watching(source, vault) as (watcher, log):
        n = len(watcher.batches)
        (source / EDITED).rename(outside)
        wait_batch(watcher, log, n, changed(EDITED))
        assert issue_note(vault, EDITED) is None
        n = len(watcher.batches)
        outside.rename(source / EDITED)
        batch = wait_batch(watcher, log, n, changed(EDITED))
        assert batch.changes == {"added": [EDITED]} and issue_note(vault, EDITED) is not None


def test_a_broken_file_is_reported_then_fixed(source, tmp_path, mode):
    vault = tmp_path / "vault"
    with watching(source, vault, poll=mode == "polling") as (watcher, log):
        n = len(watcher.batches)
        broken = source / "broken.md"
        broken.write_bytes(b"   \n\n")          # not an issue: reported, the watcher goes on
        batch = wait_batch(watcher, log, n, changed("broken.md"))
        assert [e.path for e in batch.result.errors] == ["broken.md"] and "failed: broken.md" in log.lines[-1]
        n = len(watcher.batches)
        broken.write_text("# A fixed issue\n\nNow it has [a link](https://example.org/fixed).\n", encoding="utf-8")
        batch = wait_batch(watcher, log, n, changed("broken.md"))
        assert not batch.result.errors and issue_note(vault, "broken.md") is not None


def test_a_broken_template_fails_a_build_not_the_watcher(source, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    good = (ROOT / "vaultgen" / "templates" / "issue.md.j2").read_text(encoding="utf-8")
    (templates / "issue.md.j2").write_text(good, encoding="utf-8")
    vault = tmp_path / "vault"
    with watching(source, vault, templates=templates) as (watcher, log):
        n = len(watcher.batches)
        (templates / "issue.md.j2").write_text(good + "{% if %}\n", encoding="utf-8")
        failed = wait_batch(watcher, log, n, lambda b: b.error is not None)
        assert "issue.md.j2" in failed.error and "build failed" in log.lines[-1]
        n = len(watcher.batches)
        (templates / "issue.md.j2").write_text(good + "\nFixed template.\n", encoding="utf-8")
        wait_batch(watcher, log, n, lambda b: b.result is not None and not b.result.skipped)
        assert "Fixed template." in issue_note(vault, EDITED).read_text(encoding="utf-8")


def test_a_burst_of_changes_is_one_or_a_few_builds(source, tmp_path):
    vault = tmp_path / "vault"
    text = (source / EDITED).read_text(encoding="utf-8")
    with watching(source, vault) as (watcher, log):
        n = len(watcher.batches)
        (source / "checkout").mkdir()
        for i in range(120):                  # a git checkout: many files in a few milliseconds
            (source / "checkout" / f"issue-{i:03}.md").write_text(text.replace("#43", f"#{500 + i}", 2),
                                                                 encoding="utf-8")
        log.wait(lambda: sum(len(b.changes.get("added", [])) for b in watcher.batches[n:]) == 120)
        assert len(watcher.batches) - n <= 3
        assert len(list((vault / "Issues").rglob("*.md"))) == 125


def test_a_change_during_a_build_gets_its_own_build(source, tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    started, release = threading.Event(), threading.Event()
    real = watchmod.build

    def slow_build(options, session, changed=frozenset(), **kwargs):
        result = real(options, session, changed, **kwargs)
        if changed and not release.is_set():   # the first edit is built; the build has not returned yet
            started.set()
            assert release.wait(TIMEOUT)
        return result

    monkeypatch.setattr(watchmod, "build", slow_build)
    with watching(source, vault) as (watcher, log):
        n = len(watcher.batches)
        target = source / EDITED
        original = target.read_text(encoding="utf-8")
        target.write_text(original + "\nFirst edit.\n", encoding="utf-8")
        assert started.wait(TIMEOUT)
        target.write_text(original + "\nSecond edit.\n", encoding="utf-8")   # while the first build runs
        release.set()
        log.wait(lambda: "Second edit." in (issue_note(vault, EDITED).read_text(encoding="utf-8")))
        assert [b.changes for b in watcher.batches[n:]] == [{"changed": [EDITED]}] * 2


def test_own_writes_and_the_gazetteer_folder(source, tmp_path):
    """The vault's root is watched for entities.yaml: the notes written there must not trigger builds."""
    vault = tmp_path / "vault"
    with watching(source, vault) as (watcher, log):
        n = len(watcher.batches)
        batch = sentinel(source, watcher, log, n)
        assert batch.result.report.updated            # it wrote notes, some at the vault's root
        second = sentinel(source, watcher, log, n + 1)
        assert watcher.batches[n:] == [batch, second]
        n = len(watcher.batches)
        (vault / "entities.yaml").write_text("{}\n", encoding="utf-8")
        log.wait(lambda: len(watcher.batches) > n)   # the gazetteer is an input: a build follows


def test_source_folder_deleted_then_restored(source, tmp_path):
    vault = tmp_path / "vault"
    backup = tmp_path / "backup"
    # A longer quiet period: the deletion must reach the watcher as one batch even on a loaded machine (a
    # batch of half the deletions, with SOURCE still there, would rightly remove those issues' notes).
    with watching(source, vault, quiet=0.5) as (watcher, log):
        notes = sorted(p.relative_to(vault) for p in vault.rglob("*.md"))
        shutil.copytree(source, backup)
        shutil.rmtree(source)
        log.wait(lambda: any("is gone" in line for line in log.lines))
        assert sorted(p.relative_to(vault) for p in vault.rglob("*.md")) == notes   # nothing deleted
        n = len(watcher.batches)
        shutil.copytree(backup, source)
        (source / EDITED).write_text("# Restored and edited\n\nBody.\n", encoding="utf-8")
        wait_batch(watcher, log, n, lambda b: b.result is not None and not b.result.skipped)
        log.wait(lambda: issue_note(vault, EDITED) is not None
                 and "Restored and edited" in issue_note(vault, EDITED).read_text(encoding="utf-8"))


def test_falls_back_to_polling_when_inotify_is_out_of_watches(source, tmp_path, monkeypatch):
    def no_watches(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watchmod.Observer, "schedule", no_watches)
    monkeypatch.setattr(watchmod, "POLL_INTERVAL", 0.1)
    vault = tmp_path / "vault"
    with watching(source, vault) as (watcher, log):
        assert watcher.mode == "polling"
        assert any("max_user_watches" in line for line in log.lines)
        n = len(watcher.batches)
        (source / EDITED).unlink()
        wait_batch(watcher, log, n, changed(EDITED))


def test_a_second_writer_is_refused_while_watching(source, tmp_path):
    vault = tmp_path / "vault"
    with watching(source, vault):
        run = subprocess.run([sys.executable, "-m", "vaultgen", "build", str(source), str(vault)],
                             cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
        assert run.returncode == 1 and "another vaultgen process is writing this vault" in run.stderr


def test_a_vault_inside_source_is_refused(source):
    with pytest.raises(Exception, match="inside SOURCE"):
        Watcher(Options(source, source / "vault")).run()


# -- the command --------------------------------------------------------------------------------------
def lines_of(stream) -> queue.Queue:
    found: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [found.put(line) for line in stream], daemon=True).start()
    return found


def until(lines: queue.Queue, text: str) -> list[str]:
    seen = []
    while True:
        line = lines.get(timeout=TIMEOUT)
        seen.append(line)
        if text in line:
            return seen


@pytest.mark.parametrize("signum, poll", [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGTERM, True)])
def test_the_command_ends_cleanly_on_a_signal(source, tmp_path, signum, poll):
    vault = tmp_path / "vault"
    command = [sys.executable, "-m", "vaultgen", "watch", str(source), str(vault), *(["--poll"] if poll else [])]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = lines_of(proc.stdout)
        until(lines, "watching")
        (source / EDITED).write_text("# Edited\n\nWhile watching.\n", encoding="utf-8")
        batch = until(lines, EDITED)[-1]
        assert "changed" in batch and "notes written" in batch and batch.rstrip().endswith("ms")
        proc.send_signal(signum)
        assert proc.wait(TIMEOUT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    with Session(Options(source, vault)):   # the lock was released
        pass


def test_an_up_to_date_vault_is_warmed_up_without_a_write(source, tmp_path, monkeypatch):
    """The initial build finds nothing to do; the global phase then runs once, writing nothing, so that the
    first batch finds the session's memos ready (it would otherwise merge and name everything from scratch)."""
    from vaultgen.pipeline import build
    vault = tmp_path / "vault"
    build(Options(source, vault))
    files = lambda: {p: p.stat().st_mtime_ns for p in vault.rglob("*") if p.is_file() and ".vaultgen" not in p.parts}
    before = files()
    calls, real = [], watchmod.build

    def recording(options, session, changed=frozenset(), warm=False):
        result = real(options, session, changed, warm=warm)
        calls.append((warm, result.skipped, session.merge_memo is not None and bool(session.merge_memo.sources)))
        return result
    monkeypatch.setattr(watchmod, "build", recording)
    with watching(source, vault) as (watcher, log):
        log.wait(lambda: len(calls) >= 2)
        assert calls[:2] == [(False, True, False), (True, False, True)]
        assert files() == before
        sentinel(source, watcher, log, len(watcher.batches))
    assert calls[2] == (False, False, True)


def test_what_the_session_keeps_is_frozen_between_builds_and_collected_whole_now_and_then(source, tmp_path,
                                                                                         monkeypatch):
    import gc
    monkeypatch.setattr(watchmod, "FULL_GC_EVERY", 2)
    unfrozen_at: list[int] = []
    real_unfreeze = gc.unfreeze
    watchers: list[Watcher] = []

    def unfreeze():
        unfrozen_at.append(watchers[0].builds if watchers else -1)
        real_unfreeze()
    monkeypatch.setattr(watchmod.gc, "unfreeze", unfreeze)
    vault = tmp_path / "vault"
    with watching(source, vault) as (watcher, log):
        watchers.append(watcher)
        assert gc.get_freeze_count() > 0   # the initial build's session, out of the collector's sight
        (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        wait_batch(watcher, log, 0, changed(EDITED))
        sentinel(source, watcher, log, 1)
    assert unfrozen_at[0] == 2                # the second build's heap collected whole, frozen part included
    assert gc.get_freeze_count() == 0         # and all of it the collector's again once the watcher stops


def test_a_small_batch_is_built_with_the_cyclic_collector_paused_and_it_runs_again_after(source, tmp_path, monkeypatch):
    import gc
    seen: list[bool] = []
    real = watchmod.build

    def build(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)
    monkeypatch.setattr(watchmod, "build", build)
    with watching(source, tmp_path / "vault") as (watcher, log):
        (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        wait_batch(watcher, log, 0, changed(EDITED))
        assert gc.isenabled()
    assert seen[0] and not seen[-1]   # the first build (a whole vault's, maybe) as usual; the batch's paused


def test_an_edit_made_while_warming_up_is_built_and_logged(source, tmp_path, monkeypatch):
    """The warm-up rescans SOURCE: an edit made since the initial build is built by it, and said, as a batch."""
    from vaultgen.pipeline import build
    vault = tmp_path / "vault"
    build(Options(source, vault))
    real = watchmod.build

    def editing_first(options, session, changed=frozenset(), warm=False):
        if warm:
            path = source / EDITED
            path.write_text(path.read_text(encoding="utf-8") + "\nEdited while warming up.\n", encoding="utf-8")
        return real(options, session, changed, warm=warm)
    monkeypatch.setattr(watchmod, "build", editing_first)
    with watching(source, vault) as (watcher, log):
        assert any(EDITED in line and "notes written: " in line for line in log.lines)
        assert [line.startswith("watching") or EDITED in line for line in log.lines][-1]   # said before "watching"
        assert "Edited while warming up." in issue_note(vault, EDITED).read_text(encoding="utf-8")
        assert watcher.batches and changed(EDITED)(watcher.batches[-1])
