"""Note names and tags: legal everywhere, unique case-insensitively, independent of input order."""
import re

from hypothesis import given, settings, strategies as st

from vaultgen.naming import ILLEGAL, Request, assign, key, legal_name, tag

RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.I)


def is_legal(name: str) -> bool:
    return (bool(name) and not any(c in ILLEGAL for c in name) and name == name.strip()
            and not name.endswith(".") and not RESERVED.match(name.split(".")[0])
            and len(name.encode("utf-8")) <= 200 and not any(ord(c) < 32 for c in name)
            and not name.casefold().endswith(".md"))  # [[x.md]] links to x


@given(st.text(max_size=400))
def test_any_text_gives_a_legal_name(text):
    assert is_legal(legal_name(text))


def test_hostile_titles():
    assert legal_name("../../etc/passwd") == "etc passwd"
    assert legal_name("/absolute/path") == "absolute path"
    assert legal_name("CON") == "CON_"
    assert legal_name("nul.txt") == "nul_.txt"
    assert legal_name("What's [new]: GPT-4 | #1 ^ * ? \" < >") == "What's new - GPT-4 1"
    assert legal_name("   ...   ") == "Untitled"
    assert legal_name("[", fallback="issue:a.md") == "issue a md" and legal_name("README.MD") == "README md"
    long_cjk = "深度学习" * 100
    assert len(legal_name(long_cjk).encode("utf-8")) <= 150


@settings(max_examples=200)
@given(st.lists(st.text(min_size=0, max_size=40), max_size=30), st.randoms())
def test_assigned_names_are_unique_and_order_independent(titles, rnd):
    requests = [Request(f"id{i}", t) for i, t in enumerate(titles)]
    names = assign(requests, taken=["Home"])
    assert len({key(n) for n in names.values()}) == len(requests)
    assert all(is_legal(n) for n in names.values())
    assert "home" not in {key(n) for n in names.values()}
    shuffled = list(requests)
    rnd.shuffle(shuffled)
    assert assign(shuffled, taken=["Home"]) == names


def test_case_and_unicode_normalisation_collide():
    names = assign([Request("a", "Note"), Request("b", "note"), Request("c", "Cafe\u0301"), Request("d", "Café")])
    assert len({key(n) for n in names.values()}) == 4
    assert names["a"] == "Note" and names["b"] == "note (2)"


def test_qualifier_disambiguates():
    names = assign([Request("x", "Gemini", "model", priority=1), Request("y", "Gemini", "product", priority=2)])
    assert names == {"x": "Gemini", "y": "Gemini (product)"}


@given(st.text(max_size=60))
def test_tags_are_valid_or_none(text):
    value = tag(text)
    assert value is None or (re.fullmatch(r"[\w/-]+", value) and not value.replace("/", "").isdigit())


def test_tags():
    assert tag("Dynamically Typed") == "dynamically-typed"
    assert tag("newsletter/The Batch") == "newsletter/the-batch"
    assert tag("2019") == "n2019"
    assert tag("nlp_newsletter") == "nlp_newsletter"
    assert tag("!!!") is None
