"""The plugin API as a third party uses it: a package installed with an entry point, and a note transform."""
import datetime as dt
import importlib
import json
import sys
import tomllib
from dataclasses import replace

import pytest
from click.testing import CliRunner

from conftest import ROOT
from vaultgen import hookimpl, plugins
from vaultgen.cli import main
from vaultgen.frontmatter_io import parse_note
from vaultgen.pipeline import Options, build
from vaultgen.reading import read_one

EXAMPLE = ROOT / "tests/data/plugin_example"
PACKAGE = "vaultgen_json_example"

ISSUE = {
    "title": "Issue 12: Tiny models, big plans",
    "date": "2024-05-01T09:30:00Z",
    "newsletter": "Model Notes",
    "number": 12,
    "url": "https://modelnotes.example/issues/12",
    "tags": ["small models"],
    "html": "<p>Welcome to issue 12.</p><h2>Research</h2>"
            "<p><a href=\"https://github.com/example/tinyllm?utm_source=newsletter\">TinyLLM</a> "
            "runs on a phone.</p>",
}


@pytest.fixture
def installed_example(tmp_path):
    """The example plugin as pip would leave it: importable, with a dist-info that declares its entry point.

    Written by hand instead of installed so the test needs no network or pip; the entry points come from the
    example's own pyproject.toml, so what is tested is what the example declares.
    """
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    site = tmp_path / "site-packages"
    dist_info = site / f"{PACKAGE}-{project['version']}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\n"
                                        f"Version: {project['version']}\n")
    groups = project["entry-points"]
    (dist_info / "entry_points.txt").write_text("".join(
        f"[{group}]\n" + "".join(f"{name} = {target}\n" for name, target in eps.items()) + "\n"
        for group, eps in groups.items()))
    added = [str(EXAMPLE), str(site)]
    sys.path[:0] = added
    importlib.invalidate_caches()
    plugins.plugin_manager.cache_clear()
    try:
        yield project
    finally:
        for entry in added:
            sys.path.remove(entry)
        sys.modules.pop(PACKAGE, None)
        importlib.invalidate_caches()
        plugins.plugin_manager.cache_clear()  # the next test gets the built-ins only


def test_built_in_readers_and_extractors_are_listed():
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for module in plugins.DEFAULT_PLUGINS:
        assert f"{module}  (built-in)" in lines
    for reader in ("markdown", "email", "html"):
        assert f"  reader     {reader}" in lines
    for extractor in ("links", "text"):
        assert f"  extractor  {extractor}" in lines
    assert "json-export" not in result.output  # not installed here


def test_entry_point_plugin_is_listed_and_reads_its_format(installed_example, tmp_path):
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0, result.output
    assert f"example  ({installed_example['name']})" in result.output.splitlines()
    assert "  reader     json-export" in result.output.splitlines()

    source, vault = tmp_path / "issues", tmp_path / "vault"
    source.mkdir()
    (source / "issue-12.json").write_text(json.dumps(ISSUE, indent=2), encoding="utf-8")
    issue, _ = read_one(source / "issue-12.json", source, {}, plugins.readers(), 10_000_000)
    assert issue.reader == "json-export"

    result = build(Options(source, vault))
    assert result.exit_code == 0, (result.errors, result.partial, result.report.problems)
    notes = list((vault / "Issues").rglob("*.md"))
    assert len(notes) == 1
    meta, body = parse_note(notes[0].read_text(encoding="utf-8"))
    assert meta["type"] == "issue" and meta["source"] == "issue-12.json" and meta["reader"] == "json-export"
    assert meta["title"] == ISSUE["title"] and meta["date"] == dt.date(2024, 5, 1)
    assert meta["newsletter"] == "Model Notes" and meta["number"] == 12 and meta["url"] == ISSUE["url"]
    assert "small-models" in meta["tags"]
    # The HTML became Markdown: a heading and a link that now has a resource note, tracking removed.
    assert "## Research" in body and "runs on a phone" in body
    resources = [parse_note(p.read_text(encoding="utf-8"))[0] for p in (vault / "Resources").rglob("*.md")]
    assert [r["url"] for r in resources] == ["https://github.com/example/tinyllm"]


def test_the_fixture_leaves_no_plugin_behind():
    # Runs after the test above (pytest keeps file order): the cache was cleared, the path restored.
    assert "json-export" not in [r.name for r in plugins.readers()]
    assert PACKAGE not in sys.modules and str(EXAMPLE) not in sys.path


class TagIssues:
    """A transform_note plugin: tags every issue note, leaves other notes alone."""

    @hookimpl
    def transform_note(self, note, context):
        if note.type != "issue":
            return None
        return replace(note, frontmatter={**note.frontmatter, "tags": [*note.frontmatter["tags"], "read-later"]})


def test_transform_note_plugin_changes_notes_before_they_are_written(tmp_path):
    source, vault = tmp_path / "issues", tmp_path / "vault"
    source.mkdir()
    (source / "2024-05-01-first.md").write_text("---\ntitle: First\n---\nHello from [Acme](https://acme.example).\n")
    plugin = TagIssues()
    plugins.plugin_manager().register(plugin, name="tag-issues")
    try:
        assert ("tag-issues", "registered") in plugins.loaded()
        build(Options(source, vault))
    finally:
        plugins.plugin_manager().unregister(plugin)
    issue = parse_note(next((vault / "Issues").rglob("*.md")).read_text(encoding="utf-8"))[0]
    assert issue["tags"][-1] == "read-later"
    for path in (vault / "Resources").rglob("*.md"):
        assert "read-later" not in parse_note(path.read_text(encoding="utf-8"))[0]["tags"]


class TemplateHelpers:
    """A configure_templates plugin: a filter and a global for the user's templates."""

    @hookimpl
    def configure_templates(self, environment):
        environment.filters["shout"] = lambda text: f"{text.upper()}!"
        environment.globals["motto"] = "Read slowly"


@pytest.fixture
def registered(request):
    """plugins.plugin_manager().register(plugin, name), undone after the test."""
    done = []

    def register(plugin, name):
        plugins.plugin_manager().register(plugin, name=name)
        done.append(plugin)
    yield register
    for plugin in done:
        if plugins.plugin_manager().is_registered(plugin):
            plugins.plugin_manager().unregister(plugin)


def issue_body(vault) -> str:
    return parse_note(next((vault / "Issues").rglob("*.md")).read_text(encoding="utf-8"))[1]


def test_a_template_plugins_filter_is_used_by_the_users_template(tmp_path, registered):
    source, vault = tmp_path / "issues", tmp_path / "vault"
    source.mkdir()
    (source / "2024-05-01-first.md").write_text("---\ntitle: First light\n---\nHello.\n")
    (vault / ".vaultgen/templates").mkdir(parents=True)
    (vault / ".vaultgen/templates/issue.md.j2").write_text("Title: {{ issue.title | shout }}\n\n{{ body }}\n")
    registered(TemplateHelpers(), "template-helpers")
    result = CliRunner().invoke(main, ["build", str(source), str(vault)])  # the CLI finds VAULT/.vaultgen/templates
    assert result.exit_code == 0, result.output
    assert "Title: FIRST LIGHT!" in issue_body(vault)


def test_adding_or_removing_a_template_plugin_re_renders_the_notes(tmp_path, registered):
    source, vault, templates = tmp_path / "issues", tmp_path / "vault", tmp_path / "templates"
    source.mkdir(), templates.mkdir()
    (source / "2024-05-01-first.md").write_text("---\ntitle: First\n---\nHello.\n")
    (templates / "issue.md.j2").write_text("Motto: {{ motto | default('none') }}\n\n{{ body }}\n")
    options = Options(source, vault, templates=templates)
    build(options)
    assert "Motto: none" in issue_body(vault)
    plugin = TemplateHelpers()
    registered(plugin, "template-helpers")
    assert not build(options).skipped  # the cache's key includes the plugins registered in code
    assert "Motto: Read slowly" in issue_body(vault)
    plugins.plugin_manager().unregister(plugin)
    build(options)
    assert "Motto: none" in issue_body(vault)


class BrokenTemplates:
    @hookimpl
    def configure_templates(self, environment):
        raise KeyError("oops")


def test_a_failing_template_plugin_fails_the_run_and_is_named(tmp_path, registered):
    from vaultgen.errors import ConfigError

    source = tmp_path / "issues"
    source.mkdir()
    (source / "a.md").write_text("---\ntitle: A\n---\nHello.\n")
    registered(BrokenTemplates(), "broken-templates")
    with pytest.raises(ConfigError, match="broken-templates.*configure_templates failed: KeyError"):
        build(Options(source, tmp_path / "vault"))


class BareReader:
    """A reader that leaves Issue.reader empty: the note still says which reader read it."""

    name = "bare"

    def score(self, doc):
        return 1.0 if doc.text.startswith("BARE") else 0.0

    def read(self, doc):
        from vaultgen import Issue
        return Issue(source=doc.rel, body=doc.text[4:], title="Bare issue")

    @hookimpl
    def register_readers(self, register):
        register(self)


def test_issue_notes_name_the_reader_that_read_them(tmp_path):
    source, vault = tmp_path / "issues", tmp_path / "vault"
    source.mkdir()
    (source / "a.md").write_text("---\ntitle: A\n---\nHello.\n")
    (source / "b.txt").write_text("BARE\nHello from a plugin reader.\n")
    plugin = BareReader()
    plugins.plugin_manager().register(plugin, name="bare-reader")
    try:
        assert build(Options(source, vault)).exit_code == 0
    finally:
        plugins.plugin_manager().unregister(plugin)
    readers = {meta["source"]: meta["reader"] for meta in
               (parse_note(p.read_text(encoding="utf-8"))[0] for p in (vault / "Issues").rglob("*.md"))}
    assert readers == {"a.md": "markdown", "b.txt": "bare"}


def test_every_hook_is_documented():
    from vaultgen import hookspecs

    docs = (ROOT / "docs/PLUGINS.md").read_text()
    hooks = [name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "vaultgen_spec")]
    assert sorted(hooks) == ["configure_templates", "register_extractors", "register_readers", "transform_note"]
    for name in hooks:
        assert f"`{name}(" in docs, f"{name} is not in docs/PLUGINS.md"
