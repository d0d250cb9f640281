"""grouping.Grouping: a merge's groups of mentions, kept between the merges of a session, are those made afresh."""
import random
from collections import defaultdict
from dataclasses import dataclass

from vaultgen.grouping import Grouping


@dataclass(eq=False)
class M:
    key: str


def afresh(sources, items, root_of):
    members = defaultdict(list)
    for mentions in items:
        for m in mentions:
            members[root_of.get(m.key, m.key)].append(m)
    return dict(members)


def test_groups_kept_between_merges_are_the_groups_made_afresh():
    rng = random.Random(11)
    grouping, by_source = Grouping(), {}
    root_of = {}
    for _ in range(300):
        for _ in range(rng.randint(0, 3)):
            source = f"s{rng.randrange(12)}"
            if rng.random() < 0.2:
                by_source.pop(source, None)
            else:
                by_source[source] = [M(f"k{rng.randrange(9)}") for _ in range(rng.randint(0, 5))]
        if rng.random() < 0.1:  # aliases joined or parted: other roots
            root_of = {f"k{n}": f"k{rng.randrange(n + 1)}" for n in range(9) if rng.random() < 0.5}
        sources = sorted(by_source)
        items = [by_source[s] for s in sources]
        last = dict(grouping._members)
        got = grouping.members(sources, items, dict(root_of))
        assert {r: [id(m) for m in g] for r, g in got.items()} == {
            r: [id(m) for m in g] for r, g in afresh(sources, items, root_of).items()}
        once = Grouping(keep=False).members(sources, items, root_of)   # a one-off merge's: nothing kept
        assert {r: [id(m) for m in g] for r, g in once.items()} == {r: [id(m) for m in g] for r, g in got.items()}
        made = []
        found = grouping.groups(got, {}, lambda mentions, groups: made.append(mentions) or Group(mentions))
        assert {r: g.members for r, g in found.items()} == got
        # Made again: exactly the groups whose list is not the last merge's (the others are found by identity).
        assert sorted(map(id, made)) == sorted(id(g) for r, g in got.items() if g is not last.get(r))


class Group:
    def __init__(self, members):
        self.members, self.sig = members, tuple(map(id, members))


def test_a_merge_that_raised_half_way_leaves_the_next_to_start_afresh():
    grouping = Grouping()
    a, b = [M("x"), M("y")], [M("x")]
    grouping.members(["a", "b"], [a, b], {})

    class Broken(list):
        def __iter__(self):
            raise RuntimeError("half-way")
    try:  # b gone (taken off its groups), then a's new mentions cannot be read
        grouping.members(["a"], [Broken([M("y")])], {})
    except RuntimeError:
        pass
    assert grouping.members(["a"], [a], {}) == {"x": [a[0]], "y": [a[1]]}
