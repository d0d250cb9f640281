"""The reference for "Markdown corpus → many files": the issues as a Hugo site, a page per issue and per tag."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

CONFIG = """baseURL = "http://example.org/"
title = "Newsletter archive"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
  tag = "tags"
[markup.goldmark.renderer]
  unsafe = true
"""
SINGLE = """<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>{{ with .Date }}<p>{{ .Format "2006-01-02" }}</p>{{ end }}
{{ .Content }}
<ul>{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>
</body></html>
"""
LIST = """<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</body></html>
"""
_FRONTMATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _hints(folder: Path) -> dict[str, dict]:
    out = {}
    index = folder / "_index.jsonl"
    if index.is_file():
        for line in index.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                out[entry["file"]] = entry
            except (ValueError, KeyError, TypeError):
                continue
    return out


def _page(path: Path, hint: dict, newsletter: str) -> tuple[str, str]:
    """(file suffix, page text) for one source issue."""
    text = path.read_bytes().decode("utf-8", errors="replace").replace("{{<", "{ {<").replace("{{%", "{ {%")
    meta: dict = {}
    match = _FRONTMATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
            meta = loaded if isinstance(loaded, dict) else {}
        except yaml.YAMLError:
            meta = {}
        text = text[match.end():]
    first_line = text.strip().splitlines()[0][:120] if text.strip() else path.stem
    title = str(hint.get("title") or meta.get("title") or first_line)
    tags = meta.get("tags") or []
    tags = [tags] if isinstance(tags, str) else [str(t) for t in tags if t]
    front = {"title": title.strip("# ").strip() or path.stem, "tags": [newsletter, *tags]}
    date = str(hint.get("published_at") or hint.get("date") or meta.get("date") or "")[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        front["date"] = date
    suffix = ".html" if path.suffix.lower() in (".html", ".htm") else ".md"
    return suffix, "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=True) + "---\n" + text


def make_site(corpus: Path, site: Path) -> int:
    """Write a Hugo site for every issue under corpus; returns the number of pages."""
    if site.exists():
        shutil.rmtree(site)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    content = site / "content" / "issues"
    content.mkdir(parents=True)
    pages = 0
    for folder in sorted({p.parent for p in corpus.rglob("*") if p.is_file()}):
        hints = _hints(folder)
        newsletter = folder.name
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith((".", "_")):
                continue
            suffix, page = _page(path, hints.get(path.name, {}), newsletter)
            name = re.sub(r"[^\w.-]+", "-", path.relative_to(corpus).with_suffix("").as_posix())
            (content / f"{name}{suffix}").write_text(page, encoding="utf-8")
            pages += 1
    return pages
