"""Built-in entity extractors, registered through the plugin hook: links (anchors.py) and prose (here)."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Sequence

from ..hookspecs import hookimpl
from ..model import Candidate, Issue, Link
from .anchors import C_LINK_TITLE, LinkEntityExtractor
from .lexicon import Lexicon, lexicon
from .names import NAME_HEADS as _NAME_HEADS
from .context import context, funding_role, in_author_list
from .names import (BILL_NUMBER, ONE_LETTER_NAMES, abbreviates, capitalises_nouns, clip, foreign, is_generic,
                    self_names, shape_kind, tokens, trim_punct)
from .phrases import (Phrase, cut_at, headline_words, opens_known_name, phrases, split_at, verb_between_names,
                      without_words)
from .prose import Sentence, paper_headings, parse, title_case, title_spans

# Confidence of one mention, by evidence; resolve.py adds mentions up and keeps what reaches KEEP (0.5).
C_DEFINED = 0.8         # "Climate Change AI (CCAI)"
C_CITATION = 0.75       # "Lepikhin et al. (2020)"
C_AUTHOR = 0.6          # its first author
C_KNOWN = 0.8           # a name in the built-in list of well-known names
C_CREDIT = 0.6          # "… 15 cents. (Wired $)": the source a story credits, alone in parentheses
C_CASE = 0.75           # "Getty Images v. Stability AI": a court case, by its caption
C_HANDLE = 0.6          # "thanks @mirela-dinu": someone known by a handle
C_SHAPE = {3: 0.7, 2: 0.55, 1: 0.45, 0: 0.25}   # one word, mid-sentence, by token strength (names.Tok)
C_MULTI = {3: 0.7, 2: 0.7, 1: 0.55, 0: 0.45}    # several words
ENUMERATION_BOOST = 0.15

_ET_AL = re.compile(r"\b([A-Z][\w'’-]+)(?:\s+(?:and|&)\s+([A-Z][\w'’-]+))?\s+et\.?\s+al\.?"
                    r"(?:,?\s*\(?((?:19|20)\d\d)\)?)?")
# German function words that no neighbouring language writes too (not "des", "es", "die", "den").
_GERMAN_ONLY = frozenset("der das und nicht mit für ist sind wird werden wurde dass sich auch noch ein eine einen "
                         "einem einer dem auf bei nach über zum zur im vom".split())
_LICENSE_AFTER = re.compile(r" licen[cs]e\b|-licensed\b", re.I)
_TWO_AUTHORS = re.compile(r"\b([A-Z][\w'’-]+)\s+(?:and|&)\s+([A-Z][\w'’-]+)\s+\(((?:19|20)\d\d)\)")
_DEFINITION = re.compile(r"^\s*(?:[a-z]+\s+)?\((?:or |aka |a\.k\.a\.? |also known as |short for )?"
                         r"([A-Za-z][\w&.-]*[A-Za-z0-9])\)")
_QUOTED = re.compile(r"[“\"]([^”\"\n]{5,150})[”\"]")
# "@mirela-dinu", "@ines_codes", "@nuno.bsky.social"; not an address's "@example.com" (prose.py removes those).
_HANDLE_NAME = r"[A-Za-z0-9](?:[\w.-]{0,48}[A-Za-z0-9])?"
_HANDLE = re.compile(rf"(?<![\w@./])@({_HANDLE_NAME})")
_FIND_US = re.compile(r"\b(?:follow|find|reach|join|tag|message|dm)\s+us\b", re.I)
_HANDLE_AFTER = re.compile(rf"\s*\(\s*@({_HANDLE_NAME})\b")  # "Rita Monteiro (@rita-m on X)"
# X, formerly Twitter: a lone capital X names the platform where the text posts on it ("said on X", "a thread on
# X", "@hannah_codes (X)", "X (formerly Twitter)"), never elsewhere ("Model X", "X-energy", "OpenGPT-X").
_PLATFORM_X = re.compile(r"(?:\b(?:on|En|en|sur|auf)\s+|@[\w.-]+\s+\(|\b(?:on|En|en|sur|auf)\s+\()X(?![\w-])"
                         r"|(?<![\w@./-])X(?=\s*\(formerly Twitter)")
_QUOTED_TITLE = re.compile(r"\b(titled|called|named|entitled)\s+[“\"]([^”\"]{3,150})[”\"]")
_CALLED_LOWER = re.compile(r"\b(?:called|named|dubbed)\s+([a-z][\w.-]{3,})\b")
_WORK_CUES = {"paper": "paper", "papers": "paper", "essay": "paper", "book": "paper", "report": "paper",
              "translation": "paper",
              "article": "paper", "thesis": "paper", "study": "paper", "post": "paper", "preprint": "paper",
              "dissertation": "paper", "film": "other", "movie": "other", "song": "other", "album": "other",
              "podcast": "other", "show": "other", "series": "other", "documentary": "other", "video": "other"}
# Compiled once: these run for every phrase of every issue.
_LETTERS = re.compile(r"[^\W\d_]+")
_VERSUS = re.compile(r" v\.? ")  # a caption's "v." ("vs." compares: "CrewAI vs. LangGraph")
_LETTER = re.compile(r"[^\W\d_]")
_THE = re.compile(r"^the\s+")
_THE_ANY_CASE = re.compile(r"(?i)^the\s+")
_CREDIT = re.compile(r"\(\s*([^()$]{2,40}?)\s*(\$)?\s*\)")
_NOT_ASCII_LETTER = re.compile(r"[^A-Za-z]")
_OPENERS = ("(", "“", '"', "‘", "«", "„")
_PARENTHESIS = re.compile(r"\([^()]*\)")
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and|or)?|(?:and|or|\+|&|/))\s*")
# The newsletter's writers by their first names, where they sign or greet: "— Noah and Grant, The Neuron", "See you
# tomorrow! – Ben", "Rowan, Joey, Zach, Alvaro, and Jason—The Rundown's editorial team", "Cheers, Lior", "Hey folks,
# Ben here". A first name alone there is no entity (a writer's full name still is).
_FIRST = r"[A-Z][a-z]{1,14}"
_FIRST_NAMES = rf"{_FIRST}(?:(?:\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+){_FIRST}){{0,7}}"
_SIGN_OFF = re.compile(rf"(?:^|[!.?]\s+)(?:(?i:cheers|thanks|best|regards|love|until next time|see you[^,!.]*)[,!.]?\s+|"
                       rf"[–—-]\s*)({_FIRST_NAMES})\s*(?:[–—,]\s*[^.!?]{{0,60}})?$")
# Names then who they are: "Rowan, Joey and Jason—The Rundown's editorial team", "Noah and Grant, The Neuron".
_SIGNED_AS = re.compile(rf"^\W*({_FIRST_NAMES})\s*[–—,]\s*([^.!?]{{1,60}})$")
_TEAM = re.compile(r"\b(?:team|editors?|editorial|crew|staff|writers?)\b", re.I)
_GREETING = re.compile(rf"^\W*(?i:hey|hi|hello|howdy)\b[^.!?]{{0,30}}?\b({_FIRST}) here\b")
_EDGE = 0.15  # greetings open an issue, sign-offs close it: within this share of its sentences
# What a company or product does at the start of a sentence: "Apple said", "Runway released Gen-4", "Chrome follows".
_ACTS = re.compile(r"\s+(?:said|says|released|releases|launched|launches|announced|announces|unveiled|unveils|"
                   r"introduced|introduces|shipped|ships|follows|followed|debuted|debuts|rolled out|rolls out|"
                   r"open-sourced|open-sources|published|publishes|acquired|acquires|raised|raises|updated|updates|"
                   r"added|adds|confirmed|confirms|agreed|agrees|signed|signs|reported|reports|plans|wants|will|"
                   r"has|had|is|was|now)\b")


def _signed(text: str, newsletter: str, lex: Lexicon) -> frozenset[str]:
    """The first names a sign-off or a greeting in this sentence gives (see _SIGN_OFF), well-known names aside."""
    m = _SIGN_OFF.search(text) or _GREETING.match(text)
    if m is None and (m := _SIGNED_AS.match(text)) is not None:
        if not (_TEAM.search(m.group(2)) or newsletter.casefold() in m.group(2).casefold()):
            m = None
    if m is None:
        return frozenset()
    return frozenset(n for n in re.findall(_FIRST, m.group(1)) if n.casefold() not in lex.known)


class CommonWords:
    """The words a text writes in lower case (links and addresses aside), found when first asked for: a word the
    dictionary lacks is a common word of the text's field when the text writes it so ("arrhythmias"). Also asked:
    whether the text is German, and whether it writes a word with a capital outside lines in capitals."""

    _ADDRESS = re.compile(r"\]\([^)\s]*\)?|\S*(?:/|@|\.\w)\S*")
    _LOWER = re.compile(r"(?<![\w'’-])[a-z]+(?:['’-][a-z]+)*(?![\w'’-])")
    _WORD = re.compile(r"\w[\w'’-]*")

    def __init__(self, text: str) -> None:
        self._text, self._listed, self._words, self._german, self._capitalised = text, None, None, None, None

    def capitalised(self, word: str) -> bool:
        """The text writes the word with a capital on a line not all in capitals: "Colossus" beside the heading "GROK 3
        E O COLOSSUS" (whose "E" and "O" it writes nowhere else so)."""
        if self._capitalised is None:
            self._capitalised = {w.casefold() for line in self._text.splitlines() if not _shouted(line)
                                 for w in self._WORD.findall(line) if w[0].isupper()}
        return word.casefold() in self._capitalised

    def _lower_words(self) -> list[str]:
        if self._listed is None:
            self._listed = self._LOWER.findall(self._ADDRESS.sub(" ", self._text))
        return self._listed

    def german(self) -> bool:
        """The text is German (its own function words are one in twelve of its lower-case words): its nouns are
        capitalised in every sentence, short ones and list items too, where one sentence alone does not tell."""
        if self._german is None:
            words = self._lower_words()
            self._german = len(words) >= 40 and 12 * sum(w in _GERMAN_ONLY for w in words) >= len(words)
        return self._german

    def __contains__(self, word: str) -> bool:
        if self._words is None:
            self._words = set(self._lower_words())
        low = word.casefold()
        return low in self._words or low + "s" in self._words or (low.endswith("s") and low[:-1] in self._words)


def _shouted(text: str) -> bool:
    """Every letter a capital, and enough of them to be words, not an acronym."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and all(c.isupper() for c in letters)


def _named_in_capitals(word: str, lex: Lexicon, common: CommonWords) -> bool:
    """A word of a line in capitals that may be a name: a model's ("GPT-4.5", "SABIÁ-3"), a well-known one, or one the
    text writes with a capital elsewhere and never in lower case ("COLOSSUS", "BLUEX"; not "CONSULTA", "MUNDO")."""
    return any(c.isdigit() for c in word) or bool(lex.well_known(word)) or (
        common.capitalised(word) and word not in common)


class TextEntityExtractor:
    """Proper-noun phrases, CamelCase and acronym tokens, definitions, citations and titles in prose."""

    name = "text"

    def extract(self, issue: Issue, links: Sequence[Link]) -> Iterable[Candidate]:
        lex = lexicon()
        prose = parse(issue.body, lex.is_word)
        banned = self_names(issue, prose.sentences)
        banned |= {h.casefold() for h in prose.headings if all(lex.is_word(w) for w in _LETTERS.findall(h))}
        out: list[Candidate] = []

        def emit(name, sentence, conf, kind=None, desc=None, aliases=()):
            name = trim_punct(name)
            fold = name.casefold()
            # A one-letter name comes from a pattern that knows what it is (_PLATFORM_X), never from a phrase.
            one_letter = len(name) < 2 and not (name in ONE_LETTER_NAMES and kind)
            if one_letter or len(name) > 120 or not _LETTER.search(name):
                return
            bare = _THE.sub("", fold) if fold.startswith("the") else fold
            if fold in banned or bare in banned or is_generic(
                    name if bare is fold else _THE_ANY_CASE.sub("", name), lex):
                return
            out.append(Candidate(name, issue.source, self.name, kind, clip(sentence.text), None,
                                 round(min(conf, 0.95), 3), desc, tuple(aliases)))

        # The newsletter's own name is vetoed archive-wide: a zero-confidence candidate (see resolve.py).
        for name in sorted(banned - {h.casefold() for h in prose.headings}):
            if len(name) > 1:
                out.append(Candidate(name, issue.source, self.name, None, "", None, 0.0))
        common = CommonWords(issue.body)
        edge = max(3, int(len(prose.sentences) * _EDGE))
        for n, s in enumerate(prose.sentences):
            signed = _signed(s.text, issue.newsletter or "", lex) if n < edge or n >= len(prose.sentences) - edge else ()
            toks = tokens(s.text, lex)
            found = phrases(s.text, toks, lex, tuple(x for span in s.anchors for x in span), ampersand=not s.title)
            if _shouted(s.text):  # "BIG TECH & STARTUPS", "OPENAI RELEASES GPT-4": labels and headlines in capitals
                found = without_words(s.text, found, lex, lambda t: _named_in_capitals(t.core, lex, common))
            for a, b in zip(found, found[1:]):  # "Bartz v. Anthropic", "Getty Images v Stability AI"
                if _VERSUS.fullmatch(s.text, a.end, b.start):
                    emit(s.text[a.start:b.end], s, C_CASE, "other")
            neighbours = _enumerated(s.text, found)
            of_pairs = _of_pairs(s.text, found)
            headline = title_spans(s)
            credit = _CREDIT.fullmatch(s.text)
            for i, p in enumerate(found):
                if len(p.words) == 1 and p.name in signed:
                    continue
                if credit and p.name == credit.group(1):
                    known = lex.well_known(p.name)
                    if credit.group(2) or known or p.best >= 1:  # "$": paywalled; "(Video)" credits no one
                        emit(p.surface, s, C_CREDIT, known[1] if known else "organization")
                    continue
                if p.initial and p.best >= 2 and (p.start, p.end) in s.strong and s.text[p.end:].strip(" .!?:"):
                    # "**Klarna** keeps being the cautionary tale": a name set in bold to lead its item, as newsletters
                    # set the names they are about; its capital is no sentence start's. (A line all in bold is a
                    # heading.)
                    p = replace(p, initial=False)
                title = s.title or any(a <= p.start and p.end <= b for a, b in headline)
                parts = [p]
                listing = in_author_list(s.text[:p.start], s.text[p.end:])  # a list of names is no headline
                if s.title and not listing and p.name != s.text.strip():
                    parts = _headline_parts(p, s.text, lex)
                elif title and not listing:
                    parts = _headline_parts(p, s.text, lex, within=True)
                for part in (q for part in parts for q in _known_parts(part, s.text, lex)):
                    variants = [part]
                    rest = _after_opener(part, s.text, lex)
                    if rest:
                        variants.append(rest)      # "Team USRG won": USRG, whatever "Team" is
                    for q in variants:
                        self._phrase(q, s, title, i in neighbours, of_pairs.get(i), lex, emit, common)
            self._patterns(s, emit, lex)
        for title in paper_headings(issue.body):
            banned.discard(title.casefold())   # a title of dictionary words is no heading's label here
            emit(title, Sentence(title, 0, True), C_CITATION, "paper")
        return out

    def _phrase(self, p: Phrase, s: Sentence, title: bool, listed: bool, role: str | None, lex: Lexicon, emit,
                common: CommonWords):
        if _LICENSE_AFTER.match(s.text, p.end):
            return                           # "under an MIT license", "Apache 2.0-licensed": a licence, not MIT
        conf = self._confidence(p, s, title, lex, common)
        words = [t.core for t in p.words]
        known = lex.well_known(p.name) or lex.well_known(_THE_ANY_CASE.sub("", p.name))
        if known and not (p.initial and lex.is_word(p.name) and not _ACTS.match(s.text, p.end)):
            conf = max(conf or 0.0, C_KNOWN)
        d = _DEFINITION.match(s.text[p.end:])
        defined = bool(d and len(words) > 1 and abbreviates(d.group(1), words))
        if defined:
            conf = max(conf or 0.0, C_DEFINED)     # "Climate Change AI (CCAI)": the text defines a name
        if conf is None:
            return
        ctx = context(s.text, p.start, p.end, lex, p.n)
        conf += ctx.boost
        if listed:
            conf += ENUMERATION_BOOST
        kind = (known[1] if known else None) or ctx.kind or shape_kind(words, lex)
        if role:
            conf += 0.15                     # "Jack Kelly of Open Climate Fix": a person of an organisation
            kind = kind or role
        if kind is None and _person_like(p) and not shape_kind(words, lex) and min(t.strength for t in p.words) >= 1:
            kind = "person"                  # two or three plain capitalised non-words: a person's name
        aliases = ()
        if defined:
            aliases = (d.group(1),)
            emit(d.group(1), s, C_DEFINED, kind, None, (p.name,))
        elif "@" in s.text and (h := _HANDLE_AFTER.match(s.text, p.end)):
            aliases = (h.group(1),)
        emit(p.surface, s, conf, kind, ctx.description, aliases)

    @staticmethod
    def _confidence(p: Phrase, s: Sentence, title: bool, lex: Lexicon, common: CommonWords) -> float | None:
        words = p.words
        named = [t for t in words if t.core != "The"]
        if not named or sum(not t.core.islower() for t in named) > 7:  # "of", "and" are not counted
            return None
        best = max(t.strength for t in named)
        if len(named) == 1:
            t = named[0]
            if best < 0:
                return None
            conf = C_SHAPE[best]
            if t.core.isupper() and len(t.core) > 2 and lex.is_word(t.core) and (p.initial or t.core in common) \
                    and not lex.well_known(t.core):
                return None               # "HubSpot's FREE guide", "EXPECT this…": a word in capitals for emphasis
            if best == 2 and t.core.istitle() and (common.german() or capitalises_nouns(s.text, lex)):
                return None               # "… einen verlässlichen Rechtsrahmen …": a German noun
            if title and best == 2 and t.core in common:
                return None               # a headline's "Backprop", "Corpora": the issue writes them in lower case
            if t.acronym and len(_NOT_ASCII_LETTER.sub("", t.core)) == 2 and (t.core[0].isdigit() or not any(
                    c.isdigit() for c in t.core)):  # "MI450", "N2P" are codes of things, "40GB" a size
                conf = 0.45               # two capitals ("SN", "DT") are often initials of something else
            if p.initial and not p.the:
                if best <= 1 and not funding_role(s.text, p.start, p.end):  # "Keel -- $8M seed …" is a company's
                    return None           # "Read", "Thanks", "Apple" at a sentence start: nothing to go on
                if best == 2:
                    if foreign(s.text, lex) or t.core in common:
                        # "Aquí se puede…": any first word of another language; "Arrhythmias occur…": a word the
                        # issue writes in lower case elsewhere.
                        return None
                    conf *= 0.8
            elif best == 2 and s.text[:p.start].rstrip().endswith(_OPENERS) and foreign(s.text, lex):
                return None               # "un artículo titulado “Foco en…”", "(Dirigido por…)": a start, likewise
        else:
            if all(t.acronym for t in named) and sum(lex.is_word(t.core) for t in named) * 2 >= len(named):
                return None               # "MESSAGE FROM DEEPLEARNING.AI": a shouted heading, not acronyms
            conf = C_MULTI[max(best, 0)]
            if _word_before_known(p, s.text, lex) or _foreign_opener(p, s.text, lex):
                # "Use ChatGPT search…", “How to Use ChatGPT at Work”, "Investigadores de la École…": _after_opener
                # offers what follows
                return None
            heads = [t.core.casefold() for t in named]
            # "Drone Racing League", "University of Arizona": a name's head makes ordinary words a name,
            # given a third word or a word that is not ordinary ("AI Research", "Using AI" are not).
            of_head = any(h in lex.of_heads for h in heads[:-1])
            headed = heads[-1] in lex.org_suffixes or heads[-1] in _NAME_HEADS or of_head
            # "the Messages API", "the Batch API": a capitalised word before "API" names one.
            if headed and (len(named) >= 3 or best >= 1 or of_head or heads[-1] == "api"):
                conf = max(conf, 0.65)
            # A nationality or month that opens the sentence before a head ("European Union", "Indian Institute of
            # Science") is kept as mid-sentence (phrases.py), where the head vouches for it.
            if p.initial and not p.the and named[0].strength <= 0 and not (headed and named[0].stop) \
                    and not opens_known_name(p.toks, lex) and not funding_role(s.text, p.start, p.end):
                if best <= 0:
                    # "Using AI to …", "Switchable Normalization outperforms": at a sentence start, ordinary
                    # capitalised words say little; with a generic acronym, nothing.
                    if any(t.generic for t in named):
                        return None
                    conf = 0.2
                elif len(p.toks) == 2 and named[1].strength >= 2 and named[0].core.endswith("ing") \
                        and lex.is_word(named[0].core):
                    # "Training RoBERTa", "Beating Mathematica": a headline's verb before a name, which _after_opener
                    # offers on its own.
                    return None
                else:
                    conf *= 0.7
        if p.the:
            conf = max(conf, 0.55)        # "The Verge": a capital The in mid-sentence starts a name
        if title:
            if best <= 1:
                return None
            conf *= 0.8
        return conf

    @staticmethod
    def _patterns(s: Sentence, emit, lex: Lexicon) -> None:
        text = s.text
        for m in _HANDLE.finditer(text) if "@" in text else ():
            handle = m.group(1)
            # "CNBC's @Work conference"; "find us on Twitter: @dl_weekly" is the newsletter's own.
            if not lex.is_word(handle) and not _FIND_US.search(text, 0, m.start()):
                # People write their handles in lower case; "@OpenAI", "@StanfordHAI" are organisations'.
                emit(handle, s, C_HANDLE, None if any(c.isupper() for c in handle) else "person",
                     aliases=(m.group(),))
        for _ in _PLATFORM_X.finditer(text) if "X" in text else ():
            emit("X", s, C_KNOWN, "product")
        for m in BILL_NUMBER.finditer(text) if "B" in text or "H.R." in text else ():
            emit(m.group(), s, C_KNOWN, "other")
        for m in lex.lower_known.finditer(text) if lex.lower_known else ():
            emit(m.group(), s, C_KNOWN, lex.known[m.group().casefold()][1])
        # Before "et al." a word is a surname ("Sun et al.", "Brown et al. (2020)"); the citation is a paper only with
        # its year: "Lepikhin et al." alone names the author.
        for m in _ET_AL.finditer(text) if " al" in text else ():
            if m.group(1).casefold() in lex.stopwords:
                continue
            if m.group(3):
                emit(f"{m.group(1)}{' and ' + m.group(2) if m.group(2) else ''} et al. ({m.group(3)})", s, C_CITATION,
                     "paper")
            emit(m.group(1), s, C_AUTHOR, "person")
        for m in _TWO_AUTHORS.finditer(text) if "(" in text else ():
            if lex.is_word(m.group(1)) or lex.is_word(m.group(2)):
                continue
            emit(f"{m.group(1)} and {m.group(2)} ({m.group(3)})", s, C_CITATION, "paper")
            emit(m.group(1), s, C_AUTHOR, "person")
            emit(m.group(2), s, C_AUTHOR, "person")
        # A work's title, emphasised or in quotes, beside a word that says what it is: "the report “China's AI
        # Regulations and How They Get Made”", "*Attention Is All You Need* (the paper)". Quoted, it is in Title Case
        # (prose.title_case): a quoted remark is not.
        spans = [(a, b, False) for a, b in s.emphasis]
        if '"' in text or "“" in text:
            spans += [(m.start(1), m.end(1), True) for m in _QUOTED.finditer(text)]
        for a, b, quoted_span in spans:
            title = text[a:b].strip(" ,.;:?!")
            words = title.split()
            if not (2 <= len(words) <= 15 and title[:1].isupper()) or quoted_span and not title_case(title):
                continue
            near = [w.casefold().strip(",.;:()\"“”") for w in (text[:a].split()[-3:] + text[b:].split()[:4])]
            cue = next((_WORK_CUES[w] for w in near if w in _WORK_CUES), None)
            if quoted_span and not text[:a - 1].strip() and not text[b + 1:].strip(" .?!"):
                cue = "paper"  # a line that is a title in quotes and nothing else, its label gone: "Translation: “…”"
            if cue:
                emit(title, s, C_LINK_TITLE, cue)
        quoted = "titled" in text or "called" in text or "named" in text
        for m in _QUOTED_TITLE.finditer(text) if quoted else ():
            if m.group(2)[:1].islower():
                continue                 # called “a cross between Beck and Frank Zappa”: a description, no title
            before = [w.casefold() for w in text[:m.start()].split()[-3:]]
            kind = next((_WORK_CUES[w] for w in reversed(before) if w in _WORK_CUES), "paper")
            emit(m.group(2).strip(" ,."), s, C_LINK_TITLE, kind)
        for m in _CALLED_LOWER.finditer(text) if quoted or "dubbed" in text else ():
            word = m.group(1).rstrip(".")
            cue = next((lex.cues[w.casefold()] for w in reversed(text[:m.start()].split()[-6:])
                        if w.casefold() in lex.cues), None)
            if cue and not lex.is_word(word) and word.casefold() not in lex.stopwords:
                emit(word, s, 0.6, cue)


def _enumerated(text: str, found: list[Phrase]) -> set[int]:
    """Phrases in a list with a strong name ("Posenet (…), Face Landmarks (…), and DensePose")."""
    chains, chain = [], [0] if found else []
    for i in range(len(found) - 1):
        gap = text[found[i].end:found[i + 1].start]
        if _LIST_GAP.fullmatch(_PARENTHESIS.sub("", gap) if "(" in gap else gap):
            chain.append(i + 1)
        else:
            chains.append(chain)
            chain = [i + 1]
    chains.append(chain)
    out = set()
    for chain in chains:
        if len(chain) >= 2 and any(found[i].best >= 2 for i in chain):
            out.update(chain)
    return out


def _of_pairs(text: str, found: list[Phrase]) -> dict[int, str]:
    """ "Benedict Evans of Andreessen Horowitz": the first is a person, the second an organisation."""
    out = {}
    for i in range(len(found) - 1):
        a, b = found[i], found[i + 1]
        if text[a.end:b.start] == " of " and _person_like(a):
            out[i], out[i + 1] = "person", "organization"
    return out


def _person_like(p: Phrase) -> bool:
    """Two or three capitalised plain words, one at least not an ordinary word: "Jack Kelly"."""
    return 2 <= len(p.words) <= 3 and all(t.core[:1].isupper() and (t.core[1:].islower() or len(t.core) == 1)
                                          and t.core.isalpha() and t.strength >= 0 for t in p.words) \
        and max(t.strength for t in p.words) >= 1


_INFINITIVE = re.compile(r"\bto\s+$", re.I)


def _word_before_known(p: Phrase, text: str, lex: Lexicon) -> bool:
    """A verb before a well-known name: "Use ChatGPT search…", “How to Use ChatGPT at Work”, "Training RoBERTa"; an
    ordinary word at a sentence start. Mid-sentence, "Wide ResNet" and "Snowflake Arctic" are names."""
    first = p.toks[0]
    if len(p.toks) < 2 or first.strength > 0 or not first.cap or not lex.is_word(first.core) \
            or lex.well_known(first.core):
        return False
    verb = p.initial or first.core.endswith("ing") or _INFINITIVE.search(text, 0, p.start) is not None
    return verb and lex.well_known(p.name[first.end - p.start:].strip()) is not None


def _after_opener(p: Phrase, text: str, lex: Lexicon) -> Phrase | None:
    """At a sentence start, "Team USRG" may be "Team" + USRG: offer the strong rest on its own too; anywhere, the
    well-known name after an ordinary word ("How to Use ChatGPT")."""
    rest = p.toks[1:]
    if _foreign_opener(p, text, lex):
        rest = p.toks[next(i for i, t in enumerate(p.toks) if i and t.cap):]
    elif not _word_before_known(p, text, lex) and (not p.initial or p.the or len(p.toks) < 2 or p.toks[0].strength > 0
                                                   or opens_known_name(p.toks, lex)):
        return None
    elif len(rest) > 1 and rest[1].cap and rest[0].core.casefold() in lex.of_heads:
        return None                    # "Imperial College London": a head goes with the word before it
    if max(t.strength for t in rest) < 2 or rest[0].core.islower():
        return None                    # "University of Washington" is not "University" + "of Washington"
    start = rest[0].start
    return Phrase(tuple(rest), start, p.end, text[start:p.toks[-1].end if not p.toks[-1].version else
                                                     [t for t in p.toks if not t.version][-1].end],
                  text[start:p.end], False, False)


def _foreign_opener(p: Phrase, text: str, lex: Lexicon) -> bool:
    """A sentence of another language opens with an article before a head ("La Facultad de …"), or with a word the
    English dictionary lacks, no head of a name, joined by a particle to a name: "Investigadores de la École des Ponts
    ParisTech" ("Universidad de Buenos Aires" is one name, and so are "Le Monde" and "Los Angeles")."""
    if p.initial and len(p.toks) >= 2 and p.toks[0].core in _OPENING_ARTICLES and (
            p.toks[1].core.casefold() in lex.of_heads
            or (p.toks[1].acronym or lex.well_known(p.toks[1].core)) and not lex.well_known(p.name)):
        return True  # and "Le GENCI a confirmé", "En France", "El CSIC y la UNAM", "Die DFG fördert"
    if not (p.initial and not p.the and len(p.toks) >= 3 and p.toks[0].strength == 2 and not p.toks[1].cap):
        return False
    first = p.toks[0].core.casefold()
    return not (first in lex.of_heads or first in lex.org_suffixes or first in _NAME_HEADS or lex.well_known(p.name)) \
        and foreign(text, lex)


# Articles (and "En") of French, Spanish, Italian, Portuguese, German and Dutch that open a sentence.
_OPENING_ARTICLES = frozenset("El La Los Las Le Les Il Lo Gli Un Une Des Du Au Aux En Der Die Das Het".split())


def _known_parts(p: Phrase, text: str, lex: Lexicon) -> list[Phrase]:
    """"Nvidia H100", "NVIDIA Blackwell", "Google Gemini": a well-known company, then a well-known thing of its own, are
    two names; so are a country and its agency in acronyms ("US DOE"). A listed whole stays one ("Google Translate",
    "Meta AI")."""
    if len(p.words) < 2 or lex.well_known(p.name):
        return [p]
    company = lex.well_known(p.toks[0].core)
    if company is not None and company[1] == "place" and all(t.acronym for t in p.words):
        return split_at(text, p, 1, lex)  # "the US DOE", "UK AISI": a country's agency, named without the country
    if company is None or company[1] != "organization":
        return [p]
    rest = lex.well_known(text[p.toks[1].start:p.words[-1].end])
    return split_at(text, p, 1, lex) if rest is not None and rest[1] not in ("organization", "place") else [p]


def _trim_weak_tail(p: Phrase, text: str, lex: Lexicon) -> Phrase:
    """In a headline, "Keras Overview" is Keras: title-cased common words after a name are typography."""
    toks = list(p.toks)
    while len(toks) > 1 and toks[-1].strength <= 0 and not toks[-1].generic \
            and toks[-1].core.casefold() not in lex.org_suffixes and max(t.strength for t in toks[:-1]) >= 2:
        toks.pop()
    if len(toks) == len(p.toks):
        return p
    end = toks[-1].end
    return Phrase(tuple(toks), p.start, end, text[p.start:end], text[p.start:end], p.initial, p.the)


def _headline_parts(p: Phrase, text: str, lex: Lexicon, within: bool = False) -> list[Phrase]:
    """In a headline, "Nvidia Unveils Blackwell", "Apple in Talks to License Google", "Keras Overview": title-cased
    ordinary words are typography, so the names are what is left between them (see phrases.headline_words).

    `within`: p is Title Case inside a sentence (a link's text): often a name itself ("Animal Politico"), less the
    common words after it, unless it reads as a headline, a verb between names ("OpenAI Launches ChatGPT Edu")."""
    if lex.well_known(p.name) and not within:
        return [p]
    typography, kept = headline_words(p.toks, text, lex)
    if within and not verb_between_names(p.toks, typography, kept):
        return [_trim_weak_tail(p, text, lex)]
    return cut_at(text, p, typography, lex)


@hookimpl
def register_extractors(register):
    register(LinkEntityExtractor())
    register(TextEntityExtractor())
