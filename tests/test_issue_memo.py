"""issuememo.py: what a session keeps per issue is what working it out afresh gives, build after build."""
import random
from collections import defaultdict

from vaultgen import issuememo
from vaultgen.memo import Memo
from vaultgen.model import Entity, Link, Mention
from vaultgen.notes import GENERIC_ANCHORS

SOURCES = [f"issue-{n}.md" for n in range(8)]


def found_in_afresh(named):
    found = defaultdict(set)
    for entity, name in named:
        for m in entity.mentions:
            found[m.source].add(name)
    return found


def entity(rng: random.Random, key: str, kind: str = "other") -> Entity:
    mentions = tuple(Mention(rng.choice(SOURCES), key, f"s{n}") for n in range(rng.randint(0, 4)))
    return Entity(key, key.title(), kind, (), None, mentions)


def test_found_in_equals_working_it_out_afresh_build_after_build():
    rng = random.Random(7)
    found_in = issuememo.FoundIn()
    entities = {f"e{n}": entity(rng, f"e{n}") for n in range(30)}
    names = {k: k.upper() for k in entities}
    for _ in range(200):
        for _ in range(rng.randint(0, 4)):  # what an edit does: new objects, new or gone entities, new names
            k = f"e{rng.randrange(40)}"
            step = rng.random()
            if step < 0.5:
                entities[k] = entity(rng, k, rng.choice(["other", "person"]))
                names.setdefault(k, k.upper())
            elif step < 0.7:
                entities.pop(k, None)
            elif k in names:
                others = set(names.values()) - {names[k]}
                names[k] = next(n for n in (f"{k.upper()}-{i}" for i in range(99)) if n not in others)
        named = [(e, names[k]) for k, e in sorted(entities.items())]
        got = found_in.update(named)
        expected = found_in_afresh(named)
        assert issuememo.FoundIn(keep=False).update(named) == expected
        assert {s: issuememo.FoundIn.of(got, s) for s in SOURCES} == {s: expected.get(s, set()) for s in SOURCES}


def test_found_in_after_a_build_that_raised_half_way_starts_afresh():
    rng = random.Random(3)
    found_in = issuememo.FoundIn()
    first = [(entity(rng, f"e{n}"), f"E{n}") for n in range(10)]
    found_in.update(first)

    class Broken(Entity):  # its mentions cannot be read: the update stops half-way
        @property
        def mentions(self):
            raise RuntimeError("half-way")
    try:
        found_in.update([(Entity("x", "X", "other"), "X"), *first[5:], (object.__new__(Broken), "B")])
    except Exception:
        pass
    again = [(entity(rng, f"f{n}"), f"F{n}") for n in range(4)] + first[:3]
    got = found_in.update(again)
    expected = found_in_afresh(again)
    assert {s: issuememo.FoundIn.of(got, s) for s in SOURCES} == {s: expected.get(s, set()) for s in SOURCES}


def resources_afresh(links, names):
    out, seen = [], set()
    for link in links:
        rid = f"resource:{link.canonical}"
        if rid in names and rid not in seen:
            seen.add(rid)
            label = link.text if link.text.casefold() not in GENERIC_ANCHORS else "example.org"
            out.append({"name": names[rid], "label": label})
    return out


def test_an_issues_resources_are_as_worked_out_afresh_when_links_or_names_change():
    memo = Memo()
    a, b = Link("u", "https://example.org/a", "The A", ""), Link("u", "https://example.org/b", "here", "")
    steps = [((a, b), {"resource:https://example.org/a": "A", "resource:https://example.org/b": "B"}),
             ((a, b), {"resource:https://example.org/a": "A", "resource:https://example.org/b": "B"}),
             ((a, b), {"resource:https://example.org/a": "A2", "resource:https://example.org/b": "B"}),
             ((a, b, a), {"resource:https://example.org/a": "A2"}),
             ((b,), {"resource:https://example.org/a": "A2", "resource:https://example.org/b": "B"})]
    for links, names in steps:
        memo.begin(None)
        got = issuememo.issue_resources(memo, "issue:x", links, names, GENERIC_ANCHORS)
        assert got == resources_afresh(links, names)


def test_the_order_of_an_issues_entities_follows_the_names_it_mentions():
    memo = Memo()
    for mentioned in (frozenset({"b", "A", "c"}), frozenset({"b", "A", "c"}), frozenset({"b", "Zed"}), frozenset()):
        memo.begin(None)
        assert issuememo.in_order(memo, "issue:x", mentioned) == tuple(sorted(mentioned, key=str.casefold))


def test_the_entity_listing_holds_each_entitys_name_and_kind():
    memo = Memo()
    e, f = Entity("e", "E", "person"), Entity("f", "F", "other")
    assert issuememo.listing(memo, [(e, "E"), (f, "F")]) == {"E": {"name": "E", "kind": "person"},
                                                            "F": {"name": "F", "kind": "other"}}
    kept = memo.listing["F"]
    now = issuememo.listing(memo, [(Entity("e", "E", "place"), "E"), (f, "F")])
    assert now == {"E": {"name": "E", "kind": "place"}, "F": {"name": "F", "kind": "other"}}
    assert now["F"] is kept  # the same entry: an issue note's inputs compare it by identity


def test_the_issues_linking_each_entity_are_as_worked_out_afresh_build_after_build():
    rng = random.Random(5)
    linking = issuememo.Linking()
    mentioned: dict[str, frozenset] = {}
    rank = {s: n for n, s in enumerate(SOURCES)}
    for _ in range(300):
        for _ in range(rng.randint(0, 3)):
            source = rng.choice(SOURCES)
            if rng.random() < 0.2:
                mentioned.pop(source, None)
            else:
                mentioned[source] = frozenset(rng.sample("ABCDEFG", rng.randint(0, 4)))
        if rng.random() < 0.1:  # issues in another order (a date edited)
            order = rng.sample(SOURCES, len(SOURCES))
            rank = {s: n for n, s in enumerate(order)}
        got = linking.update(dict(mentioned), dict(rank))
        assert issuememo.Linking(keep=False).update(dict(mentioned), dict(rank)) == {n: s for n, s in got.items() if s}
        expected = defaultdict(list)
        for source in sorted(mentioned, key=rank.__getitem__):
            for name in mentioned[source]:
                expected[name].append(source)
        assert {n: s for n, s in got.items() if s} == dict(expected)


def test_the_stems_of_note_files_are_those_of_their_paths(tmp_path):
    from pathlib import Path
    memo = Memo()
    located = {"a": tmp_path / "Issues" / "2020 A b.c.md", "b": tmp_path / "x.md"}
    memo.begin("setting")
    assert issuememo.stems(memo, located) == {"a": "2020 A b.c", "b": "x"} == issuememo.stems(Memo(keep=False), located)
    again = {"a": located["a"], "c": Path("Resources/y.z.md")}          # a Path kept, a new one
    memo.begin("setting")
    assert issuememo.stems(memo, again) == {"a": "2020 A b.c", "c": "y.z"}
    memo.begin("setting")
    assert list(memo.table("stem").last) == [id(located["a"]), id(again["c"])]  # what a build no longer had is let go


def test_link_targets_are_as_worked_out_afresh_build_after_build():
    rng = random.Random(9)
    memo = Memo()
    entities = {f"e{n}": Entity(f"e{n}", f"E{n}", "other", (f"A{n % 3}",), None, ()) for n in range(8)}
    for _ in range(200):
        memo.begin(None)
        k = f"e{rng.randrange(10)}"
        step = rng.random()
        if step < 0.4:   # mentioned more or less: the order of who gets a shared alias
            mentions = tuple(Mention("s", "x", str(i)) for i in range(rng.randrange(4)))
            entities[k] = Entity(k, f"E{k[1:]}", "other", entities.get(k, Entity(k, "", "")).aliases, None, mentions)
        elif step < 0.6:
            entities[k] = Entity(k, f"E{k[1:]}", "other", (f"A{rng.randrange(4)}",), None, ())
        elif step < 0.7:
            entities.pop(k, None)
        named = [(e, e.name.upper()) for _, e in sorted(entities.items())]
        expected: dict[str, str] = {}
        for e, name in sorted(named, key=lambda p: (-len(p[0].mentions), p[0].key)):
            for surface in (e.name, *e.aliases):
                expected.setdefault(surface, name)
        got, _ = issuememo.targets(memo, named)
        assert got == expected  # the pairs count, not their order (memo.Memo.same)
