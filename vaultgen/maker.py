"""Notes made from a template and its context: keyed by their inputs, rendered only when written."""
from __future__ import annotations

import hashlib
import io
import pickle
from typing import Callable

from . import plugins
from .model import Note
from .render import render_body


class Maker:
    """Notes from their template and its context, unrendered (see model.Note): keyed by their inputs, so
    that the writer skips the notes the vault holds as made from the very same inputs (most notes of an
    incremental build) without rendering them, and renders the others one at a time."""

    def __init__(self, template_dir: str | None, salt: str, finish: Callable[[str, str, dict], dict]):
        self.template_dir, self.salt = template_dir, salt
        self.finish = finish  # (id, path, frontmatter) → the frontmatter as written (former names added)

    def __call__(self, note_id: str, note_type: str, path: str, frontmatter: dict, context, inputs=None) -> Note:
        """context: the template's variables, or a function making them from `inputs` (which then stand for them
        in the key: only what is cheap to gather is gathered for a note that will not be rendered)."""
        frontmatter = self.finish(note_id, path, frontmatter)
        # The template is the note's type; salt covers templates and code.
        key = _digest((self.salt, self.template_dir, note_type, path, frontmatter,
                       context if inputs is None else inputs))
        return self.again(Note(note_id, note_type, path, frontmatter, None, key), context if inputs is None else None,
                          context if inputs is not None else None)

    def again(self, note: Note, variables=None, make_variables=None) -> Note:
        """note (as made by this or an earlier Maker with the same templates and salt), rendered from these variables,
        or from what make_variables() returns (the context of a note made from `inputs`): see memo.py."""
        template_dir = self.template_dir  # the closure holds what rendering needs, not this Maker (nor its finish)

        def render() -> Note:
            given = variables if make_variables is None else make_variables()
            return Note(note.id, note.type, note.path, note.frontmatter, render_body(note.type, given, template_dir),
                        note.key)
        # Rendered when the writer needs the text, one note at a time: a vault's worth of rendered notes is
        # never held at once, and a note the vault holds as made from the same inputs is never rendered.
        return Note(note.id, note.type, note.path, note.frontmatter, None, note.key, lambda: transformed(render()))


def _digest(given) -> str:
    """The same digest for equal inputs in every process. Pickled without its memo: with it, an object met twice
    is written once and then referred to, so equal inputs built differently (one string object used twice, or two
    equal ones) would pickle differently. Frozen dataclasses, tuples, lists and dicts pickle their items in order;
    a set would not (string hashes differ between processes), and inputs hold none. Faster than repr."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    try:
        pickler.dump(given)
    except (pickle.PicklingError, TypeError, AttributeError):  # a plugin's template variables may hold anything
        return hashlib.sha256(repr(given).encode("utf-8", "surrogatepass")).hexdigest()
    return hashlib.sha256(buffer.getbuffer()).hexdigest()


def transformed(note: Note) -> Note:
    """Plugins' note transforms, in registration order; a transform returns a new Note or None."""
    for result in plugins.plugin_manager().hook.transform_note(note=note, context={}):
        if isinstance(result, Note):
            note = result
    return note


def counting(make: Callable[..., Note], tick: Callable[[int, int], None], total: int) -> Callable[..., Note]:
    """make, telling tick after each note: issue notes are linked as they are made, so this counts linking too."""
    made = 0
    tick(0, total)

    def counted(*args, **kwargs) -> Note:
        nonlocal made
        note = make(*args, **kwargs)
        made += 1
        tick(made, total)
        return note
    return counted
