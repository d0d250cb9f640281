"""The global entity phase: every issue's candidates → one Entity per real thing, deterministic."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from .extract.lexicon import lexicon
from .extract.names import PLURAL_ACRONYM, TOKEN, abbreviates
from .gazetteer import Gazetteer, entity_key
from .model import ENTITY_KINDS, Candidate, Entity, Mention

KEEP = 0.5          # a thing is kept when its mentions, taken together, are this sure (noisy-or)
FRAGMENT = 0.5      # mentions below this are dropped when a longer kept name covers them
_VERSIONED = re.compile(r"^(.*?\S)(?:\s+(?:v(?:ersion)?\s*)?(\d+(?:\.\d+)*(?:\.x)?|\d+\.x|(?:19|20)\d\d)|['’]\d\d)$", re.I)
_DOMAIN = re.compile(r"\.(?:com|org|net)$", re.I)
_FAMILY = {"person": "person", "place": "place", "organization": "org", "event": "event", "paper": "paper",
           "product": "artifact", "model": "artifact", "dataset": "artifact", "library": "artifact",
           "other": "other"}


@dataclass
class _Mention:
    cand: Candidate
    name: str           # the base name: version and possessive removed, local alias resolved
    surface: str        # as written
    key: str


def _base(name: str) -> tuple[str, str | None]:
    """("TensorFlow 2.0") → ("TensorFlow", "TensorFlow 2.0"); ("TPUs") → ("TPU", "TPUs")."""
    dotted = re.search(r"(?:^|\s)(?:[^\W\d_]\.){2,}$", name.strip())
    name = " ".join(name.split()).strip(" .,;:!?\"“”‘’'[]") + ("." if dotted else "")
    if name.endswith(")") and "(" not in name:
        name = name.rstrip(")")
    if name.startswith("(") and ")" not in name:
        name = name.lstrip("(")
    name = re.sub(r"['’]s$", "", name)
    m = _VERSIONED.match(name)
    if m and re.search(r"[^\W\d_]{2}", m.group(1)) and not m.group(1).endswith(("-", "et al.")):
        return m.group(1), name
    if PLURAL_ACRONYM.fullmatch(name):
        return name[:-1], name
    return name, None


def _key(name: str) -> str:
    return entity_key(_DOMAIN.sub("", name) if " " not in name else name)


def _order(c: Candidate) -> tuple:
    return (c.source, c.sentence, c.name, c.extractor, c.kind or "", c.url or "", -c.confidence,
            c.description or "", c.aliases)


class _Union:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, k: str) -> str:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)   # the smaller key wins: independent of input order


def _acronym(name: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", name)
    return " " not in name and len(letters) >= 2 and sum(c.isupper() for c in letters) >= 2 and len(name) <= 8


def _words(name: str) -> list[str]:
    return [re.sub(r"['’]s$", "", w) for w in TOKEN.findall(name)]


def _local_aliases(items: list[_Mention]) -> None:
    """Within one issue: "Evans" is Benedict Evans, "DRL" the Drone Racing League, "Runway" Runway ML."""
    lex = lexicon()
    names = sorted({m.name for m in items})
    multi = {n: ws for n in names if len(n.split()) > 1 and "et al" not in n and not n.endswith(")")
             for ws in [_words(n)] if ws}
    persons = {n for n, ws in multi.items() if 2 <= len(ws) <= 3 and all(w[:1].isupper() and w.isalpha() for w in ws)
               and not any(w.casefold() in lex.org_suffixes for w in ws)}
    persons |= {m.name for m in items if m.cand.kind == "person" and m.name in multi}
    rename: dict[str, str] = {}
    for n in names:
        if " " in n:
            continue
        letters = re.sub(r"[^A-Za-z]", "", n)
        if len(letters) >= 2 and letters.isupper():
            longs = {entity_key(m): m for m, ws in multi.items() if abbreviates(n, ws)}
            if len(longs) == 1:
                rename[n] = next(iter(longs.values()))
                continue
        if n[:1].isupper() and n.isalpha():
            owners = {p for p in persons if multi[p][-1] == n}
            if len(owners) == 1:
                rename[n] = owners.pop()
                continue
            if lex.is_word(n):
                heads = {m for m, ws in multi.items() if ws[0] == n and all(
                    w.casefold() in lex.org_suffixes or w.casefold() in lex.generic_acronyms for w in ws[1:])}
                if len(heads) == 1:
                    rename[n] = heads.pop()
    for m in items:
        if m.name in rename:
            m.name = rename[m.name]
            m.key = _key(m.name)


def merge_entities(candidates: Iterable[Candidate], gazetteer: Gazetteer | None = None) -> list[Entity]:
    """Merge every issue's candidates into entities, sorted by key; the same input in any order gives the same output.

    A candidate with confidence 0 is a veto: its extractor knows the name is no entity anywhere in this
    archive (the newsletter's own name); no entity of that name is made, whatever other issues say.
    """
    gaz = gazetteer or Gazetteer.empty()
    candidates = set(candidates)
    vetoed = {_key(_base(c.name)[0]) for c in candidates if c.confidence <= 0}
    items: list[_Mention] = []
    for c in sorted(candidates, key=_order):
        if c.confidence <= 0:
            continue
        base, versioned = _base(c.name)
        if len(base) < 2 or not re.search(r"[^\W\d_]", base) or gaz.is_banned(base) or gaz.is_banned(c.name):
            continue
        entry = gaz.entry(base)
        if _key(base) in vetoed and not entry:
            continue
        name = entry.name if entry else base
        items.append(_Mention(c, name, versioned or c.name, _key(name)))

    by_source: dict[str, list[_Mention]] = defaultdict(list)
    for m in items:
        by_source[m.cand.source].append(m)
    for source in sorted(by_source):
        _local_aliases(by_source[source])

    # Declared aliases join keys; an acronym joins its long form only if it has one across the archive.
    union = _Union()
    acronyms: dict[str, set[str]] = defaultdict(set)
    for m in items:
        union.find(m.key)
        for alias in m.cand.aliases:
            a_base, _ = _base(alias)
            a_key = _key(a_base)
            if not a_key or gaz.is_banned(a_base):
                continue
            if _acronym(a_base) and " " in m.name:
                acronyms[a_key].add(m.key)
            elif _acronym(m.name) and " " in a_base:
                acronyms[m.key].add(a_key)
            else:
                union.union(m.key, a_key)
    for entry in gaz.entries:
        for alias in entry.aliases:
            union.union(_key(entry.name), _key(alias))
    for short, longs in sorted(acronyms.items()):
        roots = {union.find(k) for k in longs}
        if len(roots) == 1:
            union.union(short, roots.pop())

    groups: dict[str, list[_Mention]] = defaultdict(list)
    for m in items:
        groups[union.find(m.key)].append(m)

    kept = {k: g for k, g in groups.items() if _score(g) >= KEEP or _declared(g, gaz)}
    _drop_fragments(kept, groups)
    kept = {k: g for k, g in kept.items() if g and (_score(g) >= KEEP or _declared(g, gaz))}

    entities: list[Entity] = []
    for key in sorted(kept):
        entities.extend(_entities(kept[key], gaz))
    declared = {entity_key(e.name) for e in entities} | {entity_key(a) for e in entities for a in e.aliases}
    for entry in gaz.entries:
        if entry.declared and entity_key(entry.name) not in declared:
            entities.append(Entity(_key(entry.name), entry.name, entry.kind or "other", entry.aliases,
                                   entry.description))
    return _dedupe_aliases(sorted(entities, key=lambda e: e.key), gaz)


def _declared(group: list[_Mention], gaz: Gazetteer) -> bool:
    entry = gaz.entry(group[0].name)
    return bool(entry and entry.declared)


def _score(group: list[_Mention]) -> float:
    """Noisy-or of the mentions' confidences: independent weak hints add up, one strong one is enough.
    One extractor's several readings of one mention count once, at their best; so does one sentence
    repeated in many issues (a masthead, a signature, an ad), which is one piece of evidence."""
    best: dict[tuple, float] = {}
    for m in group:
        ident = (m.cand.sentence.casefold() or m.cand.source, m.cand.extractor, m.surface.casefold())
        best[ident] = max(best.get(ident, 0.0), max(0.0, min(m.cand.confidence, 1.0)))
    miss = 1.0
    for conf in best.values():
        miss *= 1.0 - conf
    return 1.0 - miss


def _drop_fragments(kept: dict[str, list[_Mention]], groups: dict[str, list[_Mention]]) -> None:
    """ "Code" in "Papers with Code": a weak one-word mention inside a longer kept name is that name's."""
    longer: dict[str, set[str]] = defaultdict(set)
    for g in kept.values():
        for m in g:
            if " " in m.name:
                for w in m.name.casefold().split():
                    longer[w].add(m.name.casefold())
    for key, g in kept.items():
        keep = []
        for m in g:
            covers = longer.get(m.name.casefold(), ()) if " " not in m.name else ()
            sentence = m.cand.sentence.casefold()
            if m.cand.confidence < FRAGMENT and any(s in sentence for s in covers):
                continue
            keep.append(m)
        g[:] = keep


def _entities(group: list[_Mention], gaz: Gazetteer) -> list[Entity]:
    """One entity per group, or several when strong evidence says the name is two different things."""
    lex = lexicon()
    entry = gaz.entry(group[0].name)
    clusters = _split_by_kind(group) if not entry else [group]
    out = []
    for i, members in enumerate(clusters):
        names: dict[str, float] = defaultdict(float)
        for m in members:
            # Prose and anchors say how a name is written; a URL's lower-case repo name less so.
            weight = 0.5 if m.cand.url and "/" in "".join(m.cand.aliases) and m.name.islower() else 1.0
            names[m.name] += weight * (1.0 + m.cand.confidence)
        # Shouted forms ("DEEPLEARNING.AI" in a masthead) and lower-case repository names lose to prose.
        # An acronym gives way to the long form it abbreviates ("Climate Change AI", alias CCAI).
        spelled = {n for n in names if " " in n}
        name = entry.name if entry else min(names, key=lambda n: (
            _acronym(n) and any(abbreviates(n, _words(s)) for s in spelled),
            n.isupper() and len(re.sub(r"[^A-Z]", "", n)) > 5, -round(names[n], 6), n.islower(), -len(n), n))
        kinds: dict[str, float] = defaultdict(float)
        for m in members:
            if m.cand.kind in ENTITY_KINDS:
                kinds[m.cand.kind] += m.cand.confidence
        known = lex.known.get(name.casefold())
        if known and i == 0:               # a second thing of the same name is not the well-known one
            kinds[known[1]] += 2.0
        kind = (entry.kind if entry and entry.kind else None) or \
            (min(kinds, key=lambda k: (-round(kinds[k], 6), k)) if kinds else "other")
        described = sorted((m for m in members if m.cand.description),
                           key=lambda m: (-m.cand.confidence, m.cand.source, m.cand.sentence))
        description = (entry.description if entry else None) or (described[0].cand.description if described else None)
        aliases = {m.surface for m in members} | {m.name for m in members}
        aliases |= {a for m in members for a in m.cand.aliases}
        if entry:
            aliases |= set(entry.aliases)
        aliases = tuple(sorted(a for a in aliases if a != name and not gaz.is_banned(a)))
        mentions = tuple(sorted({Mention(m.cand.source, m.surface, m.cand.sentence) for m in members},
                                key=lambda x: (x.source, x.sentence, x.surface)))
        urls = tuple(sorted({m.cand.url for m in members if m.cand.url}))
        key = _key(name) if i == 0 else f"{_key(name)}|{kind}"
        out.append(Entity(key, name, kind, aliases, description, mentions, urls))
    return out


def _split_by_kind(group: list[_Mention]) -> list[list[_Mention]]:
    """Two things with one name (Gemini the model, Gemini the exchange): split only on strong evidence,
    each kind family confirmed by confident mentions in at least two issues."""
    fam_sources: dict[str, set[str]] = defaultdict(set)
    for m in group:
        if m.cand.kind and m.cand.confidence >= 0.7 and m.cand.kind != "other":
            fam_sources[_FAMILY[m.cand.kind]].add(m.cand.source)
    strong = sorted((f for f, s in fam_sources.items() if len(s) >= 2), key=lambda f: (-len(fam_sources[f]), f))
    # A second family must hold its own: at least a third of the issues that the first one has.
    strong = [f for f in strong if 3 * len(fam_sources[f]) >= len(fam_sources[strong[0]])] if strong else []
    if len(strong) < 2 or sum(len(fam_sources[f]) for f in strong) < 5:
        return [group]
    clusters: dict[str, list[_Mention]] = {f: [] for f in strong}
    for m in group:
        fam = _FAMILY.get(m.cand.kind or "", None)
        clusters[fam if fam in clusters else strong[0]].append(m)
    return [clusters[f] for f in strong]


def _dedupe_aliases(entities: list[Entity], gaz: Gazetteer) -> list[Entity]:
    """An alias two entities claim, or another entity's name, links nowhere: drop it from both."""
    owners: dict[str, set[str]] = defaultdict(set)
    for e in entities:
        owners[entity_key(e.name)].add(e.key)
        for a in e.aliases:
            owners[entity_key(a)].add(e.key)
    out = []
    for e in entities:
        aliases = tuple(a for a in e.aliases if len(owners[entity_key(a)]) == 1 or
                        (gaz.entry(a) and gaz.entry(a).name == e.name))
        out.append(Entity(e.key, e.name, e.kind, aliases, e.description, e.mentions, e.urls) if aliases != e.aliases
                   else e)
    return out
