"""Note names and folders from templates (`[names]` in vaultgen.toml): `Entities/{kind}/{name}` → folder and name.

Every segment, folders and name alike, goes through the naming rules; the name is then made unique across the
vault by naming.assign like any other. Which notes a changed template renames is decided here too.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Mapping

from . import naming

FOLDER_BYTES = 80  # per folder: deep templates stay within Windows' 260-character paths

# The fields each note type's template may use; docs/TEMPLATES.md says what each holds.
FIELDS: dict[str, tuple[str, ...]] = {
    "issue": ("name", "newsletter", "title", "date", "year", "month", "day", "number", "stem"),
    "entity": ("name", "kind", "kind_plural"),
    "resource": ("name", "title", "domain", "kind"),
    "newsletter": ("name",),
}
_FORMATTER = string.Formatter()
_SEPARATOR = r"[-–—_·,;:|#]"
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}")
_REPEATED_SEPARATORS = re.compile(rf"(?:\s*{_SEPARATOR})+\s*({_SEPARATOR})\s*")
_LOOSE_ENDS = re.compile(rf"^(?:\s|{_SEPARATOR})+|(?:\s|{_SEPARATOR})+$")
# "point.md" as a folder is listed as a note, and as a name [[point.md]] would look for a file "point.md".
_MD_SUFFIX = re.compile(r"\.md\s*$", re.I)


@dataclass(frozen=True)
class Layout:
    """A template per note type; its last '/'-separated segment is the note's name, the others its folders."""

    issue: str = "Issues/{newsletter}/{name}"
    entity: str = "Entities/{name}"
    resource: str = "Resources/{name}"
    newsletter: str = "Newsletters/{name}"

    def template(self, note_type: str) -> str:
        return getattr(self, note_type)

    def recorded(self) -> dict[str, str]:
        """The templates that differ from the defaults: what the manifest keeps ({} for the default layout)."""
        default = Layout()
        return {t: getattr(self, t) for t in FIELDS if getattr(self, t) != getattr(default, t)}

    @classmethod
    def from_recorded(cls, data: Any) -> "Layout":
        """The layout `recorded` gave; what cannot be read (a damaged manifest) counts as the default."""
        if not isinstance(data, dict):
            return cls()
        return cls(**{t: v for t, v in data.items() if t in FIELDS and not problems(t, v)})

    def changed(self, before: "Layout") -> frozenset[str]:
        """The note types whose template differs from `before`."""
        return frozenset(t for t in FIELDS if getattr(self, t) != getattr(before, t))


def parse(table: Any, where: str = "names") -> tuple[Layout, list[str]]:
    """The [names] table of vaultgen.toml → (Layout, problems); every problem names its key."""
    if not isinstance(table, dict):
        return Layout(), [f"'{where}' must be a table, e.g. [{where}] with {', '.join(FIELDS)}"]
    found, errors = {}, []
    for note_type, template in table.items():
        if note_type not in FIELDS:
            errors.append(f"unknown key '{where}.{note_type}' (known: {', '.join(FIELDS)})")
            continue
        wrong = problems(note_type, template)
        errors += [f"'{where}.{note_type}': {w}" for w in wrong]
        if not wrong:
            found[note_type] = template
    return Layout(**found), errors


def problems(note_type: str, template: Any) -> list[str]:
    """What is wrong with a template for note_type ([] when it is usable)."""
    if not isinstance(template, str):
        return [f"must be a string such as \"{getattr(Layout(), note_type)}\""]
    try:
        _compile(note_type, template)
    except ValueError as exc:
        return [f"\"{template}\" {exc}"]
    return []


@lru_cache(maxsize=64)
def _compile(note_type: str, template: str) -> tuple[tuple[tuple[str, str | None], ...], ...]:
    """Per segment: (literal text, field or None) pairs. Raises ValueError saying what is wrong."""
    known = FIELDS[note_type]
    segments = []
    for text in template.split("/"):
        if not text.strip():
            raise ValueError("has an empty folder name (a leading, trailing or doubled '/')")
        try:
            parsed = list(_FORMATTER.parse(text))
        except ValueError as exc:
            raise ValueError(f"is not a valid template ({exc}; write {{{{ or }}}} for a brace)") from None
        parts = []
        for literal, field, spec, conversion in parsed:
            if field is not None and field not in known:
                raise ValueError(f"uses an unknown field {{{field}}} ({note_type} fields: "
                                 f"{', '.join('{' + f + '}' for f in known)})")
            if spec or conversion:
                raise ValueError(f"formats a field ({{{field}…}}); only plain fields such as {{{field}}} are supported")
            parts.append((literal, field))
        if all(field is None for _, field in parts) and naming.is_blank(text):
            raise ValueError(f"has a folder name that no file system accepts ('{text}')")
        segments.append(tuple(parts))
    if all(field is None for _, field in segments[-1]):
        raise ValueError("has no field in the note name (after the last '/'): every note would want the same name")
    return tuple(segments)


@dataclass(frozen=True)
class Place:
    """Where a template puts a note: its folder and the name it asks for (naming.assign makes that unique)."""

    folder: str     # vault-relative, '/'-separated; "" for the vault's root
    name: str


def place(note_type: str, template: str, values: Mapping[str, Any], fallback: str) -> Place:
    """The folder and name `template` gives a note with these field values.

    Each folder goes through the naming rules; a folder that comes out empty is left out, and a name that
    comes out empty is `fallback` (the note's default name).
    """
    *folders, last = _compile(note_type, template)
    filled = (_fill(segment, values) for segment in folders)
    folder = "/".join(naming.legal_name(f, limit=FOLDER_BYTES) for f in filled if not naming.is_blank(f))
    name = _fill(last, values)
    return Place(folder, fallback if naming.is_blank(name) else name)


def _fill(parts: tuple[tuple[str, str | None], ...], values: Mapping[str, Any]) -> str:
    out, emptied = [], False
    for literal, field in parts:
        out.append(literal)
        if field is not None:
            value = "" if values.get(field) is None else str(values[field])
            emptied = emptied or not value.strip()
            out.append(value)
    text = "".join(out)
    return _MD_SUFFIX.sub(" md", _tidy(text) if emptied else text)


def _tidy(text: str) -> str:
    """What an empty field leaves behind goes: '()', a doubled ' - ', a separator at either end."""
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = _REPEATED_SEPARATORS.sub(lambda m: f" {m.group(1)} ", text)
    return _LOOSE_ENDS.sub("", text)


def one_spelling(folders: Iterable[str]) -> dict[str, str]:
    """Each folder → the first spelling seen of it, case aside: macOS and Windows would see one folder anyway."""
    seen: dict[str, str] = {}
    out: dict[str, str] = {}
    for folder in folders:
        if folder in out:
            continue
        spelled: list[str] = []
        for segment in folder.split("/") if folder else ():
            prefix = "/".join([*spelled, segment])
            spelled = seen.setdefault(naming.key(prefix), prefix).split("/")
        out[folder] = "/".join(spelled)
    return out


# -- the fields of each note type ---------------------------------------------------------------------------
def issue_values(issue, name: str, title: str) -> dict[str, Any]:
    date = issue.date
    newsletter = issue.newsletter if issue.newsletter and not naming.is_blank(issue.newsletter) else "Newsletter"
    return {"name": name, "newsletter": newsletter, "title": title,
            "date": date.isoformat() if date else None, "year": f"{date.year:04d}" if date else None,
            "month": f"{date.month:02d}" if date else None, "day": f"{date.day:02d}" if date else None,
            "number": issue.number, "stem": PurePosixPath(issue.source).stem}


def entity_values(name: str, kind: str, kind_plural: str) -> dict[str, Any]:
    return {"name": name, "kind": kind, "kind_plural": kind_plural}


def resource_values(name: str, title: str | None, domain: str, kind: str) -> dict[str, Any]:
    return {"name": name, "title": title, "domain": domain, "kind": kind}


# -- renaming notes after a template change -------------------------------------------------------------------
@dataclass(frozen=True)
class Renaming:
    """Which notes already in the vault keep their names, and which a changed template renames."""

    kept: dict[str, str]            # note id → the name it keeps (its file's name now)
    due: dict[str, str]             # note id → its name now, which its type's new template replaces
    by_hand: tuple[str, ...] = ()   # template changed, but the user moved, renamed or edited the note: kept as is


def plan_renaming(located: Mapping[str, Path], changed: frozenset[str], planned: Iterable[str],
                  as_written: Callable[[str, Path], bool]) -> Renaming:
    """A note keeps its name (a title edit does not rename it) unless its type's template changed since the last
    build, it is still `planned`, and it is where vaultgen put it, as vaultgen wrote it (`as_written`). A note the
    user moved, renamed or edited keeps the user's choice: that is more specific than a template, and their own
    links follow it."""
    kept, due, by_hand = {}, {}, []
    planned = set(planned)
    for note_id, path in located.items():
        if note_id.split(":", 1)[0] in changed and note_id in planned:
            if as_written(note_id, path):
                due[note_id] = path.stem
                continue
            by_hand.append(note_id)
        kept[note_id] = path.stem
    return Renaming(kept, due, tuple(sorted(by_hand)))


def rename_notice(renaming: Renaming, changed: frozenset[str], paths: Mapping[str, str],
                  located: Mapping[str, Path], root: Path) -> str | None:
    """One line for the build's notices: how many notes a template change renamed, moved or left alone."""
    if not changed or not located:
        return None
    renamed = moved = 0
    for note_id, old in renaming.due.items():
        if note_id not in paths:
            continue
        if naming.key(PurePosixPath(paths[note_id]).stem) != naming.key(old):
            renamed += 1
        elif paths[note_id] != located[note_id].relative_to(root).as_posix():
            moved += 1
    if not (renamed or moved or renaming.by_hand):
        return None  # no note of those types yet
    keys = ", ".join(f"names.{t}" for t in sorted(changed))
    line = (f"{keys} changed: {renamed} notes renamed (each keeps its old name in `aliases`), "
            f"{moved} moved to a new folder")
    if renaming.by_hand:
        line += f"; {len(renaming.by_hand)} notes you moved, renamed or edited keep their place and name"
    return line
