"""The user's curation file for entities, `entities.yaml`: add, kind, merge, rename and ban names.

vaultgen reads `entities.yaml` from the vault's root (or the path `gazetteer` in vaultgen.toml gives).
Every section is optional; names are matched case-insensitively, ignoring punctuation, spaces and a
leading "The" (so "Hugging Face", "huggingface" and "Hugging-Face" are one name)::

    entities:                    # things to find even where the extractors would not
      - name: Hugging Face
        kind: organization       # organization, person, product, model, dataset, library,
        aliases: [huggingface]   #   paper, event, place or other
        description: The company behind the Transformers library.
    merge:                       # each list is one thing; the first name is the one kept
      - [Runway ML, Runway, RunwayML]
    rename:                      # found name: name to use instead
      Tensorflow: TensorFlow
    kinds:                       # name: kind
      Medium: product
    ban: [Hey, Read, Thanks]     # never an entity, never linked

A name gets a note once an issue mentions it (for `entities:`, the name or an alias anywhere in the
text is enough); it is then linked wherever it appears.
An invalid file stops the build with ConfigError naming the file and the problem.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .model import ENTITY_KINDS

SECTIONS = ("entities", "merge", "rename", "kinds", "ban")


class _NamesLoader(yaml.SafeLoader):
    """Every value in entities.yaml is a name, a kind or a description: a plain scalar stays the text it is (YAML 1.1
    would make `ban: [No, On]` booleans and `aliases: [1.10]` the number 1.1); only an empty value is null."""


_NamesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


@lru_cache(maxsize=262_144)
def entity_key(name: str) -> str:
    """The merge key of a name: NFKC, casefolded, punctuation, spaces and a leading "the" removed."""
    s = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    s = re.sub(r"'s$", "", s.strip())
    s = re.sub(r"[^\w]+", " ", s).strip()
    s = re.sub(r"^the ", "", s)
    return s.replace(" ", "").replace("_", "")


@dataclass(frozen=True)
class GazetteerEntry:
    """One thing the user described: its name, and what they said about it."""

    name: str
    kind: str | None = None
    aliases: tuple[str, ...] = ()
    description: str | None = None
    declared: bool = False          # listed under `entities:`: gets a note even when never found


@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[GazetteerEntry, ...] = ()
    banned: frozenset[str] = frozenset()
    path: str | None = None
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def empty(cls) -> "Gazetteer":
        return cls()

    def entry(self, name: str) -> GazetteerEntry | None:
        """The entry whose name or alias is name, if any."""
        i = self._index.get(entity_key(name))
        return self.entries[i] if i is not None else None

    def is_banned(self, name: str) -> bool:
        return entity_key(name) in self.banned

    def __bool__(self) -> bool:
        return bool(self.entries or self.banned)


def _strings(value: Any, where: str, path: Path) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and str(v).strip() for v in value):
        raise ConfigError(path, f"{where} must be a list of names")
    return [str(v).strip() for v in value]


def _kind(value: Any, where: str, path: Path) -> str:
    kind = str(value).strip().casefold()
    if kind not in ENTITY_KINDS:
        raise ConfigError(path, f"{where}: unknown kind {value!r} (one of {', '.join(ENTITY_KINDS)})")
    return kind


def parse_gazetteer(data: Any, path: Path) -> Gazetteer:
    """Build a Gazetteer from the parsed YAML; raises ConfigError naming what is wrong."""
    if data is None:
        return Gazetteer(path=str(path))
    if not isinstance(data, dict):
        raise ConfigError(path, "must be a mapping with any of: " + ", ".join(SECTIONS))
    unknown = sorted(str(k) for k in data if k not in SECTIONS)
    if unknown:
        raise ConfigError(path, f"unknown section(s) {', '.join(unknown)} (expected {', '.join(SECTIONS)})")
    # Each statement names a group of names that are one thing; groups sharing a name are joined.
    groups: list[dict] = []

    def add(names: list[str], *, kind=None, description=None, declared=False, where=""):
        keys = {entity_key(n) for n in names} - {""}
        if not keys:
            raise ConfigError(path, f"{where}: a name needs letters or digits")
        hits = [g for g in groups if g["keys"] & keys]
        group = {"names": [], "keys": set(), "kind": None, "description": None, "declared": False}
        for g in hits:
            groups.remove(g)
            for k in ("kind", "description"):
                if g[k] and group[k] and g[k] != group[k]:
                    raise ConfigError(path, f"{where}: {names[0]!r} is given two {k}s ({g[k]!r}, {group[k]!r})")
                group[k] = group[k] or g[k]
            group["names"] += g["names"]
            group["keys"] |= g["keys"]
            group["declared"] |= g["declared"]
        if kind and group["kind"] and kind != group["kind"]:
            raise ConfigError(path, f"{where}: {names[0]!r} is given two kinds ({group['kind']!r}, {kind!r})")
        group["names"] = list(names) + [n for n in group["names"] if n not in names] if declared or not hits \
            else group["names"] + [n for n in names if n not in group["names"]]
        group["keys"] |= keys
        group["kind"] = group["kind"] or kind
        group["description"] = group["description"] or description
        group["declared"] |= declared
        groups.append(group)

    entities = data.get("entities") or []
    if not isinstance(entities, list):
        raise ConfigError(path, "entities must be a list of {name, kind, aliases, description}")
    for i, item in enumerate(entities, 1):
        where = f"entities #{i}"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise ConfigError(path, f"{where} needs a name")
        extra = sorted(set(item) - {"name", "kind", "aliases", "description"})
        if extra:
            raise ConfigError(path, f"{where}: unknown key(s) {', '.join(map(str, extra))}")
        aliases = _strings(item.get("aliases") or [], f"{where} aliases", path)
        kind = _kind(item["kind"], where, path) if item.get("kind") else None
        desc = str(item["description"]).strip() if item.get("description") else None
        add([str(item["name"]).strip(), *aliases], kind=kind, description=desc, declared=True, where=where)
    merge = data.get("merge") or []
    if not isinstance(merge, list):
        raise ConfigError(path, "merge must be a list of lists of names")
    for i, names in enumerate(merge, 1):
        names = _strings(names, f"merge #{i}", path)
        if len(names) < 2:
            raise ConfigError(path, f"merge #{i} needs at least two names")
        add(names, where=f"merge #{i}")
    rename = data.get("rename") or {}
    if not isinstance(rename, dict):
        raise ConfigError(path, "rename must map a found name to the name to use")
    for old, new in rename.items():
        if not str(old).strip() or not isinstance(new, (str, int, float)) or not str(new).strip():
            raise ConfigError(path, f"rename {old!r}: needs a name to rename to")
        add([str(new).strip(), str(old).strip()], where=f"rename {old!r}")
    kinds = data.get("kinds") or {}
    if not isinstance(kinds, dict):
        raise ConfigError(path, "kinds must map a name to a kind")
    for name, kind in kinds.items():
        add([str(name).strip()], kind=_kind(kind, f"kinds {name!r}", path), where=f"kinds {name!r}")
    banned = frozenset(entity_key(n) for n in _strings(data.get("ban") or [], "ban", path))
    clash = sorted({n for g in groups for n in g["names"] if entity_key(n) in banned})
    if clash:
        raise ConfigError(path, f"banned name(s) also described: {', '.join(clash)}")

    entries, index = [], {}
    for g in sorted(groups, key=lambda g: entity_key(g["names"][0])):
        name, *aliases = g["names"]
        index.update({k: len(entries) for k in g["keys"]})
        entries.append(GazetteerEntry(name, g["kind"], tuple(aliases), g["description"], g["declared"]))
    return Gazetteer(tuple(entries), banned, str(path), index)


def load_gazetteer(path: str | Path | None) -> Gazetteer:
    """Read entities.yaml; a missing file is an empty gazetteer, an invalid one raises ConfigError."""
    if path is None:
        return Gazetteer.empty()
    path = Path(path)
    if not path.exists():
        return Gazetteer.empty()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot be read: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_NamesLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise ConfigError(path, f"is not valid YAML: {' '.join(str(exc).split())}") from exc
    return parse_gazetteer(data, path)
