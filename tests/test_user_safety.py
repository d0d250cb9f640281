"""A user's words are never lost: appended text, added properties, renamed notes, removed sources, crashes."""
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from vaultgen import frontmatter_io
from vaultgen.check import check_vault
from vaultgen.errors import SourceError
from vaultgen.pipeline import Options, build
from vaultgen.reading import read_one
from vaultgen import plugins


def issue_text(n: int, extra: str = "") -> str:
    return (f"---\ntitle: \"Issue {n}: {extra or 'news'}\"\ndate: 2020-01-{n % 28 + 1:02d}\nnumber: {n}\n---\n\n"
            f"Welcome to Test Weekly #{n}.\n\n## News\n\n**PyTorch {n}.0 is out.**\n"
            f"[PyTorch](https://pytorch.org/?utm_source=t) shipped; see [Hugging Face](https://huggingface.co/).\n{extra}\n")


def notes_by_id(vault: Path) -> dict[str, Path]:
    found = {}
    for path in vault.rglob("*.md"):
        meta, _ = frontmatter_io.parse_note(path.read_text(encoding="utf-8"))
        if meta and meta.get("vaultgen_id"):
            found[meta["vaultgen_id"]] = path
    return found


def test_a_users_month(tmp_path, monkeypatch):
    source, vault = tmp_path / "src", tmp_path / "vault"
    source.mkdir()
    for n in (1, 2, 3):
        (source / f"{n}.md").write_text(issue_text(n))
    assert build(Options(source, vault)).exit_code == 0
    ids = notes_by_id(vault)

    # Week 1: notes in the margins, a property, a renamed and a moved note, a note of their own.
    issue1 = ids["issue:1.md"]
    issue1.write_text(issue1.read_text() + "\nMy take on issue one.\n")
    entity = next(p for i, p in ids.items() if i.startswith("entity:") and "pytorch" in i.lower())
    entity.write_text(entity.read_text().replace("\ntype: entity", "\nrating: 5\ntype: entity", 1) + "\nUse it daily.\n")
    renamed = entity.with_name("PyTorch framework.md")
    os.replace(entity, renamed)
    (vault / "Archive").mkdir()
    moved = vault / "Archive" / ids["issue:2.md"].name
    os.replace(ids["issue:2.md"], moved)
    moved.write_text(moved.read_text() + "\nMoved, and annotated.\n")
    (vault / "My ideas.md").write_text("Ideas that link [[PyTorch framework]].\n")

    # Week 2: the sources change; a rebuild.
    (source / "1.md").write_text(issue_text(1, "Now with more news."))
    (source / "4.md").write_text(issue_text(4))
    assert build(Options(source, vault)).exit_code == 0
    assert "My take on issue one." in issue1.read_text() and "Now with more news." in issue1.read_text()
    assert "Use it daily." in renamed.read_text() and "rating: 5" in renamed.read_text()
    assert not (vault / "Entities" / entity.name).exists(), "the renamed note was not written again"
    assert "Moved, and annotated." in moved.read_text()
    assert (vault / "My ideas.md").read_text() == "Ideas that link [[PyTorch framework]].\n"
    assert "[[PyTorch framework]]" in issue1.read_text(), "links follow the user's rename"

    # Week 3: a source goes away; its annotated note stays, tagged.
    (source / "2.md").unlink()
    (source / "3.md").unlink()
    result = build(Options(source, vault))
    assert moved.exists() and "Moved, and annotated." in moved.read_text() and "vaultgen/orphaned" in moved.read_text()
    assert not ids["issue:3.md"].exists(), "an untouched note of a removed source goes"
    assert str(moved.relative_to(vault)) in result.report.orphaned
    assert check_vault(vault) == {}

    # Week 4: a crash in the middle of writing, then a build that completes the job.
    (source / "1.md").write_text(issue_text(1, "After the crash."))
    (source / "5.md").write_text(issue_text(5))
    real_replace, calls = os.replace, []

    def dying_replace(a, b):
        calls.append(b)
        if len(calls) == 3:
            raise KeyboardInterrupt("killed")
        return real_replace(a, b)
    monkeypatch.setattr(os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        build(Options(source, vault))
    monkeypatch.setattr(os, "replace", real_replace)
    assert build(Options(source, vault)).exit_code == 0
    text = issue1.read_text()
    assert "After the crash." in text and "My take on issue one." in text
    assert "Use it daily." in renamed.read_text()
    assert not list(vault.rglob(".vaultgen-tmp-*"))
    assert check_vault(vault) == {}, "no link breaks: notes linked from kept ones stay too"


def test_a_note_an_interrupted_build_created_then_the_user_edited_is_theirs(tmp_path, monkeypatch):
    source, vault = tmp_path / "src", tmp_path / "vault"
    source.mkdir()
    (source / "1.md").write_text(issue_text(1))
    build(Options(source, vault))
    (source / "2.md").write_text(issue_text(2))
    real, replaced = os.replace, []

    def dying(a, b):  # the build is killed once the first file is in place
        if replaced:
            raise KeyboardInterrupt
        replaced.append(Path(b))
        return real(a, b)
    monkeypatch.setattr(os, "replace", dying)
    with pytest.raises(KeyboardInterrupt):
        build(Options(source, vault))
    monkeypatch.setattr(os, "replace", real)
    [new] = replaced
    meta, body = frontmatter_io.parse_note(new.read_text())
    assert meta["vaultgen_id"] not in ("issue:1.md",)  # a note the saved manifest did not know
    text = new.read_text()
    head, sep, rest = text.partition("\n---\n")
    new.write_text(head + sep + "My words, written in the generated part.\n" + rest)
    result = build(Options(source, vault))
    assert "My words, written in the generated part." in new.read_text()
    assert new.relative_to(vault).as_posix() in result.report.preserved


class UserAndSources(RuleBasedStateMachine):
    """Random source edits, user edits, renames, deletions and crashes: every user word survives."""

    @initialize()
    def start(self):
        import tempfile
        self.root = Path(tempfile.mkdtemp())
        self.source, self.vault = self.root / "src", self.root / "vault"
        self.source.mkdir()
        self.next_n = 3
        for n in (1, 2):
            (self.source / f"{n}.md").write_text(issue_text(n))
        build(Options(self.source, self.vault))
        self.words: dict[str, str] = {}   # vaultgen_id -> a unique sentence the user wrote

    @rule(extra=st.sampled_from(["", "More.", "Even more."]))
    def edit_or_add_source(self, extra):
        n = self.next_n
        self.next_n += 1
        (self.source / f"{n}.md").write_text(issue_text(n, extra))

    @rule()
    def remove_a_source(self):
        files = sorted(self.source.glob("*.md"))
        if len(files) > 1:
            files[0].unlink()

    def _a_note(self, data) -> tuple[str, Path] | None:
        ids = notes_by_id(self.vault)
        if not ids:
            return None
        note_id = data.draw(st.sampled_from(sorted(ids)))
        return note_id, ids[note_id]

    @rule(data=st.data())
    def user_writes(self, data):
        if (picked := self._a_note(data)) is not None:
            note_id, path = picked
            sentence = f"user words {len(self.words)} for {note_id}"
            path.write_text(path.read_text() + f"\n{sentence}\n")
            self.words[note_id] = sentence

    @rule(data=st.data())
    def user_writes_in_the_generated_part(self, data):
        if (picked := self._a_note(data)) is not None:
            note_id, path = picked
            head, sep, rest = path.read_text().partition("\n---\n")
            if sep:
                sentence = f"user words {len(self.words)} inside {note_id}"
                path.write_text(head + sep + sentence + "\n" + rest)
                self.words[f"{note_id} inside"] = sentence

    @rule(data=st.data())
    def user_renames(self, data):
        ids = notes_by_id(self.vault)
        if ids:
            path = ids[data.draw(st.sampled_from(sorted(ids)))]
            os.replace(path, path.with_name(f"renamed {path.name}"))

    @rule()
    def rebuild(self):
        build(Options(self.source, self.vault))

    @rule(after=st.integers(min_value=0, max_value=4))
    def crash_during_build(self, after):
        real, count = os.replace, [0]

        def dying(a, b):
            count[0] += 1
            if count[0] > after:
                raise KeyboardInterrupt
            return real(a, b)
        os.replace = dying
        try:
            build(Options(self.source, self.vault))
        except KeyboardInterrupt:
            pass
        finally:
            os.replace = real

    @invariant()
    def no_user_word_is_lost(self):
        if not hasattr(self, "words"):
            return
        everything = "\n".join(p.read_text() for p in self.vault.rglob("*.md"))
        for sentence in self.words.values():
            assert sentence in everything


TestUserAndSources = UserAndSources.TestCase
TestUserAndSources.settings = settings(max_examples=25, stateful_step_count=12, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_an_issue_or_a_clear_error(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("bytes")
    path = root / "x.md"
    path.write_bytes(data)
    try:
        issue, _ = read_one(path, root, {}, plugins.readers(), 10_000_000)
    except SourceError as exc:
        assert exc.path == "x.md" and exc.reason
    else:
        assert issue.source == "x.md" and issue.title and issue.newsletter


scalars = st.one_of(st.text(max_size=30), st.integers(-10**6, 10**6), st.booleans(), st.none(),
                    st.dates(), st.floats(allow_nan=False, allow_infinity=False))


@given(st.dictionaries(st.text(min_size=1, max_size=15).filter(lambda k: k.strip() == k and k),
                       st.one_of(scalars, st.lists(st.text(max_size=20), max_size=4)), max_size=8))
def test_frontmatter_round_trips(data):
    text = frontmatter_io.dump(data) + "body\n"
    loaded, body = frontmatter_io.parse_note(text)
    assert loaded == data and body == "body\n"
    assert re.match(r"\A---\n", text)
    # The block ends at a line that is "---" alone (an indented "  ---" inside a value does not end it).
    assert yaml.safe_load(re.split(r"^---\n", text, maxsplit=2, flags=re.M)[1]) == data or data == {}


def test_an_author_the_user_added_before_vaultgen_wrote_one_is_kept(tmp_path):
    """`author` became vaultgen's property after users could add it themselves: theirs stays, with the note."""
    source, vault = tmp_path / "issues", tmp_path / "vault"
    source.mkdir()
    (source / "a.md").write_text(issue_text(1), encoding="utf-8")
    build(Options(source, vault))
    note = notes_by_id(vault)["issue:a.md"]
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("type: issue\n", "type: issue\nauthor: Me, myself\n"), encoding="utf-8")
    (source / "a.md").write_text(issue_text(1).replace("number: 1\n", "number: 1\nauthor: Jack Clark\n"),
                                 encoding="utf-8")
    result = build(Options(source, vault))
    assert "author: Me, myself" in note.read_text(encoding="utf-8") and "Jack Clark" not in note.read_text("utf-8")
    assert result.report.preserved == [note.relative_to(vault).as_posix()]
