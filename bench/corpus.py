"""Scaled corpora for the benchmark: renumbered copies of the samples and ../shared/corpus, written to a folder."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASES = (REPO / "issues", REPO.parent / "shared" / "corpus")
INDEX = "_index.jsonl"

_TITLE = re.compile(r'^(title:\s*)(["\']?)(.*?)(\2)\s*$', re.M)
_NUMBER = re.compile(r"^(number:\s*)(\d+)\s*$", re.M)
_HEADING_NUMBER = re.compile(r"^(#[^\n]*?#)(\d+)", re.M)


def base_files() -> list[tuple[Path, str]]:
    """(file, path relative to its base) for every source file of the bases, index files included."""
    out = []
    for base in BASES:
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(base).parts):
                out.append((path, f"{base.name}/{path.relative_to(base).as_posix()}"))
    return out


def renumber(text: str, copy: int) -> str:
    """Copy n of an issue: its number moved up by 1000·n and its title marked, so names and numbers stay distinct."""
    if copy == 0:
        return text
    text = _NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1000 * copy}", text, count=1)
    text = _TITLE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3).rstrip()} (copy {copy}){m.group(4)}", text,
                      count=1)
    return _HEADING_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1000 * copy}", text, count=1)


def renumber_index(text: str, copy: int, keep: set[str]) -> str:
    lines = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("file") not in keep:
            continue
        if copy:
            if isinstance(entry.get("number"), int):
                entry["number"] += 1000 * copy
            if entry.get("title"):
                entry["title"] = f"{entry['title']} (copy {copy})"
            if entry.get("url"):
                entry["url"] = entry["url"].rstrip("/") + f"-copy-{copy}/"
        lines.append(json.dumps(entry, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def write_corpus(dest: Path, issues: int) -> int:
    """Write `issues` issues under dest (copy-000/, copy-001/, …); returns the number written."""
    if dest.exists():
        shutil.rmtree(dest)
    files = base_files()
    sources = [(p, rel) for p, rel in files if p.name != INDEX]
    indexes = {rel.rsplit("/", 1)[0] if "/" in rel else "": p for p, rel in files if p.name == INDEX}
    written, copy = 0, 0
    while written < issues:
        folder = dest / f"copy-{copy:03d}"
        taken: dict[str, set[str]] = {}
        for path, rel in sources:
            if written >= issues:
                break
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            try:
                data = renumber(data.decode("utf-8"), copy).encode("utf-8")
            except UnicodeDecodeError:
                pass  # not UTF-8: copied as it is (the reader repairs it)
            target.write_bytes(data)
            parent = rel.rsplit("/", 1)[0]
            taken.setdefault(parent, set()).add(path.name)
            written += 1
        for parent, index in indexes.items():
            if parent in taken:
                (folder / parent / INDEX).write_text(
                    renumber_index(index.read_text(encoding="utf-8"), copy, taken[parent]), encoding="utf-8")
        copy += 1
    return written


def issue_to_edit(source: Path, n: int) -> Path:
    """The n-th issue file of the corpus (wrapping around)."""
    files = sorted(p for p in source.rglob("*")
                   if p.is_file() and p.name != INDEX and p.suffix.lower() in (".md", ".txt"))
    return files[n % len(files)]


def edit_issue(source: Path, n: int, path: Path | None = None) -> Path:
    """Append a sentence with a new link to one issue (the n-th, or `path`): the 'one-issue edit' of the benchmark."""
    path = path or issue_to_edit(source, n)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n\nEdited for the benchmark ({n}): see [this tool](https://example.org/bench/tool-{n}).\n")
    return path
