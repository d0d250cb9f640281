"""Turn plain mentions of entities in an issue's Markdown into [[wikilinks]], touching nothing else."""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate, compress, islice
from operator import or_
from typing import Mapping

from .extract.lexicon import lexicon

# Never linked inside: code, HTML, links of any kind, URLs, headings, callout titles, image alt lines.
# One pattern per kind, each run only when its marker character is in the text: most bodies lack most.
_PROTECTED = (
    ("---", re.compile(r"\A---\n.*?\n---[ \t]*(?:\n|\Z)", re.S)),                       # frontmatter
    ("``", re.compile(r"^[ \t]*(?P<f>`{3,}|~{3,})[^\n]*\n(?:.*?^[ \t]*(?P=f)[ \t]*$|.*\Z)", re.M | re.S)),
    ("~~", re.compile(r"^[ \t]*(?P<f>`{3,}|~{3,})[^\n]*\n(?:.*?^[ \t]*(?P=f)[ \t]*$|.*\Z)", re.M | re.S)),
    ("`", re.compile(r"(?P<t>`+)(?!`).+?(?<!`)(?P=t)(?!`)", re.S)),                        # inline code
    ("<", re.compile(r"<!--.*?-->|<(?P<tag>script|style|pre|code)\b.*?</(?P=tag)\s*>|</?[A-Za-z][^<>\n]*>"
                     r"|<(?:https?://|mailto:)[^>\s]+>", re.S)),                         # HTML, autolinks
    ("[", re.compile(r"!?\[\[[^\]\n]*\]\]"                                                # wikilinks, embeds
                     r"|!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\]|\n(?!\n))*\]"                     # links, whole
                     r"(?:\((?:<[^>\n]*>|(?:\\.|[^()\s\\]|\((?:\\.|[^()\s\\])*\))*)(?:\s+\"[^\"\n]*\")?\)"
                     r"|\[[^\]\n]*\])"
                     r"|^[ \t]{0,3}\[[^\]\n]+\]:.*$|\[\^[^\]\n]+\]", re.M)),             # definitions, notes
    ("://", re.compile(r"https?://[^\s<>\]]+")),                                          # bare URLs
    ("www.", re.compile(r"www\.[^\s<>\]]+")),
    ("@", re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+")),                     # e-mail addresses
    ("#", re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t][^\n]*)?$", re.M)),                         # headings
    ("[!", re.compile(r"^[ \t]*>[ \t]*\[![^\]\n]+\][^\n]*$", re.M)),                       # callout titles
    ("(image:", re.compile(r"^[ \t]*[_*]\(image:[^\n]*\)[_*][ \t]*$", re.M)),                # e-mail image alt
    ("$$", re.compile(r"\$\$.*?\$\$", re.S)),                                              # display math
)


def _protected(markdown: str, digest: bytes | None = None) -> list[tuple[int, int]]:
    """Sorted, merged spans of markdown where nothing may be linked (kept under the body's digest, if given)."""
    if digest is not None:
        spans = _spans.get(digest)
        if spans is None:
            if len(_spans) >= _MEMO:
                _spans.clear()
            spans = _spans[digest] = _protected(markdown)
        return spans
    spans = sorted(m.span() for marker, rx in _PROTECTED if marker in markdown
                   for m in (_SCANS[marker](rx, markdown) if marker in _SCANS else rx.finditer(markdown)))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


# The patterns below may match at any position, so the regex engine tries them at every character of every
# body. Where each match must start at or near a marker character, they are tried only there: rx.match at
# each possible start, in order, finds what rx.finditer finds (no match is empty).
def _matches_from(rx: re.Pattern, md: str, starts):
    pos = 0
    for p in sorted(set(starts)):
        if p >= pos and (m := rx.match(md, p)):
            yield m
            pos = m.end()


def _positions(md: str, marker: str):
    i = md.find(marker)
    while i >= 0:
        yield i
        i = md.find(marker, i + 1)


def _line_starts(md: str, q: int, indent: int):
    """Where a line-anchored match ending its indent at q could start: q itself, or its line's start."""
    yield q
    p = md.rfind("\n", 0, q) + 1
    if q - p <= indent and not md[p:q].strip(" \t"):
        yield p


def _link_starts(rx, md):
    # "[" opens every alternative; "!" may precede it; a reference definition starts its line.
    return _matches_from(rx, md, (s for q in _positions(md, "[") for s in (
        q - 1 if q and md[q - 1] == "!" else q, *_line_starts(md, q, 3))))


def _email_starts(rx, md):
    # A match is the whole run of [\w.+-] before an "@" (the look-behind forbids starting inside it).
    def start(a: int) -> int:
        p = a
        while p > 0 and a - p < 64 and (md[p - 1].isalnum() or md[p - 1] in "_.+-"):
            p -= 1
        return p
    return _matches_from(rx, md, (start(a) for a in _positions(md, "@")))


_SCANS = {
    "[": _link_starts,
    "@": _email_starts,
    "#": lambda rx, md: _matches_from(rx, md, (s for q in _positions(md, "#") for s in _line_starts(md, q, 3))),
    "[!": lambda rx, md: _matches_from(rx, md, (md.rfind("\n", 0, q) + 1 for q in _positions(md, "[!"))),
}


_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]|$)", re.M)
_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_SPLIT = re.compile(r"(\w+)")
_NEXT = re.compile(r"[^\w\n]{1,3}(\w+)")
_SHORT_ACRONYM = re.compile(r"[A-Z0-9&.-]*")


_OPENING = re.compile(r"(?:^|[.!?:]\s+|^[ \t]*(?:(?:[-*+>]|\d+[.)])[ \t]+)+|[\"“(][ \t]*)(?:\*\*|__|[*_])?$")


_NOT_LATIN = re.compile(r"[^A-Za-z]")


def _sentence_start(md: str, pos: int) -> bool:
    line = md[md.rfind("\n", 0, pos) + 1:pos]
    return bool(_OPENING.search(line))


_CAPITALISED_BEFORE = re.compile(r"(?:^|[\s-])([A-Z]\w*) $")  # not a possessive: "Google’s TPUs"
_CAPITALISED_AFTER = re.compile(r" [A-Z]")


def _in_a_name(md: str, start: int, end: int) -> bool:
    """The word at start:end is one word of a longer capitalised name: a capitalised word (not one that opens a
    sentence) just before it, or one just after it."""
    if _CAPITALISED_AFTER.match(md, end):
        return True
    before = _CAPITALISED_BEFORE.search(md, max(0, start - 40), start)
    return bool(before) and not _sentence_start(md, before.start(1))


@lru_cache(maxsize=65_536)
def _case_sensitive(surface: str) -> bool:
    """Short acronyms (all capitals, at most four letters) match only as written: "ACES" is not "aces"."""
    letters = _NOT_LATIN.sub("", surface)
    return bool(letters) and letters.isupper() and len(letters) <= 4 and bool(_SHORT_ACRONYM.fullmatch(surface))


class Linker:
    """Compiled once per build for one targets map; link() is then linear in the text's length.

    Surfaces are indexed by their first word: at each word of the text only the surfaces starting with
    it are tried, longest first (a hash-based Aho–Corasick: no per-entity regex, no scan per entity).
    """

    def __init__(self, targets: Mapping[str, str]):
        lex = lexicon()
        # first word → (distinct surface lengths, longest first; lower-cased surface → entries)
        index: dict[str, dict[str, list[tuple[str, str, bool, str, bool]]]] = {}
        for surface, note in targets.items():
            s = " ".join(str(surface).split())
            first = _WORD.match(s.lower())
            if len(s) < 2 or not first:
                continue
            fold = s.casefold()
            if fold in lex.generic_acronyms or fold in lex.generic_phrases or fold in lex.stopwords \
                    or fold.rstrip("s") in lex.generic_acronyms:
                continue          # "CNN" the network, "NLP" the field: never a link, whatever note owns it
            mode = "lower"
            if not any(c.isupper() for c in s) and lex.is_word(s):
                continue          # "privacy", a repository's name, is an ordinary word in prose
            if any(c.isupper() for c in s):
                # A name that is also a common word ("Medium") is only linked where it is capitalised as
                # written; any other name with capitals needs a capital in the text ("Tensorflow", not "tensorflow").
                mode = "common" if lex.is_word(s) else "upper"
            words = _WORD.findall(s.lower())
            second = words[1] if len(words) > 1 else None
            group = index.setdefault(words[0], {}).setdefault(second, {})
            # A one-word alias ("John" of John Deere) is not linked inside a longer name (_in_a_name).
            alias = second is None and s != note and not note.startswith(s + " (")
            group.setdefault(s.lower(), []).append((s, note, _case_sensitive(s), mode, alias))
        # first word → second word (None for one-word names) → (lengths, longest first; surface → entries).
        # The second word narrows "The …" or "Google …" to the few names that can follow.
        self._by_first = {}
        for first, groups in index.items():
            self._by_first[first] = {}
            for second, surfaces in groups.items():
                for entries in surfaces.values():
                    entries.sort(key=lambda e: (e[0], e[1]))
                self._by_first[first][second] = (sorted({len(k) for k in surfaces}, reverse=True), surfaces)
        self._done: dict[tuple[bytes, str | None], tuple] = {}      # see link()
        self._before: tuple[dict, frozenset[str]] | None = None     # see _carried()
        # What _candidates looks for: the first word of each one-word surface, the first two of the others.
        self._singles = frozenset(f for f, groups in index.items() if None in groups)
        self._pairs = frozenset((f, w) for f, groups in index.items() for w in groups if w is not None)

    def _match(self, md: str, start: int, word: str, word_end: int):
        groups = self._by_first[word]
        nxt = _NEXT.match(md, word_end)
        if nxt and (group := groups.get(nxt.group(1).lower())):
            hit = self._longest(md, start, *group)
            if hit:
                return hit
        group = groups.get(None)
        return self._longest(md, start, *group) if group else None

    @staticmethod
    def _longest(md: str, start: int, lengths: list[int], surfaces: dict):
        for n in lengths:
            text = md[start:start + n]
            entries = surfaces.get(text.lower()) if len(text) == n else None
            if not entries:
                continue
            end = start + n
            after = md[end:end + 2]
            if after[:1].isalnum() or after[:1] == "_":
                continue
            if after[:1] in ".+" and after[1:2].isalnum():
                continue          # "TensorFlow.js" is not TensorFlow
            before = md[start - 1:start] if start else ""
            if before and before in "@#$&.'’-\\[" or after[:1] == "]":
                continue          # "[[[X]]" would not parse: text in brackets stays as it is
            for surface, note, cs, cap, alias in entries:
                if cs and text != surface:
                    continue
                if alias and _in_a_name(md, start, end):
                    continue      # "Elton John" is not John Deere's "John"
                if cap == "common" and (text[:1] != surface[:1] or _sentence_start(md, start)):
                    continue      # "Medium" the platform, but not "medium" nor "Medium-term plans..."
                if cap == "upper" and not any(c.isupper() for c in text):
                    continue
                if cap == "lower" and len(text) > 1 and text.isupper():
                    continue      # "nlp" the library is not "NLP"
                if after[:1] == "-" and after[1:2].isalnum() and (cap == "common" or not after[1:2].islower()):
                    continue      # "Medium-sized", "GPT-2"; but "ImageNet-trained" is ImageNet
                return end, text, note
        return None

    def _candidates(self, markdown: str, protected: list[tuple[int, int]]) -> list[int]:
        """Ascending starts of the words where a surface might begin: every place link() can link, and more.

        The text is lower-cased, its protected spans blanked, split into words in C, and only the words that
        begin a surface (one-word surfaces), or begin one with the word after (the others), are kept, without
        a Python step per word. A surface matches the text only where its own words are whole words of the
        text (the checks in _longest demand a non-word character after it), so none is missed."""
        if "\u0130" in markdown or "\u03a3" in markdown:
            # "İ" lower-cases to two characters, "Σ" by context: positions in the lower-cased text would drift.
            return [m.start() for m in _WORD.finditer(markdown)]
        low = markdown.lower()
        if protected:
            parts, last = [], 0
            for a, b in protected:
                parts += (low[last:a], "\0" * (b - a))
                last = b
            parts.append(low[last:])
            low = "".join(parts)
        parts = _SPLIT.split(low)                    # separator, word, separator, word, ..., separator
        words = parts[1::2]
        starts = list(accumulate(map(len, parts)))[::2]
        wanted = map(or_, map(self._singles.__contains__, words),
                     map(self._pairs.__contains__, zip(words, [*islice(words, 1, None), ""])))
        return list(compress(starts, wanted))

    def link(self, markdown: str, self_name: str | None = None) -> tuple[str, set[str]]:
        # The watcher links every issue again after each edit, mostly the same bodies with the same targets:
        # what a body got (where links go, not the text) is kept under its digest and replayed.
        digest = _digest(markdown)
        key = (digest, self_name)
        done = self._done.get(key)
        if done is None:
            done = self._carried(key, markdown) or self._edits(markdown, _protected(markdown, digest), self_name)
            if len(self._done) >= _MEMO:
                self._done.clear()
            self._done[key] = done
        edits, linked = done
        out: list[str] = []
        pos = 0
        for start, end, link in edits:
            out += (markdown[pos:start], link)
            pos = end
        out.append(markdown[pos:])
        return "".join(out), set(linked)

    def _carried(self, key: tuple, markdown: str):
        """The last linker's answer for this body, if none of the surfaces changed since occurs in it: then
        every place of the body meets the same surfaces, and gets the same links (see link_mentions)."""
        if self._before is None or "\u0130" in markdown or "\u03a3" in markdown:
            return None             # (lower-cased, these two may not contain what a part lower-cases to)
        done = self._before[0].get(key)
        if done is None:
            return None
        low = markdown.lower()
        return None if any(k in low for k in self._before[1]) else done

    def _edits(self, markdown: str, protected: list[tuple[int, int]], self_name: str | None):
        """Where link() puts which links: ((start, end, [[link]]), ...), and the notes linked."""
        starts = [a for a, _ in protected]
        headings = [m.start() for m in _SCANS["#"](_HEADING, markdown)]
        edits: list[tuple[int, int, str]] = []
        linked: set[str] = set()
        seen: set[str] = set()
        pos = h = 0
        for start in self._candidates(markdown, protected):
            if start < pos or start and _WORD_CHAR.match(markdown, start - 1):
                continue                    # inside a link made, or not where a word of the text starts
            while h < len(headings) and headings[h] <= start:
                seen, h = set(), h + 1      # each section or story links its own first mentions
            m = _WORD.match(markdown, start)
            word = m.group(0).lower()
            if word not in self._by_first:
                continue
            i = bisect_right(starts, start) - 1
            if i >= 0 and protected[i][1] > start:
                continue
            hit = self._match(markdown, start, word, m.end())
            if not hit:
                continue
            end, text, note = hit
            if i + 1 < len(starts) and starts[i + 1] < end:
                continue                    # would run into a link or code span
            if note == self_name or note in seen:
                pos = end                   # the name stays text, whole: no shorter name inside it gets a link
                continue
            if text != note and markdown[markdown.rfind("\n", 0, start) + 1:start].lstrip().startswith("|"):
                # In a table row an alias needs its bar escaped ("[[a\|b]]"), which Obsidian reads but other
                # Markdown tools and link checkers take for a link to "a\": the name stays text there, whole.
                pos = end
                continue
            edits.append((start, end, f"[[{note}]]" if text == note else f"[[{note}|{text}]]"))
            pos = end
            seen.add(note)
            linked.add(note)
        return tuple(edits), frozenset(linked)


def _digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=20).digest()


_MEMO = 50_000                      # bodies remembered per linker (and protected spans overall) at most
_CARRY = 64                         # changed surfaces beyond which every body is linked afresh
_spans: dict[bytes, list[tuple[int, int]]] = {}


_cache: tuple[object, tuple, Linker] | None = None


def link_mentions(markdown: str, targets: Mapping[str, str], *, self_name: str | None = None) -> tuple[str, set[str]]:
    """Rewrite the first plain mention of each target per section as [[Note|surface]]; returns (text, notes linked).

    targets maps surface forms (names, aliases) to note names. The Linker for a targets object is cached,
    so calling this once per issue with the same mapping compiles it once; don't mutate it between calls.
    A new mapping equal to the last one (the next build's, when no entity changed) keeps its Linker.
    """
    global _cache
    if _cache is None or _cache[0] is not targets or len(_cache[1]) != len(targets):
        items = tuple(targets.items())
        if _cache is not None and _cache[1] == items:
            linker = _cache[2]
        else:
            linker = Linker(targets)
            # After an edit that changed a few entities, only the bodies that hold one of their surfaces need
            # linking again; the new linker takes the others' links from the last one.
            changed = {" ".join(str(s).split()).lower() for s, _ in set(_cache[1]) ^ set(items)} if _cache else ()
            if _cache is not None and len(changed) <= _CARRY:
                linker._before = (_cache[2]._done, frozenset(changed))
        _cache = (targets, items, linker)
    return _cache[2].link(markdown, self_name)
