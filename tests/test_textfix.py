"""Decoding and repair: encodings, mojibake, invisible characters, inert Obsidian syntax."""
import codecs

import pytest
from hypothesis import example, given, strategies as st

from vaultgen.render import inert
from vaultgen.textfix import (UndecodableError, clean_inline, decode, encodable, escape_bracket_runs,
                              neutralize_markdown, repair)


def test_mac_roman_mojibake_including_emoji():
    assert repair("so far I‚Äôm loving it") == "so far I’m loving it"
    assert repair("Estrella S√≠ria, Fran√ßois") == "Estrella Síria, François"
    assert repair("Intelligence \uf8ffüîå") == "Intelligence 🔌"
    assert repair("Cool Things ‚ú®") == "Cool Things ✨"


def test_clean_text_is_left_alone():
    text = "café “quoted” — ok, naïve, São Paulo, Zürich, 深度学习, 🧙‍♀️"
    assert repair(text) == text


@pytest.mark.parametrize("text", [
    "le Conseil d’État a tranché", "l’éducation nationale", "jusqu’à présent", "qu’à Paris", "l’Élysée",
    "un député — élu en 2024", "d’Ève", "l’île", "l’œuvre", "aujourd’hui",
])
def test_french_apostrophes_and_dashes_before_accented_letters_are_not_mojibake(text):
    """'’É' is the Mac Roman reading of the UTF-8 of one Armenian letter; in French text it is what it says."""
    assert repair(text) == text
    assert repair(f"I‚Äôm sure.\n{text}") == f"I’m sure.\n{text}"  # mojibake on another line is undone


def test_mojibake_of_a_whole_cyrillic_word_is_still_undone():
    assert repair("–ú–æ—Å–∫–≤–∞ and caf√©") == "Москва and café"


def test_invisible_and_control_characters_go():
    assert repair("a\u200bb\x00c\x07d\r\ne") == "abcd\ne"


def test_html_entities_in_titles():
    assert clean_inline("Runway ML&#x27;s &quot;app store&quot;") == "Runway ML's \"app store\""
    assert clean_inline("A &amp;#x27; B") == "A ' B"


def test_decode_boms_and_fallbacks():
    assert decode(codecs.BOM_UTF16_LE + "héllo".encode("utf-16-le"))[0] == "héllo"
    assert decode(codecs.BOM_UTF8 + b"hi")[0] == "hi"
    text, warnings = decode("café".encode("cp1252"))
    assert text == "café" and "not valid UTF-8" in warnings[0]
    with pytest.raises(UndecodableError):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_obsidian_syntax_from_newsletters_is_inert():
    md = "```dataview\nLIST\n```\nSee [[Note]] %% hidden %% <% tp.file.title %> `= this.x`"
    out = neutralize_markdown(md)
    assert "```text" in out and "[[" not in out.replace("\\[\\[", "") and "%%" not in out.replace("\\%\\%", "")
    assert "<%" not in out and "`= " not in out
    assert neutralize_markdown(out) == out


@given(st.text(alphabet="[]\\x `%#", max_size=40))
@example("[[[x]]]")
@example("\\[[x]]")
def test_no_wikilink_survives_escaping_whatever_backslashes_and_brackets_surround_it(text):
    # A pair escaped in '[[[x]]' or '\[[x]]' left '[[x]]' standing: a link for Obsidian's parser and linters alike.
    for out in (escape_bracket_runs(text), neutralize_markdown(text), inert(text)):
        assert "[[" not in out and out.count("[") == text.count("[")
    assert escape_bracket_runs(escape_bracket_runs(text)) == escape_bracket_runs(text)


def test_bytes_a_reader_kept_undecoded_become_replacement_characters_never_an_encoding_error():
    kept = b"Caf\xc3\xa9 \xff".decode("ascii", "surrogateescape")
    for out in (repair(kept), clean_inline(kept), encodable(kept)):
        out.encode("utf-8")
        assert out.startswith("Caf") and "\ufffd" in out
    assert encodable("Café") == "Café"
