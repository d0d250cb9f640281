"""YAML frontmatter in and out: safe splitting and loading of sources, typed dumping for notes."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

import yaml
from frontmatter.default_handlers import YAMLHandler

_HANDLER = YAMLHandler()
_MAX_FRONTMATTER = 256 * 1024


class FrontmatterError(ValueError):
    """The frontmatter block exists but is not a YAML mapping we can use."""


class _NoAliasLoader(yaml.BaseLoader):
    """Every scalar stays a string (no YAML 1.1 'NO' → False surprises); aliases are refused (no alias bombs)."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "YAML aliases are not allowed in frontmatter",
                                              event.start_mark)
        return super().compose_node(parent, index)


_CLoader = getattr(yaml, "CBaseLoader", None)  # libyaml: the same documents, a tenth of the time


# Collections opened on one line ("[[[[", "- - - -", "? ? ?"): libyaml's loader crashes the process (a
# segmentation fault, not an exception) when thousands of them nest; the pure loader raises RecursionError.
_STACKED = re.compile(r"^[ \t]*[-?][ \t]+[-?](?:[ \t]|$)", re.M)


def _load(fm: str) -> Any:
    # '*' may start an alias: the pure loader names and refuses it.
    if _CLoader is None or "*" in fm or fm.count("[") + fm.count("{") > 64 or _STACKED.search(fm):
        return yaml.load(fm, Loader=_NoAliasLoader)  # noqa: S506 - BaseLoader subclass builds no objects
    return yaml.load(fm, Loader=_CLoader)  # noqa: S506 - BaseLoader: strings, lists and mappings only


def split(text: str) -> tuple[str | None, str]:
    """(frontmatter text or None, body). Only a block that opens on line 1 counts."""
    if not _HANDLER.detect(text):
        return None, text
    try:
        fm, body = _HANDLER.split(text)
    except ValueError:
        return None, text
    return fm, body


def load(fm: str) -> dict[str, Any]:
    """Parse frontmatter to a mapping of strings, lists and mappings. Raises FrontmatterError."""
    if len(fm) > _MAX_FRONTMATTER:
        raise FrontmatterError(f"frontmatter is over {_MAX_FRONTMATTER // 1024} KiB")
    try:
        data = _load(fm)
    except RecursionError as exc:
        raise FrontmatterError("frontmatter nests too deeply") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        # Line 1 of the file is the opening '---'; the frontmatter text starts at its line end.
        first = 1 if fm.startswith(("\n", "\r")) else 2
        where = f" (line {mark.line + first})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontmatterError(f"frontmatter is not valid YAML{where}: {problem}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontmatterError(f"frontmatter is a {type(data).__name__}, not a mapping")
    return data


# Hugo's and Zola's TOML frontmatter, between '+++' lines.
_TOML_BLOCK = re.compile(r"\A\ufeff?\+\+\+[ \t]*\r?\n(.*?)^\+\+\+[ \t]*(?:\r?\n|\Z)", re.S | re.M)


def split_toml(text: str) -> tuple[str | None, str]:
    """(TOML frontmatter text or None, body): a '+++' block that opens on line 1."""
    found = _TOML_BLOCK.match(text[:_MAX_FRONTMATTER + 64] if text.startswith(("+++", "\ufeff+++")) else "")
    return (found.group(1), text[found.end():]) if found else (None, text)


def load_toml(fm: str) -> dict[str, Any]:
    """TOML frontmatter as load gives YAML's: strings (dates in ISO 8601), lists and mappings. Raises
    FrontmatterError."""
    import tomllib
    try:
        return _as_strings(tomllib.loads(fm))
    except tomllib.TOMLDecodeError as exc:
        raise FrontmatterError(f"frontmatter is not valid TOML: {exc}") from exc


def _as_strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_strings(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, (dt.date, dt.time)) else str(value)


# --- dumping -------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Block style, wide lines, lists indented the way Obsidian writes them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):  # the same date twice must not become &id001 / *id001
        return True


_YAML_BREAKS = re.compile("[\x85\u2028\u2029\r]")


def _str_presenter(dumper, value: str):
    # YAML reads NEL and the Unicode separators as line breaks: only double quotes keep them intact.
    style = '"' if _YAML_BREAKS.search(value) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)
_Dumper.add_representer(dt.date, lambda d, v: d.represent_scalar("tag:yaml.org,2002:timestamp", v.isoformat()))


# Folding a long scalar over lines is valid YAML, but line-based readers (and diffs) suffer: a URL stays one line.
_NEVER_FOLD = 1 << 30


_SIMPLE_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]+(\S[^\n]*?)[ \t]*$", re.M)


def salvage(fm: str) -> dict[str, str]:
    """What frontmatter that is not valid YAML still says plainly, one `key: value` line at a time ("title: Deep
    Learning Weekly: Issue #227", an unquoted colon): the first value of each key, quotes taken off."""
    fields: dict[str, str] = {}
    for key, value in _SIMPLE_FIELD.findall(fm):
        if value[:1] in "[{|>&*!" or key in fields:
            continue
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        fields[key] = value
    return fields


def load_scalar(text: str) -> str:
    """One quoted YAML scalar, as written by dump; ValueError when it is not a string."""
    try:
        value = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value


def dump(data: Mapping[str, Any]) -> str:
    """The frontmatter block, '---' lines included. Key order is kept as given."""
    text = _dump_simple(data)
    if text is None:
        text = yaml_dump(data)
    return f"---\n{text}---\n"


def yaml_dump(data: Mapping[str, Any]) -> str:
    text = yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_NEVER_FOLD,
                     default_flow_style=False)
    return "" if text.strip() == "{}" else text


# The serializer is pure Python and walks every character of every scalar: most of the time of writing
# thousands of notes. Frontmatter is nearly always flat, of strings YAML writes as they are; for those the
# lines are written here, exactly as the serializer writes them (tests/test_fast_paths.py checks it).
# Anything else goes to the serializer.
_PLAIN = re.compile("(?![-?:,\\[\\]{}#&*!|>'\"%@`\\s])"
                    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]+")
_RESOLVER = _Dumper(None)
# Strings that could read as another type (true, 12, 2019-08-07, ~) begin with one of these.
_RESOLVED_FIRST = frozenset(k for k in _Dumper.yaml_implicit_resolvers if k)


def _plain(text: str) -> bool:
    """Whether the serializer writes text as a plain (unquoted) scalar."""
    return (_PLAIN.fullmatch(text) is not None and text[-1] not in " :" and ": " not in text and " #" not in text
            and not text.startswith("...")
            and (text[0] not in _RESOLVED_FIRST
                 or _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"))


# One line of printable characters (the ranges of _PLAIN, with any punctuation anywhere): what _plain does not pass
# of these ("Title: subtitle", "", "12"), the serializer's own analysis places, plain or in single quotes.
_ONE_LINE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]*")
_ANALYZER = _Dumper(None, allow_unicode=True)


def _styled(text: str) -> str | None:
    """text as the serializer writes a one-line block value (Emitter.choose_scalar_style); None: double quotes."""
    analysis = _ANALYZER.analyze_scalar(text)
    if analysis.allow_block_plain and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str":
        return text
    return "'" + text.replace("'", "''") + "'" if analysis.allow_single_quoted else None


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, str):
        if value and _plain(value):
            return value
        return _styled(value) if _ONE_LINE.fullmatch(value) else None
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return None


def _dump_simple(data: Mapping[str, Any]) -> str | None:
    lines = []
    for key, value in data.items():
        if not isinstance(key, str) or len(key) >= 128 or not _plain(key):  # a longer key is written "? key"
            return None
        if isinstance(value, list):
            if not value:
                lines.append(f"{key}: []")
                continue
            items = [_scalar_text(v) for v in value]
            if None in items:
                return None
            lines.append(f"{key}:")
            lines += [f"  - {item}" for item in items]
            continue
        text = "null" if value is None else _scalar_text(value)
        if text is None:
            return None
        lines.append(f"{key}: {text}")
    return "".join(f"{line}\n" for line in lines)


def parse_note(text: str) -> tuple[dict[str, Any] | None, str]:
    """A vault note's frontmatter (typed, via safe_load) and body; None when it has no valid block."""
    match = re.match(r"\A---\n(.*?\n)?---\n?", text, re.S)
    if not match:
        return None, text
    try:
        data = yaml.safe_load(match.group(1) or "") or {}
    except (yaml.YAMLError, RecursionError):  # a user's note nested past the limit: not a block we can use
        return None, text
    if not isinstance(data, dict):
        return None, text
    return data, text[match.end():]
