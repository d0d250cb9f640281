"""The command line, as users and scripts see it: exit codes, messages, outputs."""
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from vaultgen import __version__
from vaultgen.cli import main


def run(*args, cwd=None):
    # The checkout first on the path: the same code as the in-process tests, installed or not.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "vaultgen", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=env)


@pytest.fixture
def issues(tmp_path):
    folder = tmp_path / "issues"
    shutil.copytree(SAMPLES, folder)
    return folder


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_commands_help_has_examples(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Examples:\n" in result.output, result.output
    examples = result.output.split("Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples and all(line.lstrip().startswith("vaultgen ") for line in examples), result.output
    assert any(line.lstrip().startswith(f"vaultgen {command}") for line in examples)


def test_build_defaults_to_issues_into_vault_and_exits_0(issues):
    result = run("build", cwd=issues.parent)
    assert result.returncode == 0, result.stderr
    assert len(list((issues.parent / "vault/Issues").rglob("*.md"))) == 5
    assert run("check", cwd=issues.parent).returncode == 0


def test_broken_yaml_exits_2_names_the_file_and_exports_the_rest(issues, tmp_path):
    (issues / "broken.md").write_text("---\ntitle: [unclosed\ndate: 2020-01-01\n---\nBody text.\n")
    (issues / "empty.md").write_text("")
    (issues / "binary.md").write_bytes(b"\x00\x01\x02PNG" * 10)
    result = run("build", issues, tmp_path / "out")
    assert result.returncode == 2
    assert "broken.md" in result.stderr and "not valid YAML" in result.stderr
    assert "empty.md: empty file" in result.stderr
    assert "binary.md" in result.stderr and "binary" in result.stderr
    notes = list((tmp_path / "out/Issues").rglob("*.md"))
    assert len(notes) == 6  # the five samples and the broken one, its frontmatter kept as text
    broken = next(n for n in notes if "source: broken.md" in n.read_text())
    assert "title: [unclosed" in broken.read_text()


def test_run_failure_exits_1(issues, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("build", issues, blocker)
    assert result.returncode == 1 and "is not a folder" in result.stderr
    assert run("build", tmp_path / "missing", tmp_path / "v").returncode == 1
    assert run("build", "--no-such-option").returncode == 1


def test_check_reports_problems_with_exit_1(issues, tmp_path):
    vault = tmp_path / "v"
    assert run("build", issues, vault).returncode == 0
    (vault / "Mine.md").write_text("A link to [[Nowhere]].\n")
    result = run("check", vault)
    assert result.returncode == 1 and "broken link" in result.stdout and "Nowhere" in result.stdout


def test_json_report_and_dry_run(issues, tmp_path):
    vault = tmp_path / "v"
    result = run("build", issues, vault, "--dry-run", "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["dry_run"] is True and len(report["created"]) > 5
    assert not list(vault.rglob("*.md"))
    result = run("build", issues, vault, "--json")
    assert json.loads(result.stdout)["notes"]["issue"] == 5


def test_vaultgen_toml_sets_defaults(issues, tmp_path):
    (tmp_path / "vaultgen.toml").write_text('source = "issues"\nvault = "elsewhere"\n')
    assert run("build", cwd=tmp_path).returncode == 0
    assert (tmp_path / "elsewhere/Home.md").exists()
    (tmp_path / "vaultgen.toml").write_text('sauce = "issues"\n')
    result = run("build", cwd=tmp_path)
    assert result.returncode == 1 and "unknown key 'sauce'" in result.stderr


def test_init_creates_a_vault_and_never_overwrites(tmp_path):
    vault = tmp_path / "v"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian/app.json").write_text('{"mine": true, "useMarkdownLinks": true}')
    result = CliRunner().invoke(main, ["init", str(vault)])
    assert result.exit_code == 0, result.output
    assert (vault / "Home.md").exists() and (vault / ".gitignore").exists()
    # The user's own settings file is not touched (the contract); the build says where vaultgen's is.
    assert (vault / ".obsidian/app.json").read_text() == '{"mine": true, "useMarkdownLinks": true}'
    assert "app.json: yours, left as it is" in result.output
    (vault / "Home.md").write_text("my home")
    CliRunner().invoke(main, ["init", str(vault)])
    assert (vault / "Home.md").read_text() == "my home"


def test_user_template_override_and_broken_template(issues, tmp_path):
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "resource.md.j2").write_text("Custom resource {{ url }}\n")
    (tmp_path / "vaultgen.toml").write_text(f'source = "{issues}"\nvault = "v"\ntemplates = "tpl"\n')
    assert run("build", cwd=tmp_path).returncode == 0
    resource = next((tmp_path / "v/Resources").glob("*.md")).read_text()
    assert "Custom resource https://" in resource
    (templates / "issue.md.j2").write_text("line one\n{% if %}\n")
    result = run("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "issue.md.j2:2" in result.stderr and "template error" in result.stderr


def test_check_lists_orphans_and_conflicts(issues, tmp_path):
    vault = tmp_path / "v"
    assert run("build", issues, vault).returncode == 0
    notes = sorted((vault / "Issues").rglob("*.md"))
    notes[0].write_text(notes[0].read_text() + "\nmy words\n")
    edited = notes[1].read_text().replace("## ", "## Edited ", 1)
    notes[1].write_text(edited)
    source_of_first = next(line for line in notes[0].read_text().splitlines() if line.startswith("source: "))
    (issues / source_of_first.split(": ", 1)[1]).unlink()
    result = run("build", issues, vault)
    assert "kept your version" in result.stderr
    result = run("check", vault)
    assert "orphaned" in result.stdout and "kept as you edited them" in result.stdout
    assert notes[0].relative_to(vault).as_posix() in result.stdout


def test_a_users_file_keeps_its_name_and_the_build_says_so(issues, tmp_path):
    vault = tmp_path / "v"
    (vault / "Entities").mkdir(parents=True)
    (vault / "Entities/TensorFlow.md").write_text("my notes on TensorFlow\n")
    result = run("build", issues, vault)
    assert result.returncode == 0
    assert (vault / "Entities/TensorFlow.md").read_text() == "my notes on TensorFlow\n"
    assert "'TensorFlow' is the name of a note of yours" in result.stderr
    assert (vault / "Entities/TensorFlow (library).md").exists()
    result = run("check", vault)
    assert result.returncode == 0
    assert "Entities/TensorFlow.md is yours; vaultgen's note for 'TensorFlow' is Entities/TensorFlow (library).md" in result.stdout


@pytest.mark.parametrize("template", ["issue", "entity", "resource", "newsletter"])
def test_each_template_can_be_overridden_from_the_vault(issues, tmp_path, template):
    vault = tmp_path / "v"
    (vault / ".vaultgen/templates").mkdir(parents=True)
    (vault / f".vaultgen/templates/{template}.md.j2").write_text(f"Custom {template} body\n")
    assert run("build", issues, vault).returncode == 0
    folder = {"issue": "Issues", "entity": "Entities", "resource": "Resources", "newsletter": "Newsletters"}[template]
    notes = list((vault / folder).rglob("*.md"))
    assert notes and all(f"Custom {template} body" in n.read_text() for n in notes)
    assert all("vaultgen_id:" in n.read_text() for n in notes)  # frontmatter still vaultgen's


def test_entities_lists_names_kinds_and_counts(issues):
    result = run("entities", issues, "--json")
    assert result.returncode == 0
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["TensorFlow"]["kind"] == "library" and rows["TensorFlow"]["mentions"] > 5
    assert "TensorFlow 2.0" in rows["TensorFlow"]["aliases"]
    plain = run("entities", issues).stdout.splitlines()
    assert any(line.split("\t")[2] == "TensorFlow" for line in plain)
