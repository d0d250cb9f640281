"""Labelled paragraphs ("What’s new: …", "Why it matters: …", The Batch's house style) as Obsidian callouts.

The HTML and e-mail readers find the labels (a short bold run, or a short capitalised prefix in plain
text, ending with a colon at the start of a paragraph); this module says whether an issue writes in
that style and how a labelled paragraph is rendered. An issue that never uses a well-known label
keeps its bold labels: "**OpenAI:** …" in a news roundup is a story, not a note about one.
"""
from __future__ import annotations

import re
from typing import Iterable

# Callout type → the labels that read best as it; any other label of an issue in this style is a note.
_TYPES = {
    "note": ("what's new", "what happened", "what's happening", "how it works", "what's next"),
    "important": ("why it matters",),
    "tip": ("key insight", "key insights"),
    "success": ("results", "the results", "findings", "what they found"),
    "info": ("behind the news", "backstory", "the big picture"),
    "warning": ("yes, but", "the catch", "the hitch", "reality check", "to be sure", "limitations", "risks",
                "what could go wrong"),
    "quote": ("we're thinking", "we're not thinking", "our take", "smart take"),
    "abstract": ("takeaway", "bottom line"),
}
_TYPE_OF = {label: kind for kind, labels in _TYPES.items() for label in labels}
# Labels that say an issue writes in this style: two of them (the same one twice counts) are enough.
MIN_WELL_KNOWN = 2
# A label: a capital (or digit, or an opening bracket or quote), at most 60 characters and 8 words, no colon.
_LABEL = re.compile(r"[A-Z0-9(“\"‘'][^:\n]{0,59}")


def _key(label: str) -> str:
    return " ".join(label.replace("’", "'").casefold().split()).rstrip(":").strip()


def is_label(text: str) -> bool:
    """Could this bold run (its colon removed) label a paragraph?"""
    text = text.strip()
    return bool(_LABEL.fullmatch(text)) and len(text.split()) <= 8 and any(c.isalpha() for c in text)


def well_known(label: str) -> bool:
    """A label of the labelled-paragraph style ("Why it matters:"): it labels a paragraph, it does not title one."""
    return _key(label) in _TYPE_OF


def uses_labels(labels: Iterable[str]) -> bool:
    """Does an issue whose paragraphs carry these labels write in the labelled-paragraph style?"""
    return sum(1 for label in labels if well_known(label)) >= MIN_WELL_KNOWN


def callout_type(label: str) -> str:
    return _TYPE_OF.get(_key(label), "note")


def callout(label: str, title: str, body: str) -> str:
    """`> [!type] title` over the body's Markdown, every line quoted; `title` is `label` as Markdown."""
    return callout_block(f"> [!{callout_type(label)}] {title}", body)


def callout_block(head: str, body: str) -> str:
    """`head` (`> [!type] title`) over the body's Markdown, every line quoted."""
    return "\n".join([head] + [f"> {line}".rstrip() for line in body.strip("\n").split("\n")])


_LABEL_CALLOUT = re.compile(r"> \[!\w+\] ")     # a labelled paragraph's callout (a folded one, `[!note]-`, is an ad)
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]")
_BARE_LABEL = re.compile(r"\*\*([^*\n]+):\*\*")


def with_lists(markdown: str) -> str:
    """A list right after a labelled paragraph goes into its callout: "How it works: …" and its bullets are
    one note in the source, and read as one in Obsidian; so does a list under a label over nothing
    ("**Competitive strengths:**") in an issue that writes in this style. A list is its items and their
    indented lines."""
    lines, out, i = markdown.split("\n"), [], 0
    styled = any(_LABEL_CALLOUT.match(line) for line in lines)
    in_callout = False
    while i < len(lines):
        line = lines[i]
        bare = _BARE_LABEL.fullmatch(line) if styled else None
        if _LABEL_CALLOUT.match(line):
            in_callout = True
        elif (in_callout and not line.startswith(">")) or (bare and is_label(bare.group(1))):
            in_callout = False
            list_at = i + 1 if bare else i
            if list_at + 1 < len(lines) and not lines[list_at] and _LIST_ITEM.match(lines[list_at + 1]):
                end = list_at + 1
                while end < len(lines) and lines[end] and (_LIST_ITEM.match(lines[end]) or lines[end][0] in " \t"):
                    end += 1
                items = "\n".join(lines[list_at + 1:end])
                out += callout(bare.group(1), bare.group(1), items).split("\n") if bare else \
                    [">", *(f"> {item}" for item in lines[list_at + 1:end])]
                i = end
                continue
        out.append(line)
        i += 1
    return "\n".join(out)
