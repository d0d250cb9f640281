"""`vaultgen check`: a vault's links resolve, names are legal, frontmatter parses, contract keys are there."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml

from .links import protected_ranges
from .model import ENTITY_KINDS
from .naming import ILLEGAL, _RESERVED
from .writer import MANIFEST, STATE_DIR

REQUIRED = {"issue": ("newsletter", "title", "source", "tags"), "entity": ("kind", "aliases", "tags"),
            "resource": ("url", "tags")}
_WIKILINK = re.compile(r"(?<!\\)(!?)\[\[([^\]\n]+?)\]\]")
_FRONTMATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n?", re.S)
_TAG = re.compile(r"^[\w/-]+$")


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def check_vault(root: Path) -> dict[str, list[str]]:
    """Problems by category (empty when the vault is valid), plus notices that are not problems."""
    problems: dict[str, list[str]] = defaultdict(list)
    notes: dict[Path, tuple[dict, str]] = {}
    by_stem: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        meta: dict = {}
        match = _FRONTMATTER.match(text)
        if match:
            try:
                meta = yaml.safe_load(match.group(1)) or {}
                if not isinstance(meta, dict):
                    raise ValueError("frontmatter is not a mapping")
            except (yaml.YAMLError, ValueError, RecursionError) as exc:
                problems["unparsable frontmatter"].append(f"{rel}: {str(exc).splitlines()[0]}")
                meta = {}
            text = text[match.end():]
        notes[rel] = (meta, text)
        by_stem[_key(rel.stem)].append(rel)
        _check_name(rel, problems)
        _check_keys(rel, meta, problems)
    for paths in by_stem.values():
        if len(paths) > 1:
            problems["same name, differing only in case"].append(", ".join(map(str, paths)))
    for rel, (_, body) in notes.items():
        code = protected_ranges(body)
        for m in _WIKILINK.finditer(body):
            if m.group(1) or any(a <= m.start() < b for a, b in code):
                continue
            hits = _resolve(m.group(2), notes, by_stem)
            if not hits:
                problems["broken link"].append(f"{rel} -> [[{m.group(2)}]]")
            elif len(hits) > 1:
                problems["ambiguous link"].append(f"{rel} -> [[{m.group(2)}]]")
    return dict(problems)


def collisions(root: Path) -> list[str]:
    """Notes of the user's whose names vaultgen wanted: its notes took another name (a notice, not a problem)."""
    yours, wanted = {}, []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
        match = _FRONTMATTER.match(head)
        try:
            meta = (yaml.safe_load(match.group(1)) if match else None) or {}
        except (yaml.YAMLError, RecursionError):
            meta = {}
        if not isinstance(meta, dict) or not meta.get("vaultgen_id"):
            yours[_key(rel.stem)] = rel
        elif isinstance(meta.get("title"), str) and _key(meta["title"]) != _key(rel.stem):
            wanted.append((meta["title"], rel))
    return [f"{yours[_key(title)]} is yours; vaultgen's note for '{title}' is {rel}"
            for title, rel in wanted if _key(title) in yours]


def notices(root: Path) -> dict[str, list[str]]:
    """Not errors, but worth knowing: notes kept after their source went away, names the user's notes hold."""
    path = root / STATE_DIR / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8")).get("notes", {})
    except (OSError, ValueError, AttributeError):
        manifest = {}  # no manifest (a vault copied without .vaultgen/): the name collisions still count
    entries = [e for e in manifest.values() if isinstance(e, dict)]
    found = {
        "orphaned (source removed, your text kept)": sorted(e["path"] for e in entries if e.get("orphaned")),
        "kept as you edited them (vaultgen's part changed by hand; not updated)":
            sorted(e["path"] for e in entries if e.get("conflict")),
    }
    found["your notes holding a name vaultgen wanted"] = collisions(root)
    return {label: paths for label, paths in found.items() if paths}


def _check_name(rel: Path, problems) -> None:
    stem = rel.stem
    if any(c in ILLEGAL for c in stem) or stem != stem.strip() or stem.endswith(".") or not stem:
        problems["illegal file name"].append(str(rel))
    if stem.split(".")[0].casefold() in _RESERVED:
        problems["reserved file name (Windows)"].append(str(rel))
    if len(rel.name.encode("utf-8")) > 240:
        problems["file name over 240 bytes"].append(str(rel))


def _check_keys(rel: Path, meta: dict, problems) -> None:
    kind = meta.get("type")
    for key in REQUIRED.get(kind, ()):
        if key not in meta:
            problems[f"{kind} note without '{key}'"].append(str(rel))
    if kind == "issue":
        if meta.get("date") is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta["date"])):
            problems["issue date not YYYY-MM-DD"].append(str(rel))
        number = meta.get("number")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            problems["issue number not an integer"].append(str(rel))
    if kind == "entity" and meta.get("kind") not in ENTITY_KINDS:
        problems["entity kind not in the contract's list"].append(f"{rel}: {meta.get('kind')!r}")
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        problems["tags not a list"].append(str(rel))
        return
    for tag in tags:
        value = str(tag).lstrip("#")
        if not _TAG.match(value) or value.replace("/", "").isdigit():
            problems["invalid tag"].append(f"{rel}: {tag!r}")


def _resolve(target: str, notes, by_stem) -> list[Path]:
    target = target.split("|", 1)[0].split("#", 1)[0].strip().removesuffix("\\")
    if not target:
        return [Path()]  # a link to a heading in the same note
    if target.lower().endswith(".md"):
        target = target[:-3]
    key = _key(target)
    if "/" in key:
        return [p for p in notes if _key(p.with_suffix("").as_posix()).endswith(key)]
    return by_stem.get(key, [])
