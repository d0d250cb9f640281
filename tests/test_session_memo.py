"""The watcher's session remembers what it planned (memo.py): every build in it writes the vault a new session would."""
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES
from vaultgen.pipeline import Options, Session, build

EDITED = "002_9bee8cc4421629a8.txt"     # Markdown without frontmatter, "# #43: One AI model, four competing services"
PLAIN = "004_8c0ce3aa714c14dc.txt"      # plain text


def notes(vault: Path) -> dict[str, bytes]:
    """Every file of the vault but vaultgen's own state."""
    return {p.relative_to(vault).as_posix(): p.read_bytes() for p in vault.rglob("*")
            if p.is_file() and ".vaultgen" not in p.relative_to(vault).parts}


def append(rel: str, text: str):
    def change(folder: Path) -> None:
        path = folder / rel
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return change


def replace_everywhere(old: str, new: str):
    def change(folder: Path) -> None:
        hits = 0
        for path in sorted(folder.iterdir()):
            text = path.read_text(encoding="utf-8")
            hits += text.count(old)
            path.write_text(text.replace(old, new), encoding="utf-8")
        assert hits, old
    return change


def add_issue(folder: Path) -> None:
    (folder / "005_new.md").write_text(
        "---\ntitle: 'A new issue'\ndate: 2020-02-02\nnewsletter: Dynamically Typed\n---\n\n"
        "# A new issue\n\nDescript and PyTorch again, and [the TabNine post](https://tabnine.com/blog/deep?utm_source=x).\n"
        "Zorblax Robotics released Zorblax Robotics Studio. Zorblax Robotics is hiring.\n\n"
        # A name an issue that does not change also holds: that issue links it now.
        "We met the founders of Nova, a robotics startup. Nova released NovaOS, and Nova is hiring.\n",
        encoding="utf-8")


def remove(rel: str):
    return lambda folder: (folder / rel).unlink()


def move(rel: str, to: str):
    return lambda folder: (folder / rel).rename(folder / to)


# Each step: (what it does, the change, whether a first build of the sources gives the same vault: a note keeps its
# name once written, so after a title or spelling change only a build continuing from the same vault does).
STEPS = [
    ("edit a body", append(EDITED, "\nWe tried Descript again this week.\n"), True),
    ("mention known and new entities", replace_everywhere("I just replaced my two-year-old phone", "I tried PyTorch "
     "and Keras on photos, with Zorblax Robotics. Zorblax Robotics makes robots. I just replaced my phone"), True),
    ("respell an entity", replace_everywhere("TabNine", "Tabnine"), False),
    ("change a title", replace_everywhere("four competing services", "five competing services"), False),
    ("add an issue", add_issue, False),
    ("no change", lambda folder: None, False),
    ("remove an issue", remove("003_87e5efa75a85db55.txt"), False),
    ("move an issue", move(PLAIN, "004_moved.txt"), False),
    ("edit the new issue", append("005_new.md", "\nTensorFlow, at last.\n"), False),
]


@pytest.fixture
def source(tmp_path) -> Path:
    folder = tmp_path / "issues"
    shutil.copytree(SAMPLES, folder)
    return folder


def test_every_build_of_a_session_writes_what_a_new_session_would(source, tmp_path):
    vault, options = tmp_path / "vault", Options(source, tmp_path / "vault")
    with Session(options, remember=True) as session:
        assert not build(options, session).report.problems
        for n, (what, change, as_first) in enumerate(STEPS):
            before = notes(vault)
            # The reference: the vault as the session left it, built again by a session that remembers nothing.
            reference = tmp_path / f"reference-{n}"
            shutil.copytree(vault, reference)
            change(source)
            result = build(options, session, frozenset(p.name for p in source.iterdir()))
            assert not result.report.problems, what
            assert not build(Options(source, reference)).report.problems, what
            after = notes(vault)
            assert after == notes(reference), what
            assert what == "no change" or after != before, f"{what}: the step changed nothing in the vault"
            if as_first:
                scratch = tmp_path / f"scratch-{n}"
                build(Options(source, scratch))
                assert after == notes(scratch), what


def test_a_session_build_after_a_user_edit_keeps_the_edit(source, tmp_path):
    """A note the user changed while the session ran is noticed as a new session would notice it."""
    vault, options = tmp_path / "vault", Options(source, tmp_path / "vault")
    with Session(options, remember=True) as session:
        build(options, session)
        note = next((vault / "Entities").glob("Descript*.md"))
        note.write_text(note.read_text(encoding="utf-8").replace("type: entity", "type: entity\nmine: kept"),
                        encoding="utf-8")
        append(EDITED, "\nDescript, once more.\n")(source)
        result = build(options, session, frozenset({EDITED}))
        assert "mine: kept" in note.read_text(encoding="utf-8")
        assert not result.report.problems


@pytest.mark.parametrize("remember", [True, False], ids=["session", "new-process"])
def test_each_note_a_session_plans_is_the_note_planned_afresh(source, tmp_path, monkeypatch, remember):
    """Keys too: a memo hit that gave the right text under a stale key would leave the next change unwritten.
    Without a session that remembers, each build is a new process's: what it takes again comes from the build
    state (state.Lasting), and must be what it would work out afresh."""
    from vaultgen import notes as notesmod
    real, checked = notesmod.plan_notes, []

    def both(*args, **kwargs):
        planned = real(*args, **kwargs)
        assert kwargs["lasting"] is not None
        kwargs.update(memo=None, lasting=None, notices=None, timings=None, tick=None)
        afresh = real(*args[:6], **kwargs)  # (issues, links, entities, vault, located, templates)
        def seen(notes):
            return [(n.id, n.type, n.path, dict(n.frontmatter), n.key, n.rendered().body) for n in notes]
        assert seen(planned) == seen(afresh)
        checked.append(len(planned))
        return planned

    monkeypatch.setattr(notesmod, "plan_notes", both)
    options = Options(source, tmp_path / "vault")

    def builds(session):
        build(options, session)
        for what, change, _ in STEPS:
            change(source)
            assert not build(options, session, frozenset(p.name for p in source.iterdir())).report.problems, what

    if remember:
        with Session(options, remember=True) as session:
            builds(session)
    else:
        builds(None)
    assert len(checked) == len(STEPS)  # the first build, and every step but "no change" (not planned at all)


@pytest.mark.parametrize("remember", [True, False], ids=["session", "new-process"])
def test_each_merge_taking_stored_shares_is_the_merge_afresh(source, tmp_path, monkeypatch, remember):
    """Each issue's share of the entity merge is kept in the build state (mentions.StoredShares); a merge that takes
    shares from it, in the session or in a new process, gives the entities a merge of the same candidates afresh
    gives. Most of the steps' issues are taken from it."""
    from vaultgen import mentions, resolve
    real, checked, taken = resolve.merge_sources, [], []
    real_record = mentions.from_record

    def both(by_source, gazetteer, memo, vetoes, stored, whole):
        assert stored is not None and (whole is None) == remember
        merged = real(by_source, gazetteer, memo, vetoes, stored, whole)
        assert merged == real({s: tuple(map(tuple, c)) for s, c in by_source.items()}, gazetteer)
        checked.append(len(merged))
        return merged

    monkeypatch.setattr(resolve, "merge_sources", both)
    monkeypatch.setattr(mentions, "from_record", lambda share, *a: taken.append(share) or real_record(share, *a))
    options = Options(source, tmp_path / "vault")

    def builds(session):
        build(options, session)
        for what, change, _ in STEPS:
            change(source)
            build(options, session, frozenset(p.name for p in source.iterdir()))

    if remember:
        with Session(options, remember=True) as session:
            builds(session)
    else:
        builds(None)
    assert len(checked) == len(STEPS)
    assert remember or len(taken) >= 2 * len(STEPS)  # the unchanged issues of each step
