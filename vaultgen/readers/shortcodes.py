"""Hugo's shortcodes in Markdown sources ('{{< figure … >}}', '{{< tweet … >}}'), as the Markdown they stand for.

A Hugo site's content files are Markdown with these templates inside; left as they are, a note would show their
parameters as text. The built-in ones that stand for something a reader sees become it (a picture and its caption,
a link to the post or video); a pair's tags go and what is between them stays; any other shortcode goes.
"""
from __future__ import annotations

import re
import shlex

# {{< name params >}} or {{% name params %}}, or a pair's closing {{< /name >}}: (opening sign, "/", name, params).
_SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w./-]+)([^{}]{0,600}?)\s*[>%]\}\}")  # bounded: hostile input
# A fenced code block, kept as it is: (the block).
_CODE = re.compile(r"(^ {0,3}(?:```|~~~).*?^ {0,3}(?:```|~~~)[ \t]*$)", re.S | re.M)


def hugo_shortcodes(body: str) -> str:
    """body with Hugo's shortcodes made Markdown; code blocks are left as they are."""
    if "{{<" not in body and "{{%" not in body:
        return body
    parts = _CODE.split(body)
    return "".join(part if i % 2 else _SHORTCODE.sub(_markdown, part) for i, part in enumerate(parts))


def _params(text: str) -> tuple[list[str], dict[str, str]]:
    """(positional, named) parameters: 'user="x" id="1"', '"posts/a.md"', 'bash'."""
    try:
        words = shlex.split(text.replace("`", '"'))
    except ValueError:
        words = text.split()
    named = dict(w.split("=", 1) for w in words if re.match(r"^\w+=", w))
    return [w for w in words if not re.match(r"^\w+=", w)], named


def _markdown(match: re.Match) -> str:
    closing, name, (positional, named) = match.group(2), match.group(3).lower(), _params(match.group(4))
    first = positional[0] if positional else ""
    if closing:
        return "```" if name == "highlight" else ""
    if name == "highlight":
        return f"```{first}"
    if name == "figure":
        caption = named.get("caption") or named.get("title") or ""
        picture = f"![{named.get('alt', '')}]({named['src']})" if named.get("src") else ""
        return "\n\n".join(x for x in (picture, caption) if x)  # the caption is text of the issue: not skipped
    if name in ("tweet", "x", "twitter"):
        user, post = named.get("user", ""), named.get("id") or first
        if not post.isdigit():
            return ""
        return f"https://x.com/{user or 'i'}/status/{post}"  # bare: a handle as a link's text would read as a name
    if name in ("youtube", "vimeo"):
        video = named.get("id") or first
        host = "https://www.youtube.com/watch?v=" if name == "youtube" else "https://vimeo.com/"
        return f"{host}{video}" if re.fullmatch(r"[\w-]+", video or "") else ""
    if name == "gist" and len(positional) >= 2:
        return f"https://gist.github.com/{positional[0]}/{positional[1]}"
    if name in ("ref", "relref"):
        return first  # inside a link's parentheses, its target; alone, the path it names
    return ""
