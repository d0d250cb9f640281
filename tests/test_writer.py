"""The writer: atomic, skips unchanged bytes, keeps users' words, never touches foreign files."""
import os

import pytest
import yaml

from conftest import note, write
from vaultgen.errors import VaultError
from vaultgen.render import END_MARKER
from vaultgen.atomic import atomic_write
from vaultgen.writer import ORPHAN_TAG, Vault


def test_second_write_changes_nothing(tmp_path):
    write(tmp_path, [note()])
    target = tmp_path / "Issues/A.md"
    before = target.stat().st_mtime_ns
    report = write(tmp_path, [note()])
    assert report.unchanged == ["Issues/A.md"] and not report.updated
    assert target.stat().st_mtime_ns == before


def test_user_tail_and_properties_survive_a_rebuild(tmp_path):
    write(tmp_path, [note()])
    target = tmp_path / "Issues/A.md"
    text = target.read_text()
    text = text.replace("tags:", "rating: 5\ntags:", 1) + "\nMy own thoughts.\n"
    target.write_text(text)
    report = write(tmp_path, [note(body="New generated body.", title="T2")])
    assert report.updated == ["Issues/A.md"]
    new = target.read_text()
    meta = yaml.safe_load(new.split("---")[1])
    assert meta["rating"] == 5 and meta["title"] == "T2"
    assert list(meta)[:3] == ["type", "title", "rating"]  # the user's key order is kept
    assert "New generated body." in new and new.endswith(f"{END_MARKER}\n\nMy own thoughts.\n")


def test_hand_edited_generated_part_is_kept_and_reported(tmp_path):
    write(tmp_path, [note()])
    target = tmp_path / "Issues/A.md"
    target.write_text(target.read_text().replace("Generated body.", "I fixed a typo."))
    report = write(tmp_path, [note(body="Regenerated.")])
    assert report.preserved == ["Issues/A.md"]
    assert "I fixed a typo." in target.read_text()


def test_foreign_files_are_never_overwritten(tmp_path):
    (tmp_path / "Issues").mkdir()
    (tmp_path / "Issues/A.md").write_text("mine")
    report = write(tmp_path, [note()])
    assert (tmp_path / "Issues/A.md").read_text() == "mine"
    assert report.problems and "did not write" in report.problems[0]


def test_renamed_note_is_found_by_id_and_updated_in_place(tmp_path):
    write(tmp_path, [note()])
    (tmp_path / "Mine").mkdir()
    os.replace(tmp_path / "Issues/A.md", tmp_path / "Mine/Renamed.md")
    write(tmp_path, [note(body="Updated.")])
    assert "Updated." in (tmp_path / "Mine/Renamed.md").read_text()
    assert not (tmp_path / "Issues/A.md").exists()


def test_removed_source_deletes_untouched_and_orphans_edited(tmp_path):
    write(tmp_path, [note(), note(nid="issue:b.md", path="Issues/B.md")])
    (tmp_path / "Issues/B.md").write_text((tmp_path / "Issues/B.md").read_text() + "keep me\n")
    report = write(tmp_path, [])
    assert report.removed == ["Issues/A.md"] and report.orphaned == ["Issues/B.md"]
    assert not (tmp_path / "Issues/A.md").exists()
    kept = (tmp_path / "Issues/B.md").read_text()
    assert "keep me" in kept and ORPHAN_TAG in kept


def test_atomic_write_refuses_links_and_keeps_mode(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("x")
    os.chmod(real, 0o640)
    atomic_write(real, b"y")
    assert real.read_text() == "y" and (real.stat().st_mode & 0o777) == 0o640
    link = tmp_path / "link.md"
    link.symlink_to(real)
    with pytest.raises(VaultError):
        atomic_write(link, b"z")
    hard = tmp_path / "hard.md"
    os.link(real, hard)
    with pytest.raises(VaultError):
        atomic_write(hard, b"z")
    assert real.read_text() == "y"


def test_second_writer_is_refused(tmp_path):
    first = Vault(tmp_path).open()
    try:
        with pytest.raises(VaultError, match="another vaultgen"):
            Vault(tmp_path).open()
    finally:
        first.close()


def test_stale_temp_files_are_swept(tmp_path):
    write(tmp_path, [note()])
    stale = tmp_path / "Issues/.vaultgen-tmp-abc"
    stale.write_text("half")
    write(tmp_path, [note()])
    assert not stale.exists()


def test_a_new_note_has_the_mode_the_umask_gives(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "n.md", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "n.md").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["n.md"]  # no temp file left
