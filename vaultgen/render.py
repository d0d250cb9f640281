"""Templates → note text. Bodies come from Jinja2 templates; frontmatter from the YAML serializer."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import jinja2

from . import frontmatter_io, plugins
from .errors import ConfigError
from .model import Note
from .textfix import escape_bracket_runs

END_MARKER = "%% vaultgen:end · write below this line: your text here survives every rebuild %%"
_BUILTIN = Path(__file__).parent / "templates"


def environment(override_dir: str | None = None) -> jinja2.Environment:
    """Users' templates (a folder of `<type>.md.j2` files) shadow the built-in ones; plugins add to it."""
    # Keyed by the plugins implementing configure_templates too: one registered in code after a build gets
    # an environment of its own instead of the one made before it was there.
    return _environment(override_dir, tuple(plugins.implementing("configure_templates")))


@lru_cache(maxsize=8)
def _environment(override_dir: str | None, configured_by: tuple) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(override_dir)] if override_dir else []
    loaders.append(jinja2.FileSystemLoader(str(_BUILTIN)))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    pm = plugins.plugin_manager()
    try:
        pm.hook.configure_templates(environment=env)
    except Exception as exc:  # noqa: BLE001 - a plugin bug: no note could be rendered as its templates expect
        names = ", ".join(pm.get_name(p) or repr(p) for p in configured_by)
        raise ConfigError(f"plugin {names}", f"configure_templates failed: {type(exc).__name__}: {exc}") from exc
    return env


def load_template(template: str, override_dir: str | None = None) -> jinja2.Template:
    try:
        return environment(override_dir).get_template(f"{template}.md.j2")
    except jinja2.TemplateError as exc:
        raise _template_error(template, exc) from exc


def render_body(template: str, context: Mapping[str, Any], override_dir: str | None = None) -> str:
    loaded = load_template(template, override_dir)
    try:
        text = loaded.render(**context)
    except jinja2.TemplateError as exc:  # an {% include %}d template is loaded only now
        raise _template_error(template, exc) from exc
    return tidy(text)


def _template_error(template: str, exc: jinja2.TemplateError) -> ConfigError:
    """The broken template named, with its line when Jinja2 knows it."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ConfigError(f"{exc.filename or exc.name}:{exc.lineno}", f"template error: {exc.message}")
    return ConfigError(f"template {template}.md.j2", f"template error: {exc}")


def tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def note_text(note: Note) -> str:
    """The complete file as first written: frontmatter, generated body, the end marker."""
    return f"{frontmatter_io.dump(note.frontmatter)}{generated_part(note.body)}"


def generated_part(body: str) -> str:
    return f"{body.rstrip()}\n\n{END_MARKER}\n"


@lru_cache(maxsize=65_536)  # the same sentences recur across entity and resource notes
def inert(text: str) -> str:
    """Plain text quoted into a note (sentences, titles) that must not turn into links, tags or comments."""
    text = escape_bracket_runs(text).replace("]]", "\\]\\]").replace("%%", "\\%\\%")
    text = re.sub(r"(^|\s)#(?=\w)", r"\1\\#", text)
    return text.replace("<%", "&lt;%")


_LABEL_BREAKERS = re.compile(r"[|\[\]]")


@lru_cache(maxsize=65_536)
def link_label(text: str) -> str:
    """Display text after `|` in a wikilink: no pipes or brackets, one line."""
    return " ".join(_LABEL_BREAKERS.sub(" ", text).split()) or "link"


def grouped(mentions: Iterable[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """(issue note name, label, sentence) triples → one group per issue, sentences de-duplicated, order kept."""
    groups: dict[str, dict[str, Any]] = {}
    for issue, label, sentence in mentions:
        group = groups.setdefault(issue, {"issue": issue, "label": link_label(label), "sentences": []})
        if sentence and inert(sentence) not in group["sentences"]:
            group["sentences"].append(inert(sentence))
    return list(groups.values())
