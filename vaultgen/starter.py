"""What a vault starts from: Obsidian settings, a Home note and a .gitignore; never written over a user's own."""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import VaultError
from .atomic import atomic_write, write_batch
from .writer import Vault

# vault.templates (saved in the manifest) records each template file vaultgen has offered, and each setting
# it has offered inside a file as "<file>#<item>": a setting is offered once, so one the user removes stays
# removed, and one a later vaultgen adds to the template is still merged into an existing vault.
ITEM_SEP = "#"
CREATED, NOTICED = "(created by vaultgen)", "(yours: left alone)"  # markers among the offered items


@dataclass
class TemplateReport:
    copied: list[str] = field(default_factory=list)    # template files the vault did not have
    merged: list[str] = field(default_factory=list)    # the user's files that missing settings were added to
    notices: list[str] = field(default_factory=list)   # "<path>: why it was left alone"


class _Shape(Exception):
    """The user's settings file is not shaped as Obsidian writes it: left alone."""


def template_root() -> Path:
    """The vault_template folder: installed inside the package, or beside it in a source checkout."""
    packaged = Path(__file__).parent / "vault_template"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "vault_template"


def template_files(root: Path | None = None) -> list[str]:
    root = root or template_root()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.name != "__init__.py")


def install_template(vault: Vault, root: Path | None = None) -> TemplateReport:
    """Copy each template file the vault has never had; add the settings a user's own file lacks.

    A file the user deleted is not brought back; a setting the user removed is not added again.
    """
    root = root or template_root()
    report = TemplateReport()
    offered = set(vault.templates)

    def record(entry: str) -> None:
        if entry not in offered:
            offered.add(entry)
            vault.templates.append(entry)

    for rel in template_files(root):
        target, source = vault.root / rel, root / rel
        merge = _merger(rel)
        if not (target.exists() or target.is_symlink()):
            if rel in offered:
                continue  # it was there once and the user deleted it
            atomic_write(target, source.read_bytes())
            record(rel)
            record(f"{rel}{ITEM_SEP}{CREATED}")
            if merge is not None:  # every setting in it counts as offered: one the user removes stays removed
                shipped = source.read_text(encoding="utf-8")
                for item in merge(shipped, shipped, set())[1]:
                    record(f"{rel}{ITEM_SEP}{item}")
            report.copied.append(rel)
            continue
        record(rel)
        if merge is None:
            continue  # Home.md and the like: the user's own version wins whole
        if f"{rel}{ITEM_SEP}{CREATED}" not in offered:
            # The contract: a file vaultgen did not create is never modified. Say so once.
            if f"{rel}{ITEM_SEP}{NOTICED}" not in offered:
                record(f"{rel}{ITEM_SEP}{NOTICED}")
                report.notices.append(f"{target}: yours, left as it is; vaultgen's settings for it are in "
                                      f"{root / rel} if you want them")
            continue
        if target.is_symlink() or not target.is_file():
            report.notices.append(f"{target}: not a regular file; vaultgen's settings not merged into it")
            continue
        try:
            before = target.read_bytes()
            bom = b"\xef\xbb\xbf" if before.startswith(b"\xef\xbb\xbf") else b""
            done = {entry.split(ITEM_SEP, 1)[1] for entry in offered if entry.startswith(rel + ITEM_SEP)}
            merged, items, added = merge(before[len(bom):].decode("utf-8"), source.read_text(encoding="utf-8"), done)
            # Obsidian rewrites its settings while it runs: if it did so since the read, its version stays.
            problems = write_batch([(target, bom + merged.encode("utf-8"), before)]) if added else []
            if problems:
                raise OSError(problems[0].split(": ", 1)[1])
        except (UnicodeDecodeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
            report.notices.append(f"{target}: not valid {'JSON' if rel.endswith('.json') else 'UTF-8'} "
                                  f"({exc}); left as it is, vaultgen's settings not merged")
            continue
        except _Shape as exc:
            report.notices.append(f"{target}: {exc}; left as it is, vaultgen's settings not merged")
            continue
        except (OSError, VaultError) as exc:
            report.notices.append(f"{target}: {exc.reason if isinstance(exc, VaultError) else exc}; "
                                  f"vaultgen's settings not merged")
            continue
        for item in items:
            record(f"{rel}{ITEM_SEP}{item}")
        if added:
            report.merged.append(f"{rel} (+{len(added)})")
    return report


# -- merging: each merger takes (user's text, template text, items already offered) and returns
#    (merged text, every item id the template holds, the ids added now) -------------------------------------------

def _merger(rel: str) -> Callable[[str, str, set[str]], tuple[str, list[str], list[str]]] | None:
    if rel == ".gitignore":
        return _merge_gitignore
    json_merge = _JSON_MERGERS.get(rel)
    if json_merge is None:
        return None

    def merge(text: str, template: str, done: set[str]) -> tuple[str, list[str], list[str]]:
        user = json.loads(text)
        items: list[str] = []
        added: list[str] = []
        json_merge(user, json.loads(template), done, items, added)
        out = json.dumps(user, indent=2, ensure_ascii=False)
        return out + ("\n" if text.endswith("\n") else ""), items, added

    return merge


def _offer(item: str, missing: bool, done: set[str], items: list[str], added: list[str]) -> bool:
    """Whether to add the item now: missing from the user's file and never offered before."""
    items.append(item)
    if missing and item not in done:
        added.append(item)
        return True
    return False


def _object(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise _Shape(f"{what} is not a JSON object")
    return value


def _keys(user: Any, template: dict, done, items, added, skip: tuple[str, ...] = ()) -> None:
    """Top-level keys the user's file lacks (app.json; graph.json's toggles)."""
    _object(user, "the file")
    for key, value in template.items():
        if key not in skip and _offer(f"key:{key}", key not in user, done, items, added):
            user[key] = copy.deepcopy(value)


def _merge_types(user, template, done, items, added) -> None:
    """Property types not assigned yet; a type the user set is never overridden."""
    _keys(user, template, done, items, added, skip=("types",))
    types = _object(user.setdefault("types", {}), '"types"')
    for prop, kind in template.get("types", {}).items():
        if _offer(f"type:{prop}", prop not in types, done, items, added):
            types[prop] = kind


def _merge_graph(user, template, done, items, added) -> None:
    """Colour groups for queries the user has none for, appended: their groups keep their order and colours."""
    _keys(user, template, done, items, added, skip=("colorGroups",))
    groups = user.setdefault("colorGroups", [])
    if not isinstance(groups, list):
        raise _Shape('"colorGroups" is not a list')
    queries = {g.get("query") for g in groups if isinstance(g, dict)}
    for group in template.get("colorGroups", []):
        if _offer(f"group:{group['query']}", group["query"] not in queries, done, items, added):
            groups.append(copy.deepcopy(group))


def _merge_bookmarks(user, template, done, items, added) -> None:
    """Bookmarks for paths (or searches) not bookmarked anywhere yet; a group gets only its missing items."""
    _keys(user, template, done, items, added, skip=("items",))
    mine = user.setdefault("items", [])
    if not isinstance(mine, list):
        raise _Shape('"items" is not a list')
    have = set(_bookmark_keys(mine))

    def merge_into(target: list, wanted: list) -> None:
        for item in wanted:
            if item.get("type") == "group":
                same = next((g for g in target if isinstance(g, dict) and g.get("type") == "group"
                             and g.get("title") == item.get("title") and isinstance(g.get("items"), list)), None)
                inner = same["items"] if same is not None else []
                merge_into(inner, item.get("items", []))
                if same is None and inner:
                    target.append({**copy.deepcopy(item), "items": inner})
            else:
                key = _bookmark_key(item)
                if key and _offer(f"bookmark:{key}", key not in have, done, items, added):
                    target.append(copy.deepcopy(item))

    merge_into(mine, template.get("items", []))


def _bookmark_key(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    return item.get("path") or (f"search:{item['query']}" if item.get("query") else None)


def _bookmark_keys(items: list):
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("items"), list):
            yield from _bookmark_keys(item["items"])
        elif (key := _bookmark_key(item)) is not None:
            yield key


def _merge_core_plugins(user, template, done, items, added) -> None:
    """Core plugins not listed; Obsidian writes a list (older) or {id: enabled}: a plugin set to false stays off."""
    if isinstance(user, list):
        for plugin in template:
            if _offer(f"plugin:{plugin}", plugin not in user, done, items, added):
                user.append(plugin)
    elif isinstance(user, dict):
        for plugin in template:
            if _offer(f"plugin:{plugin}", plugin not in user, done, items, added):
                user[plugin] = True
    else:
        raise _Shape("not a JSON list or object")


_JSON_MERGERS = {
    ".obsidian/app.json": _keys,
    ".obsidian/types.json": _merge_types,
    ".obsidian/graph.json": _merge_graph,
    ".obsidian/bookmarks.json": _merge_bookmarks,
    ".obsidian/core-plugins.json": _merge_core_plugins,
}


def _merge_gitignore(text: str, template: str, done: set[str]) -> tuple[str, list[str], list[str]]:
    """Patterns the user's .gitignore lacks, appended once, each block under the template's comment."""
    have = {line.strip() for line in text.splitlines()}
    blocks: list[tuple[list[str], list[str]]] = []  # (comment lines, pattern lines)
    for line in template.splitlines():
        if not line.strip():
            continue
        if line.strip().startswith("#"):
            if not blocks or blocks[-1][1]:
                blocks.append(([], []))
            blocks[-1][0].append(line)
        else:
            if not blocks:
                blocks.append(([], []))
            blocks[-1][1].append(line)
    items: list[str] = []
    added: list[str] = []
    out: list[str] = []
    for comments, patterns in blocks:
        missing = [p for p in patterns if _offer(f"line:{p.strip()}", p.strip() not in have, done, items, added)]
        if missing:
            out += [c for c in comments if c.strip() not in have] + missing
    if not added:
        return text, items, added
    head = text if not text or text.endswith("\n") else text + "\n"
    return head + ("\n" if head.strip() else "") + "\n".join(out) + "\n", items, added
