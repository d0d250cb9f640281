"""People across the archive, after merging: a name that reads as a person's, and a lone first name that is
one well-known person's ("Andrew", signing off issue after issue, is Andrew Ng).

`gaz` is the merge's gazetteer lookups (mentions.Lookups): a name the user described keeps what they said.
"""
from __future__ import annotations

import re
from collections import defaultdict

from .extract.lexicon import lexicon
from .model import Entity

_NAME_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿA-ZÀ-ÖØ-Þ'’-]*")


def people_by_first_name(entities: list[Entity], gaz) -> list[Entity]:
    """A name of kind "other" that reads as a person's (Andrew McAfee, Patrick O'Neill) is a person when its
    first word is the first name of a person the archive knows, neither that nor its last word being an
    English word; a name the gazetteer gives a kind keeps it."""
    lex = lexicon()
    first_names = {e.name.split()[0] for e in entities if e.kind == "person" and 2 <= len(e.name.split()) <= 3}
    out = []
    for e in entities:
        words = e.name.split()
        if (e.kind == "other" and 2 <= len(words) <= 3 and words[0] in first_names and words[0].istitle()
                and all(_NAME_WORD.fullmatch(w) for w in words) and not lex.is_word(words[0])
                and not lex.is_word(words[-1]) and not gaz.entry(e.name)):
            e = Entity(e.key, e.name, "person", e.aliases, e.description, e.mentions, e.urls)
        out.append(e)
    return out


def first_names_to_people(entities: list[Entity], gaz) -> list[Entity]:
    """"Andrew" (a sign-off, issue after issue) is Andrew Ng when he is, by far, the archive's most cited
    person of that first name: one note for him, and the sign-off links to it. A first name that is also a
    word ("Will", "Mark"), or that several people share about equally, stays as it is."""
    lex = lexicon()
    named: dict[str, list[Entity]] = defaultdict(list)   # first name → full names starting with it
    for e in entities:
        words = e.name.split()
        if 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
            named[words[0]].append(e)
    merged: dict[str, Entity] = {}   # person key → the person with the first name's mentions
    dropped = set()
    for e in entities:
        person = _the_person(named.get(e.name, ()))
        if (person is None or e.kind not in ("person", "other") or len(e.name) < 3 or not e.name.isalpha()
                or not e.name.istitle() or lex.is_word(e.name) or gaz.entry(e.name)):
            continue
        person = merged.get(person.key, person)
        mentions = sorted({*person.mentions, *e.mentions}, key=lambda m: (m.source, m.sentence, m.surface))
        merged[person.key] = Entity(person.key, person.name, person.kind,
                                    tuple(sorted({*person.aliases, e.name, *e.aliases} - {person.name})),
                                    person.description or e.description, tuple(mentions),
                                    tuple(sorted({*person.urls, *e.urls})))
        dropped.add(e.key)
    return [merged.get(e.key, e) for e in entities if e.key not in dropped]


def _the_person(full_names: list[Entity]) -> Entity | None:
    """The person among full_names cited in at least two issues and twice as many as any other."""
    ranked = sorted(((len({m.source for m in e.mentions}), e.key, e) for e in full_names), reverse=True)
    if not ranked or ranked[0][2].kind != "person" or ranked[0][0] < 2:
        return None
    if len(ranked) > 1 and ranked[0][0] < 2 * ranked[1][0]:
        return None
    return ranked[0][2]
