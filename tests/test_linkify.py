"""link_mentions: plain mentions become wikilinks; code, links, URLs, headings and HTML are never touched."""
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultgen.linkify import Linker, link_mentions

TARGETS = {
    "TensorFlow": "TensorFlow", "Tensorflow": "TensorFlow", "PyTorch": "PyTorch", "Google": "Google",
    "Google Brain": "Google Brain", "ACES": "Asynchronously Coded Electronic Skin", "Medium": "Medium (product)",
    "GPT-2": "GPT-2", "GPT": "GPT", "ImageNet": "ImageNet", "remove.bg": "remove.bg", "CNN": "CNN",
    "privacy": "TensorFlow Privacy", "nlp": "nlp (library)", "Papers with Code": "Papers with Code",
}
_LINK = re.compile(r"\[\[(?:[^\]|\\]*(?:\\?\|))?|\]\]")


def unlink(text: str) -> str:
    """Remove every inserted [[Note| and ]]: what is left must be the input."""
    return _LINK.sub("", text)


def link(md, targets=TARGETS, **kw):
    return link_mentions(md, targets, **kw)


def test_links_first_mention_per_section_and_keeps_casing():
    md = "## One\n\nTensorflow is here. TensorFlow again.\n\n## Two\n\nWe use tensorflow and TensorFlow.\n"
    out, linked = link(md)
    assert out.count("[[TensorFlow") == 2
    assert "[[TensorFlow|Tensorflow]] is here. TensorFlow again." in out
    assert "We use tensorflow and [[TensorFlow]]." in out       # lower case is not the name
    assert linked == {"TensorFlow"}


def test_longest_match_wins():
    out, linked = link("Google Brain and Google both work on GPT-2, not GPT.")
    assert "[[Google Brain]] and [[Google]]" in out
    assert "[[GPT-2]], not [[GPT]]" in out
    assert linked == {"Google Brain", "Google", "GPT-2", "GPT"}


def test_a_name_linked_already_stays_whole_text_and_no_name_inside_it_is_linked():
    targets = {"The New York Times": "The New York Times", "New York Times": "The New York Times",
               "New York": "New York", "York": "New York", "Warner Bros": "Warner Bros", "Bros": "Bros"}
    md = "Warner Bros and New York Times. Later the *New York Times*, Warner Bros, York and Bros.\n"
    out, linked = link_mentions(md, targets)
    assert out == ("[[Warner Bros]] and [[The New York Times|New York Times]]. Later the *New York Times*, "
                   "Warner Bros, [[New York|York]] and [[Bros]].\n")
    assert linked == {"Warner Bros", "The New York Times", "New York", "Bros"}


def test_a_one_word_alias_is_not_linked_inside_a_longer_name():
    targets = {"John Deere": "John Deere", "John": "John Deere", "Library": "Transformers Library",
               "TPUs": "TPU", "Evans": "Benedict Evans"}
    md = ("Robo-Elton John sang. An Open Source Library Release.\n\n## Two\n\nWe like John. Google's TPUs run it. "
          "Read Evans here.\n")
    out, linked = link_mentions(md, targets)
    assert out == ("Robo-Elton John sang. An Open Source Library Release.\n\n## Two\n\nWe like [[John Deere|John]]. "
                   "Google's [[TPU|TPUs]] run it. Read [[Benedict Evans|Evans]] here.\n")


def test_short_acronyms_are_case_sensitive():
    out, _ = link("Aces and aces, but ACES is the skin.")
    assert out == "Aces and aces, but [[Asynchronously Coded Electronic Skin|ACES]] is the skin."


def test_word_boundaries_and_compounds():
    out, _ = link("Googlers, PyTorchLightning, Medium-sized teams, TensorFlow.js; ImageNet-trained nets.")
    assert out == "Googlers, PyTorchLightning, Medium-sized teams, TensorFlow.js; [[ImageNet]]-trained nets."


def test_common_word_names_need_their_capital_and_not_a_sentence_start():
    out, linked = link("Medium posts are long. I read it on Medium today; a medium size.")
    assert out == "Medium posts are long. I read it on [[Medium (product)|Medium]] today; a medium size."


def test_links_inside_labelled_callouts_but_not_in_their_titles():
    md = ("## Story\n\n> [!note] Google news\n> Google Brain trained it with TensorFlow.\n\n"
          "> [!quote] We’re thinking\n> TensorFlow again, and PyTorch.\n")
    out, linked = link(md)
    assert out == ("## Story\n\n> [!note] Google news\n> [[Google Brain]] trained it with [[TensorFlow]].\n\n"
                   "> [!quote] We’re thinking\n> TensorFlow again, and [[PyTorch]].\n")
    assert linked == {"Google Brain", "TensorFlow", "PyTorch"}


def test_generic_acronyms_and_common_lowercase_names_are_never_linked():
    out, linked = link("A CNN classifier respects privacy and NLP.")
    assert out == "A CNN classifier respects privacy and NLP." and not linked


def test_never_inside_code_links_urls_headings_html_or_callout_titles():
    md = (
        "# Google heading\n\n"
        "Use `PyTorch` in code, see [PyTorch docs](https://pytorch.org) and https://google.com/PyTorch.\n\n"
        "```\nTensorFlow in a fence\n```\n\n"
        "<span title=\"Google\">x</span> [[Google]] already linked, ![Google](img.png)\n\n"
        "> [!note]- Sponsored by Google\n> PyTorch in the ad body counts.\n\n"
        "_(image: Google logo)_\n\n"
        "mail google@google.com\n"
    )
    out, linked = link(md)
    assert unlink(out) == md.replace("[[Google]]", "Google") or unlink(out) == md
    assert "> [[PyTorch]] in the ad body counts." in out
    assert out.count("[[") == 2          # the existing [[Google]] and the ad's PyTorch
    assert linked == {"PyTorch"}


def test_self_links_are_skipped():
    out, linked = link("Google and PyTorch.", self_name="Google")
    assert out == "Google and [[PyTorch]]." and linked == {"PyTorch"}


def test_bracketed_text_is_not_linked_into_triple_brackets():
    out, _ = link("[Google’s platform (MTurk)] and then Google.")
    assert "[[[" not in out and out.endswith("[[Google]].")


def test_a_table_cell_links_a_name_as_written_and_never_puts_a_bar_in_a_row():
    out, _ = link("| lib | note |\n|---|---|\n| Tensorflow | fast |\n| PyTorch | Tensorflow |\n\nTensorflow again.\n")
    rows = out.split("\n\n")[0]
    assert "[[PyTorch]]" in rows and "[[" not in rows.replace("[[PyTorch]]", "")
    assert rows.count("|") == 12 and out.endswith("[[TensorFlow|Tensorflow]] again.\n")


def test_multiword_case_insensitive_keeps_source_casing():
    out, _ = link("The team behind Papers With Code launched it.")
    assert "[[Papers with Code|Papers With Code]]" in out


def test_linker_is_fast_for_many_targets():
    targets = {f"Name{i}x": f"Note {i}" for i in range(20000)}
    targets.update(TARGETS)
    linker = Linker(targets)
    body = ("Google Brain released Name123x and TensorFlow with PyTorch. " * 40 + "\n\n## Next\n\n") * 25
    start = time.perf_counter()
    for _ in range(20):
        out, linked = linker.link(body)
    assert time.perf_counter() - start < 2.0
    assert "Note 123" in linked


_PIECES = list("abc TensorflowPyTorchGoogleBrain[]()`#*_-.:/\n|>!GPT-2ACES") + [
    "TensorFlow", "Google Brain", "https://x.org/Google", "`PyTorch`", "[Google](https://g.com)", "## ", "\n\n",
    " ACES ", "remove.bg", "Papers with Code", "[[Google]]", "Medium", ". Medium", "ImageNet-trained"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_property_only_links_are_inserted(md):
    if "[[" in md or "]]" in md:
        return        # existing wikilinks: unlink() could not tell them apart
    out, linked = link(md)
    assert unlink(out) == md
    for note in linked:
        assert f"[[{note}" in out


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["TensorFlow", "Google", "PyTorch", "GPT-2"]), st.text(alphabet="ab /.:-", max_size=20))
def test_property_never_inside_code_or_urls(name, noise):
    md = f"`{name} {noise}` https://example.com/{name}/{noise.strip()} ```\n{name}\n```"
    out, linked = link(md)
    assert out == md and not linked
