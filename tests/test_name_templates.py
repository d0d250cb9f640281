"""Names and folders from templates ([names] in vaultgen.toml): placed by the naming rules, moved by id on a change."""
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings, strategies as st

from conftest import ROOT, SAMPLES, SHARED, note, write
from vaultgen import frontmatter_io, layout, naming
from vaultgen.check import check_vault
from vaultgen.errors import ConfigError
from vaultgen.config import load_config
from vaultgen.layout import Layout
from vaultgen.model import Issue
from vaultgen.naming import ILLEGAL, _RESERVED
from vaultgen.pipeline import Options, build

CUSTOM = Layout(issue="Archive/{newsletter}/{year}/{date} {title}", entity="Things/{kind}/{name}",
                resource="Links/{domain}/{name}", newsletter="Letters/{name}")


@pytest.fixture
def source(tmp_path) -> Path:
    folder = tmp_path / "issues"
    shutil.copytree(SAMPLES, folder)
    return folder


def notes_by_id(vault: Path) -> dict[str, list[Path]]:
    """Every note of vaultgen's, by id: a list, so that a duplicate shows."""
    found: dict[str, list[Path]] = {}
    for path in sorted(vault.rglob("*.md")):
        if ".vaultgen" in path.parts or ".obsidian" in path.parts:
            continue
        meta, _ = frontmatter_io.parse_note(path.read_text(encoding="utf-8"))
        if meta and meta.get("vaultgen_id"):
            found.setdefault(meta["vaultgen_id"], []).append(path)
    return found


def meta_of(path: Path) -> dict:
    return frontmatter_io.parse_note(path.read_text(encoding="utf-8"))[0]


def rel(vault: Path, path: Path) -> str:
    return path.relative_to(vault).as_posix()


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "vaultgen", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


# -- placing notes ---------------------------------------------------------------------------------------------
def test_each_note_type_goes_in_its_templates_folders(source, tmp_path):
    vault = tmp_path / "vault"
    result = build(Options(source, vault, names=CUSTOM))
    assert result.exit_code == 0 and not result.report.problems
    assert check_vault(vault) == {}
    ids = notes_by_id(vault)
    assert all(len(paths) == 1 for paths in ids.values())
    for note_id, (path, ) in ids.items():
        meta, where = meta_of(path), rel(vault, path)
        if meta["type"] == "issue":
            date = meta.get("date")
            folder = f"Archive/{meta['newsletter']}/{date.year}" if date else f"Archive/{meta['newsletter']}"
            assert str(PurePosixPath(where).parent) == folder, where
            assert path.stem.startswith(f"{date.isoformat()} ") if date else not path.stem[:4].isdigit()
        elif meta["type"] == "entity":
            assert PurePosixPath(where).parent == PurePosixPath("Things", meta["kind"]), where
        elif meta["type"] == "resource":
            assert PurePosixPath(where).parent == PurePosixPath("Links", meta["domain"]), where
        elif meta["type"] == "newsletter":
            assert where.startswith("Letters/")
    assert not (vault / "Issues").exists() and not (vault / "Entities").exists()
    assert (vault / "Entities.md").exists(), "index notes keep their places"


def test_an_issue_without_a_date_collapses_cleanly():
    issue = Issue("a/b.md", "", title="Big news", newsletter="Weekly", number=3)
    values = layout.issue_values(issue, "Weekly 3 - Big news", "Big news")
    assert layout.place("issue", "Issues/{newsletter}/{year}/{date} {title}", values, "x") == \
        layout.place("issue", "Issues/{newsletter}/{title}", values, "x") == layout.Place("Issues/Weekly", "Big news")
    assert layout.place("issue", "{newsletter} #{number} - {date} - {title} ({year})", values, "x").name == \
        "Weekly #3 - Big news"
    dated = Issue("a/b.md", "", title="Big news", newsletter="Weekly", date=dt.date(2024, 5, 1))
    values = layout.issue_values(dated, "2024-05-01 Big news", "Big news")
    assert layout.place("issue", "I/{year}/{month}/{day} {title} ({stem})", values, "x") == \
        layout.Place("I/2024/05", "01 Big news (b)")


@pytest.mark.parametrize("title,date,name", [
    ("Data Elixir - Issue 498", None, "Data Elixir 498"),
    ("Papers with Code Newsletter #18", None, "Papers with Code Newsletter 18"),
    ("Issue 498", dt.date(2024, 8, 6), "2024-08-06 Data Elixir 498"),
    ("Data Elixir #498: Llama 3.1 and SAM 2", None, "Data Elixir 498 - Llama 3.1 and SAM 2"),
    ("Issue 498 of the year", None, "Data Elixir 498 - Issue 498 of the year"),
])
def test_an_issue_whose_title_only_numbers_it_is_named_once_by_newsletter_and_number(title, date, name):
    from vaultgen.notes import _issue_name
    newsletter = "Papers with Code Newsletter" if title.startswith("Papers") else "Data Elixir"
    number = 18 if title.startswith("Papers") else 498
    assert _issue_name(Issue("a.html", "", title=title, newsletter=newsletter, number=number, date=date)) == name


def test_a_field_value_never_makes_a_folder_or_an_illegal_name():
    values = layout.resource_values("x", "AI/ML: a review?", "point.md", "article")
    place = layout.place("resource", "R/{domain}/{title}", values, "fallback")
    assert place.folder == "R/point md" and naming.legal_name(place.name) == "AI ML - a review"
    assert layout.place("resource", "R/{kind}/{title}", layout.resource_values("x", None, "d", "pdf"),
                        "fallback").name == "fallback", "an empty name falls back to the default one"


def test_defaults_are_todays_layout():
    assert Layout().recorded() == {}
    assert Layout(entity="Entities/{kind}/{name}").recorded() == {"entity": "Entities/{kind}/{name}"}
    assert Layout.from_recorded({"entity": "E/{name}", "bogus": 1, "issue": "{nope}"}) == Layout(entity="E/{name}")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({f: st.one_of(st.none(), st.text(max_size=60)) for f in layout.FIELDS["issue"]}),
                min_size=1, max_size=12),
       st.sampled_from(["Issues/{newsletter}/{name}", "{newsletter}/{year}/{month}/{date} {title}",
                        "A/{title}/{stem}/{number} - {title}", "{title}", "{day}.{month}.{year} {newsletter}"]))
def test_any_field_values_give_legal_unique_names(values, template):
    requests, folders = [], []
    for n, fields in enumerate(values):
        place = layout.place("issue", template, fields, f"Issue {n}")
        requests.append(naming.Request(f"issue:{n}", place.name))
        folders.append(place.folder)
    names = naming.assign(requests)
    assert len({naming.key(n) for n in names.values()}) == len(values)
    for name in names.values():
        assert name and name == name.strip() and not name.endswith(".") and not name.startswith(".")
        assert not set(name) & set(ILLEGAL) and name.split(".")[0].casefold() not in _RESERVED
        assert len(f"{name}.md".encode()) <= 240 and not name.lower().endswith(".md")
    for folder in folders:
        assert "//" not in folder and not folder.startswith("/") and not folder.endswith("/")
        for segment in filter(None, folder.split("/")):
            assert segment == naming.legal_name(segment, limit=layout.FOLDER_BYTES) and not segment.startswith(".")
            assert not segment.lower().endswith(".md")


def test_folders_differing_only_in_case_are_one():
    assert layout.one_spelling(["A/The Batch", "a/the batch/2020", "B"]) == \
        {"A/The Batch": "A/The Batch", "a/the batch/2020": "A/The Batch/2020", "B": "B"}


# -- the configuration ---------------------------------------------------------------------------------------
def test_names_table_in_vaultgen_toml(tmp_path):
    (tmp_path / "vaultgen.toml").write_text('[names]\nentity = "Entities/{kind}/{name}"\n')
    assert load_config(tmp_path).names == Layout(entity="Entities/{kind}/{name}")


@pytest.mark.parametrize("table, key, words", [
    ('issue = "Issues/{titel}"', "names.issue", "unknown field {titel}"),
    ('entity = "Entities/{name:>5}"', "names.entity", "only plain fields"),
    ('resource = "Resources//{name}"', "names.resource", "empty folder name"),
    ('newsletter = "Newsletters/all"', "names.newsletter", "no field in the note name"),
    ('issue = "Issues/{name"', "names.issue", "not a valid template"),
    ('issue = 3', "names.issue", "must be a string"),
    ('note = "{name}"', "names.note", "unknown key"),
])
def test_a_bad_template_is_an_error_naming_the_key(tmp_path, table, key, words):
    (tmp_path / "vaultgen.toml").write_text(f"[names]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.path.endswith("vaultgen.toml") and key in caught.value.reason and words in caught.value.reason


def test_a_bad_template_exits_1_naming_vaultgen_toml_and_the_key(tmp_path):
    (tmp_path / "vaultgen.toml").write_text('[names]\nissue = "Issues/{newsletter}/{titel}"\n')
    run = cli("build", SAMPLES, tmp_path / "vault", cwd=tmp_path)
    assert run.returncode == 1 and "vaultgen.toml" in run.stderr and "names.issue" in run.stderr
    assert "{titel}" in run.stderr and not (tmp_path / "vault").exists()


# -- changing a template ---------------------------------------------------------------------------------------
def test_a_template_change_moves_notes_by_id_and_keeps_the_users_words(source, tmp_path):
    vault = tmp_path / "vault"
    assert build(Options(source, vault)).exit_code == 0
    before = {i: paths[0] for i, paths in notes_by_id(vault).items()}
    issue_id = "issue:000_08b7c5cf3f2cafef.txt"
    issue = before[issue_id]
    issue.write_text(issue.read_text().replace("\ntype: issue", "\nread: true\ntype: issue", 1) + "\nMy notes.\n")
    entity_ids = sorted(i for i in before if i.startswith("entity:"))
    kept_id, moved_id, renamed_id = entity_ids[:3]
    kept = before[kept_id]
    kept.write_text(kept.read_text() + "\nAn entity I care about.\n")
    (vault / "Mine").mkdir()
    hand_moved = vault / "Mine" / before[moved_id].name
    os.replace(before[moved_id], hand_moved)
    hand_renamed = before[renamed_id].with_name("My own name.md")
    os.replace(before[renamed_id], hand_renamed)
    (vault / "My ideas.md").write_text(f"See [[{issue.stem}]].\n")
    assert build(Options(source, vault)).exit_code == 0  # a build between the user's moves and the change

    result = build(Options(source, vault, names=CUSTOM))
    assert result.exit_code == 0 and not result.report.problems
    after = notes_by_id(vault)
    assert after.keys() == before.keys() and all(len(paths) == 1 for paths in after.values()), "no duplicates"
    after = {i: paths[0] for i, paths in after.items()}
    assert not issue.exists() and rel(vault, after[issue_id]).startswith("Archive/Dynamically Typed/2019/")
    text = after[issue_id].read_text()
    assert text.endswith("\nMy notes.\n") and meta_of(after[issue_id])["read"] is True
    renamed = [i for i in before if before[i].stem != after[i].stem and i not in (moved_id, renamed_id)]
    assert "issue:002_9bee8cc4421629a8.txt" in renamed  # undated: '{date} {title}' is its title alone
    for i in set(before) - {moved_id, renamed_id}:
        aliases = meta_of(after[i]).get("aliases", [])
        assert (before[i].stem in aliases) == (i in renamed), "an old name is an alias: [[Old name]] is findable"
    assert rel(vault, after[kept_id]).startswith("Things/") and "An entity I care about." in after[kept_id].read_text()
    assert after[moved_id] == hand_moved and after[renamed_id] == hand_renamed, "the user's choice stays"
    assert not (vault / "Issues").exists() and not (vault / "Resources").exists(), "emptied folders go"
    assert (vault / "My ideas.md").read_text() == f"See [[{issue.stem}]].\n", "the user's own notes are untouched"
    notice = next(n for n in result.notices if "names." in n)
    assert f"{len(renamed)} notes renamed" in notice and "2 notes you moved, renamed or edited" in notice
    assert check_vault(vault) == {}
    run = cli("check", vault)
    assert run.returncode == 0, run.stdout
    assert build(Options(source, vault, names=CUSTOM)).skipped


def test_a_title_edit_keeps_the_name_and_a_change_back_restores_it(source, tmp_path):
    vault = tmp_path / "vault"
    build(Options(source, vault))
    default_names = {i: p[0].stem for i, p in notes_by_id(vault).items()}
    build(Options(source, vault, names=CUSTOM))
    custom = {i: p[0] for i, p in notes_by_id(vault).items()}
    edited = source / "002_9bee8cc4421629a8.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("One AI model", "Two AI models", 1), encoding="utf-8")
    build(Options(source, vault, names=CUSTOM))
    issue_id = "issue:002_9bee8cc4421629a8.txt"
    assert notes_by_id(vault)[issue_id] == [custom[issue_id]], "an unchanged template does not rename"
    result = build(Options(source, vault))  # back to the defaults
    assert not result.report.problems
    back = {i: p[0] for i, p in notes_by_id(vault).items()}
    renamed = [i for i in back if i.startswith("issue:")]
    assert {i: back[i].stem for i in back if i != issue_id} == {i: n for i, n in default_names.items() if i != issue_id}
    assert back[issue_id].stem.endswith("Two AI models, four competing services"), "the template's name, from now"
    for i in renamed:
        aliases = meta_of(back[i])["aliases"]
        assert (custom[i].stem in aliases) == (custom[i].stem != back[i].stem) and back[i].stem not in aliases
    assert any(custom[i].stem != back[i].stem for i in renamed)
    assert check_vault(vault) == {}
    manifest = (vault / ".vaultgen/manifest.json").read_text()
    assert '"names"' not in manifest, "the default templates are not recorded"


def test_a_moved_chain_of_names_resolves_and_a_cycle_is_reported(tmp_path):
    def placed(nid, path):
        return note("Body.", nid, nid, path)

    write(tmp_path, [placed("a", "X.md"), placed("b", "Y.md")])
    report = write(tmp_path, [placed("a", "Y.md"), placed("b", "F/Z.md")])  # a takes the name b leaves
    assert not report.problems
    assert meta_of(tmp_path / "Y.md")["vaultgen_id"] == "a" and meta_of(tmp_path / "F/Z.md")["vaultgen_id"] == "b"
    assert not (tmp_path / "X.md").exists()
    report = write(tmp_path, [placed("a", "F/Z.md"), placed("b", "Y.md")])  # a swap: neither can go first
    assert len(report.problems) == 2 and all("another file is there" in p for p in report.problems)
    assert meta_of(tmp_path / "Y.md")["vaultgen_id"] == "a" and meta_of(tmp_path / "F/Z.md")["vaultgen_id"] == "b"


def test_a_dry_run_of_a_template_change_moves_nothing(source, tmp_path):
    vault = tmp_path / "vault"
    build(Options(source, vault))
    before = sorted(p for p in vault.rglob("*") if p.is_file() and ".vaultgen" not in p.parts)
    result = build(Options(source, vault, names=CUSTOM, dry_run=True))
    assert sorted(p for p in vault.rglob("*") if p.is_file() and ".vaultgen" not in p.parts) == before
    moved = [w for w in result.report.planned if w.moved_from]
    assert moved and all(w.path.startswith(("Archive/", "Things/", "Links/", "Letters/")) for w in moved)


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from vaultgen.layout import Layout
    from vaultgen.pipeline import Options, build

    calls = [0]
    real = os.replace

    def replace(*args, **kwargs):
        calls[0] += 1
        if calls[0] > int(sys.argv[4]):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    os.replace = replace
    build(Options(Path(sys.argv[2]), Path(sys.argv[3]), names=Layout(issue="{newsletter}/{title}",
                                                                    entity="Entities/{kind}/{name}")))
""")


@pytest.mark.parametrize("after", [0, 3, 200])
def test_a_template_change_killed_midway_then_a_build_gives_the_uninterrupted_vault(source, tmp_path, after):
    names = Layout(issue="{newsletter}/{title}", entity="Entities/{kind}/{name}")
    reference, vault = tmp_path / "reference", tmp_path / "vault"
    for where in (reference, vault):
        build(Options(source, where))
    build(Options(source, reference, names=names))
    run = subprocess.run([sys.executable, "-c", KILLER, str(ROOT), str(source), str(vault), str(after)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr
    result = build(Options(source, vault, names=names))
    assert not result.report.problems

    def contents(root):
        return {rel(root, p): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and ".vaultgen" not in p.parts}
    assert contents(vault) == contents(reference)


def test_a_vault_with_templates_scores_without_problems(source, tmp_path):
    script = SHARED / "eval" / "score_vault.py"
    if not script.is_file():
        pytest.skip("../shared/eval is not present")
    vault = tmp_path / "vault"
    build(Options(source, vault, names=CUSTOM))
    run = subprocess.run([sys.executable, str(script), str(vault), "--gold", str(SHARED / "eval" / "gold")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "PROBLEM" not in run.stdout, run.stdout
