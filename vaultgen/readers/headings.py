"""Bold lines that title what follows them, made headings: the shape Markdown and HTML newsletters share."""
from __future__ import annotations

import re

from .. import metadata
from .labels import well_known

# A paragraph that opens with a bold sentence is a story headline in most newsletters.
_BOLD_LEAD = re.compile(r"(?<=\n\n)\*\*([^*\n\[\]]{3,160}?)\*\*[ \t]*\n(?=\S)")
# A paragraph that is one bold line is a section's or a story's title ("**Media 🗞**", "**Tech Tales:**").
_BOLD_ALONE = re.compile(r"(?<=\n\n)\*\*([^*\n\[\]]{2,160}?)\*\*[ \t]*(?=\n\n|\n?$)")
# Import AI's "####…####" between stories: not a heading (more than six), only a separator.
_HASH_RULE = re.compile(r"\n*^[ \t]*#{7,}[ \t]*$\n*", re.M)


def story_headings(body: str) -> str:
    """Sections and stories as headings: bold lines that stand as a paragraph or open one.

    Under `##` sections they are the sections' stories (`###`); in an issue without sections, two or more of them
    are its sections (`##`), and one alone is only emphasis. A bold line ending in "!" or "?" that stands alone
    speaks to the reader ("Thanks for reading!"): it stays as it is, as does a label (see _titles).
    """
    body = _HASH_RULE.sub("\n\n---\n\n", body)
    text = "\n\n" + body
    sections = re.search(r"^## ", text, re.M)
    if sections:
        start, level = sections.start(), "###"
    else:
        found = [m for m in (*_BOLD_LEAD.finditer(text), *_BOLD_ALONE.finditer(text)) if _titles(m)]
        if len(found) < 2:
            return body
        start, level = 0, "##"

    def heading(match: re.Match) -> str:
        text = metadata.heading_text(match.group(1).strip().rstrip("."))
        return f"{level} {text}\n\n" if text else match.group(0)

    def alone(match: re.Match) -> str:
        return heading(match).rstrip("\n") if _titles(match) else match.group(0)

    rest = _BOLD_ALONE.sub(alone, _BOLD_LEAD.sub(heading, text[start:]))
    return (text[:start] + rest)[2:]


def _titles(match: re.Match) -> bool:
    """Whether a bold line could title what follows it: a lead line always can; see story_headings for one that
    stands alone, and a well-known label ("We’re thinking:") labels the paragraphs under it."""
    text = match.group(1).rstrip()
    return match.re is _BOLD_LEAD or not (text[-1:] in "!?" or well_known(text))
