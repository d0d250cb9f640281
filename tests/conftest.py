"""Shared fixtures; the repo root goes on sys.path so tests run from a checkout too."""
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run ("ci", the default: a red CI is a regression, never the luck
# of a draw); HYPOTHESIS_PROFILE=explore draws fresh ones, ten times as many, to look for new failures.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLES = ROOT / "issues"


@pytest.fixture
def corpus():
    """The real archives beside the repo; tests that need them skip when they are absent."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


def note(body="Generated body.", title="T", nid="issue:a.md", path="Issues/A.md"):
    """An issue note as the planner would hand it to the writer."""
    from vaultgen.model import Note
    return Note(nid, "issue", path, {"type": "issue", "title": title, "tags": ["x"], "vaultgen_id": nid}, body)


def write(root, notes):
    """One writer run over a vault folder, as a build does: open, locate, write, save the manifest."""
    from vaultgen.writer import Vault
    vault = Vault(root).open()
    try:
        report = vault.write(notes, vault.locate())
        vault.save_manifest()
        return report
    finally:
        vault.close()
