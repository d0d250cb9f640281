"""End to end on the sample issues: metadata, links, determinism, and Obsidian's view of the vault."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import SAMPLES, SHARED
from vaultgen.check import check_vault
from vaultgen.pipeline import Options, build


def notes_by_type(vault: Path) -> dict[str, dict[Path, dict]]:
    out: dict[str, dict[Path, dict]] = {}
    for path in vault.rglob("*.md"):
        if ".obsidian" in path.parts:
            continue
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        out.setdefault(meta.get("type"), {})[path] = meta
    return out


@pytest.fixture(scope="module")
def vault(tmp_path_factory):
    root = tmp_path_factory.mktemp("vault")
    result = build(Options(SAMPLES, root))
    assert result.exit_code == 0, [str(e) for e in result.errors + result.partial]
    return root


def test_issue_notes_have_the_contracts_metadata(vault):
    issues = {Path(m["source"]).stem[:3]: m for m in notes_by_type(vault)["issue"].values()}
    assert sorted(issues) == ["000", "001", "002", "003", "004"]
    assert {m["newsletter"] for m in issues.values()} == {"Dynamically Typed", "The Batch"}
    assert (issues["000"]["number"], issues["001"]["number"], issues["002"]["number"]) == (24, 18, 43)
    assert str(issues["003"]["date"]) == "2019-08-07"
    assert issues["001"]["title"] == "#18: Runway ML's \"app store\" for AI, Google's new YouTube dataset, and a trippy GAN journey"
    assert all(m["title"] and isinstance(m["tags"], list) for m in issues.values())


def test_no_mojibake_and_no_tracking_parameters(vault):
    for path in vault.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"‚Ä|√©|√≠|\uf8ff", text), path
        assert not re.search(r"[?&](utm_\w+|ref|_hsenc|_hsmi|mc_cid|mc_eid|fbclid|gclid)=", text), path


def test_a_link_to_another_issue_in_source_becomes_a_wikilink(vault):
    dt24 = next(p for p, m in notes_by_type(vault)["issue"].items() if m.get("number") == 24)
    dt18 = next(p for p, m in notes_by_type(vault)["issue"].items() if m.get("number") == 18)
    assert f"[[{dt18.stem}|DT #18]]" in dt24.read_text()


def test_one_resource_note_per_canonical_url_listing_every_citing_issue(vault):
    resources = notes_by_type(vault)["resource"]
    urls = [m["url"] for m in resources.values()]
    assert len(urls) == len(set(urls))
    shared = [p for p, m in resources.items() if m["citations"] >= 2]
    assert shared, "the samples cite some URLs from two issues"
    body = shared[0].read_text()
    assert len(re.findall(r"^- \[\[", body, re.M)) >= 2


def test_vault_is_valid(vault):
    assert check_vault(vault) == {}


def test_score_vault_reports_no_problem(vault):
    script = SHARED / "eval/score_vault.py"
    if not script.exists():
        pytest.skip("../shared/eval is not present")
    result = subprocess.run([sys.executable, str(script), str(vault)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert "PROBLEM" not in result.stdout


def test_obsidiantools_finds_no_nonexistent_note(vault):
    otools = pytest.importorskip("obsidiantools.api")
    graph = otools.Vault(vault).connect()
    assert graph.nonexistent_notes == []


def test_a_resource_name_holds_no_underscores_markdown_would_read_as_emphasis(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text("Follow [MLT](https://twitter.com/__MLT__), read [the notes]"
                                 "(https://dair.ai/NLP_Research_Highlights_-_Issue_-1/) and [the report]"
                                 "(https://example.com/written_report.pdf).\n")
    build(Options(source, tmp_path / "vault"))
    names = {p.stem for p in (tmp_path / "vault/Resources").glob("*.md")}
    assert names == {"twitter.com MLT", "dair.ai NLP_Research_Highlights - Issue -1", "example.com written_report.pdf"}
    otools = pytest.importorskip("obsidiantools.api")
    assert otools.Vault(tmp_path / "vault").connect().nonexistent_notes == []


def test_two_builds_into_empty_folders_are_byte_identical(vault, tmp_path):
    build(Options(SAMPLES, tmp_path / "again"))

    def files(root):
        # The lock and the SQLite cache are machine-local (and git-ignored); everything else must match.
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.name not in ("lock", "state.sqlite")}
    assert files(vault) == files(tmp_path / "again")


def test_newsletters_sharing_a_folder_stay_apart_and_fragments_join_the_majority():
    from vaultgen.metadata import harmonize_newsletters
    from vaultgen.model import Issue

    def issue(source, newsletter, guessed=True):
        return Issue(source=source, body="x", title="t", newsletter=newsletter, newsletter_guessed=guessed)
    issues = [issue("a", "Dynamically Typed"), issue("b", "Dynamically Typed"), issue("c", "Dynamically Typed"),
              issue("d", "The Batch", False), issue("e", "The Batch", False)]
    assert [i.newsletter for i in harmonize_newsletters(issues)] == [i.newsletter for i in issues]
    issues = [issue(f"n{k}", "NLP Newsletter") for k in range(6)] + [issue("es", "NLP"), issue("ar", "Newsletter"),
                                                                    issue("zh", "Issue"), issue("hw", "Halloween")]
    assert {i.newsletter for i in harmonize_newsletters(issues)} == {"NLP Newsletter"}
    # An issue without a name ("Newsletter") has no vote, and one issue's name is not its folder's.
    issues = [issue("rr", "Research Radar"), issue("md", "Newsletter"), issue("nl", "Newsletter")]
    assert [i.newsletter for i in harmonize_newsletters(issues)] == ["Newsletter", "Newsletter", "Research Radar"]
    issues = [issue("a", "Research Radar"), issue("b", "Research Radar")] + [
        issue(f"n{k}", "Newsletter") for k in range(3)]
    assert {i.newsletter for i in harmonize_newsletters(issues)} == {"Research Radar"}


def test_an_issue_renamed_as_last_time_is_the_same_object_and_equal_to_renaming_it_afresh():
    from vaultgen.metadata import harmonize_newsletters
    from vaultgen.model import Issue

    def issue(source, newsletter):
        return Issue(source=f"x/{source}", body="x", title="t", newsletter=newsletter, newsletter_guessed=True)
    issues = [issue(f"n{k}", "NLP Newsletter") for k in range(4)] + [issue("es", "NLP"), issue("hw", "Halloween")]
    renamed: dict = {}
    first = harmonize_newsletters(issues, renamed)
    again = harmonize_newsletters(issues, renamed)
    assert first == again == harmonize_newsletters(issues)
    assert all(a is b for a, b in zip(first, again)) and len(renamed) == 2
    # The folder's name changes: the same issues get the new one, not the one kept.
    issues = [issue(f"m{k}", "Newsletter of NLP") for k in range(6)] + issues[4:]
    third = harmonize_newsletters(issues, renamed)
    assert third == harmonize_newsletters(issues) and {i.newsletter for i in third} == {"Newsletter of NLP"}


def test_every_entity_note_has_a_backlink_and_the_indexes_reach_every_issue(vault):
    otools = pytest.importorskip("obsidiantools.api")
    graph = otools.Vault(vault).connect()
    types = {path.stem: meta.get("type") for kind in notes_by_type(vault).values() for path, meta in kind.items()}
    for name, kind in types.items():
        if kind == "entity":
            assert graph.get_backlinks(name), f"{name} has no backlink"
    # From Home, following links through index and newsletter notes only, every issue is reached.
    reached, frontier = set(), ["Home"]
    while frontier:
        name = frontier.pop()
        for target in graph.get_wikilinks(name):
            if target not in reached:
                reached.add(target)
                if types.get(target) in ("index", "newsletter"):
                    frontier.append(target)
    issues = {n for n, k in types.items() if k == "issue"}
    assert issues <= reached


def test_a_click_tracker_stays_a_link_in_its_issue_and_makes_no_resource_note(tmp_path):
    src = tmp_path / "issues"
    src.mkdir()
    tracked = "https://dataelixir.us3.list-manage.com/track/click?u=8d6f&id=a1a1"
    (src / "a.md").write_text(f"---\ntitle: A\n---\n\nRead [Introducing Llama 3.1]({tracked}) and "
                              "[the paper](https://arxiv.org/abs/2407.21783).\n", encoding="utf-8")
    assert build(Options(src, tmp_path / "vault")).exit_code == 0
    resources = sorted(p.name for p in (tmp_path / "vault" / "Resources").iterdir())
    assert resources == ["arxiv.org abs 2407.21783.md"]
    issue = next((tmp_path / "vault" / "Issues").rglob("*.md")).read_text(encoding="utf-8")
    assert f"[Introducing Llama 3.1]({tracked})" in issue


def test_a_url_that_several_issues_give_links_to_none_of_them(tmp_path):
    src = tmp_path / "issues"
    src.mkdir()
    home = "https://news.example.com/archive"
    for n in (1, 2):
        (src / f"{n}.md").write_text(f"---\ntitle: Issue {n}\nurl: {home}\n---\n\nHello {n}.\n", encoding="utf-8")
    (src / "3.md").write_text(f"---\ntitle: Issue 3\nurl: https://news.example.com/3\n---\n\nSee [the archive]({home}) "
                              "and [issue 3](https://news.example.com/3).\n", encoding="utf-8")
    assert build(Options(src, tmp_path / "vault")).exit_code == 0
    third = next(p for p in (tmp_path / "vault" / "Issues").rglob("*.md") if "Issue 3" in p.name).read_text()
    assert f"[the archive]({home})" in third and "[[Issue 1" not in third and "[[Issue 2" not in third


def test_an_issues_authors_are_its_author_property_and_an_index_line_wins(tmp_path):
    src = tmp_path / "issues"
    src.mkdir()
    (src / "a.md").write_text("---\ntitle: A\nauthor: Jack Clark\n---\n\nOpenAI shipped a model.\n", encoding="utf-8")
    (src / "b.md").write_text("---\ntitle: B\nauthor: Jack Clark\n---\n\nAnthropic shipped one too.\n", encoding="utf-8")
    (src / "c.md").write_text("---\ntitle: C\n---\n\nNo one signs this.\n", encoding="utf-8")
    (src / "_index.jsonl").write_text('{"file": "b.md", "authors": ["Ann Lee", "Bo Chen"]}\n', encoding="utf-8")
    assert build(Options(src, tmp_path / "vault")).exit_code == 0
    issues = {m["title"]: m for m in notes_by_type(tmp_path / "vault")["issue"].values()}
    assert issues["A"]["author"] == ["Jack Clark"] and issues["B"]["author"] == ["Ann Lee", "Bo Chen"]
    assert "author" not in issues["C"]
    assert check_vault(tmp_path / "vault") == {}
