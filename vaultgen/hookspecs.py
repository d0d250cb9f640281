"""The plugin API: hook specifications. Built-in readers and extractors use exactly these."""
from __future__ import annotations

from typing import Callable

import pluggy

hookspec = pluggy.HookspecMarker("vaultgen")
hookimpl = pluggy.HookimplMarker("vaultgen")


@hookspec
def register_readers(register: Callable) -> None:
    """Register source readers: call ``register(reader)`` for each (see vaultgen.readers.Reader)."""


@hookspec
def register_extractors(register: Callable) -> None:
    """Register entity extractors: call ``register(extractor)`` for each (see vaultgen.extract.Extractor)."""


@hookspec
def transform_note(note, context) -> object | None:
    """Return a replacement Note, or None to leave it as it is; runs before the note is written."""


@hookspec
def configure_templates(environment) -> None:
    """Add filters, globals or tests to the jinja2.Environment notes are rendered with; called once, when it is made."""
