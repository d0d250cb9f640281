"""The vault template: copied into a new vault, merged into a user's settings without overriding any of them."""
import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from vaultgen.cli import main
from vaultgen.pipeline import Options, build
from vaultgen.starter import install_template, template_files, template_root
from vaultgen.writer import Vault

TEMPLATE = template_root()


def install(root, template=None):
    vault = Vault(root).open()
    try:
        report = install_template(vault, template)
        vault.save_manifest()
    finally:
        vault.close()
    return report


def shipped(rel):
    return json.loads((TEMPLATE / rel).read_text())


def settings(vault, name):
    return json.loads((vault / ".obsidian" / name).read_text())


def older_template(folder):
    """The template as an older vaultgen shipped it: the same files, with none of today's settings in them."""
    root = folder / "older-template"
    if not root.exists():
        shutil.copytree(TEMPLATE, root)
        for path in (root / ".obsidian").glob("*.json"):
            data = json.loads(path.read_text())
            empty = [] if isinstance(data, list) else {k: type(v)() for k, v in data.items() if isinstance(v, (list, dict))}
            path.write_text(json.dumps(empty))
        (root / ".gitignore").write_text("")
    return root


def write_settings(vault, name, data):
    """The user's edit of a settings file an older vaultgen created (vaultgen merges only into its own files)."""
    if not (vault / ".obsidian" / name).exists():
        install(vault, older_template(vault.parent))
    text = data if isinstance(data, str) else json.dumps(data, indent=2)
    (vault / ".obsidian" / name).write_text(text)


def snapshot(root):
    """Every file's bytes and mtime; the manifest's bytes only (a plain Vault saves it on every run)."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), None if ".vaultgen" in p.parts else p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "lock"}


def test_a_new_vault_gets_every_template_file_and_a_second_run_changes_nothing(tmp_path):
    vault = tmp_path / "v"
    report = install(vault)
    assert report.copied == template_files() and not report.notices
    for rel in template_files():
        assert (vault / rel).read_bytes() == (TEMPLATE / rel).read_bytes()
    before = snapshot(vault)
    again = install(vault)
    assert again.copied == again.merged == again.notices == []
    assert snapshot(vault) == before


def test_app_json_gets_only_the_keys_it_lacks(tmp_path):
    vault = tmp_path / "v"
    write_settings(vault, "app.json", {"mine": True, "useMarkdownLinks": True})
    report = install(vault)
    app = settings(vault, "app.json")
    assert app["useMarkdownLinks"] is True and app["mine"] is True  # the user's values win
    assert list(app)[:2] == ["mine", "useMarkdownLinks"]            # and keep their order
    assert app["newLinkFormat"] == "shortest" and app["alwaysUpdateLinks"] is True
    assert ".obsidian/app.json (+3)" in report.merged and ".obsidian/app.json" not in report.copied


def test_types_never_override_a_type_the_user_set(tmp_path):
    vault = tmp_path / "v"
    write_settings(vault, "types.json", {"types": {"date": "text", "rating": "number"}})
    install(vault)
    types = settings(vault, "types.json")["types"]
    assert types["date"] == "text" and types["rating"] == "number"
    assert types["first_seen"] == "date" and types["aliases"] == "aliases"
    assert set(types) == set(shipped(".obsidian/types.json")["types"]) | {"rating"}


def test_graph_colour_groups_are_appended_keeping_the_users_order_and_colours(tmp_path):
    vault = tmp_path / "v"
    mine = [{"query": "path:Journal", "color": {"a": 1, "rgb": 1}},
            {"query": "tag:#entity/person", "color": {"a": 1, "rgb": 2}}]
    write_settings(vault, "graph.json", {"colorGroups": mine, "showTags": True})
    install(vault)
    graph = settings(vault, "graph.json")
    groups = graph["colorGroups"]
    assert groups[:2] == mine and graph["showTags"] is True
    queries = [g["query"] for g in groups]
    assert len(queries) == len(set(queries))
    assert set(queries) == {"path:Journal"} | {g["query"] for g in shipped(".obsidian/graph.json")["colorGroups"]}
    assert graph["showOrphans"] is True  # a toggle the user's file lacked


def test_bookmarks_add_only_paths_not_bookmarked_anywhere(tmp_path):
    vault = tmp_path / "v"
    write_settings(vault, "bookmarks.json", {"items": [
        {"type": "group", "title": "Mine", "items": [{"type": "file", "path": "Home.md", "title": "My home"}]},
        {"type": "group", "title": "Indexes", "items": [{"type": "file", "path": "Entities.md"}]},
    ]})
    install(vault)
    items = settings(vault, "bookmarks.json")["items"]
    assert [i["title"] for i in items] == ["Mine", "Indexes"]  # Home.md is bookmarked already, in their group
    assert [i["path"] for i in items[1]["items"]] == ["Entities.md", "Newsletters.md", "Resources.md"]


def test_bookmarks_group_is_added_with_only_what_is_missing(tmp_path):
    vault = tmp_path / "v"
    write_settings(vault, "bookmarks.json", {"items": [{"type": "file", "path": "Resources.md"}]})
    install(vault)
    items = settings(vault, "bookmarks.json")["items"]
    assert [i.get("path") for i in items] == ["Resources.md", "Home.md", None]
    assert [i["path"] for i in items[2]["items"]] == ["Newsletters.md", "Entities.md"]


def test_core_plugins_removed_by_the_user_are_not_added_again(tmp_path):
    vault = tmp_path / "v"
    write_settings(vault, "core-plugins.json", ["graph", "daily-notes"])
    install(vault)
    plugins = settings(vault, "core-plugins.json")
    assert plugins[:2] == ["graph", "daily-notes"] and "bases" in plugins and len(plugins) == len(set(plugins))
    plugins.remove("bases")  # the user turns off a plugin vaultgen added
    write_settings(vault, "core-plugins.json", plugins)
    install(vault)
    assert "bases" not in settings(vault, "core-plugins.json")


def test_core_plugins_in_obsidians_object_form_keep_a_disabled_plugin_off(tmp_path):
    vault = tmp_path / "v"
    write_settings(vault, "core-plugins.json", {"graph": False, "canvas": True})
    install(vault)
    plugins = settings(vault, "core-plugins.json")
    assert plugins["graph"] is False and plugins["canvas"] is True and plugins["bases"] is True


def test_a_removed_colour_group_or_setting_stays_removed(tmp_path):
    vault = tmp_path / "v"
    install(vault)  # a new vault: everything copied
    graph = settings(vault, "graph.json")
    graph["colorGroups"] = [g for g in graph["colorGroups"] if g["query"] != "tag:#resource"]
    write_settings(vault, "graph.json", graph)
    app = settings(vault, "app.json")
    del app["showUnsupportedFiles"]
    write_settings(vault, "app.json", app)
    (vault / "Home.md").unlink()
    before = snapshot(vault)
    report = install(vault)
    assert report.merged == [] and snapshot(vault) == before
    assert not (vault / "Home.md").exists()


def test_a_setting_new_in_the_template_reaches_an_existing_vault(tmp_path):
    vault = tmp_path / "v"
    install(vault)
    newer = tmp_path / "template"
    shutil.copytree(TEMPLATE, newer)
    app = shipped(".obsidian/app.json") | {"attachmentFolderPath": "Attachments"}
    (newer / ".obsidian/app.json").write_text(json.dumps(app))
    mine = settings(vault, "app.json") | {"useMarkdownLinks": True}
    write_settings(vault, "app.json", mine)
    report = install(vault, newer)
    assert report.merged == [".obsidian/app.json (+1)"]
    assert settings(vault, "app.json") == mine | {"attachmentFolderPath": "Attachments"}


@pytest.mark.parametrize("broken", ["{not json", '{"a": 1,}', "\x00\x01", '"a string"', "[1, 2]"])
def test_a_settings_file_that_is_not_valid_json_is_left_alone_and_reported(tmp_path, broken):
    vault = tmp_path / "v"
    write_settings(vault, "app.json", broken)
    before = (vault / ".obsidian/app.json").read_bytes()
    report = install(vault)
    assert (vault / ".obsidian/app.json").read_bytes() == before
    assert [n for n in report.notices if n.startswith(str(vault / ".obsidian/app.json") + ": ")]
    assert (vault / ".obsidian/graph.json").exists()  # the rest of the template still arrives
    write_settings(vault, "app.json", {"mine": 1})    # fixed: merged on the next run
    install(vault)
    assert settings(vault, "app.json")["newLinkFormat"] == "shortest"


def test_gitignore_gets_missing_lines_once_and_respects_removals(tmp_path):
    vault = tmp_path / "v"
    install(vault, older_template(tmp_path))
    (vault / ".gitignore").write_text("*.pdf\n.trash/")  # no final newline
    install(vault)
    text = (vault / ".gitignore").read_text()
    assert text.startswith("*.pdf\n.trash/\n\n") and text.count(".trash/") == 1
    assert ".obsidian/workspace*.json" in text.splitlines() and ".vaultgen/lock" in text.splitlines()
    assert "# Obsidian's per-device window state and trash" in text  # the comment comes with its lines
    install(vault)
    assert (vault / ".gitignore").read_text() == text
    (vault / ".gitignore").write_text(text.replace(".vaultgen/lock\n", ""))
    install(vault)
    assert ".vaultgen/lock" not in (vault / ".gitignore").read_text().splitlines()


def test_init_merges_and_reports_a_broken_settings_file(tmp_path):
    vault = tmp_path / "v"
    write_settings(vault, "app.json", {"mine": True})
    write_settings(vault, "graph.json", "{oops")
    result = CliRunner().invoke(main, ["init", str(vault)])
    assert result.exit_code == 0, result.output
    assert ".obsidian/app.json (+4)" in result.output
    assert f"{vault / '.obsidian/graph.json'}: not valid JSON" in result.output
    assert (vault / ".obsidian/graph.json").read_text() == "{oops"
    assert settings(vault, "app.json")["mine"] is True and (vault / "Home.md").exists()


def test_a_build_merges_the_template_into_an_existing_vault(tmp_path):
    vault, source = tmp_path / "v", tmp_path / "issues"
    shutil.copytree(SAMPLES, source)
    write_settings(vault, "types.json", {"types": {"date": "datetime"}})
    (vault / "My note.md").write_text("mine\n")
    assert build(Options(source, vault)).exit_code == 0
    types = settings(vault, "types.json")["types"]
    assert types["date"] == "datetime" and types["mentions"] == "number"
    manifest = json.loads((vault / ".vaultgen/manifest.json").read_text())
    assert ".obsidian/types.json#type:mentions" in manifest["templates"]
    assert ".obsidian/types.json#type:date" in manifest["templates"]  # present already: counts as offered
    # The user takes a type out again: the next build leaves it out.
    del types["mentions"]
    write_settings(vault, "types.json", {"types": types})
    (source / "000_08b7c5cf3f2cafef.txt").write_text((source / "000_08b7c5cf3f2cafef.txt").read_text() + "\nMore.\n")
    build(Options(source, vault))
    assert "mentions" not in settings(vault, "types.json")["types"]


def test_a_settings_file_with_a_byte_order_mark_is_merged_and_keeps_it(tmp_path):
    vault = tmp_path / "v"
    install(vault, older_template(tmp_path))
    (vault / ".obsidian/types.json").write_bytes(b'\xef\xbb\xbf{"types": {"date": "text"}}\n')
    install(vault)
    data = (vault / ".obsidian/types.json").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf{") and data.endswith(b"}\n")
    types = json.loads(data.decode("utf-8-sig"))["types"]
    assert types["date"] == "text" and types["mentions"] == "number"


def test_settings_a_user_had_before_vaultgen_are_never_modified(tmp_path):
    """The contract: files vaultgen did not create are never modified; it says so once."""
    vault = tmp_path / "v"
    write_mine = {"app.json": '{"mine": true}', "graph.json": '{"colorGroups": []}', "types.json": "{oops"}
    (vault / ".obsidian").mkdir(parents=True)
    for name, text in write_mine.items():
        (vault / ".obsidian" / name).write_text(text)
    (vault / ".gitignore").write_text("*.pdf\n")
    report = install(vault)
    for name, text in write_mine.items():
        assert (vault / ".obsidian" / name).read_text() == text
    assert (vault / ".gitignore").read_text() == "*.pdf\n"
    assert len([n for n in report.notices if "yours, left as it is" in n]) == 4
    assert (vault / ".obsidian/bookmarks.json").exists()  # what the vault lacked is still added
    assert install(vault).notices == []
