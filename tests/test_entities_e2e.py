"""Entities through whole builds: cross-issue linking, each gazetteer change on the next build, held-out scores."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import SHARED
from vaultgen.check import check_vault
from vaultgen.pipeline import Options, build

A = ("---\ntitle: First\ndate: 2020-01-01\n---\n\nI found [Spleeter](https://github.com/deezer/spleeter) by "
     "[Deezer](https://www.deezer.com/), a French music company.\nIt splits songs into stems with TensorFlow.\n")
B = ("---\ntitle: Second\ndate: 2020-02-01\n---\n\nThis week I tried Spleeter again, and Tensorflow 2.0 too.\n"
     "Climate Change AI (CCAI) launched a forum; CCAI also runs workshops.\nThe Zorblax Collective met too.\n")


def entities(vault: Path) -> dict[str, dict]:
    out = {}
    for path in (vault / "Entities").glob("*.md"):
        meta = yaml.safe_load(path.read_text().split("---\n")[1])
        out[path.stem] = meta
    return out


def issue_body(vault: Path, title: str) -> str:
    return next(p for p in (vault / "Issues").rglob("*.md") if f"title: {title}" in p.read_text()).read_text()


@pytest.fixture
def archive(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text(A)
    (source / "b.md").write_text(B)
    vault = tmp_path / "vault"
    assert build(Options(source, vault)).exit_code == 0
    return source, vault


def test_found_through_a_link_then_linked_from_a_plain_mention_elsewhere(archive):
    _, vault = archive
    assert "Spleeter" in entities(vault)
    second = issue_body(vault, "Second").split("---\n", 2)[2]
    assert "[[Spleeter]] again" in second
    assert "[[TensorFlow|Tensorflow]] 2.0" in second or "[[TensorFlow|Tensorflow 2.0]]" in second
    assert "Second" in (vault / "Entities/Spleeter.md").read_text()
    assert check_vault(vault) == {}


def test_gazetteer_changes_apply_on_the_next_build(archive):
    source, vault = archive
    (vault / "entities.yaml").write_text(yaml.safe_dump({
        "entities": [{"name": "Zorblax Collective", "kind": "organization"}],
        "kinds": {"Spleeter": "library"},
        "merge": [["Climate Change AI", "CCAI"]],
        "rename": {"Deezer": "Deezer SA"},
        "ban": ["TensorFlow"],
    }))
    assert build(Options(source, vault)).exit_code == 0
    after = entities(vault)
    assert after["Zorblax Collective"]["kind"] == "organization"                     # add
    assert after["Spleeter"]["kind"] == "library"                                    # kind
    assert "CCAI" not in after and "CCAI" in after["Climate Change AI"]["aliases"]   # merge
    assert "Deezer SA" in after and "Deezer" not in after                            # rename
    assert "TensorFlow" not in after and "Tensorflow" not in after                   # ban
    second = issue_body(vault, "Second")
    assert "[[Zorblax Collective]]" in second and "[[TensorFlow" not in second
    assert check_vault(vault) == {}


def test_an_invalid_gazetteer_fails_the_run_naming_the_file(archive):
    source, vault = archive
    (vault / "entities.yaml").write_text("kinds: [not, a, mapping\n")
    from vaultgen.errors import ConfigError
    with pytest.raises(ConfigError, match="entities.yaml"):
        build(Options(source, vault))


BATCH = ("<h2>Cube Controversy</h2><p>A robotic hand solved the cube.<br><br><strong>What’s new:</strong> "
         "Researchers at Zorblax Robotics <a href='https://zorblax.example/hand'>trained</a> a hand.<br><br>"
         "<strong>Why it matters:</strong> Zorblax Robotics shows that dexterity can be learned.</p>"
         "<h2>Second Story</h2><p><strong>We’re thinking:</strong> Zorblax Robotics should try knots.</p>")


def test_an_entity_in_a_callout_is_linked_and_its_sentences_read_plainly(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "batch.html").write_text(BATCH)
    vault = tmp_path / "vault"
    assert build(Options(source, vault)).exit_code == 0
    body = next((vault / "Issues").rglob("*.md")).read_text().split("---\n", 2)[2]
    assert ("> [!note] What’s new\n> Researchers at [[Zorblax Robotics]] [trained](https://zorblax.example/hand)"
            in body)
    assert "> [!important] Why it matters\n> Zorblax Robotics shows" in body  # first mention per section
    assert "> [!quote] We’re thinking\n> [[Zorblax Robotics]] should try knots." in body
    note = (vault / "Entities/Zorblax Robotics.md").read_text()
    sentences = [line.strip()[2:] for line in note.split("\n") if line.startswith("    - ")]
    assert "Researchers at Zorblax Robotics trained a hand." in sentences
    assert not [s for s in sentences if s.startswith((">", "[!"))]
    resource = next((vault / "Resources").glob("zorblax*.md")).read_text()
    assert "- What’s new: Researchers at Zorblax Robotics trained a hand." in resource
    assert check_vault(vault) == {}


HELDOUT = Path(__file__).resolve().parent.parent / "bench" / "heldout"


def test_held_out_issues_keep_their_entity_score(tmp_path):
    """Seventy-two issues of shapes vaultgen was not tuned on (bench/heldout), scored by ../shared's score_vault
    against their hand labels: 0.897 F1 with the last six added after their fixes; the floor catches a change that
    loses names on unseen input."""
    script = SHARED / "eval" / "score_vault.py"
    if not script.is_file():
        pytest.skip("../shared/eval is not present")
    vault = tmp_path / "vault"
    assert build(Options(HELDOUT / "issues", vault)).exit_code == 0
    run = subprocess.run([sys.executable, str(script), str(vault), "--gold", str(HELDOUT / "gold")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "PROBLEM" not in run.stdout, run.stdout
    scores = re.search(r"entities: precision=([\d.]+) recall=([\d.]+) f1=([\d.]+)", run.stdout)
    precision, recall, f1 = map(float, scores.groups())
    assert precision >= 0.9 and recall >= 0.87 and f1 >= 0.885, run.stdout
