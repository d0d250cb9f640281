"""The entity layer's fast paths give what the plain, slow forms they replace give."""
import re

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaultgen import linkify
from vaultgen.extract import anchors, context, names, phrases
from vaultgen.extract.lexicon import lexicon
from vaultgen.readers import htmlpage as html_reader

TARGETS = {
    "TensorFlow": "TensorFlow", "Google": "Google", "Google Brain": "Google Brain", "GPT-2": "GPT-2",
    "Medium": "Medium (product)", "ACES": "ACES", "Papers with Code": "Papers with Code", "İstanbul": "Istanbul",
    "Στοά": "Stoa", "C++": "C++", "remove.bg": "remove.bg", "Deep Learning": "Deep Learning",
}
_PIECES = [" ", " ", "\n", "\n\n", ". ", ", ", "(", ")", "[", "]", "![", "](https://x.com/a_b)", "`", "```\nx\n```\n",
           "## ", "   #", "> [!note] x\n", "https://g.com/Google ", "www.g.org ", "a.b@c.com", "@user", "x@y", "<b>",
           "<!-- c -->", "$$x$$", "*", "_", "-", "’", "'s", ".js", "-2", "İ", "Σ", "é", "|", "\n| a | ", "[^1]",
           "[x]: http://y\n", "  [y]: z\n", "[[Wiki]]", "---\na: b\n---\n", "_(image: x)_\n", "The ", "of ", "1. ",
           "Google", "Brain", "google", "TensorFlow", "GPT-2", "Medium", "ACES", "aces", "Papers with Code",
           "İstanbul", "Στοά", "C++", "remove.bg", "Deep Learning", "deep learning"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=50).map("".join)


def _slow_protected(md):
    spans = sorted(m.span() for marker, rx in linkify._PROTECTED if marker in md for m in rx.finditer(md))
    merged = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_protected_spans_are_those_of_a_full_scan(md):
    assert linkify._protected(md) == _slow_protected(md)


class _EveryWord(linkify.Linker):
    """The linker as it was: every word of the text is tried."""

    def _candidates(self, markdown, protected):
        return [m.start() for m in linkify._WORD.finditer(markdown)]


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.sampled_from([None, "Google", "Medium (product)"]))
def test_linking_tries_every_word_that_can_take_a_link(md, self_name):
    assert linkify.Linker(TARGETS).link(md, self_name) == _EveryWord(TARGETS).link(md, self_name)


def test_last_word_and_replayed_bodies_link_alike():
    linker = linkify.Linker(TARGETS)
    md = "We use TensorFlow"
    assert linker.link(md) == linker.link(md) == ("We use [[TensorFlow]]", {"TensorFlow"})
    assert linker.link(md, "TensorFlow") == (md, set())


def test_an_equal_targets_mapping_keeps_its_linker():
    linkify.link_mentions("Google", dict(TARGETS))
    first = linkify._cache[2]
    assert linkify.link_mentions("Google", dict(TARGETS)) == ("[[Google]]", {"Google"})
    assert linkify._cache[2] is first
    linkify.link_mentions("Google", {**TARGETS, "Brain": "Brain"})
    assert linkify._cache[2] is not first


_PLAIN_TOKEN = re.compile(
    rf"\b(?:{'|'.join(names.NAME_CONNECTORS)})\b(?![.\-+&'’]\w)"
    r"|\b[a-z0-9][\w-]*\.(?:ai|io|com|org|net|ml|bg|co|app|dev|so|me|xyz|tech|cc|ly|gg|tv|fm|js|py|jl)\b"
    r"|(?<![\w.'’\-+&])(?=[a-z]*(?:[-.'’+&][a-z]+)*[-.'’+&]?[^\W_a-z])(?:" + names.TOKEN.pattern + ")")
_WORDISH = st.lists(st.sampled_from(list("abzAZ09_.-'’+&# \n,;:()éÉİΣ") + [
    "of", "the", "and", "de", "des", "los", ".ai", ".com", "C++", "C#", "e.g.", "U.S.", "GPT-3", "x-of", "'s", "’s", "Dr. ",
    "called ", "the ", "is a ", ", a company"]), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(_WORDISH)
def test_candidate_tokens_match_the_plain_pattern(text):
    assert [m.span() for m in names._CANDIDATE_TOKEN.finditer(text)] == \
        [m.span() for m in _PLAIN_TOKEN.finditer(text)]


def test_every_connector_of_the_lexicon_is_a_token_the_phrase_builder_sees():
    words = [c for c in lexicon().connectors if c.isalpha()]
    assert set(words) <= set(names.NAME_CONNECTORS)
    assert all([t.core for t in names.tokens(f"Universidad {w} Chile", lexicon())] == ["Universidad", w, "Chile"]
               for w in words)


@settings(max_examples=500, deadline=None)
@given(_WORDISH, st.integers(0, 60))
def test_openings_and_last_words_match_full_scans(text, pos):
    phrases._opening_cache = (None, frozenset())
    assert phrases.opens_sentence(text, pos) == (pos in {m.end() for m in phrases._OPENINGS.finditer(text)})
    end = min(pos, len(text))
    for window in (3, 200):
        assert context._last_words(text, end, 4, window) == context._WORD.findall(text[:end])[-4:]


def _slow_trim_punct(name):
    dotted = re.search(r"(?:^|\s)(?:[^\W\d_]\.){2,}$", name)
    name = name.strip(" .,;:!?\"“”‘’'") + ("." if dotted else "")
    while name.endswith(")") and name.count("(") < name.count(")"):
        name = name[:-1].rstrip()
    while name.startswith("(") and name.count("(") > name.count(")"):
        name = name[1:].lstrip()
    return name


@settings(max_examples=300, deadline=None)
@given(_WORDISH)
def test_trim_punct_keeps_dotted_initials_as_before(text):
    for name in (text, text + " U.S.", text + " U.S.\n", "(" + text + "))"):
        assert names.trim_punct(name) == _slow_trim_punct(name)


@pytest.mark.parametrize("acronym,words", [
    ("CCAI", ["Climate", "Change", "AI"]), ("DRL", ["Drone", "Racing", "League"]),
    ("UoA", ["University", "of", "Arizona"]), ("XY", ["the", "Y"]), ("GAN", ["Generative", "Adversarial", "Networks"]),
    ("3D", ["3", "Dimensions"])])
def test_abbreviations_open_with_the_initial_of_their_words(acronym, words):
    first = next((c for c in acronym if c.isupper() or c.isdigit()), "")
    assert not names.abbreviates(acronym, words) or names.initial(words) == first


def test_anchor_heads_are_stripped_longest_first():
    lex = lexicon()

    def slow(anchor):
        words = anchor.split()
        while len(words) > 1 and words[-1].islower() and lex.is_word(words[-1]) and not any(
                w.islower() for w in words[:-1]) and words[-2].casefold() not in lex.connectors:
            words.pop()
        name = " ".join(words)
        for _ in range(2):
            low = name.casefold()
            for head in lex.anchor_heads:
                if low.endswith(" " + head) and len(low) > len(head) + 2:
                    name = name[: -len(head) - 1].rstrip()
                    break
            name = re.sub(r"['’]s$", "", name).strip()
        return name

    for head in lex.anchor_heads:
        for anchor in (f"Runway ML {head}", f"X {head}", f"PyTorch's {head} {head}", head, f"Spleeter’s {head}"):
            assert anchors._strip_anchor(anchor, lex) == slow(anchor)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab1_.+-@ ()]\n/:é") + ["http://", "https://", "](", "x@y.z"]),
                max_size=30).map("".join))
def test_prose_without_urls_and_addresses_as_before(text):
    plain = re.compile(r"\]\([^)]*\)|https?://\S+|[\w.+-]+@\S+")
    fast = anchors._NOT_PROSE if "@" in text else anchors._NOT_PROSE_NO_AT
    assert fast.sub(" ", text) == plain.sub(" ", text)


def test_html_finds_by_name_as_bs4_does():
    page = ("<html><body><main><pre><code><b>x</b></code></pre><h1>T</h1><svg><title>s</title></svg>"
            "<o:p>o</o:p><time datetime='2020'>t</time></main></body></html>")
    fast = html_reader._Soup(page, "html.parser", element_classes={Tag: html_reader._Tag})
    slow = BeautifulSoup(page, "html.parser")
    for name in ("main", "body", "h1", "pre", "title", "o:p", "time", "nothing"):
        assert str(fast.find(name)) == str(slow.find(name))
    for tag in ("b", "code", "h1", "title"):
        for parent in ("pre", "svg", "main", "body", "nothing", "[document]"):
            assert str(fast.find(tag).find_parent(parent)) == str(slow.find(tag).find_parent(parent))
    assert str(fast.find("time", datetime=True)) == str(slow.find("time", datetime=True))


def test_links_carried_over_a_small_change_of_targets_are_those_of_a_fresh_linker():
    bodies = ["Google Brain and TensorFlow. Medium posts.", "We use GPT-2 with ACES.\n\n## Two\n\nGoogle again",
              "Papers with Code lists deep learning work.", "Nothing to see", "Στοά and İstanbul by Google"]
    targets = dict(TARGETS)
    linkify._cache = None
    for md in bodies:
        linkify.link_mentions(md, targets)
    for change in ({"Brain": "Brain"}, {"Google": "Alphabet"}, {"Nothing": "Nothing (band)"}, {"GPT-2": None}):
        targets = {k: v for k, v in {**targets, **change}.items() if v is not None}
        fresh = linkify.Linker(targets)
        for md in bodies:
            for self_name in (None, "Google"):
                assert linkify.link_mentions(md, targets, self_name=self_name) == fresh.link(md, self_name)
        assert linkify._cache[2]._before is not None


_URL_PIECES = ["[", "]", "(", ")", "![", "](", "https://x.com/p?utm_source=n&id=1", "http://WWW.Y.org:80/a_(b)",
               "https://z.io/#frag", " ", "\n", "`", "```\n", "\\(", "<", ">", "text", "**", "www.q.com/x?ref=t",
               "https://news.example.com/issue-7?utm_medium=email", "https://x.com/p?id=1 ", "|"]
_CROSS = {"news.example.com/issue-7": "issue:7", "x.com/p": "issue:p"}
_NAMES = {"issue:7": "Issue 7", "issue:p": "P"}


def _slow_rewrite(body, cross, names):
    """The rewrite as it was before url_edits: every link span rewritten, then bare URLs canonicalised."""
    from vaultgen import links
    from vaultgen.notes import _url_keys
    from vaultgen.render import link_label

    out, last = [], 0
    for span in links.find_spans(body):
        out.append(body[last:span.start])
        original = body[span.start:span.end]
        if links.is_external(span.url):
            canonical = links.canonical_url(span.url)
            target = next((cross[k] for k in _url_keys(canonical) if k in cross), None)
            original = (f"[[{names[target]}|{link_label(links.plain(span.text))}]]" if target and not span.image
                        else links.markdown_link(span, canonical))
        out.append(original)
        last = span.end
    out.append(body[last:])
    rewritten = "".join(out)
    ranges = links.protected_ranges(rewritten)
    spans = [(s.start, s.end) for s in links.find_spans(rewritten)]
    return links.BARE_URL.sub(lambda m: m.group(0) if links._inside(m.start(), ranges) or links._inside(
        m.start(), spans) else links.canonical_url(m.group(0)), rewritten)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_URL_PIECES), max_size=30).map("".join))
def test_cached_url_edits_give_the_full_rewrite(md):
    from vaultgen import links
    assert links.apply_edits(md, links.url_edits(md)) == _slow_rewrite(md, {}, {})


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([p for p in _URL_PIECES if "`" not in p]), max_size=30).map("".join))
@example("See [https://x.com/p?ref=news&id=1](https://news.example.com/issue-7?utm_medium=email).")
@example("[**last week**](https://news.example.com/issue-7?utm_medium=email) and [![i](https://x.com/p)](https://x.com/p)")
def test_links_to_other_issues_become_the_wikilinks_of_the_full_rewrite(md):
    # Backticks aside: a wikilink's label loses the anchor's code marks, which can re-pair inline code after it.
    from vaultgen.notes import _rewrite_links
    assert _rewrite_links(md, _CROSS, _NAMES) == _slow_rewrite(md, _CROSS, _NAMES)


_YAML_TRICKS = ["", " ", "  ", "-", "- x", "?", ": ", ":", "#", " #", "x #y", "x#y", "...", "---", "'", '"', "yes",
                "No", "on", "~", "null", "1", "-5", "1.5", "1e3", "0x1F", "1_000", "1:20", "2019-08-07", ".inf",
                "=", "<<", "@", "`", "!", "&a", "*a", "|", ">", "%", "[x]", "{x}", "a, b", "https://x.org/a?b=c#d",
                "\t", "\n", "\r", "\x85", "\u2028", "\ufeff", "é", "日本", "🙂", "\x00", "\x7f", "\ud800", "A"]
_YAML_TEXT = st.one_of(st.text(max_size=12), st.lists(st.sampled_from(_YAML_TRICKS), max_size=4).map("".join))
_YAML_VALUE = st.one_of(_YAML_TEXT, st.integers(), st.booleans(), st.none(), st.dates(), st.floats(),
                        st.lists(st.one_of(_YAML_TEXT, st.integers(), st.dates()), max_size=3),
                        st.dictionaries(_YAML_TEXT, _YAML_TEXT, max_size=2))


@settings(max_examples=1500, deadline=None)
@given(st.dictionaries(st.one_of(_YAML_TEXT, st.sampled_from(["title", "x" * 130])), _YAML_VALUE, max_size=5))
def test_frontmatter_written_directly_is_what_the_serializer_writes(data):
    from vaultgen import frontmatter_io
    fast = frontmatter_io._dump_simple(data)
    if "\ud800" not in repr(data):  # a lone surrogate: the serializer's business alone
        assert fast is None or fast == frontmatter_io.yaml_dump(data)


def test_notes_frontmatter_is_written_directly():
    from vaultgen import frontmatter_io
    import datetime
    data = {"type": "issue", "title": "Bach to the Future", "newsletter": "The Batch", "number": 24,
            "date": datetime.date(2019, 8, 7), "url": "https://x.org/a?b=c", "aliases": [], "tags": ["newsletter/x"]}
    assert frontmatter_io._dump_simple(data) == frontmatter_io.yaml_dump(data)


_MOSTLY_PLAIN = st.text(alphabet="ab XY:#-?.,'\"é日🙂1_@/=&%\t\u2028", min_size=1, max_size=10)


@settings(max_examples=1500, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "tags", "url", "a b", "x:y", "-k"]),
                       st.one_of(_MOSTLY_PLAIN, st.lists(_MOSTLY_PLAIN, max_size=3)), max_size=4))
def test_plain_looking_frontmatter_written_directly_is_what_the_serializer_writes(data):
    from vaultgen import frontmatter_io
    fast = frontmatter_io._dump_simple(data)
    assert fast is None or fast == frontmatter_io.yaml_dump(data)


# -- discovering sources: os.scandir and plain index names give what os.walk and resolve() gave -------------
def _walked(root):
    """sources.discover as first written: os.walk, fnmatch, a resolve() per index line."""
    import fnmatch
    import json
    import os
    import stat
    from pathlib import Path

    from vaultgen import sources
    root = root.resolve()
    files, hints, errors, warnings = [], {}, [], []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(folder)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        if "_index.jsonl" in filenames:
            for number, line in enumerate((here / "_index.jsonl").read_text().splitlines(), 1):
                entry = json.loads(line)
                target = (here / entry["file"]).resolve()
                if target.parent != here.resolve():
                    warnings.append(f"{number}")
                    continue
                hints[target] = {k: entry[k] for k in ("title",) if entry.get(k) is not None}
        for name in sorted(filenames):
            if name.startswith((".", "_")) or any(fnmatch.fnmatchcase(name, p) for p in sources.DROPPINGS):
                continue
            path = here / name
            rel = path.relative_to(root).as_posix()
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                if not path.resolve().is_relative_to(root):
                    warnings.append(rel)
                    continue
                mode = os.stat(path).st_mode
            if not stat.S_ISREG(mode):
                errors.append(rel)
                continue
            files.append(path)
    return files, hints, errors, warnings


def test_discover_finds_what_os_walk_found(tmp_path):
    import os

    from vaultgen import sources
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("x")
    root = tmp_path / "src"
    for rel in ["a.md", "b/c.md", "b/d/e.txt", "b/d/f.html~", "b/.hidden.md", "_drafts/x.md", ".git/config",
                "z/4913", "z/.#lock", "z/notes.swp", "z/ok.md", "z/y___jb_tmp___", "B/upper.md", "b/d/Ω.md"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    (root / "z" / "_index.jsonl").write_text(
        '{"file": "ok.md", "title": "T"}\n{"file": "../a.md", "title": "no"}\n{"file": "./ok.md", "title": "U"}\n'
        '{"file": "link.md", "title": "L"}\n{"file": "gone.md", "title": "G"}\n')
    (root / "z" / "link.md").symlink_to(root / "a.md")
    (root / "z" / "out.md").symlink_to(outside / "secret.md")
    (root / "linked-folder").symlink_to(outside)
    os.mkfifo(root / "b" / "pipe.md")
    found = sources.discover(root)
    files, hints, errors, warnings = _walked(root)
    assert list(found.files) == files
    assert list(found.rels) == [p.relative_to(root.resolve()).as_posix() for p in files]
    assert found.hints == hints
    assert [e.path for e in found.errors] == errors
    assert len(found.warnings) == len(warnings) and found.warnings[-1].path == warnings[-1]
    assert found.links == {root.resolve() / "z" / "link.md"}
    # Read again after a file it names became a link out of the folder, and after its text changed: what an index
    # gives is kept between reads (the watcher's), never past a change of either.
    (root / "z" / "ok.md").unlink()
    (root / "z" / "ok.md").symlink_to(root / "a.md")
    assert sources.discover(root).hints == _walked(root)[1]
    (root / "z" / "new.md").write_text("x")
    (root / "z" / "_index.jsonl").write_text('{"file": "new.md", "title": "N"}\n')
    assert sources.discover(root).hints == _walked(root)[1] == {root.resolve() / "z" / "new.md": {"title": "N"}}


# -- the manifest: written entry by entry, the bytes json.dumps(indent=1, sort_keys=True) writes --------------
_ENTRY = st.dictionaries(st.sampled_from(["path", "hash", "conflict", "orphaned", "renamed_from", "é\"k"]),
                         st.one_of(st.text(max_size=8), st.lists(st.text(max_size=5), max_size=3)), max_size=4)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=6), st.one_of(st.none(), _ENTRY), max_size=6), min_size=1, max_size=4),
       st.dictionaries(st.sampled_from(["issue", "entity"]), st.text(max_size=6), max_size=2),
       st.lists(st.text(max_size=4), max_size=2))
def test_property_manifest_is_written_as_json_dumps_writes_it(steps, names, templates):
    import json
    import tempfile
    from pathlib import Path

    from vaultgen.writer import Vault
    with tempfile.TemporaryDirectory() as folder:
        vault = Vault(Path(folder))
        vault.state.mkdir()
        vault.names, vault.templates = names, templates
        for step in steps:                      # build after build: entries added, replaced, removed
            for note_id, entry in step.items():
                if entry is None:
                    vault.manifest.pop(note_id, None)
                else:
                    vault.manifest[note_id] = entry
            vault.save_manifest()
            data = {"version": 1, "notes": dict(sorted(vault.manifest.items())), "templates": sorted(templates)}
            if names:
                data["names"] = dict(sorted(names.items()))
            expected = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            assert (vault.state / "manifest.json").read_text(encoding="utf-8") == expected


def test_tracked_vault_lists_what_vault_lists(tmp_path):
    """TrackedVault lists with os.scandir and keeps its Paths between builds; Vault uses rglob."""
    from vaultgen.tracking import TrackedVault
    from vaultgen.writer import Vault
    root = tmp_path / "vault"
    for rel in ["a.md", "Issues/b.md", "Issues/2020/c.md", "Entities/d e.md", ".obsidian/x.md", "x/.hidden.md",
                "notes.txt", "Folder.md/inner.md", "Z.md"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.md").write_text("x")
    (root / "linked").symlink_to(outside)              # a link to a folder is listed (if .md) but not walked
    (root / "Entities" / "l.md").symlink_to(root / "a.md")
    tracked = TrackedVault(root)
    assert tracked.markdown_files() == Vault(root).markdown_files()
    (root / "Issues" / "b.md").unlink()
    (root / "Issues" / "n.md").write_text("x")
    tracked._listing = None                             # the next build's listing, Paths taken again
    assert tracked.markdown_files() == Vault(root).markdown_files()
    assert tracked.foreign_names({}) == Vault(root).foreign_names({})


def test_tracked_vault_tells_foreign_notes_as_vault_does_whatever_paths_locate_gave(tmp_path):
    """Located Paths that are the listing's own objects, or equal ones made elsewhere, are the vault's notes."""
    from vaultgen.tracking import TrackedVault
    from vaultgen.writer import Vault
    root = tmp_path / "vault"
    for rel in ["a.md", "Issues/b.md", "Issues/c.md", "Mine/d.md"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    tracked = TrackedVault(root)
    listed = {p.name: p for p in tracked.markdown_files()}
    located = {"issue:a": listed["a.md"], "issue:b": root / "Issues" / "b.md"}   # the second: an equal Path
    assert tracked.foreign_names(located) == Vault(root).foreign_names(located) == ["c", "d"]


# -- mojibake detection: ftfy's scan of a text whose ASCII runs are cut to their ends finds what the full scan finds --
_MOJIBAKE_CHARS = ("ÃÂÎÐ€œŠš¢£Ÿž\xa0\xad®©°·»–—´×²³ØÙàâóé√±∂†≠™≤≥¥µø≈‚ÄìîïòôúùûπВГРСўЂΒΓΞΟβ€āŒ’“”…¬ƒ¦¤"
                   "\x85\x9d╗│ÏÔÕ")
_ASCII_BITS = list("aZ5 .,?!'\n\t-(") + ["ab", "xyz ", "  ", "Hello world. "]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(list(_MOJIBAKE_CHARS)), st.sampled_from(_ASCII_BITS)), max_size=24).map("".join))
@example("Hello wa Ã here")           # two ASCII characters before the mojibake count ("[a-z]\s?[ÃÂ][ ]")
@example("Hello world ГўВЂВa1xyz")     # and two after it ("ГўВЂВ.[A-Za-z ]")
def test_mojibake_is_seen_as_a_full_scan_sees_it(text):
    from ftfy import badness
    from vaultgen import textfix
    assert textfix.looks_mojibaked(text) == badness.is_bad(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list("abcdefghij ’“”—éü€ñ.,!?\n") + ["the ", "I’m ", "café "]), max_size=40).map("".join),
       st.sampled_from(["mac_roman", "cp1252", "latin-1", "cp1251"]))
def test_mojibake_of_real_text_is_seen_as_a_full_scan_sees_it(text, wrong):
    from ftfy import badness
    from vaultgen import textfix
    garbled = text.encode("utf-8").decode(wrong, errors="replace")
    for sample in (text, garbled, f"Plain words before it. {garbled} And after it, more words."):
        assert textfix.looks_mojibaked(sample) == badness.is_bad(sample)
