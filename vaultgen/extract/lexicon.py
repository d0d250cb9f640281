"""Built-in word lists for entity extraction, loaded once from vaultgen/data/."""
from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
# Every value in the word lists is a word: no scalar is resolved to another type (YAML 1.1 reads on, off, yes and
# no as booleans, and the connector "on" was lost). libyaml when there: a tenth of the start-up time.
_WORDS_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def _load_data(name: str):
    return yaml.load((DATA / name).read_text(encoding="utf-8"), Loader=_WORDS_LOADER)  # noqa: S506 - builds no objects


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def _folded(items) -> frozenset[str]:
    return frozenset(str(x).casefold() for x in items or ())


@dataclass(frozen=True)
class Lexicon:
    """Every list extraction and linking consult; all sets hold casefolded strings unless noted."""

    words: frozenset[str]               # common English words (SCOWL 35)
    proper_common: frozenset[str]       # names that are also words ("Bill", "Apple"), as written
    stopwords: frozenset[str]
    calls_to_action: frozenset[str]    # also stopwords
    calendar: frozenset[str]
    demonyms: frozenset[str]            # those below included
    demonyms_in_their_language: frozenset[str]   # demonyms only in a sentence not in English (phrases._finish)
    generic_acronyms: frozenset[str]
    generic_anchors: frozenset[str]
    anchor_heads: tuple[str, ...]       # longest first, so "blog post" is tried before "post"
    generic_phrases: frozenset[str]
    titles: frozenset[str]
    org_suffixes: frozenset[str]
    of_heads: frozenset[str]
    connectors: frozenset[str]
    cues: Mapping[str, str]             # cue word or phrase → kind
    url_kinds: tuple[tuple[str, str], ...]
    platform_hosts: frozenset[str]
    title_openers: frozenset[str]
    noun_capital_words: frozenset[str]      # German function words (see names.capitalises_nouns)
    model_tiers: frozenset[str]             # "Sonnet" in "Claude 3.5 Sonnet"
    known: Mapping[str, tuple[str, str]]  # casefolded name → (name as written, kind)
    same: tuple[tuple[str, ...], ...]     # well-known names of one thing ("United States", "US", "U.S.")
    known_openers: frozenset[str] = frozenset()  # the first two words of well-known names ("new york", "the verge")
    # Well-known names in lower-case words, which no phrase starts with ("smolagents", "scikit-learn"), as written.
    lower_known: re.Pattern | None = None

    def well_known(self, name: str) -> tuple[str, str] | None:
        """(name as listed, kind) of a well-known name, in any case but one: a name listed in capitals is written so
        ("Mit dem AI Act…" names no MIT, "Who" no WHO)."""
        found = self.known.get(name.casefold())
        if found is None and not name.isascii():  # "ETH Zürich" is the listed ETH Zurich
            found = self.known.get(_without_accents(name.casefold()))
        if found is not None and found[0].isupper() and not name.isupper():
            return None
        return found

    def known_as_other_than_person(self, name: str) -> bool:
        """A well-known name of a thing that is not a person ("Blackwell" the chip, "Claude" the model): no surname
        nor given name."""
        found = self.well_known(name)
        return found is not None and found[1] != "person"

    def is_title(self, folded: str) -> bool:
        """A job title ("ceo", "gründer"), or a German compound ending in one ("binnenmarktkommissar",
        "forschungsministerin", "konzernchef") or after a hyphen ("eu-präsidentin", "openai-chef")."""
        if folded in self.titles:
            return True
        head, _, last = folded.rpartition("-")
        return (len(folded) >= 9 and folded.endswith(_TITLE_ENDINGS) and folded.isalpha()) or bool(
            head and last in self.titles and last.isalpha() and len(last) > 3)

    def is_word(self, token: str) -> bool:
        """True when token, lower-cased and without a possessive, is an ordinary English word, or one
        derived from one ("normalization" from "normal", "switchable" from "switch")."""
        t = token.casefold().replace("’", "'")
        if t.endswith("'s"):
            t = t[:-2]
        if t in self.words:
            return True
        hit = _DERIVED.get(t)
        if hit is None:
            hit = _DERIVED[t] = _derived(t, self.words)
        return hit


# Derivational suffixes and what the stem may have ended with: "normalization" ← "normalize",
# "switchable" ← "switch". A stem of at least four letters must be a common word.
_SUFFIXES = (("izations", ("ize", "")), ("ization", ("ize", "")), ("isation", ("ise", "")), ("ations", ("ate", "")),
             ("ation", ("ate", "e", "")), ("ability", ("able",)), ("ables", ("", "e")), ("able", ("", "e")),
             ("ibility", ("ible",)), ("ness", ("",)), ("ments", ("",)), ("ment", ("",)), ("izes", ("ize",)),
             ("izing", ("ize",)), ("ized", ("ize",)), ("ize", ("", "e")), ("ings", ("", "e")), ("ing", ("", "e")),
             ("ers", ("", "e")), ("er", ("", "e")), ("ed", ("", "e")), ("ies", ("y",)), ("es", ("",)), ("s", ("",)),
             ("ally", ("al", "")), ("ly", ("",)), ("ity", ("", "e")), ("ists", ("",)), ("ist", ("", "e")),
             ("isms", ("",)), ("ism", ("", "e")), ("ive", ("", "e")), ("ful", ("",)), ("less", ("",)))
_DERIVED: dict[str, bool] = {}


def _derived(word: str, words: frozenset[str]) -> bool:
    if not word.isalpha() or len(word) < 6:
        return False
    for suffix, endings in _SUFFIXES:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if len(stem) >= 4 and any(stem + e in words for e in endings):
                return True
            if len(stem) >= 4 and len(stem) > 1 and stem[-1] == stem[-2] and stem[:-1] in words:
                return True       # "swapped" ← "swap"
    return False


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


_LOWER_WORD = re.compile(r"[a-zß-öø-ÿ]{3,}(?:-[a-zß-öø-ÿ]+)*")


def _has_lower_word(name: str, words: frozenset[str], connectors: frozenset[str]) -> bool:
    """A name with a word in lower case, other than a word that joins names (the lexicon's connectors: "of", "and"):
    "smolagents", "SK hynix".
    A name of one ordinary word ("pandas") is not found where it is written in lower case; one with a digit or a dot
    is a token of its own ("word2vec", "llama.cpp")."""
    parts = name.split()
    if any(c.isdigit() or c == "." for c in name) or len(parts) == 1 and name in words:
        return False
    return any(_LOWER_WORD.fullmatch(w) and w not in connectors for w in parts)


_TITLE_ENDINGS = ("kommissar", "kommissarin", "minister", "ministerin", "chef", "chefin")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = _load_data("lexicon.yaml")
    known_raw = _load_data("known_entities.yaml") or {}
    cues: dict[str, str] = {}
    for kind, words in (data.get("kind_cues") or {}).items():
        for w in words:
            cues.setdefault(str(w).casefold(), kind)
    known: dict[str, tuple[str, str]] = {}
    same = tuple(tuple(str(n) for n in names) for names in known_raw.pop("same", None) or ())
    for kind, names in known_raw.items():
        for name in names:
            known.setdefault(str(name).casefold(), (str(name), kind))
    heads = sorted(_folded(data.get("anchor_heads")), key=lambda h: (-len(h), h))
    words = frozenset(_lines(DATA / "english_words.txt.gz")) | _folded(data.get("extra_words"))
    connectors = _folded(data.get("connectors"))
    lower = sorted((name for name, _ in known.values() if _has_lower_word(name, words, connectors)),
                   key=lambda n: (-len(n), n))
    return Lexicon(
        words=words,
        proper_common=frozenset(_lines(DATA / "proper_common.txt")),
        stopwords=_folded(data.get("stopwords")) | _folded(data.get("calls_to_action")),
        calls_to_action=_folded(data.get("calls_to_action")),
        calendar=_folded(data.get("calendar")),
        demonyms=_folded(data.get("demonyms")) | _folded(data.get("demonyms_in_their_language")),
        demonyms_in_their_language=_folded(data.get("demonyms_in_their_language")),
        generic_acronyms=_folded(data.get("generic_acronyms")),
        generic_anchors=_folded(data.get("generic_anchors")),
        anchor_heads=tuple(heads),
        generic_phrases=_folded(data.get("generic_phrases")),
        titles=_folded(data.get("titles")),
        org_suffixes=_folded(data.get("org_suffixes")),
        of_heads=_folded(data.get("of_heads")),
        connectors=connectors,
        cues=cues,
        url_kinds=tuple((k.casefold(), v) for k, v in (data.get("url_kinds") or {}).items()),
        platform_hosts=_folded(data.get("platform_hosts")),
        title_openers=_folded(data.get("title_openers")),
        noun_capital_words=_folded(data.get("noun_capital_words")),
        model_tiers=_folded(data.get("model_tiers")),
        known=known,
        same=same,
        known_openers=frozenset(" ".join(words[:2]) for name in known if len(words := name.split()) > 1),
        lower_known=re.compile(rf"(?<![\w.@/-])(?:{'|'.join(map(re.escape, lower))})(?![\w-]|\.\w)") if lower else None,
    )
