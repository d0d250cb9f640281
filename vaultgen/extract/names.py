"""Token shapes, acronyms and the newsletter's own names: the shared vocabulary of the entity extractors (phrases.py
joins tokens into names; context.py reads the words around a name)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..model import Issue
from .lexicon import Lexicon

# "I/O", "A/B": one capital each side of a slash is one token; longer parts are names of their own ("PyTorch/JAX").
TOKEN = re.compile(r"[A-Z]/[A-Z](?![\w/+#&]|[.\-'’][^\W_])|"
                   r"(?:[^\W\d_]\.){2,}|[^\W_](?:\w|['’](?=[^\W_])|[.\-+&](?=[^\W_]))*(?:\+\+|#(?!\w))?")
# A version number has at most four digits before its first dot ("2.0", "3.x", "2024"): "California 94609" is an
# address, not version 94609. mentions.py reads versions after a name with it too.
VERSION_NUMBER = r"\d{1,4}(?:\.\d+)*(?:\.x)?"
# A model's size after its name or version ("Llama 3 70B", "Mixtral 8x22B"): read as a version is, part of the name as
# written and not of the entity's.
# A name is two letters or more, but for X, formerly Twitter (entities.py finds it only where the text says so).
ONE_LETTER_NAMES = frozenset({"X"})
# A bill by its number: "SB 1047", "AB 2839", "HB 149", "H.R. 1", "Senate Bill 53", "Bill C-27" (no version of "SB").
BILL_NUMBER = re.compile(r"(?<![\w.])(?:(?:SB|AB|HB)\s?\d{1,4}|(?:Senate|Assembly|House) Bill \d{1,4}"
                         r"|Bill C-\d{1,3}|H\.R\.\s?\d{1,4})\b")
MODEL_SIZE = r"\d{1,4}(?:\.\d+)?[BMT](?:-A\d{1,3}(?:\.\d+)?B)?|\d{1,2}x\d{1,4}(?:\.\d+)?B"  # "397B-A17B": total, active
_SIZE = re.compile(MODEL_SIZE)
_QUANTITY = re.compile(r"\d+(?:[.,]\d+)?[A-Za-z]{1,4}")     # "1GW", "40GB", "20TWh": with a unit the lexicon knows
_PERIOD = re.compile(r"(?:FY|CY|[1-4]Q|Q[1-4]|[12]H)'?\d{2}(?:\d{2})?")  # a fiscal year or quarter: "FY26", "Q4'25"
_VERSION = re.compile(rf"v?{VERSION_NUMBER}|['’]\d\d", re.I)
# A name written as a domain or a file of code: "deeplearning.ai", "three.js", "llama.cpp".
_DOTTED_NAME = r"[a-z0-9][\w-]*+\.(?:ai|io|com|org|net|ml|bg|co|app|dev|so|me|xyz|tech|cc|ly|gg|tv|fm|js|py|jl|cpp)"
_DOMAIN = re.compile(_DOTTED_NAME, re.I)
MINOR_WORDS = frozenset("a an the and or of for to in on at by with from as vs via".split())
# Words an acronym skips, written in lower case, in the languages whose names join words with them: "AESIA" is the
# Agencia Española de Supervisión de la Inteligencia Artificial ("LAPD" the Los Angeles Police Department).
_SKIPPED_PARTICLES = frozenset("de del della dei des du da di la le les las los y e et und für el".split())


def _unabbreviated(word: str) -> bool:
    return word.casefold() in MINOR_WORDS or word in _SKIPPED_PARTICLES
PLURAL_ACRONYM = re.compile(r"[A-Z][A-Z0-9-]*[A-Z0-9]s")
# Last words that make a run of ordinary capitalised words a name, and the kind they give it.
NAME_HEADS = {
    "specialization": "other", "course": "other", "nanodegree": "other", "podcast": "other", "show": "other",
    "conference": "event", "workshop": "event", "summit": "event", "symposium": "event", "challenge": "event",
    "competition": "event", "prize": "event", "award": "event", "hackathon": "event", "olympiad": "event",
    "dataset": "dataset", "corpus": "dataset", "benchmark": "dataset", "library": "library",
    "framework": "library", "toolkit": "library", "sdk": "library",
    "act": "other", "directive": "other", "bill": "other", "regulation": "other", "treaty": "other",
    "protocol": "other", "api": "product",
}
# German and Dutch heads that end compounds: "Forschungszentrum", "Fraunhofer-Institut", "Rijksuniversiteit".
COMPOUND_HEADS = ("zentrum", "institut", "ministerium", "universität", "akademie", "gesellschaft", "stiftung",
                  "verband", "agentur", "kommission", "behörde", "universiteit", "instituut", "inspectie", "autoriteit")
# What a model's own report is called after its name: "GPT-4 Technical Report", "GPT-4o System Card" are papers.
_TITLED_REPORTS = frozenset({"technical report", "system card"})


def body_head(folded: str, lex: Lexicon) -> bool:
    """A word that heads the name of a body and takes its "of" ("university", "ministerium"), or a German compound
    ending in one ("Forschungszentrum", "Fraunhofer-Institut")."""
    return folded in lex.of_heads or folded.endswith(COMPOUND_HEADS)


def titled_report(words: list[str]) -> bool:
    """The words end in what a model's report is called, after a name: "GPT-4 Technical Report"."""
    return len(words) > 2 and " ".join(words[-2:]).casefold() in _TITLED_REPORTS


_DOTTED = re.compile(r"(?:^|\s)(?:[^\W\d_]\.){2,}$")
_CODE_SUFFIX = re.compile(r"\.(?:js|py|jl|cpp)$")  # "three.js", "llama.cpp"


class Tok(NamedTuple):          # a tuple: made for every capitalised token of an archive, so it must be cheap
    text: str
    start: int
    end: int                # end of the core (possessive or "-like" removed)
    core: str
    strength: int           # 3 shape says name, 2 capitalised non-word, 1 known name or initial,
                            # 0 capitalised common word, -1 not a name
    cap: bool
    stop: bool              # a function word, month, title, demonym
    generic: bool           # a generic acronym of the field (AI, ML, GPU)
    version: bool
    ends: bool              # possessive or compound ("Google's", "GPT-like"): the phrase stops here
    acronym: bool


def tokens(text: str, lex: Lexicon) -> list[Tok]:
    """The tokens of text that may matter to a name: plain lower-case words are left out (they only
    end a run of name tokens, which the gap between kept tokens shows too), connectors are kept."""
    out = []
    append, cached = out.append, _CACHE.get
    if CASELESS.search(text):
        # Scripts without capitals name nothing here, and two of them run on into Latin names: Chinese, Japanese
        # and Korean without spaces ("Andrey Kormilitzin发布了Med7"), Arabic and Hebrew with their one-letter
        # conjunctions and prepositions ("وDualGAN": and DualGAN). Their characters end a token as a space would;
        # blanked one for one, so that positions stay those of text.
        text = CASELESS.sub(" ", text)
    for m in _CANDIDATE_TOKEN.finditer(text):
        raw, start = m.group(), m.start()
        if raw[0].islower() and (prefix := _LOWER_PREFIX.match(raw)) and not (
                prefix.group() in _ELIDED_OF and out and out[-1].cap and text[out[-1].end:start] == " "
                and raw[prefix.end():].casefold() not in lex.generic_acronyms):
            raw, start = raw[prefix.end():], start + prefix.end()   # "robo-Elton", "anti-Google": the name's part
        elif raw[1:2] in _APOSTROPHES and raw[0] == "L" and raw[2:].isupper() and lex.well_known(raw) is None:
            raw, start = raw[2:], start + 2   # a French sentence's "L’INESIA publie…", before an acronym only
        feats = cached(raw)
        if feats is None:
            if len(_CACHE) > 200_000:
                _CACHE.clear()
            tok = _features(raw, 0, lex)
            feats = _CACHE[raw] = (tok.end, (tok.core, tok.strength, tok.cap, tok.stop, tok.generic, tok.version,
                                             tok.ends, tok.acronym))
        append(_new_tuple(Tok, (raw, start, start + feats[0], *feats[1])))   # Tok(...) without its __new__ frame
    return out


_new_tuple = tuple.__new__
# A lower-case prefix of three letters or more before a capital: "robo-Elton John", "anti-Google", "pre-GPT"; not
# "t-SNE" or "k-NN", whose first letter is part of the name. And an elided article or preposition of French or
# Italian: "d’Emmanuel Ameisen", "l'OpenAI", "dell'Università".
_LOWER_PREFIX = re.compile(r"[a-z]{3,}-(?=[A-Z])|(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|dell|dall|nell|sull|all"
                           r"|coll|quell|un)['’](?=[A-ZÀ-ÖØ-Þ])")
_APOSTROPHES = ("'", "’")
# "of", elided: within a name ("Université d'Helsinki") it stays.
_ELIDED_OF = frozenset(f"{p}{q}" for p in ("d", "dell", "dall") for q in "'’")
_CJK_RANGES = r"\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
CJK = re.compile(f"[{_CJK_RANGES}]")
# CJK, Hebrew and Arabic: scripts without capitals.
CASELESS = re.compile(rf"[{_CJK_RANGES}\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff"
                      r"\ufe70-\ufeff]")


_CACHE: dict[str, tuple] = {}   # token text → features: most tokens recur across an archive
# The lower-case words kept as tokens, for phrases.py to join names with: the lexicon's connectors and name particles
# ("bin", "al"). Every word of the lexicon's `connectors` must be here, or it never reaches the phrase builder.
NAME_CONNECTORS = ("of", "for", "de", "del", "della", "degli", "dei", "delle", "dello", "der", "den", "des", "da", "di",
                   "do", "dos", "du", "à", "la", "le", "las", "los", "les", "van", "von", "y", "and", "on", "in", "at",
                   "the", "bin", "ibn", "al", "el", "für", "und")
# Model tiers written in lower case after a model's name ("GPT-4o mini"): kept as tokens too, for phrases.py.
LOWER_TIERS = ("mini", "nano")
# TOKEN, less the plain lower-case words, which the regex engine skips (a word is tried only where it
# starts): connectors, domains ("remove.bg"), and tokens with a capital or a digit ("arXiv", "t-SNE").
# One \b first turns most positions away at once; possessive quantifiers skip backtracking that cannot
# succeed ("." and the separators are not in the runs before them): same matches, a third of the time.
_CANDIDATE_TOKEN = re.compile(
    rf"\b(?=\w)(?:(?:{'|'.join(NAME_CONNECTORS + LOWER_TIERS)})\b"
    r"(?![.\-+&'’]\w)"
    rf"|{_DOTTED_NAME}\b"
    r"|(?<![\w.'’\-+&])(?=[a-z]*+(?:[-.'’+&][a-z]++)*+[-.'’+&]?[^\W_a-z])(?:" + TOKEN.pattern + "))")


_PREFIXES = frozenset("multi semi anti inter super ultra hyper cross post over under auto".split())
_ADJ_TAILS = frozenset(("like based style type ready specific related enabled sized scale level class grade free "
                        "friendly compatible native centric focused first only powered trained driven inspired "
                        "generated backed funded made built owned led designed sponsored optimized aware wide "
                        "sized esque ish favorite favourite approved certified exclusive").split())


def _shape(part: str, lex: Lexicon) -> int:
    """3 when a word's shape alone says name: an acronym, CamelCase, letters with digits, a domain."""
    letters = re.sub(r"[\W\d_]", "", part)
    if not letters:
        return -1
    upper = sum(1 for c in letters if c.isupper())
    if upper >= 2 and (letters.isupper() or PLURAL_ACRONYM.fullmatch(part)):
        return 0 if _singular(part) in lex.generic_acronyms or part.casefold() in lex.generic_acronyms else 3
    if re.search(r"[a-z][A-Z]", part) or (part[:1].islower() and upper > 0):
        return 3
    if re.search(r"\d", part) and not part[:1].isdigit():
        return 3
    if _DOMAIN.fullmatch(part):
        return 3
    return -1


def _features(raw: str, start: int, lex: Lexicon) -> Tok:
    core, ends = raw, False
    low = raw.casefold().replace("’", "'")
    if low.endswith("'s") and len(raw) > 3:
        core, ends = raw[:-2], True
    elif "-" in core:
        head, _, tail = core.rpartition("-")
        # "ImageNet-trained", "GPT-like", "AI-powered", "Atari-playing": the name is the head of an adjective compound.
        if tail.islower() and head and not head.islower():
            if tail in _ADJ_TAILS or tail.endswith("ed") or len(tail) > 4 and tail.endswith("ing") and len(head) > 3 \
                    and not lex.is_word(head) and head.casefold() not in _PREFIXES:  # not "Pre-training"
                core, ends = head, True
            elif tail in lex.words:
                ends = True       # "F1-score" stays whole, but no name runs on past it
    fold = core.casefold().replace("’", "'")
    letters = re.sub(r"[\W\d_]", "", core)
    version = bool(_VERSION.fullmatch(core) or _SIZE.fullmatch(core))
    upper = sum(1 for c in letters if c.isupper())
    acronym = upper >= 2 and (letters.isupper() or bool(PLURAL_ACRONYM.fullmatch(core)))
    cap = core[:1].isupper()
    # "A.I." is "AI": a dotted acronym is generic when its letters are.
    generic = len(letters) > 1 and (fold in lex.generic_acronyms or (acronym and (
        _singular(core) in lex.generic_acronyms or fold.replace(".", "") in lex.generic_acronyms)))
    if generic and not acronym and fold in lex.stopwords:
        generic = False       # "It" is a pronoun, "IT" the field
    if acronym:
        stop = fold in lex.titles     # "US" is a country, "us" a pronoun; "CEO" is a title either way
    else:
        stop = (fold in lex.stopwords or fold in lex.calendar or lex.is_title(fold)
                or fold in lex.demonyms
                or fold in lex.title_openers)
    parts = [p for p in core.split("-") if p]
    shape = max((_shape(p, lex) for p in parts), default=-1) if len(parts) > 1 else _shape(core, lex)
    if version or not letters or (core[:1].isdigit() and upper < 2) or _PERIOD.fullmatch(core) \
            or (_QUANTITY.fullmatch(core) and letters.casefold() in lex.generic_acronyms):
        strength = -1         # "18th", "28x28", "10-cents-a-task", "600MW", "FY26": numbers, not names
    elif generic:
        strength = 0
    elif stop:
        strength = -1
    elif shape == 3:
        strength = 3
    elif not cap:
        strength = -1
    elif len(letters) == 1:
        strength = 1          # an initial: "M Eifler", "J. Smith"
    elif core in lex.proper_common:
        strength = 1
    elif all(lex.is_word(p) or p.casefold() in lex.generic_acronyms or len(p) == 1 for p in parts) \
            or re.fullmatch(r"[A-Z][a-z]+ly", core):
        strength = 0          # adverbs ("Interestingly") open sentences and are missing from short word lists
    else:
        strength = 2
    if _DOMAIN.fullmatch(core):
        ends = True           # "deeplearning.ai TensorFlow": a domain name ends a name
    return Tok(raw, start, start + len(core), core, strength, cap, stop, generic, version, ends, acronym)


def lower_tail(tok: Tok, lex: Lexicon) -> bool:
    """A compound ending in a word in lower case, not a model's tier: "Mistral-modellen", "AI-reisagent"."""
    head, _, tail = tok.core.rpartition("-")
    return len(head) > 1 and tail.isalpha() and tail.islower() and len(tail) >= 3 and tail not in lex.model_tiers \
        and not any(c.isdigit() for c in head)   # "Phi-4-multimodal", "K-means": a model's variant, a method


def compound_head(tok: Tok, lex: Lexicon) -> Tok | None:
    """The name a compound of another language makes a noun of, with its tail in lower case: "AiNed-programma",
    "Mistral-modellen", "Instagram-foto's", "GPT-NL-model" (the caller knows the sentence is not English); None when
    there is none, or the name is a generic acronym ("AI-verordening", the Dutch AI Act) or a model's tier follows."""
    if not lower_tail(tok, lex):
        return None
    head = tok.core.rpartition("-")[0]
    if head.casefold() in lex.generic_acronyms:
        return None
    part = _features(head, tok.start, lex)
    return part._replace(ends=True) if part.strength >= 1 else None


def is_size(tok: Tok) -> bool:
    """A model's size: "70B", "8x22B"."""
    return bool(_SIZE.fullmatch(tok.core))


def abbreviates(acronym: str, words) -> bool:
    """True when acronym's capitals are the initials of words ("CCAI" ← Climate Change AI)."""
    return _abbreviates(acronym, tuple(words))


def initial(words) -> str:
    """The capital an acronym of words must open with (abbreviates is False for any other); "" if none."""
    return next((w for w in words if not _unabbreviated(w)), "")[:1].upper()


@lru_cache(maxsize=1 << 16)     # the same acronyms and names meet in issue after issue
def _abbreviates(acronym: str, words: tuple[str, ...]) -> bool:
    letters = [c for c in acronym if c.isupper() or c.isdigit()]
    ws = [w for w in words if not _unabbreviated(w)]
    if len(letters) < 2 or not ws or len(ws) > len(letters):
        return False

    def match(i: int, j: int) -> bool:
        if j == len(ws):
            return i == len(letters)
        if i == len(letters):
            return False
        w = ws[j]
        if w[:1].upper() != letters[i]:
            return False
        caps = [c for c in w if c.isupper() or c.isdigit()]
        options = {1, len(caps)} if len(caps) > 1 else {1}
        return any(match(i + k, j + 1) for k in options if caps[:k] == letters[i:i + k] or k == 1)

    return match(0, 0)


# --- context cues -----------------------------------------------------------------------------------

_MODEL_SHAPE = re.compile(r"(?:Net|GAN|BERT|GPT|Former|former|NLG|XL|Net-\d+|^[A-Z]{2,}-\d+[A-Za-z]?)$")
_SELF_REF = re.compile(r"\b(?:(?:issue|edition) (?:#\s?\d+ )?of)\s+(?:the\s+)?([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})")
# Only where a newsletter greets or signs off: "Welcome to Paris" mid-issue is no masthead.
_SELF_EDGE = re.compile(r"\b(?:welcome (?:back )?to|subscribe to|thanks for reading)\s+(?:the\s+)?"
                        r"([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})")


def self_names(issue: Issue, sentences) -> set[str]:
    """The newsletter's own name(s) and initials ("Dynamically Typed", "DT"): never entities."""
    names = {issue.newsletter} if issue.newsletter else set()
    for i, s in enumerate(sentences):
        names.update(m.group(1) for m in _SELF_REF.finditer(s.text))
        if i < 3 or i >= len(sentences) - 8:
            names.update(m.group(1) for m in _SELF_EDGE.finditer(s.text))
    out = set()
    for name in filter(None, names):
        out.add(name.casefold())
        out.add(re.sub(r"^the\s+", "", name.casefold()))
        words = [w for w in name.split() if w.casefold() != "the"]
        if len(words) >= 2:
            out.add("".join(w[0] for w in words).casefold())
    return out


def trim_punct(name: str) -> str:
    """Strip quotes and punctuation from the ends, but keep "U.S." and a parenthesis opened inside."""
    dotted = _DOTTED.search(name) if name.endswith((".", ".\n")) else None    # ($ also matches before a final \n)
    name = name.strip(" .,;:!?\"“”‘’'") + ("." if dotted else "")
    while name.endswith(")") and name.count("(") < name.count(")"):
        name = name[:-1].rstrip()
    while name.startswith("(") and name.count("(") > name.count(")"):
        name = name[1:].lstrip()
    return name


def clip(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= 300 else sentence[:297].rsplit(" ", 1)[0] + "…"


def is_generic(name: str, lex: Lexicon) -> bool:
    """A concept or a generic acronym of the field, in the singular or the plural ("UIs"; "AMS" is no plural of
    "am")."""
    return any(f in lex.generic_phrases or f in lex.generic_acronyms for f in (name.casefold(), _singular(name)))


def _singular(name: str) -> str:
    """A name casefolded, less the one s of a plural: "UIs" → "ui", "GPUS" → "gpu"; under four letters only a
    lower-case s makes a plural ("AMS" is no plural of "am")."""
    fold = name.casefold()
    return fold[:-1] if fold.endswith("s") and (len(fold) > 3 or name.endswith("s")) else fold


def shape_kind(words: list[str], lex: Lexicon) -> str | None:
    if len(words) > 1 and words[-1] in LOWER_TIERS:
        words = words[:-1]                      # "GPT-4o mini" is of GPT-4o's shape
    last = words[-1].casefold()
    if titled_report(words):
        return "paper"
    if last in NAME_HEADS and len(words) > 1:
        return NAME_HEADS[last]
    compound = last.endswith(COMPOUND_HEADS) and last not in COMPOUND_HEADS     # "Bundesnetzagentur"
    if (last in lex.org_suffixes and len(words) > 1) or compound \
            or any(body_head(w.casefold(), lex) for w in words[:-1]):
        return "organization"
    if _MODEL_SHAPE.search(words[-1]):
        return "model"
    if _CODE_SUFFIX.search(words[-1]):
        return "library"
    return None


_LOWER_WORDS = re.compile(r"(?<![\w'’-])[^\W\d_A-Z]+(?![\w'’-])")


def foreign(sentence: str, lex: Lexicon) -> bool:
    """A sentence not in English: most of its lower-case words (three or more) are not English words. A capitalised
    word that the English dictionary lacks says "name" only in English (in Chinese, a word in Latin letters does)."""
    words = [w for w in _LOWER_WORDS.findall(sentence) if w != w.upper()]  # scripts without capitals aside (CJK)
    return len(words) >= 3 and 2 * sum(map(lex.is_word, words)) < len(words)


_CASED_WORDS = re.compile(r"(?<![\w'’-])[^\W\d_][^\W\d_'’-]*")


def capitalises_nouns(sentence: str, lex: Lexicon) -> bool:
    """A sentence in a language that writes its nouns with a capital (German): three of its function words or more,
    and not English (foreign). A capital proves no name there."""
    words = _CASED_WORDS.findall(sentence)
    return len({w.casefold() for w in words} & lex.noun_capital_words) >= 3 and foreign(sentence, lex)
