"""Shared fixtures; the repo root goes on sys.path so tests run from a checkout too."""
import sys
from pathlib import Path

import pytest

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
