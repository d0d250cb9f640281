"""Golden vaults, one per source shape: tests/data/golden/<case>/input → tests/data/golden/<case>/expected.

After an intended change of output, regenerate and review the diff:
    VAULTGEN_REGEN=1 python -m pytest tests/test_golden.py
"""
import os
import shutil
from pathlib import Path

import pytest

from vaultgen.check import check_vault
from vaultgen.pipeline import Options, build

GOLDEN = Path(__file__).parent / "data/golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input").is_dir())
SKIP = {"lock", "state.sqlite"}


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in SKIP}


@pytest.mark.parametrize("case", CASES)
def test_golden_vault(case, tmp_path):
    result = build(Options(GOLDEN / case / "input", tmp_path / "vault"))
    assert result.exit_code == 0, [str(e) for e in result.errors + result.partial]
    assert check_vault(tmp_path / "vault") == {}
    actual = files(tmp_path / "vault")
    expected_dir = GOLDEN / case / "expected"
    if os.environ.get("VAULTGEN_REGEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, data in actual.items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_bytes(data)
    expected = files(expected_dir)
    assert sorted(actual) == sorted(expected)
    for rel in expected:
        assert actual[rel].decode() == expected[rel].decode(), rel
