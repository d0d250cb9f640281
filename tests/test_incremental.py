"""Incremental builds: nothing written when nothing changed; each change rewrites exactly the notes it alters."""
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from vaultgen import reading, writer
from vaultgen.pipeline import Options, Session, build
from vaultgen import frontmatter_io
from vaultgen.frontmatter_io import parse_note
from vaultgen.state import STATE_FILE
from vaultgen.writer import owned_hash, split_user_tail

EDITED = "002_9bee8cc4421629a8.txt"     # Markdown without frontmatter
RENAMED = "004_8c0ce3aa714c14dc.txt"    # plain text


def files(vault: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file of the vault but vaultgen's own state: bytes, mtime, inode."""
    out = {}
    for path in vault.rglob("*"):
        rel = path.relative_to(vault).as_posix()
        if path.is_file() and not rel.startswith(".vaultgen/"):
            st = path.stat()
            out[rel] = (path.read_bytes(), st.st_mtime_ns, st.st_ino)
    return out


def written(before: dict, after: dict) -> set[str]:
    """Files created, replaced, modified or removed between two snapshots."""
    return {rel for rel in before.keys() | after.keys()
            if rel not in before or rel not in after or before[rel][1:] != after[rel][1:]}


def differing(before: dict, after: dict) -> set[str]:
    return {rel for rel in before.keys() | after.keys() if before.get(rel, (None,))[0] != after.get(rel, (None,))[0]}


def contents(snapshot: dict) -> dict[str, bytes]:
    return {rel: value[0] for rel, value in snapshot.items()}


@pytest.fixture
def source(tmp_path) -> Path:
    folder = tmp_path / "issues"
    shutil.copytree(SAMPLES, folder)
    return folder


def from_scratch(source: Path, where: Path, **options) -> dict:
    result = build(Options(source, where, **options))
    assert not result.report.problems
    return files(where)


def parse_counter(monkeypatch) -> list[str]:
    """Source paths parsed (not taken from the cache) from now on."""
    parsed: list[str] = []
    real = reading.parse_one

    def counting(path, *args, **kwargs):
        parsed.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(reading, "parse_one", counting)
    return parsed


def test_a_second_build_writes_nothing_and_reads_nothing(source, tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    first = build(Options(source, vault))
    assert first.report.created and not first.report.problems
    before = files(vault)
    manifest = (vault / ".vaultgen/manifest.json").stat().st_mtime_ns
    parsed = parse_counter(monkeypatch)
    second = build(Options(source, vault))
    assert written(before, files(vault)) == set()
    assert (vault / ".vaultgen/manifest.json").stat().st_mtime_ns == manifest
    assert parsed == [] and not second.report.created and not second.report.updated
    assert sorted(second.report.unchanged) == sorted(first.report.created)
    assert second.counts == first.counts and second.exit_code == first.exit_code


def test_a_second_build_in_a_new_process_writes_nothing(source, tmp_path):
    vault = tmp_path / "vault"
    command = [sys.executable, "-m", "vaultgen", "build", str(source), str(vault)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    before = files(vault)
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert written(before, files(vault)) == set()
    assert "0 new, 0 updated" in run.stdout


def test_without_its_state_a_build_still_writes_nothing(source, tmp_path):
    """The state only saves time: the writer's own checks find every note up to date."""
    vault = tmp_path / "vault"
    build(Options(source, vault))
    before = files(vault)
    (vault / ".vaultgen" / STATE_FILE).unlink()
    result = build(Options(source, vault))
    assert written(before, files(vault)) == set() and not result.skipped and result.report.unchanged


def test_a_damaged_state_is_rebuilt(source, tmp_path):
    vault = tmp_path / "vault"
    build(Options(source, vault))
    before = files(vault)
    (vault / ".vaultgen" / STATE_FILE).write_bytes(b"this is not a database" * 100)
    build(Options(source, vault))
    assert written(before, files(vault)) == set()
    assert build(Options(source, vault)).skipped


def change_and_compare(source: Path, tmp_path: Path, change, monkeypatch) -> tuple[set[str], list[str], object]:
    """Build, change the sources, build again. The vault must equal what a build without any state makes of a
    copy of the first vault (every source read, every note rendered and compared: names stay as they were),
    and only the notes whose bytes differ may have been written. Returns (files written, sources parsed, result)."""
    vault = tmp_path / "vault"
    build(Options(source, vault))
    reference = tmp_path / "reference"
    shutil.copytree(vault, reference, ignore=shutil.ignore_patterns(STATE_FILE))
    before = files(vault)
    change(source)
    parsed = parse_counter(monkeypatch)
    result = build(Options(source, vault))
    after = files(vault)
    monkeypatch.undo()
    full = build(Options(source, reference))
    assert not full.skipped and not full.report.problems and not result.report.problems
    assert contents(after) == contents(files(reference))
    assert written(before, after) == differing(before, after)
    assert_fixed_point(source, vault)
    return written(before, after), parsed, result


def test_editing_a_source_rewrites_its_note_and_what_it_feeds(source, tmp_path, monkeypatch):
    def edit(folder):
        path = folder / EDITED
        path.write_text(path.read_text(encoding="utf-8") + "\nAlso worth a look: [a new tool]"
                        "(https://example.org/tools/new-tool?utm_source=x).\n", encoding="utf-8")

    changed, parsed, result = change_and_compare(source, tmp_path, edit, monkeypatch)
    assert parsed == [EDITED] and result.changes == {"changed": [EDITED]}
    assert any(p.startswith("Issues/") for p in changed) and any(p.startswith("Resources/") for p in changed)
    assert "Resources.md" in changed
    assert not any(p.startswith("Newsletters/") for p in changed)  # same issue, same title: its listing holds


def test_a_cosmetic_edit_rewrites_one_note(source, tmp_path, monkeypatch):
    def edit(folder):
        path = folder / EDITED
        path.write_text(path.read_text(encoding="utf-8").replace("For the first time ever",
                                                                 "For the very first time"), encoding="utf-8")

    changed, parsed, _ = change_and_compare(source, tmp_path, edit, monkeypatch)
    assert parsed == [EDITED] and len(changed) == 1 and changed.pop().startswith("Issues/")


def reword(source: Path) -> None:
    """A cosmetic edit of EDITED: its note's text changes, and nothing else."""
    path = source / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace("For the first time ever", "For the very first time"),
                    encoding="utf-8")


def test_an_edit_renders_only_the_notes_whose_inputs_changed(source, tmp_path, monkeypatch):
    from vaultgen import maker
    vault = tmp_path / "vault"
    build(Options(source, vault))
    reword(source)
    rendered: list[str] = []
    real = maker.render_body
    monkeypatch.setattr(maker, "render_body", lambda kind, context, *a: rendered.append(kind) or real(kind, context, *a))
    result = build(Options(source, vault))
    assert rendered == ["issue"] and len(result.report.updated) == 1
    assert files(vault).keys() == from_scratch(source, tmp_path / "fresh").keys()


def test_an_edit_in_another_process_renders_only_the_notes_whose_inputs_changed(source, tmp_path, monkeypatch):
    """A note's key (maker.py) is the same in every process for the same inputs, whatever the string hashes and
    whichever objects the inputs were built from: the last build ran in another process, from freshly parsed issues."""
    from vaultgen import maker
    vault = tmp_path / "vault"
    seed = "1" if os.environ.get("PYTHONHASHSEED") == "0" else "0"
    subprocess.run([sys.executable, "-m", "vaultgen", "build", str(source), str(vault), "-q"], check=True, cwd=tmp_path,
                   env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)})
    reword(source)
    rendered: list[str] = []
    real = maker.render_body
    monkeypatch.setattr(maker, "render_body", lambda kind, context, *a: rendered.append(kind) or real(kind, context, *a))
    assert build(Options(source, vault)).report.updated
    assert rendered == ["issue"]


def test_a_new_process_links_only_the_edited_issue_and_the_state_forgets_a_removed_issue(source, tmp_path, monkeypatch):
    """Each issue's linking (the entity names its body links) is kept in the build state, under the digest of what it
    is made from: a build in a new process links again only the issue whose text changed."""
    import sqlite3
    from vaultgen import linkify
    vault = tmp_path / "vault"
    build(Options(source, vault))
    reword(source)
    linked: list[str] = []
    real = linkify.link_mentions
    monkeypatch.setattr(linkify, "link_mentions", lambda markdown, *a, **k: linked.append(markdown) or real(markdown, *a, **k))
    assert build(Options(source, vault)).report.updated
    assert linked and all("For the very first time" in text for text in linked)

    def rows() -> set[str]:
        with sqlite3.connect(vault / ".vaultgen" / STATE_FILE) as db:
            return {key for key, in db.execute("SELECT key FROM lasting WHERE kind = 'linked'")}
    assert rows() == {f"issue:{p.name}" for p in source.iterdir()}
    (source / EDITED).unlink()
    build(Options(source, vault))
    assert rows() == {f"issue:{p.name}" for p in source.iterdir()} and f"issue:{EDITED}" not in rows()


def test_notes_written_in_small_batches_make_the_same_vault(source, tmp_path, monkeypatch):
    whole = contents(from_scratch(source, tmp_path / "whole"))
    monkeypatch.setattr(writer, "WRITE_BATCH", 2)
    assert contents(from_scratch(source, tmp_path / "batched")) == whole


def test_adding_a_source(source, tmp_path, monkeypatch):
    def add(folder):
        text = (folder / EDITED).read_text(encoding="utf-8").replace("#43", "#44", 2)
        (folder / "sub").mkdir()
        text += "\nSee [the new paper](https://arxiv.org/abs/2401.00001).\n"
        (folder / "sub" / "new-issue.md").write_text(text, encoding="utf-8")

    changed, parsed, result = change_and_compare(source, tmp_path, add, monkeypatch)
    assert parsed == ["new-issue.md"] and result.changes == {"added": ["sub/new-issue.md"]}
    assert any(p.startswith("Issues/") for p in changed)


def test_deleting_a_source_takes_its_notes_along(source, tmp_path, monkeypatch):
    changed, parsed, result = change_and_compare(source, tmp_path, lambda f: (f / EDITED).unlink(), monkeypatch)
    assert parsed == [] and result.changes == {"removed": [EDITED]}
    assert set(result.report.removed) <= changed and any(p.startswith("Issues/") for p in result.report.removed)
    assert any(p.startswith("Resources/") for p in result.report.removed)  # cited by that issue alone


def test_a_folder_emptied_of_its_notes_goes_and_a_folder_holding_a_users_file_stays(tmp_path):
    source, vault = tmp_path / "issues", tmp_path / "vault"
    (source / "solo").mkdir(parents=True)
    (source / "kept.md").write_text("---\ntitle: Kept\nnewsletter: Kept Weekly\n---\n\nPlain words.\n")
    (source / "solo" / "a.md").write_text("---\ntitle: Solo\nnewsletter: Solo Weekly\n---\n\n"
                                          "[DeepMind](https://deepmind.com/blog) released AlphaFold.\n")
    (source / "solo" / "b.md").write_text("---\ntitle: Other\nnewsletter: Other Weekly\n---\n\nMore words.\n")
    build(Options(source, vault))
    assert (vault / "Issues/Solo Weekly").is_dir() and any((vault / "Entities").iterdir())
    (vault / "Issues/Other Weekly/mine.txt").write_text("the user's")
    (vault / "Archive").mkdir()  # the user files a note away in a folder of their own
    [other] = (vault / "Issues/Other Weekly").glob("*.md")
    os.replace(other, vault / "Archive" / other.name)
    build(Options(source, vault))
    shutil.rmtree(source / "solo")
    result = build(Options(source, vault))
    assert result.report.removed and not result.report.problems
    assert not (vault / "Issues/Solo Weekly").exists() and not (vault / "Entities").exists()
    assert (vault / "Issues/Other Weekly/mine.txt").read_text() == "the user's"
    assert (vault / "Issues/Kept Weekly").is_dir()
    assert (vault / "Archive").is_dir() and not any((vault / "Archive").iterdir())  # theirs, though empty now


def test_renaming_a_source_updates_its_note_in_place(source, tmp_path, monkeypatch):
    """Same bytes at a new path: the note passes to the new source and keeps its file and name, so no note
    linking to it changes (a build without state would delete it and create it under another name)."""
    vault = tmp_path / "vault"
    build(Options(source, vault))
    before = files(vault)
    (source / "renamed").mkdir()
    (source / RENAMED).rename(source / "renamed" / "the-batch.txt")
    parsed = parse_counter(monkeypatch)
    result = build(Options(source, vault))
    after = files(vault)
    assert parsed == ["the-batch.txt"]
    assert result.changes == {"added": ["renamed/the-batch.txt"], "removed": [RENAMED]}
    assert len(result.report.updated) == 1 and not result.report.created and not result.report.removed
    note = result.report.updated[0]
    assert written(before, after) == differing(before, after) == {note}
    text = after[note][0].decode()
    assert "source: renamed/the-batch.txt" in text and "vaultgen_id: issue:renamed/the-batch.txt" in text
    assert_fixed_point(source, vault)


def assert_fixed_point(source: Path, vault: Path) -> None:
    """A build without any state (every source read, every note rendered and compared) finds nothing to do."""
    before = files(vault)
    (vault / ".vaultgen" / STATE_FILE).unlink()
    full = build(Options(source, vault))
    assert not full.report.problems and not full.report.created and not full.report.updated
    assert written(before, files(vault)) == set()


def test_a_template_change_rerenders_the_notes_it_shapes(source, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    templates.mkdir()
    builtin = ROOT / "vaultgen" / "templates" / "issue.md.j2"
    (templates / "issue.md.j2").write_text(builtin.read_text(encoding="utf-8"), encoding="utf-8")
    vault = tmp_path / "vault"
    build(Options(source, vault, templates=templates))
    before = files(vault)
    (templates / "issue.md.j2").write_text(builtin.read_text(encoding="utf-8") + "\nRendered with my template.\n",
                                           encoding="utf-8")
    parsed = parse_counter(monkeypatch)
    result = build(Options(source, vault, templates=templates))
    after = files(vault)
    assert parsed == []  # parsing does not depend on templates
    changed = written(before, after)
    assert changed == differing(before, after)
    assert changed == {p for p in after if p.startswith("Issues/")} and len(changed) == 5
    assert all(b"Rendered with my template." in after[p][0] for p in changed)
    assert not result.skipped


def test_a_gazetteer_change_rerenders_what_it_affects(source, tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    build(Options(source, vault))
    assert (vault / "Entities" / "TensorFlow.md").exists()
    before = files(vault)
    (vault / "entities.yaml").write_text("ban: [TensorFlow]\n", encoding="utf-8")
    parsed = parse_counter(monkeypatch)
    result = build(Options(source, vault))
    after = files(vault)
    assert parsed == [] and not result.skipped      # the gazetteer acts on merging, not on parsing
    assert "Entities/TensorFlow.md" in result.report.removed
    assert written(before, after) == differing(before, after) >= {"Entities/TensorFlow.md", "entities.yaml"}
    assert build(Options(source, vault)).skipped


def test_an_option_change_rebuilds(source, tmp_path):
    """vaultgen.toml reaches the build as Options: any of them changing means the last result no longer holds."""
    vault = tmp_path / "vault"
    build(Options(source, vault))
    small = build(Options(source, vault, max_source_bytes=2000))
    assert not small.skipped and small.errors and small.report.removed
    assert build(Options(source, vault, max_source_bytes=2000)).skipped
    assert not build(Options(source, vault)).errors


def test_a_new_vaultgen_version_reads_every_source_again(source, tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    build(Options(source, vault))
    before = files(vault)
    monkeypatch.setattr("vaultgen.scanning.code_key", lambda: "another version")
    parsed = parse_counter(monkeypatch)
    build(Options(source, vault))
    assert sorted(parsed) == sorted(p.name for p in source.iterdir())
    assert written(before, files(vault)) == set()  # same code in fact: same notes, nothing written


def test_notes_written_before_the_reader_property_gain_it_and_are_not_taken_for_edited(source, tmp_path):
    vault = tmp_path / "vault"
    build(Options(source, vault))
    # What a vaultgen without `reader` wrote: the notes without the key, the manifest's hashes without it.
    manifest_path = vault / ".vaultgen/manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["notes"].values():
        note = vault / entry["path"]
        if note.parent.parent.name == "Issues":
            meta, body = parse_note(note.read_text())
            del meta["reader"]
            note.write_text(frontmatter_io.dump(meta) + body)
            entry["hash"] = owned_hash(meta, split_user_tail(body)[0])
    manifest_path.write_text(json.dumps(manifest))
    (vault / ".vaultgen" / STATE_FILE).unlink()  # and no state of this version: every source is read again
    result = build(Options(source, vault))
    assert not result.report.preserved and len(result.report.updated) == 5
    for note in (vault / "Issues").rglob("*.md"):
        assert parse_note(note.read_text())[0]["reader"] in ("markdown", "email")


def test_a_note_the_user_writes_in_is_kept_and_nothing_else_is_written(source, tmp_path):
    vault = tmp_path / "vault"
    build(Options(source, vault))
    note = next((vault / "Issues").rglob("*.md"))
    note.write_text(note.read_text(encoding="utf-8") + "\nMy own notes.\n", encoding="utf-8")
    before = files(vault)
    result = build(Options(source, vault))
    assert written(before, files(vault)) == set() and not result.skipped
    assert note.read_text(encoding="utf-8").endswith("My own notes.\n")
    assert build(Options(source, vault)).skipped


def test_a_new_file_in_the_vault_is_noticed(source, tmp_path):
    """A user's note may take a name vaultgen uses: a build must look, not replay the last result."""
    vault = tmp_path / "vault"
    build(Options(source, vault))
    (vault / "Mine").mkdir()
    (vault / "Mine" / "A note of mine.md").write_text("hello\n", encoding="utf-8")
    assert not build(Options(source, vault)).skipped


@pytest.mark.skipif(sys.platform != "linux", reason="Linux file names are bytes; others are always Unicode")
def test_a_file_name_that_is_not_utf8_is_reported_not_fatal(source, tmp_path):
    text = "# Hello\n\nA [link](https://example.org/cafe).\n"
    (source / os.fsdecode(b"caf\xe9.md")).write_text(text, encoding="utf-8")
    vault = tmp_path / "vault"
    first = build(Options(source, vault))
    assert [e.path for e in first.errors] == ["caf\ufffd.md"] and "not valid UTF-8" in first.errors[0].reason
    assert first.report.created and first.exit_code == 2
    again = build(Options(source, vault))
    assert again.skipped and [str(e) for e in again.errors] == [str(e) for e in first.errors]


# -- crash safety -----------------------------------------------------------------------------------
KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    import vaultgen.writer as writer
    from vaultgen import atomic
    from vaultgen import state
    from vaultgen.pipeline import Options, build

    where, after = sys.argv[4], int(sys.argv[5])
    calls = [0]

    def kill_after(real):
        def wrapper(*args, **kwargs):
            calls[0] += 1
            if calls[0] > after:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return wrapper

    if where == "stage":        # some notes' temp files written, none renamed over its note yet
        atomic._create_temp = kill_after(atomic._create_temp)
    elif where == "replace":    # some notes renamed into place, the others' temp files waiting
        atomic.os.replace = kill_after(os.replace)
    elif where == "manifest":   # every note written, the manifest not saved
        writer.Vault.save_manifest = kill_after(writer.Vault.save_manifest)
    elif where == "commit":     # notes and manifest saved, the state not committed
        state.State.commit = kill_after(state.State.commit)
    build(Options(Path(sys.argv[2]), Path(sys.argv[3])))
    print("finished without being killed")
""")


def killed_build(source: Path, vault: Path, where: str, after: int) -> None:
    run = subprocess.run([sys.executable, "-c", KILLER, str(ROOT), str(source), str(vault), where, str(after)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, (run.returncode, run.stdout, run.stderr)


@pytest.mark.parametrize("where, after", [("stage", 0), ("stage", 40), ("replace", 0), ("replace", 7),
                                          ("replace", 90), ("manifest", 0), ("commit", 0)])
def test_a_build_killed_midway_then_a_build_gives_the_uninterrupted_vault(source, tmp_path, where, after):
    vault = tmp_path / "vault"
    killed_build(source, vault, where, after)
    build(Options(source, vault))
    assert contents(files(vault)) == contents(from_scratch(source, tmp_path / "scratch"))
    assert build(Options(source, vault)).skipped


@pytest.mark.parametrize("where, after", [("stage", 1), ("replace", 2), ("manifest", 0), ("commit", 0)])
def test_an_incremental_build_killed_midway_then_a_build(source, tmp_path, where, after):
    vault = tmp_path / "vault"
    build(Options(source, vault))
    reference = tmp_path / "reference"
    shutil.copytree(vault, reference)
    (source / RENAMED).unlink()
    edited = source / EDITED
    edited.write_text(edited.read_text(encoding="utf-8").replace("#43", "#45") + "\n[x](https://example.org/x)\n",
                      encoding="utf-8")
    shutil.copy(SAMPLES / RENAMED, source / "copy.txt")
    killed_build(source, vault, where, after)
    result = build(Options(source, vault))
    assert not result.report.problems
    assert not build(Options(source, reference)).report.problems  # the same build, not interrupted
    assert contents(files(vault)) == contents(files(reference))


def test_one_writer_at_a_time(source, tmp_path):
    vault = tmp_path / "vault"
    with Session(Options(source, vault)):
        run = subprocess.run([sys.executable, "-m", "vaultgen", "build", str(source), str(vault)],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "another vaultgen process is writing this vault" in run.stderr
    assert build(Options(source, vault)).report.created  # the lock is free again


def test_a_note_whose_id_is_a_very_long_url_keeps_its_name(tmp_path):
    """A resource id is its URL; one longer than a read buffer or the YAML line width is still found again."""
    source, vault = tmp_path / "issues", tmp_path / "vault"
    source.mkdir()
    url = "https://viewer.example.org/scene.html#!" + "%7B%22layer%22%3A%5B1%2C2%5D%7D" * 600
    issue = source / "one.md"
    issue.write_text(f"---\ntitle: Long links\n---\n\nA [scene viewer]({url}) to explore.\n", encoding="utf-8")
    assert build(Options(source, vault)).exit_code == 0
    notes = sorted(p.name for p in (vault / "Resources").iterdir())
    issue.write_text(issue.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = build(Options(source, vault))
    assert result.exit_code == 0 and result.notices == []
    assert sorted(p.name for p in (vault / "Resources").iterdir()) == notes == ["viewer.example.org scene.md"]
    head = (vault / "Resources" / notes[0]).read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith(("url:", "vaultgen_id:")) for line in head) == 2  # one line each, never folded


def test_a_note_file_locate_proved_unchanged_is_not_looked_at_again_by_the_writer(source, tmp_path, monkeypatch):
    from vaultgen import scanning
    monkeypatch.setattr(scanning, "RACY_NS", 0)       # the files just written are trusted by their stat at once
    monkeypatch.setattr(scanning, "FINE_RACY_NS", 0)
    vault = tmp_path / "vault"
    build(Options(source, vault))
    (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nMore news.\n", encoding="utf-8")
    stats: dict[str, int] = {}
    real = os.stat

    def counting(path, *args, **kwargs):
        stats[os.fspath(path)] = stats.get(os.fspath(path), 0) + 1
        return real(path, *args, **kwargs)
    monkeypatch.setattr(os, "stat", counting)
    result = build(Options(source, vault))
    monkeypatch.undo()
    assert result.report.updated and len(result.report.unchanged) > 10
    assert {rel: stats.get(str(vault / rel)) for rel in result.report.unchanged} == {
        rel: 1 for rel in result.report.unchanged}


def test_a_user_edit_between_locating_and_writing_is_kept_and_seen_by_the_next_build(source, tmp_path, monkeypatch):
    from vaultgen.tracking import TrackedVault
    vault = tmp_path / "vault"
    build(Options(source, vault))
    note = next((vault / "Entities").rglob("*.md"))
    mine = note.read_text(encoding="utf-8").replace("\n---\n", "\n---\nMy words in the generated part.\n", 1)
    real = TrackedVault.locate

    def locate_then_edit(self):
        found = real(self)
        note.write_text(mine, encoding="utf-8")
        return found
    monkeypatch.setattr(TrackedVault, "locate", locate_then_edit)
    (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nMore news.\n", encoding="utf-8")
    build(Options(source, vault))
    monkeypatch.undo()
    assert note.read_text(encoding="utf-8") == mine
    result = build(Options(source, vault))
    assert note.read_text(encoding="utf-8") == mine
    assert note.relative_to(vault).as_posix() in result.report.preserved


def test_a_look_ahead_is_taken_by_the_next_build_only_and_a_user_edit_made_after_it_is_kept(source, tmp_path,
                                                                                          monkeypatch):
    from vaultgen.tracking import TrackedVault
    vault = tmp_path / "vault"
    located: list[int] = []
    real = TrackedVault.locate
    monkeypatch.setattr(TrackedVault, "locate", lambda self: located.append(1) or real(self))
    with Session(Options(source, vault), remember=True) as session:
        build(session.options, session)
        session.look_ahead()
        assert build(session.options, session).skipped    # nothing changed: the look goes unused…
        session.look_ahead()
        located.clear()
        # The user writes in a note that the next build changes, after the look and before the build.
        (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nMore news.\n",
                                     encoding="utf-8")
        note = next(p for p in (vault / "Issues").rglob("*.md") if f"source: {EDITED}\n" in p.read_text("utf-8"))
        mine = note.read_text(encoding="utf-8").replace("\n---\n", "\n---\nMy words in the generated part.\n", 1)
        note.write_text(mine, encoding="utf-8")
        result = build(session.options, session, frozenset({EDITED}))
        assert located == []                               # …and this build took the second look, not its own
        assert note.read_text(encoding="utf-8") == mine    # and kept the user's words
        assert note.relative_to(vault).as_posix() in result.report.preserved
        (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nAnd more.\n",
                                     encoding="utf-8")
        build(session.options, session, frozenset({EDITED}))
        assert located == [1]                              # taken once: the next build looks for itself
    # The vault is the one a build without any look ahead makes.
    other = tmp_path / "other"
    shutil.copytree(vault, other)
    assert_fixed_point(source, other)


def test_a_look_ahead_is_not_taken_when_the_build_adds_template_files_to_the_vault(source, tmp_path, monkeypatch):
    from vaultgen import starter
    from vaultgen.tracking import TrackedVault
    vault = tmp_path / "vault"
    with Session(Options(source, vault), remember=True) as session:
        build(session.options, session)
        session.look_ahead()
        located: list[int] = []
        real_locate, real_install = TrackedVault.locate, starter.install_template
        monkeypatch.setattr(TrackedVault, "locate", lambda self: located.append(1) or real_locate(self))

        def install(vault_):  # as if this version of vaultgen shipped a new template note
            report = real_install(vault_)
            report.copied.append("New template note.md")
            return report
        monkeypatch.setattr(starter, "install_template", install)
        (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nMore news.\n", encoding="utf-8")
        build(session.options, session, frozenset({EDITED}))
        assert located == [1]


def test_a_note_moved_by_the_user_after_a_look_ahead_is_not_lost_and_the_next_build_finds_it(source, tmp_path):
    vault = tmp_path / "vault"
    with Session(Options(source, vault), remember=True) as session:
        build(session.options, session)
        note = next(p for p in (vault / "Issues").rglob("*.md") if f"source: {EDITED}\n" in p.read_text("utf-8"))
        session.look_ahead()
        # Between the look and the build: the source changes, and the user moves the note the build will change.
        (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nMore news.\n", encoding="utf-8")
        moved = vault / "Mine" / note.name
        moved.parent.mkdir()
        note.rename(moved)
        before = moved.read_bytes()
        result = build(session.options, session, frozenset({EDITED}))
        assert not note.exists() and moved.read_bytes() == before   # not written where it was, nor over the move
        (source / EDITED).write_text((source / EDITED).read_text(encoding="utf-8") + "\nEven more.\n", encoding="utf-8")
        build(session.options, session, frozenset({EDITED}))
    assert not note.exists()                              # where the user put it, it stays
    assert "Even more." in moved.read_text(encoding="utf-8")  # and it is the note the next builds update
    # The build that looked before the move says it could not update the note where it was; nothing more.
    assert result.report.problems == [f"{note.relative_to(vault).as_posix()}: moved or deleted while vaultgen was "
                                      "writing; not updated (the next build looks for it again)"]


def test_the_cyclic_collector_is_paused_while_notes_are_planned_and_written_and_back_after(source, tmp_path,
                                                                                         monkeypatch):
    import gc
    from vaultgen import notes
    seen = []
    real = notes.plan_notes
    monkeypatch.setattr(notes, "plan_notes", lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    build(Options(source, tmp_path / "vault"))
    assert seen == [False] and gc.isenabled()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")
    monkeypatch.setattr(notes, "plan_notes", broken)
    reword(source)
    with pytest.raises(RuntimeError):
        build(Options(source, tmp_path / "vault"))
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_what_a_build_made_is_out_of_the_collectors_sight_until_its_session_closes(source, tmp_path):
    """Re-enabled, the collector would first walk all that planning and writing made (80 ms at 1,000 issues)."""
    import gc
    assert gc.get_freeze_count() == 0
    options = Options(source, tmp_path / "vault")
    with Session(options) as session:
        build(options, session)
        assert gc.isenabled() and gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    build(options)
    assert gc.get_freeze_count() == 0


def test_the_vetoes_of_an_issue_are_kept_with_its_candidates_not_worked_out_by_every_merge(source, tmp_path,
                                                                                          monkeypatch):
    from vaultgen import resolve
    seen: list[int] = []
    real = resolve.vetoes_of
    monkeypatch.setattr(resolve, "vetoes_of", lambda candidates: seen.append(1) or real(candidates))
    vault = tmp_path / "vault"
    build(Options(source, vault))
    assert len(seen) == len(list(source.iterdir()))   # once per issue, when it is extracted
    seen.clear()
    reword(source)
    result = build(Options(source, vault))
    assert len(seen) == 1 and result.report.updated  # the edited issue only: the rest come from the build state


@pytest.mark.parametrize("edit, merges", [
    ("\nAlso worth a look: [a new tool](https://example.org/tools/new-tool).\n", 0),
    ("\nZorblax Robotics released Zorblax Studio. Zorblax Robotics is hiring.\n", 1),
], ids=["candidates-unchanged", "new-entity"])
def test_a_new_process_takes_the_last_merges_entities_while_every_issues_candidates_are_the_same(
        source, tmp_path, monkeypatch, edit, merges):
    """The entities of the last merge are kept in the build state (mentions.StoredMerge): an edit that leaves every
    issue's candidates as they were takes them again instead of merging; the vault is the one a merge makes."""
    from vaultgen import resolve
    vault = tmp_path / "vault"
    build(Options(source, vault))
    path = source / EDITED
    path.write_text(path.read_text(encoding="utf-8") + edit, encoding="utf-8")
    merged: list[int] = []
    real = resolve._merge
    monkeypatch.setattr(resolve, "_merge", lambda by_source, *a: merged.append(len(by_source)) or real(by_source, *a))
    result = build(Options(source, vault))
    assert result.report.updated and len(merged) == merges
    monkeypatch.undo()
    assert contents(files(vault)) == contents(from_scratch(source, tmp_path / "fresh"))
    assert any("Zorblax Robotics" in rel for rel in files(vault)) == bool(merges)
