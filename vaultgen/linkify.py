"""Turn plain mentions of entities in an issue's Markdown into [[wikilinks]], touching nothing else."""
from __future__ import annotations

import re
from bisect import bisect_right
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


def _protected(markdown: str) -> list[tuple[int, int]]:
    """Sorted, merged spans of markdown where nothing may be linked."""
    spans = sorted(m.span() for marker, rx in _PROTECTED if marker in markdown for m in rx.finditer(markdown))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]|$)", re.M)
_WORD = re.compile(r"\w+")
_NEXT = re.compile(r"[^\w\n]{1,3}(\w+)")
_SHORT_ACRONYM = re.compile(r"[A-Z0-9&.-]*")


_OPENING = re.compile(r"(?:^|[.!?:]\s+|^[ \t]*(?:[-*+>]|\d+[.)])[ \t]+|[\"“(][ \t]*)(?:\*\*|__|[*_])?$")


def _sentence_start(md: str, pos: int) -> bool:
    line = md[md.rfind("\n", 0, pos) + 1:pos]
    return bool(_OPENING.search(line))


def _case_sensitive(surface: str) -> bool:
    """Short acronyms (all capitals, at most four letters) match only as written: "ACES" is not "aces"."""
    letters = re.sub(r"[^A-Za-z]", "", surface)
    return bool(letters) and letters.isupper() and len(letters) <= 4 and bool(_SHORT_ACRONYM.fullmatch(surface))


class Linker:
    """Compiled once per build for one targets map; link() is then linear in the text's length.

    Surfaces are indexed by their first word: at each word of the text only the surfaces starting with
    it are tried, longest first (a hash-based Aho–Corasick: no per-entity regex, no scan per entity).
    """

    def __init__(self, targets: Mapping[str, str]):
        lex = lexicon()
        # first word → (distinct surface lengths, longest first; lower-cased surface → entries)
        index: dict[str, dict[str, list[tuple[str, str, bool, str]]]] = {}
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
            group.setdefault(s.lower(), []).append((s, note, _case_sensitive(s), mode))
        # first word → second word (None for one-word names) → (lengths, longest first; surface → entries).
        # The second word narrows "The …" or "Google …" to the few names that can follow.
        self._by_first = {}
        for first, groups in index.items():
            self._by_first[first] = {}
            for second, surfaces in groups.items():
                for entries in surfaces.values():
                    entries.sort(key=lambda e: (e[0], e[1]))
                self._by_first[first][second] = (sorted({len(k) for k in surfaces}, reverse=True), surfaces)

    def _match(self, md: str, start: int, word: str, word_end: int):
        groups = self._by_first[word]
        nxt = _NEXT.match(md, word_end)
        tried = []
        if nxt and nxt.group(1).lower() in groups:
            tried.append(groups[nxt.group(1).lower()])
        if None in groups:
            tried.append(groups[None])
        for lengths, surfaces in tried:
            hit = self._longest(md, start, lengths, surfaces)
            if hit:
                return hit
        return None

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
            for surface, note, cs, cap in entries:
                if cs and text != surface:
                    continue
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

    def link(self, markdown: str, self_name: str | None = None) -> tuple[str, set[str]]:
        protected = _protected(markdown)
        starts = [a for a, _ in protected]
        headings = [m.start() for m in _HEADING.finditer(markdown)]
        out: list[str] = []
        linked: set[str] = set()
        seen: set[str] = set()
        pos = h = 0
        for m in _WORD.finditer(markdown):
            start = m.start()
            if start < pos:
                continue
            while h < len(headings) and headings[h] <= start:
                seen, h = set(), h + 1      # each section or story links its own first mentions
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
                continue
            line_start = markdown.rfind("\n", 0, start) + 1
            bar = "\\|" if markdown[line_start:start].lstrip().startswith("|") else "|"
            out.append(markdown[pos:start])
            out.append(f"[[{note}]]" if text == note else f"[[{note}{bar}{text}]]")
            pos = end
            seen.add(note)
            linked.add(note)
        out.append(markdown[pos:])
        return "".join(out), linked


_cache: tuple[object, int, Linker] | None = None


def link_mentions(markdown: str, targets: Mapping[str, str], *, self_name: str | None = None) -> tuple[str, set[str]]:
    """Rewrite the first plain mention of each target per section as [[Note|surface]]; returns (text, notes linked).

    targets maps surface forms (names, aliases) to note names. The Linker for a targets object is cached,
    so calling this once per issue with the same mapping compiles it once; don't mutate it between calls.
    """
    global _cache
    if _cache is None or _cache[0] is not targets or _cache[1] != len(targets):
        _cache = (targets, len(targets), Linker(targets))
    return _cache[2].link(markdown, self_name)
