"""`vaultgen build --dry-run --diff`: every change shown as a unified diff, nothing on disk touched."""
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from vaultgen.cli import main
from vaultgen.pipeline import Options, build
from vaultgen.planned import PlannedWrite

BATCH = "003_87e5efa75a85db55.txt"   # The Batch, 2019-08-07: "Dear friends," opens it
BATCH_NOTE = "Issues/The Batch/2019-08-07 Bach to the Future.md"


@pytest.fixture
def built(tmp_path):
    source, vault = tmp_path / "issues", tmp_path / "vault"
    shutil.copytree(SAMPLES, source)
    assert build(Options(source, vault)).exit_code == 0
    return source, vault


def snapshot(root):
    """Every file and folder under root, the state and lock included: bytes, mtime and mode."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            data = None if os.path.isdir(path) else open(path, "rb").read()
            out[os.path.relpath(path, root)] = (data, st.st_mtime_ns, st.st_mode)
    return out


def run(*args):
    result = CliRunner().invoke(main, ["build", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output


def test_diff_shows_an_edited_source_and_touches_nothing(built):
    source, vault = built
    (source / BATCH).write_text((source / BATCH).read_text().replace("Dear friends,", "Dear readers,"))
    note = vault / BATCH_NOTE
    note.write_text(note.read_text() + "My own words stay.\n")  # the user's tail is part of what is compared
    before = snapshot(vault)
    output = run(source, vault, "--dry-run", "--diff")
    assert snapshot(vault) == before
    assert f"--- a/{BATCH_NOTE}\n+++ b/{BATCH_NOTE}\n" in output
    assert "\n-Dear friends,\n+Dear readers,\n" in output
    assert "My own words stay." not in output  # unchanged, so outside the diff's context lines
    assert output.rstrip().splitlines()[-1].startswith("Dry run: ")
    assert "1 updated" in output
    # --diff alone is a preview too; and the real build then writes exactly what was shown.
    assert run(source, vault, "--diff") == output
    assert snapshot(vault) == before
    run(source, vault)
    assert "Dear readers," in note.read_text() and note.read_text().endswith("My own words stay.\n")


def test_diff_of_a_vault_in_step_is_empty(built):
    source, vault = built
    before = snapshot(vault)
    output = run(source, vault, "--diff", "-q")
    assert output == "" and snapshot(vault) == before


def test_removed_and_new_notes_diff_against_dev_null(built, tmp_path):
    source, vault = built
    (source / BATCH).unlink()
    before = snapshot(vault)
    output = run(source, vault, "--diff", "-q")
    assert snapshot(vault) == before
    assert f"--- a/{BATCH_NOTE}\n+++ /dev/null\n" in output
    assert f"+++ b/{BATCH_NOTE}" not in output

    fresh = tmp_path / "fresh"
    output = run(source, fresh, "--diff", "-q")
    assert "--- /dev/null\n+++ b/Issues/Dynamically Typed/" in output
    assert not list(fresh.rglob("*.md"))


def test_json_carries_diffs_only_when_asked(built):
    source, vault = built
    (source / BATCH).write_text((source / BATCH).read_text().replace("Dear friends,", "Dear readers,"))
    report = json.loads(run(source, vault, "--dry-run", "--json", "--diff"))
    assert report["dry_run"] is True
    diffs = {d["path"]: d["diff"] for d in report["diffs"]}
    assert "+Dear readers," in diffs[BATCH_NOTE] and set(diffs) == set(report["updated"])
    assert "diffs" not in json.loads(run(source, vault, "--dry-run", "--json"))


def test_a_planned_write_diffs_like_git():
    assert PlannedWrite("a.md", "x\ny", "x\nz\n").diff() == (
        "--- a/a.md\n+++ b/a.md\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n")
    moved = PlannedWrite("New.md", "same\u2028line\n", "same\u2028line!\n", moved_from="Old.md").diff()
    assert moved.startswith("--- a/Old.md\n+++ b/New.md\n") and "-same\u2028line\n+same\u2028line!\n" in moved


def test_a_dry_run_into_a_vault_that_does_not_exist_creates_nothing(tmp_path):
    vault = tmp_path / "new" / "vault"
    run = subprocess.run([sys.executable, "-m", "vaultgen", "build", str(SAMPLES), str(vault), "--dry-run", "--json"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["dry_run"] and len(report["created"]) > 5 and not (tmp_path / "new").exists()
