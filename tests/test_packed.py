"""Parsed issues held packed (packed.py): every consumer sees what the plain objects would give."""
import datetime
import pickle
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultgen.model import Candidate, Issue, Link
from vaultgen.packed import (Packed, Spill, StoredIssue, _packed, _stored_issue, content_digest, issue_digest, pack,
                             pack_parsed, unpack_parsed)
from vaultgen.state import Parsed

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def _parsed(body: str, names: list[str]) -> Parsed:
    issue = Issue("a/b.md", body, "Title", "News", 3, datetime.date(2021, 3, 15), tags=("x",), reader="markdown")
    links = tuple(Link(f"https://x.org/{n}", f"https://x.org/{n}", n, body[:20]) for n in names)
    candidates = (tuple(Candidate(n, "a/b.md", "text", None, body[:30]) for n in names), ())
    return Parsed(issue, links, candidates, extracted=True, extracted_for="News", url_edits=((0, 1, "u", "v"),))


@settings(max_examples=60, deadline=None)
@given(_TEXT, st.lists(_TEXT, max_size=5))
def test_packed_parsed_reads_as_the_plain_one(tmp_path_factory, body, names):
    plain = _parsed(body, names)
    spill = Spill(tmp_path_factory.mktemp("spill"))
    for packed in (pack_parsed(plain), pack_parsed(plain, spill)):
        assert isinstance(packed.issue, StoredIssue)
        assert packed.issue.body == body and repr(packed.issue) == repr(plain.issue)   # note keys use repr
        assert tuple(packed.links) == plain.links and tuple(packed.candidates) == plain.candidates
        assert packed.issue == pack_parsed(plain).issue and hash(packed.issue) == hash(pack_parsed(plain).issue)
        assert replace(packed.issue, title="T2").body == body
        again = pickle.loads(pickle.dumps(packed, pickle.HIGHEST_PROTOCOL))     # the build state stores it so
        assert tuple(again.links) == plain.links and again.issue.body == body
        unpacked = unpack_parsed(packed)
        assert unpacked == plain and type(unpacked.issue) is Issue
        assert unpack_parsed(unpacked) is unpacked                              # plain already: itself


@settings(max_examples=60, deadline=None)
@given(_TEXT, _TEXT, st.lists(_TEXT, max_size=5))
def test_a_digest_tells_issues_apart_by_every_field_packed_or_not(tmp_path_factory, body, other, names):
    """Notes are found again by their issue's digest (memo.Memo.issue_digest, state.Lasting): the same for a packed
    issue as for the plain one, different when any field is (a number 1 is not True)."""
    plain = _parsed(body, names)
    packed = pack_parsed(plain, Spill(tmp_path_factory.mktemp("spill")))
    assert issue_digest(packed.issue) == issue_digest(plain.issue)
    assert content_digest(packed.candidates) == content_digest(plain.candidates)
    for change in ({"body": other}, {"title": other}, {"number": True}, {"tags": ()}):
        changed = replace(plain.issue, **change)
        assert (issue_digest(changed) == issue_digest(plain.issue)) == (changed == plain.issue and
                                                                        repr(changed) == repr(plain.issue))
    assert issue_digest(replace(plain.issue, number=1)) != issue_digest(replace(plain.issue, number=True))
    # The body's bytes and the other fields' repr do not run into each other.
    assert issue_digest(replace(plain.issue, body=body + "x")) != issue_digest(replace(plain.issue, body=body + "y"))


@settings(max_examples=25, deadline=None)
@given(body=st.text(max_size=200), other=st.text(min_size=1, max_size=20), names=st.lists(st.text(max_size=10), max_size=4))
def test_digests_taken_when_packed_travel_with_the_pickle_and_go_with_a_change(tmp_path_factory, body, other, names):
    """An edit's build asks for every issue's digests, which are taken when the issue is packed (not by
    decompressing it again): they must be the digests of what is held, through a pickle (the build state, a
    worker's result) and a spill, and a changed copy (`replace`) must not keep its original's."""
    plain = _parsed(body, names)
    packed = pack_parsed(plain, Spill(tmp_path_factory.mktemp("spill")))
    again = pickle.loads(pickle.dumps(packed))
    for parsed in (packed, again):
        assert parsed.issue._digest == issue_digest(plain.issue)
        assert parsed.candidates._digest == content_digest(plain.candidates)
    changed = replace(again.issue, title=(again.issue.title or "") + other)
    assert issue_digest(changed) == issue_digest(replace(plain.issue, title=changed.title)) != issue_digest(plain.issue)
    # What an older vaultgen pickled holds no digest: worked out when asked for.
    old_issue = _stored_issue(again.issue.__reduce__()[1][0])
    old_candidates = _packed(*again.candidates.__reduce__()[1][:2])
    assert issue_digest(old_issue) == issue_digest(plain.issue)
    assert content_digest(old_candidates) == content_digest(plain.candidates)


def test_pack_keeps_empty_tuples_and_packed_sequences_compare_as_tuples():
    assert pack(()) == ()
    packed = pack((1, "two", None))
    assert isinstance(packed, Packed) and len(packed) == 3 and packed[1] == "two" and packed == (1, "two", None)
    assert list(packed) == [1, "two", None] and repr(packed) == repr((1, "two", None))


def test_a_watcher_session_holds_plain_issues_and_a_build_packed_ones(tmp_path):
    import shutil

    from conftest import SAMPLES
    from vaultgen.pipeline import Options, Session, build
    source = tmp_path / "issues"
    shutil.copytree(SAMPLES, source)
    options = Options(source, tmp_path / "vault")
    with Session(options) as once:
        build(options, once)
        assert all(isinstance(r.parsed.issue, StoredIssue) for r in once.state.sources.values())
    with Session(options, remember=True) as watching:
        build(options, watching, warm=True)
        held = {rel: r.parsed for rel, r in watching.state.sources.items()}
        assert all(type(p.issue) is Issue and type(p.links) is tuple for p in held.values())
        build(options, watching, warm=True)
        assert all(r.parsed is held[rel] for rel, r in watching.state.sources.items())  # the same objects
        assert watching.merge_memo is not None and watching.merge_memo.sources
