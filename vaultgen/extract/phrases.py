"""Proper-noun phrases: runs of name tokens (names.py) joined into candidate names, where they start and end."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Sequence

from .lexicon import Lexicon
from .names import (LOWER_TIERS, MINOR_WORDS, NAME_HEADS, PLURAL_ACRONYM, Tok, body_head, capitalises_nouns,
                    compound_head, foreign, is_size, lower_tail)

_PARTICLES = frozenset("de del della degli dei delle dello der den des da di do du à la le van von bin ibn al el dos "
                       "das ter ten".split())
# Particles of bodies' names only, never of a person's: "Fundação de Amparo à Pesquisa", "Società … degli Autori".
_BODY_PARTICLES = frozenset("à degli dei delle dello".split())
_ON_HEADS = frozenset("conference workshop symposium committee commission council summit forum partnership task "
                      "initiative center centre meeting congress".split())


@dataclass(frozen=True)
class Phrase:
    """A run of capitalised or name-shaped tokens: a candidate name."""

    toks: tuple[Tok, ...]
    start: int
    end: int
    name: str               # the name as written, version and possessive removed
    surface: str            # with its version ("TensorFlow 2.0")
    initial: bool           # opens its sentence (or follows a colon): capitals there prove nothing
    the: bool               # written "The X" in mid-sentence ("The Verge")

    # Asked for again and again by the extractors: worked out once (the instance is frozen, its dict is not).
    @cached_property
    def words(self) -> list[Tok]:
        return [t for t in self.toks if not t.version]

    @cached_property
    def n(self) -> int:
        return len([t for t in self.words if t.cap or t.strength >= 1])

    @cached_property
    def best(self) -> int:
        return max((t.strength for t in self.words), default=-1)


_OPENINGS = re.compile(r"(?:^\W*|[:;]\s*[\"“‘(]?\s*|[.!?]\s+[\"“‘(]?)(?=\w)")
_OPENING_MARKS = re.compile(r"[:;.!?]")
_opening_cache: tuple[str | None, frozenset[int]] = (None, frozenset())


def opens_sentence(text: str, pos: int) -> bool:
    """True when text[pos] opens the sentence, or a clause after a colon: capitals there prove nothing."""
    global _opening_cache
    cached_text, positions = _opening_cache
    if cached_text is not text:            # one sentence is asked about many times in a row
        # An opening starts at the text's start or at one of :;.!? and ends where the next word starts, so
        # trying only there finds every end _OPENINGS.finditer would (not one scan per character).
        starts = [0, *(m.start() for m in _OPENING_MARKS.finditer(text))]
        positions = frozenset(m.end() for p in starts if (m := _OPENINGS.match(text, p)))
        _opening_cache = (text, positions)
    return pos in positions


def without_words(text: str, found: list[Phrase], lex: Lexicon, named: Callable[[Tok], bool] = lambda t: True
                  ) -> list[Phrase]:
    """The phrases of a text in capitals ("OPENAI RELEASES GPT-4", "BIG TECH & STARTUPS"), each cut at its English
    words and at the words that `named` says are no name: capitals set no name apart there."""
    return [part for p in found for part in cut_at(text, p, lambda t: lex.is_word(t.core) or not named(t), lex)]


def cut_at(text: str, p: Phrase, cut, lex: Lexicon) -> list[Phrase]:
    """The phrase cut at the tokens for which cut(token) holds: what is left between them, each a phrase."""
    out: list[Phrase] = []
    run: list[Tok] = []
    for t in p.toks:
        if cut(t):
            if run:
                _close(text, run, lex, out)
            run = []
        else:
            run.append(t)
    if run:
        _close(text, run, lex, out)
    return out


def split_at(text: str, p: Phrase, k: int, lex: Lexicon) -> list[Phrase]:
    """The phrase as two, before and from its k-th token."""
    out: list[Phrase] = []
    _close(text, list(p.toks[:k]), lex, out)
    _close(text, list(p.toks[k:]), lex, out)
    return out


_VERB_LIKE = re.compile(r"(?:[^s]s|ed)$")   # "Launches", "Fired", "Jabs": a headline's verb, in Title Case


def headline_words(toks: Sequence[Tok], text: str, lex: Lexicon) -> tuple[Callable[[Tok], bool], set[int]]:
    """(whether one of toks is a title-cased ordinary word of a headline, no part of a name; the ids of the tokens of
    well-known names among them). A well-known name's words are no such word ("Stability AI Releases …"), nor the
    words that end names ("Inflection AI", "Apple Intelligence"), nor a model's tier ("Claude 3 Haiku")."""
    kept: set[int] = set()
    for i in range(len(toks)):
        for j in range(len(toks), i + 1, -1):
            if lex.well_known(text[toks[i].start:toks[j - 1].end]):
                kept.update(id(t) for t in toks[i:j])
                break

    def typography(t: Tok) -> bool:
        low = t.core.casefold()
        return id(t) not in kept and t.strength <= 0 and t.cap and not (t.generic or t.version or t.acronym) \
            and low not in lex.org_suffixes and low not in NAME_HEADS and low not in lex.model_tiers
    return typography, kept


def verb_between_names(toks: Sequence[Tok], typography: Callable[[Tok], bool], kept: set[int]) -> bool:
    """Whether a headline's word (see headline_words) that reads as a verb ("OpenAI Launches ChatGPT Edu", "Board
    Fired Sam Altman") stands between two names' words (strong, or of a well-known name): then the text is a
    headline, not one name. "GPT-2 Output Detector Demo" has none."""
    named = [t.strength >= 2 or id(t) in kept for t in toks]
    return any(_VERB_LIKE.search(t.core) and typography(t) and any(named[:k]) and any(named[k + 1:])
               for k, t in enumerate(toks))


def phrases(text: str, toks: list[Tok], lex: Lexicon, breaks: tuple[int, ...] = (), ampersand: bool = True
            ) -> list[Phrase]:
    """Maximal runs of name tokens, joined only by single spaces, name particles, "X of Y" heads or, with `ampersand`
    (not in a headline, where it stands for "and"), an ampersand (see _ampersand_joins); never across one of `breaks`
    (where a link's text starts or ends: "[Larq] TensorFlow" names two things, not one) but by a version ("[PyTorch]
    1.3")."""
    out: list[Phrase] = []
    run: list[Tok] = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        joined = bool(run) and _joined(run, toks[i:i + 4], text, lex, breaks, ampersand)
        if t.version:
            if joined:
                run.append(t)
                if i + 1 < n and _joined(run, toks[i + 1:i + 5], text, lex, breaks, ampersand):
                    i += 1
                    continue                   # a tier goes on with it: "Claude 3.5 Sonnet"
            if run:
                _close(text, run, lex, out)
                run = []
        elif t.cap or t.strength >= 1:
            if run and not joined:
                _close(text, run, lex, out)
                run = []
            if t.stop and run and lex.is_title(t.core.casefold()) and i + 1 < n and toks[i + 1].cap \
                    and text[t.end:toks[i + 1].start] == " " \
                    and text[run[-1].start:toks[i + 1].end].casefold() not in lex.generic_phrases:
                # "Descript CEO Andrew Mason": a job title separates two names ("Artificial General Intelligence" is
                # one phrase).
                _close(text, run, lex, out)
                run = []
                i += 1
                continue
            run.append(t)
            if t.ends and not (i + 1 < n and _joined(run, toks[i + 1:i + 5], text, lex, breaks, ampersand)):
                _close(text, run, lex, out)
                run = []
        elif joined and t.core in LOWER_TIERS and (run[-1].version or any(c.isdigit() for c in run[-1].core)):
            run.append(t)                       # "GPT-4o mini", "Llama 3.2 nano": the tier is part of the name
            _close(text, run, lex, out)
            run = []
        elif joined and t.core.casefold() in lex.connectors and (k := _past_article(toks, i, text)) < n \
                and toks[k].cap and text[toks[k - 1].end:toks[k].start] == " " \
                and _may_join(run, t, toks[k:k + 3], text, lex) and not (k > i + 1 and _two_bodies(run, toks[k], lex)):
            run.extend(toks[i:k])               # "University of the Arts", "Ursula von der Leyen"
            i = k
            continue
        elif run:
            _close(text, run, lex, out)
            run = []
        i += 1
    if run:
        _close(text, run, lex, out)
    return out


# Particles that are articles too: in German they join nouns as often as names.
_ARTICLE_PARTICLES = frozenset("der den des".split())
_RELEASE_ADJECTIVES = frozenset("new latest upgraded updated improved revamped refreshed".split())
# Articles that follow a connector inside a name: "of the", "de la", "de los", "von der", "van den".
_ARTICLES = frozenset("the la las los le les der den".split())


def _past_article(toks: list[Tok], i: int, text: str) -> int:
    """The index of the token after the connector toks[i] and the lower-case article that follows it, if one does."""
    k = i + 1
    if k < len(toks) and toks[k].core in _ARTICLES and text[toks[i].end:toks[k].start] == " ":
        k += 1
    return k


def _two_bodies(run: list[Tok], t: Tok, lex: Lexicon) -> bool:
    """A head after "of the" / "de la" when the run has one already: "Facultad de Ciencias Exactas de la Universidad
    de Buenos Aires" is a faculty of a university, two bodies ("Ben-Gurion University of the Negev" is one)."""
    return t.core.casefold() in lex.of_heads and any(r.core.casefold() in lex.of_heads for r in run)


def _joined(run: list[Tok], ahead: list[Tok], text: str, lex: Lexicon, breaks: tuple[int, ...],
            ampersand: bool) -> bool:
    """The next token (ahead[0]) goes on with the run's name (see phrases)."""
    last, t = run[-1], ahead[0]
    if last.version and not last.ends and (t.cap and t.core.casefold() in lex.model_tiers or is_size(t)):
        return text[last.end:t.start] == " "   # "Claude 3.5 Sonnet", "Gemini 1.5 Pro", "Llama 3 70B"
    if last.ends and last.core == last.text and "-" in last.core and t.cap and t.core.casefold() in lex.model_tiers:
        return text[last.end:t.start] == " "   # "SWE-bench Verified": a compound's variant, not another name
    if last.ends and _possessive_head(last, t, text, lex):
        return True
    if t.core == "I" and last.acronym:
        return False                           # "at AMS I keep thinking": the pronoun ("World War I" stays)
    if last.ends or last.version or breaks and not t.version and any(last.end <= b <= t.start for b in breaks):
        return False
    if t.stop and last.core.endswith("."):
        return False  # "… a role in A.I. Without us, …": a sentence the abbreviation's full stop ended
    gap = text[last.end:t.start]
    return gap == " " or _middle_initial(run, t, text) or (
        ampersand and gap == " & " and last.cap and t.cap and _ampersand_joins(run, ahead, text, lex))


_WHOSE = frozenset("women children men people".split())
_FIRMS = frozenset("llp llc inc inc. ltd ltd. plc gmbh ag co. pllc".split())  # what ends a firm's name of partners


def _possessive_head(last: Tok, t: Tok, text: str, lex: Lexicon) -> bool:
    """"Women's Hospital", "Children's Hospital", "National People's Congress": whom a body serves, in the possessive
    before its head, is part of its name ("Georgetown University's Center for …" is two bodies)."""
    return last.core.casefold() in _WHOSE and t.cap and text[last.end:t.start] in ("'s ", "’s ") \
        and (t.core.casefold() in lex.org_suffixes or t.core.casefold() in lex.of_heads)


def _ampersand_joins(run: list[Tok], ahead: list[Tok], text: str, lex: Lexicon) -> bool:
    """After a name, an ordinary word goes on with it ("Procter & Gamble", "Health & Safety Administration"); a name of
    its own is another name ("Podcast Studio & Overdub", "Nivin & Kao", "Apple & Google") unless known ("Johnson &
    Johnson"); ordinary words on both sides are a name only when a head ends it ("Grid Resilience & Intelligence
    Platform", not "Cloud, Mobile & Edge")."""
    last, t = run[-1], ahead[0]
    if f"{last.core} & {t.core}".casefold() in lex.known:
        return True
    if len(ahead) > 1 and ahead[1].core.casefold() in _FIRMS and text[t.end:ahead[1].start] in (" ", ", "):
        return True                            # "Boies & Saveri LLP", "Smith & Nephew plc"
    if t.strength > 0 or last.core.casefold() in lex.known and t.core.casefold() in lex.known:
        return False
    if any(x.strength > 1 for x in run):       # a word no dictionary holds: "Procter", "Georgetown", "U.S."
        return True
    prev = last
    for x in ahead:
        if not x.cap or text[prev.end:x.start] not in (" ", " & "):
            return False
        if x.core.casefold() in lex.org_suffixes or x.core.casefold() in NAME_HEADS:
            return True
        prev = x
    return False


def _middle_initial(run: list[Tok], t: Tok, text: str) -> bool:
    """"Emily M. Bender", "John F. Kennedy": a name, an initial and its full stop, then a word that is a name's."""
    last = run[-1]
    return (len(run) > 1 and len(last.core) == 1 and last.cap and text[last.end:t.start] == ". "
            and t.cap and t.strength >= 1)


# Months' and days' short forms are also names ("Jan Leike", "Guolei Sun", "Mar Hicks", "Sun Microsystems").
_CALENDAR_SHORT = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun"
                            .split())


def _surname_beside(run: list[Tok], at: int) -> bool:
    """A two-word run whose word at `at` is a month's or day's short form, beside a word no dictionary holds: a
    person's name, not a date ("Jan 5" has a number; "Jan Update" an ordinary word)."""
    if len(run) != 2 or run[at].core.casefold() not in _CALENDAR_SHORT or not run[at].cap:
        return False
    other = run[1] if at == 0 else run[0]
    return other.strength >= 1 and other.core.isalpha() and other.core.istitle()


_SURNAMES_OF_COLOUR = frozenset("black white english french welsh irish".split())


def _surname_of_colour(run: list[Tok], lex: Lexicon) -> bool:
    """"Kevin Black", "Jack White", "Robert French": a given name, then a colour's or a people's word that is a surname
    ("Nvidia Black" and "Kenya British" are a thing's name and a word)."""
    first, last = run[0], run[-1]
    return len(run) == 2 and last.core.casefold() in _SURNAMES_OF_COLOUR and last.core.istitle() \
        and first.strength >= 1 and first.core.isalpha() and first.core.istitle() \
        and not lex.known_as_other_than_person(first.core)


def _close(text: str, run: list[Tok], lex: Lexicon, out: list[Phrase]) -> None:
    p = _finish(text, run, lex)
    if p:
        out.append(p)


def _may_join(run: list[Tok], connector: Tok, ahead: list[Tok], text: str, lex: Lexicon) -> bool:
    word = connector.core.casefold()
    heads = [t.core.casefold() for t in run]
    if word in _ARTICLE_PARTICLES and capitalises_nouns(text, lex):
        # In German "der" joins nouns as often as names: "Van der Waals", "Universität der Künste", not "Morgen der
        # Rücktritt", "Willen der Bundesregierung" ("Indra den Bakker" in English is one name).
        return heads[-1] in _PARTICLES or any(body_head(h, lex) for h in heads)
    if word in _PARTICLES:
        # "Gerald de Melo", "Luiz Inácio Lula da Silva", "Universidad de Buenos Aires": after a person's given names or
        # a body's head; a Romance "of" after a thing's name starts another name ("xAI de Elon Musk", "Claude di
        # Anthropic", "Leonardo del CINECA").
        return any(body_head(h, lex) for h in heads) or (word not in _BODY_PARTICLES and _given_names(run, lex)
                                                          and not ahead[0].acronym and ahead[0].strength < 3)
    if word in ("of", "for", "für") and any(body_head(h, lex) for h in heads) \
            or word == "the" and heads[-1] == "of":
        return True                                   # "University of Arizona", "Institute for ..."
    if word == "on" and heads[-1] in _ON_HEADS:
        return True                                   # "International Conference on Learning Representations"
    if word == "and" and len(run) == 1 and run[0].strength >= 2 and len(ahead) > 1 and ahead[0].ends \
            and _possessive_head(ahead[0], ahead[1], text, lex):
        return True                                   # "Brigham and Women's Hospital"
    # A body named by its fields: "Institute of Science and Technology", "Department of Health and Human Services".
    headed = any(h in lex.of_heads or h in _ON_HEADS for h in heads[:-1])
    # An agency's acronym may open such a name: "NSF Science and Technology Center".
    fields = run[1:] if len(run) > 1 and run[0].acronym else run
    if word in ("and", "&", "y", "und") and (headed or all(t.strength <= 1 for t in fields)
                                             and heads[-1] not in lex.org_suffixes):
        # "Food and Drug Administration": ordinary words joined, then an organisation's last word; after a head, the
        # ordinary words ending the name ("... Cooperation and Development", but not "... and Facebook").
        prev = connector
        # After a body's own head, a head further on starts another body ("... Institute for AI and Carnegie Mellon
        # University"); after a place's ("United States Food and Drug Administration"), it ends this one.
        bodied = any(h in lex.org_suffixes for h in heads[:-1])
        for k, t in enumerate(ahead):
            # A word no dictionary holds goes on only when it reads as an adjective before a body's last word ("… and
            # Radiological Health"; "… and Columbia University" is another body).
            unlisted = t.strength > 2 or t.strength == 2 and not (
                t.core.casefold().endswith(_ADJECTIVE_ENDS) and k + 1 < len(ahead) and ahead[k + 1].cap
                and ahead[k + 1].core.casefold() in lex.org_suffixes)
            if not t.cap or unlisted or text[prev.end:t.start] != " ":
                # The name ends here, not another one going on ("... and Facebook researchers", "... of").
                goes_on = text[prev.end:t.start] == " " and (t.cap or t.core.casefold() in lex.connectors)
                return headed and prev is not connector and not goes_on
            low = t.core.casefold()
            if headed and (low in lex.of_heads or low in _ON_HEADS) and (prev is connector or bodied):
                return False                          # "Allen Institute for AI and University ...": two bodies
            if low in lex.org_suffixes:
                # "… Center for AI Safety and Scale AI": a well-known name after "and" is another name.
                return not lex.well_known(text[ahead[0].start:t.end])
            prev = t
        return headed and prev is not connector
    return word in ("of", "the") and heads[0] == "the"  # "The Art of Research"


_ADJECTIVE_ENDS = ("al", "ic", "ive", "ary", "ous")   # "Radiological", "Atlantic", "Executive", "Dietary", "Various"
_INITIALS = re.compile(r"(?:[A-Z]\.){2,3}")
_FIELD_INITIALS = frozenset({"A.I.", "M.L."})   # "A.I. Bot" is no person's


def _initials_of(run: list[Tok]) -> bool:
    """"C.C. Wei", "J.R. Smith": dotted initials before a surname, not the acronym they spell ("CC")."""
    return len(run) == 2 and bool(_INITIALS.fullmatch(run[0].core)) and run[0].core not in _FIELD_INITIALS \
        and run[1].strength >= 2 and run[1].core.isalpha()


def _given_names(run: list[Tok], lex: Lexicon) -> bool:
    """One to three words that may be a person's names before a particle: capitalised, in letters (or hyphenated:
    "Jean-Claude"), none an acronym nor a well-known thing other than a person; a title before them aside
    ("EU-Präsidentin Ursula von der Leyen")."""
    while run and run[0].stop:
        run = run[1:]
    return 1 <= len(run) <= 3 and all(
        t.cap and not t.acronym and t.strength in (1, 2) and t.core.replace("-", "").isalpha()
        and not lex.known_as_other_than_person(t.core) for t in run)


def _headed(rest: list[Tok], lex: Lexicon) -> bool:
    return any(t.core.casefold() in lex.org_suffixes or t.core.casefold() in lex.of_heads
               or t.core.casefold() in NAME_HEADS for t in rest)


def opens_known_name(toks, lex: Lexicon) -> bool:
    """The tokens open with a well-known name's first two words ("New York Times Case Data", "The Verge"), or with
    "Great" before a word no dictionary holds ("Great Ormond Street Hospital", "Great Barrington"; not "Great news")."""
    return len(toks) > 1 and (f"{toks[0].core} {toks[1].core}".casefold() in lex.known_openers
                              or toks[0].core == "Great" and toks[1].cap and toks[1].strength >= 2)


def _article(run: list[Tok], text: str, lex: Lexicon) -> bool:
    """"De" opening a sentence of another language is its article, save before one plain capitalised word: the
    surname "De Vries", "De Graaf"."""
    plain_surname = len(run) == 2 and run[1].strength == 2 and run[1].core.isalpha()
    return len(run) > 1 and not plain_surname and foreign(text, lex)


def _compound_heads(run: list[Tok], lex: Lexicon) -> list[Tok]:
    """In another language, a name in a compound noun: "Mistral-modellen" ends on Mistral; a compound before a name
    says what it is ("AI-reisagent Booking Companion", "Mistral-directeur Claire Dubois") and goes."""
    while len(run) > 1 and lower_tail(run[0], lex):
        run = run[1:]
    last = compound_head(run[-1], lex) if run else None
    return run[:-1] + [last] if last else run


def _finish(text: str, run: list[Tok], lex: Lexicon) -> Phrase | None:
    initial = opens_sentence(text, run[0].start)
    the = False
    # Sentence openers and function words are not part of a name; "The" is, mid-sentence, and so are
    # other capitalised words there ("The New York Times"), but not months, titles or nationalities.
    while run:
        t = run[0]
        low = t.core.casefold()
        if _surname_beside(run, 0):
            break
        if low in lex.demonyms_in_their_language and len(run) > 1 and not foreign(text, lex):
            break                     # "Nederlandse Spoorwegen" in English; "de Ierse toezichthouder" in Dutch
        # "European Union", "May Day Foundation": a head noun keeps a leading nationality or month, even where it opens
        # the sentence; "AI" is no such head ("the French AI lab Mistral").
        kept = t.stop and (low in lex.calendar or low in lex.demonyms or (lex.is_title(low) and not initial)) \
            and _headed([r for r in run[1:] if not r.generic], lex)
        if initial and opens_known_name(run, lex):  # no opener there: "New York Times Case Data:", "(The Verge)"
            break
        if low in MINOR_WORDS or low == "i":
            pass
        elif initial:
            # "Das Fraunhofer-Institut …", "Mit o1-preview …": a German opener goes too, and so does a Dutch article
            # ("De Europese Commissie …", "De AI-verordening …"; "De Vries" is a name)
            if not (t.stop or low in lex.noun_capital_words or low == "de" and _article(run, text, lex)) or kept:
                break
        elif not (t.stop and (low in lex.calendar or lex.is_title(low) or low in lex.demonyms)) or kept:
            break
        if low == "general" and len(run) > 1 and run[1].cap and (
                run[1].strength == 0 or lex.well_known(text[t.start:run[1].end])):
            break                     # "General Catalyst", "General Motors": a company ("General Mark Milley" is not)
        if t.core == "The" and not initial and len(run) > 1:
            the = True
            break
        initial = False if t.cap else initial
        run = run[1:]
    if any("-" in t.core and t.core[-1].islower() for t in run) and foreign(text, lex):
        run = _compound_heads(run, lex)
    # "a New Claude 3.5 Sonnet", "Latest GPT-4o": a release's adjective before a name of the field is no part of it
    # ("New York", "New Relic", "New Delhi" and "New England" stay whole).
    while len(run) > 1 and run[0].core.casefold() in _RELEASE_ADJECTIVES and (
            run[1].strength == 3 or (lex.well_known(run[1].core) or ("", "place"))[1] != "place"):
        run = run[1:]
    # Trailing pronouns stay ("Horace He", "Zhonghui You"); trailing months, titles, demonyms go, and so does a
    # generic acronym in the plural ("NVIDIA H100 GPUs"; "Google AI" is a name).
    while run:
        t = run[-1]
        low = t.core.casefold()
        if _surname_beside(run, -1) or _surname_of_colour(run, lex) or not (
                (low in lex.connectors and not t.cap) or low in lex.calendar or low in lex.demonyms
                or (lex.is_title(low) and (t.acronym or not t.cap))
                or (t.generic and PLURAL_ACRONYM.fullmatch(t.core) and len(run) > 1)):
            break
        run = run[:-1]
    # Leading generic acronyms ("AI researchers", "ML Research") describe; they do not name, and what they leave of
    # "NLP Newsletter" or "AI Researchers", one English word, names nothing either.
    described = False
    while len(run) > 1 and run[0].generic and not _headed(run[1:], lex) and not _initials_of(run) \
            and not lex.well_known(text[run[0].start:run[-1].end]):  # "ETH Zurich", a listed name
        run, described = run[1:], True
    while described and len(run) > 1 and not run[0].cap:
        run = run[1:]                 # "IA da Meta": Meta, not "da Meta"
    if described and len(run) == 1 and lex.is_word(run[0].core):
        return None
    words = [t for t in run if not t.version]
    if not words or all(t.generic for t in words):
        return None
    versioned = next((i for i, t in enumerate(run) if t.version and i), None)
    if versioned is not None and all(t.version or t.core.casefold() in lex.model_tiers for t in run[versioned + 1:]):
        words = [t for t in run[:versioned] if not t.version]  # the tier goes with the version: "Claude 3.5 Sonnet"
    last = words[-1]
    name = text[run[0].start:last.end]
    surface = text[run[0].start:run[-1].end]
    return Phrase(tuple(run), run[0].start, run[-1].end, name, surface, initial, the)
