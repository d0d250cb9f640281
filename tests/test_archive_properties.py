"""Whole archives made of hostile pieces, in every source shape (Markdown with and without frontmatter, HTML, plain-text
and saved MIME e-mails): the vault is valid, a second build writes nothing, and
the watcher's session and new processes build the same vault from the same edits."""
import json
import re
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from vaultgen.check import check_vault
from vaultgen.frontmatter_io import parse_note
from vaultgen.pipeline import Options, Session, build

NAMES = ["OpenAI", "Google", "Home", "CON", "Entities", "Resources", "PyTorch", "GPT-4", "Yann LeCun", "Café", "CAFÉ",
         "Cafe\u0301", "C#", ".NET", "Node.js", "A/B Testing", "x|y", "AT&T", "[[Weird]]", "[[[Weird]]]", "\\[[Esc]]",
         "#hash", "^caret", "%%c%%", "U.S.", "Hugging Face", "hugging face", "DeepMind", "DEEPMIND", "深度学习",
         "Meta AI", "Meta", "AI", "Dynamically Typed", "2021", "aux", "Newsletters", "index", "a" * 120,
         "ﬁre AI", "Ｆｕｌｌ Width", "I‚Äôm Google", "Runway ML&#x27;s", "Emoji 🤖 Bot", "#1 Model", "> Quote",
         "Title: Colon", "O'Reilly", "`code`", "x]]y", "{{ jinja }}", "<%= erb %>", "../../etc", ".hidden",
         "trailing.", "Home (person)", "OpenAI (organization)"]
URLS = ["https://openai.com/blog/x?utm_source=a", "https://example.com/a_(b)", "https://example.com/a\\(b\\)",
        "https://github.com/pytorch/pytorch", "https://github.com/PyTorch/PyTorch", "https://en.wikipedia.org/wiki/Café",
        "https://例え.jp/パス", "https://example.com/[x]", "https://example.com/a|b", "https://arxiv.org/abs/2001.00001",
        "https://arxiv.org/pdf/2001.00001.pdf", "javascript:alert(1)", "https://example.com/" + "p" * 300]
WORDS = ["the", "new", "model", "from", "released", "said", "and", "launch", "of", "with"]
FILES = ["a.md", "b/c.md", "2021-3-15-107.md", "d.txt", "e.html", "f.eml", "Home.md", "CON.md"]

name = st.sampled_from(NAMES)


@st.composite
def sentence(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        parts.append(draw(st.one_of(
            name, st.sampled_from(URLS),
            st.builds("[{}]({})".format, st.sampled_from(NAMES + WORDS), st.sampled_from(URLS)),
            st.sampled_from(["`[[x]]`", "`a[[0]]`", "`#tag`"]),
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join))))
    return " ".join(parts) + draw(st.sampled_from([".", "!", "", " #AI"]))


@st.composite
def markdown_issue(draw) -> str:
    meta = {}
    for key, values in (("title", name | st.text(max_size=20)), ("newsletter", name),
                        ("date", st.sampled_from(["2020-01-05", "2021-3-15", "May 7, 2024", "not a date"])),
                        ("tags", st.lists(st.sampled_from(["AI", "#ml", "a b", "2021", "x/y", "", "C++"]), max_size=3))):
        if draw(st.booleans()):
            meta[key] = draw(values)
    blocks = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            blocks.append("## " + draw(name))
        blocks.append(draw(sentence()))
    body = "\n\n".join(blocks) + "\n"
    return f"---\n{json.dumps(meta, ensure_ascii=False)}\n---\n\n{body}" if meta else body


@st.composite
def html_issue(draw) -> str:
    title = draw(name)
    paragraphs = "".join(f'<p><a href="{draw(st.sampled_from(URLS))}">{draw(name)}</a> {draw(sentence())}</p>'
                         for _ in range(draw(st.integers(1, 3))))
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1><h2>{draw(name)}</h2>{paragraphs}</body></html>"


@st.composite
def email_issue(draw) -> str:
    lines = [f"Subject: {draw(name)}", f"From: {draw(name)} <a@b.c>", "Date: Mon, 6 Jan 2020 10:00:00 +0000", ""]
    for _ in range(draw(st.integers(1, 3))):
        lines += [draw(name).upper(), draw(sentence()), draw(st.sampled_from(URLS)), ""]
    return "\n".join(lines)


@st.composite
def mime_issue(draw) -> str:
    """A saved e-mail: headers any name may be in, a text part, an HTML part or both."""
    parts = draw(st.sampled_from([("plain",), ("html",), ("plain", "html")]))
    body = {"plain": draw(email_issue()).split("\n\n", 1)[-1], "html": draw(html_issue())}
    lines = [f"From: {draw(name)} <news@example.com>", f"Subject: {draw(st.sampled_from(['', 'Fwd: ']))}{draw(name)}",
             f"Date: {draw(st.sampled_from(['Mon, 6 Jan 2020 10:00:00 +0000', 'not a date']))}", "MIME-Version: 1.0",
             'Content-Type: multipart/alternative; boundary="b0"', ""]
    for kind in parts:
        lines += ["--b0", f"Content-Type: text/{kind}; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", body[kind]]
    return "\n".join(lines + ["--b0--", ""])


issue = st.one_of(markdown_issue(), html_issue(), email_issue(), mime_issue())
archive = st.lists(st.tuples(st.sampled_from(FILES), issue), min_size=1, max_size=5, unique_by=lambda f: f[0])

_ANY_WIKILINK = re.compile(r"\[\[([^\]\n]+?)\]\]")  # in a body, as a linter sees them: no escapes, no code spans


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def links_that_do_not_resolve_to_one_note(vault: Path) -> list[str]:
    notes = {p.relative_to(vault).as_posix()[:-3]: p for p in vault.rglob("*.md")
             if not {".vaultgen", ".obsidian"} & set(p.parts)}
    stems: dict[str, int] = {}
    for rel in notes:
        stem = _key(rel.rsplit("/", 1)[-1])
        stems[stem] = stems.get(stem, 0) + 1
    bad = []
    for rel, path in notes.items():
        for m in _ANY_WIKILINK.finditer(parse_note(path.read_text(encoding="utf-8"))[1]):
            target = _key(m.group(1).split("|")[0].split("#")[0].strip())
            hits = sum(_key(n).endswith(target) for n in notes) if "/" in target else stems.get(target, 0)
            if hits != 1:
                bad.append(f"{rel}: [[{m.group(1)}]]")
    return bad


def write_files(source: Path, files) -> None:
    for rel, text in files:
        path = source / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def snapshot(vault: Path) -> dict[str, bytes]:
    return {p.relative_to(vault).as_posix(): p.read_bytes() for p in vault.rglob("*")
            if p.is_file() and ".vaultgen" not in p.parts}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(files=archive)
def test_any_archive_gives_a_valid_vault_that_a_second_build_leaves_alone(tmp_path_factory, files):
    root = tmp_path_factory.mktemp("archive")
    source, vault = root / "src", root / "vault"
    write_files(source, files)
    result = build(Options(source, vault))
    assert not result.report.problems
    assert check_vault(vault) == {}
    assert links_that_do_not_resolve_to_one_note(vault) == []
    exported = {parse_note(n.read_text(encoding="utf-8"))[0]["source"] for n in (vault / "Issues").rglob("*.md")}
    assert exported | {e.path for e in result.errors} == {rel for rel, _ in files}
    again = build(Options(source, vault))
    assert not (again.report.created or again.report.updated or again.report.removed)


edits = st.lists(st.tuples(st.sampled_from(["write", "remove", "rename"]), st.sampled_from(FILES), issue,
                           st.sampled_from(["g.md", "b/h.md", "i.html"])), min_size=1, max_size=4)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(files=archive, changes=edits)
def test_the_watchers_session_and_new_processes_build_the_same_vault(tmp_path_factory, files, changes):
    root = tmp_path_factory.mktemp("session")
    source, kept, fresh = root / "src", root / "kept", root / "fresh"
    write_files(source, files)
    with Session(Options(source, kept), remember=True) as session:
        build(Options(source, kept), session, warm=True)
        build(Options(source, fresh))
        for op, rel, text, target in changes:
            path = source / rel
            if op == "write":
                write_files(source, [(rel, text)])
            elif op == "remove" and path.exists():
                path.unlink()
            elif op == "rename" and path.exists():
                (source / target).parent.mkdir(parents=True, exist_ok=True)
                path.rename(source / target)
            build(Options(source, kept), session, changed=frozenset({rel, target}))
            build(Options(source, fresh))  # state from disk, as a new process finds it
            assert snapshot(kept) == snapshot(fresh)
