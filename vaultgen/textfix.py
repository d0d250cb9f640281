"""Bytes → clean text: encoding detection, mojibake repair, invisible and control characters."""
from __future__ import annotations

import codecs
import html
import re
import unicodedata

import ftfy
from ftfy import badness

# ftfy undoes most mojibake; quotes stay curly and widths stay as written.
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    unescape_html=False,
    normalization="NFC",
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)

# Runs of characters that Mac Roman maps from bytes 0x80-0xFF. UTF-8 read as Mac Roman turns
# every multi-byte character into such a run; ftfy misses runs holding U+F8FF (the Apple logo,
# byte 0xF0, the lead byte of every emoji) and a few others, so those are re-decoded here.
_MAC_ROMAN_HIGH = "".join(bytes([b]).decode("mac_roman") for b in range(0x80, 0x100))
_MAC_RUN = re.compile("[" + re.escape(_MAC_ROMAN_HIGH) + "]{2,}")

# Invisible characters that only get in the way of names and links. ZWJ (U+200D) stays: emoji need it.
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone surrogates: bytes a decoder kept undecoded (surrogateescape), which no file can hold.
_SURROGATE = re.compile("[\ud800-\udfff]")


class UndecodableError(ValueError):
    """The bytes are not text."""


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode source bytes; returns the text and warnings. Raises UndecodableError for binary data."""
    warnings: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), warnings
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"starts with a {encoding} byte-order mark but does not decode: {exc.reason}")
    if b"\x00" in data[:8192]:
        raise UndecodableError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as exc:
        warnings.append(f"not valid UTF-8 (byte {exc.start}); read as Windows-1252")
    return data.decode("cp1252", errors="replace"), warnings


def _redecode_mac_roman(match: re.Match) -> str:
    run = match.group(0)
    try:
        decoded = run.encode("mac_roman").decode("utf-8")
    except UnicodeError:
        return run
    # French text is full of such pairs that are not mojibake: "d’État", "qu’à" and "—élu" would each become one
    # Armenian or Cyrillic letter. A letter of those scripts alone is not taken: their mojibake comes as whole words.
    if len(decoded) == 1 and "\u0180" <= decoded <= "\u07ff":
        return run
    return decoded


# Every sequence ftfy's badness.is_bad looks for holds a character outside ASCII, with at most two ASCII characters
# on either side of it ("[a-z]\\s?Ã ", "ГўВЂВ.[A-Za-z ]"): a run of ASCII is looked at by its first two and last two.
_ASCII_MIDDLE = re.compile(r"([\x00-\x7f]{2})[\x00-\x7f]+([\x00-\x7f]{2})")


def looks_mojibaked(text: str) -> bool:
    """badness.is_bad(text), at a fraction of its cost on long text (its scan tries every pattern at every character:
    a sixth of the time of reading an issue)."""
    return not text.isascii() and badness.is_bad(_ASCII_MIDDLE.sub(r"\1\2", text))


def repair(text: str) -> str:
    """Undo mojibake, drop invisible and control characters, normalise newlines to \\n and to NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if looks_mojibaked(text):  # a quick scan: clean text, the common case, skips ftfy's slower repair
        text = ftfy.fix_text(text, _FTFY)
    text = _MAC_RUN.sub(_redecode_mac_roman, text)
    text = _INVISIBLE.sub("", text)
    text = encodable(_CONTROL.sub("", text))
    return unicodedata.normalize("NFC", text)


def encodable(text: str) -> str:
    """text with nothing UTF-8 cannot hold (a reader may hand on bytes it kept undecoded)."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def clean_inline(value: str) -> str:
    """A one-line value (a title, an anchor text): entities decoded, repaired, white space folded."""
    value = html.unescape(html.unescape(value))  # titles arrive double-escaped (&amp;#x27;)
    return " ".join(repair(value).split())


_ACTIVE_FENCE = re.compile(r"^(\s*(?:`{3,}|~{3,})\s*)(dataviewjs|dataview|tasks|query|templater|button|meta-bind[\w-]*)\b",
                           re.M | re.I)


# Two or more '[' in a row, escaped or not: each is escaped, so no two unescaped ones ever meet ('\[[x]]' and
# '[[[x]]' still hold a wikilink when only a pair is escaped).
_BRACKET_RUN = re.compile(r"\\?\[(?:\\?\[)+")


def escape_bracket_runs(text: str) -> str:
    """No wikilink can start in `text`: every '[' of a run of them escaped."""
    return _BRACKET_RUN.sub(lambda m: "\\[" * m.group(0).count("["), text)


def neutralize_markdown(markdown: str) -> str:
    """Newsletter text must stay text in Obsidian: no Dataview/Templater code, wikilinks or comments from it."""
    text = escape_bracket_runs(_ACTIVE_FENCE.sub(r"\1text", markdown))
    text = re.sub(r"(?<!\\)%%", r"\\%\\%", text)
    text = text.replace("<%", "&lt;%")
    return re.sub(r"`(\$?=)", r"` \1", text)  # Dataview inline queries start right after the backtick
