"""Robustness on the real archives in ../shared/corpus (skipped when absent)."""
import json

import pytest

from vaultgen.check import check_vault
from vaultgen.pipeline import Options, build
from test_build import notes_by_type

FOLDERS = ["dynamically-typed", "the-batch-html", "nlp-newsletter-dair"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_corpus_folder_builds_cleanly(corpus, folder, tmp_path):
    source = corpus / folder
    result = build(Options(source, tmp_path))
    assert result.exit_code == 0, [str(e) for e in result.errors + result.partial]
    files = [p for p in source.rglob("*") if p.is_file() and not p.name.startswith((".", "_"))]
    issues = notes_by_type(tmp_path)["issue"]
    assert len(issues) == len(files)
    assert check_vault(tmp_path) == {}
    otools = pytest.importorskip("obsidiantools.api")
    # Another reader of the links: Markdown emphasis in a note name ("twitter.com __MLT__") broke links for it.
    assert otools.Vault(tmp_path).connect().nonexistent_notes == []


def test_batch_html_takes_titles_and_dates_from_the_index(corpus, tmp_path):
    source = corpus / "the-batch-html"
    build(Options(source, tmp_path))
    index = {}
    for line in (source / "_index.jsonl").read_text().splitlines():
        entry = json.loads(line)
        index[entry["file"]] = entry
    for meta in notes_by_type(tmp_path)["issue"].values():
        entry = index[meta["source"]]
        assert meta["title"] == entry["title"]
        assert str(meta["date"]) == entry["published_at"][:10]
