"""Hostile and broken input: each file gets a clear message, the rest of the build goes on, nothing escapes VAULT."""
import codecs
import json
import os
import subprocess
import sys
import unicodedata

import pytest
import yaml

from vaultgen.check import check_vault
from vaultgen.pipeline import Options, build

GOOD = "---\ntitle: A good issue\ndate: 2020-01-05\n---\n\nHello [PyTorch](https://pytorch.org/?utm_source=x).\n"


def run(tmp_path, files: dict[str, bytes | str]):
    source, vault = tmp_path / "src", tmp_path / "vault"
    source.mkdir(exist_ok=True)
    (source / "good.md").write_text(GOOD)
    for name, content in files.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    before = set(tmp_path.rglob("*"))
    result = build(Options(source, vault))
    messages = {e.path: e.reason for e in result.errors + result.partial + result.warnings}
    issues = {}
    for note in (vault / "Issues").rglob("*.md"):
        meta = yaml.safe_load(note.read_text().split("---\n")[1])
        issues[meta["source"]] = (note, meta)
    outside = {p for p in set(tmp_path.rglob("*")) - before if not p.is_relative_to(vault)}
    assert outside == set(), "nothing is written outside VAULT"
    assert check_vault(vault) == {}
    assert "good.md" in issues, "the rest of the build goes on"
    return result, messages, issues


@pytest.mark.parametrize("title", ["../../escape", "/etc/passwd", "..\\..\\win", "CON", "nul.txt",
                                   "What's [new]: a|b #1 ^ * ? \" < >", "x" * 300, "深度学习的未来" * 40,
                                   "   ", ".hidden", "trailing. "])
def test_hostile_titles_give_legal_names_inside_the_vault(tmp_path, title):
    result, _, issues = run(tmp_path, {"evil.md": f"---\ntitle: {json.dumps(title)}\n---\n\nBody.\n"})
    note, meta = issues["evil.md"]
    assert note.is_relative_to(tmp_path / "vault/Issues")
    assert len(note.name.encode()) <= 240
    assert result.exit_code == 0


def test_names_differing_in_case_or_normalisation_get_distinct_notes(tmp_path):
    nfd = unicodedata.normalize("NFD", "Café")
    files = {"a.md": "---\ntitle: Note\n---\nA\n", "b.md": "---\ntitle: NOTE\n---\nB\n",
             "c.md": f"---\ntitle: {nfd}\n---\nC\n", "d.md": "---\ntitle: Café\n---\nD\n"}
    _, _, issues = run(tmp_path, files)
    stems = [issues[f"{n}.md"][0].stem.casefold() for n in "abcd"]
    assert len({unicodedata.normalize("NFC", s) for s in stems}) == 4


@pytest.mark.parametrize("name,content,reason", [
    ("broken.md", "---\ntitle: [oops\n---\nbody\n", "not valid YAML"),
    ("bomb.md", "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\nbody\n", "aliases are not allowed"),
    ("list.md", "---\n- just\n- a list\n---\nbody\n", "not a mapping"),
])
def test_bad_frontmatter_is_kept_as_text_and_warned(tmp_path, name, content, reason):
    result, messages, issues = run(tmp_path, {name: content})
    assert reason in messages[name]
    assert result.exit_code == 2
    assert name in issues and "body" in issues[name][0].read_text()


def test_yaml_implicit_typing_does_not_change_values(tmp_path):
    _, _, issues = run(tmp_path, {"no.md": "---\ntitle: NO\nnumber: '007'\ndate: 2020-02-30\n---\nx\n"})
    meta = issues["no.md"][1]
    assert meta["title"] == "NO" and meta["number"] == 7 and "date" not in meta


@pytest.mark.parametrize("name,content,reason", [
    ("empty.md", b"", "empty file"),
    ("blank.md", b"  \n\n\t\n", "empty file"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
])
def test_unreadable_files_are_reported_and_skipped(tmp_path, name, content, reason):
    result, messages, issues = run(tmp_path, {name: content})
    assert reason in messages[name] and name not in issues
    assert result.exit_code == 2


def test_encodings(tmp_path):
    files = {"utf16.md": codecs.BOM_UTF16_LE + "# Ünïcode title\n\nText with ü.\n".encode("utf-16-le"),
             "latin.md": "# Caf\u00e9 title\n\nDéjà vu [x](https://a.com).\n".encode("cp1252")}
    result, messages, issues = run(tmp_path, files)
    assert issues["utf16.md"][1]["title"] == "Ünïcode title"
    assert issues["latin.md"][1]["title"] == "Café title"
    assert "not valid UTF-8" in messages["latin.md"]
    assert result.exit_code == 0


def test_huge_file_is_refused_with_the_reason(tmp_path):
    big = b"# Big\n\n" + b"word " * (11 * 1024 * 1024)
    result, messages, issues = run(tmp_path, {"big.md": big})
    assert "limit" in messages["big.md"] and "big.md" not in issues


def test_fifo_and_symlink_out_of_source(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    os.mkfifo(source / "pipe.md")
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nnot for the vault\n")
    (source / "link.md").symlink_to(secret)
    result, messages, issues = run(tmp_path, {})
    assert "not a regular file" in messages["pipe.md"]
    assert "outside SOURCE" in messages["link.md"]
    assert "link.md" not in issues and "pipe.md" not in issues


def test_obsidian_code_in_newsletter_text_is_inert(tmp_path):
    body = ("# Title\n\n```dataviewjs\ndv.paragraph('x')\n```\n\nSee [[Secret Note]] and %% hidden %% "
            "and <% tp.system.prompt() %> and `$= dv.current()`.\n")
    _, _, issues = run(tmp_path, {"code.md": body})
    text = issues["code.md"][0].read_text()
    assert "```dataviewjs" not in text and "<%" not in text and "`$=" not in text
    assert "[[Secret Note]]" not in text and "%% hidden" not in text


def test_index_lines_that_point_elsewhere_are_ignored(tmp_path):
    files = {"sub/_index.jsonl": '{"file": "../good.md", "title": "Hijack"}\nnot json\n{"file": "x.md", "title": "Fine"}\n',
             "sub/x.md": "# Original\n\nText.\n"}
    result, messages, issues = run(tmp_path, files)
    assert issues["good.md"][1]["title"] == "A good issue"
    assert issues["sub/x.md"][1]["title"] == "Fine"
    assert any("ignored index line" in reason for reason in messages.values())


def test_editor_droppings_and_os_metadata_are_not_issues(tmp_path):
    files = {"good.md~": GOOD, "#good.md#": GOOD, "Thumbs.db": b"\x00\x01binary", "notes.md.swp": b"\x00swap",
             "4913": "", "draft.md.bak": GOOD}
    result, messages, issues = run(tmp_path, files)
    assert set(issues) == {"good.md"} and result.exit_code == 0 and not messages


@pytest.mark.parametrize("nesting", ["a: " + "[" * 100_000 + "]" * 100_000, "a:\n" + "- " * 100_000 + "x",
                                     "a:\n" + "? " * 100_000 + "x", "a:\n- " + "- ? " * 50_000 + "x"])
def test_frontmatter_nested_a_hundred_thousand_deep_is_reported_not_a_crash(tmp_path, nesting):
    """libyaml's loader segfaults on such input: the build must go on, with the file named."""
    source, vault = tmp_path / "issues", tmp_path / "vault"
    source.mkdir()
    (source / "deep.md").write_text(f"---\n{nesting}\n---\n# Deep\n\nText.\n", encoding="utf-8")
    (source / "fine.md").write_text("---\ntitle: Fine\n---\n# Fine\n\nText.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "vaultgen", "build", str(source), str(vault)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2, run.stderr
    assert "deep.md" in run.stderr and len(list((vault / "Issues").rglob("*.md"))) == 2


def test_a_users_note_nested_past_the_limit_is_kept_and_check_reports_it(tmp_path):
    source, vault = tmp_path / "issues", tmp_path / "vault"
    source.mkdir()
    (source / "fine.md").write_text("---\ntitle: Fine\n---\n# Fine\n\nText.\n", encoding="utf-8")
    build(Options(source, vault))
    mine = vault / "Mine.md"
    mine.write_text("---\nk: " + "[" * 5000 + "]" * 5000 + "\n---\nMy words.\n", encoding="utf-8")
    assert build(Options(source, vault)).exit_code == 0
    assert mine.read_text(encoding="utf-8").endswith("My words.\n")
    assert any("Mine.md" in line for lines in check_vault(vault).values() for line in lines)
