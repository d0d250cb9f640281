"""HTML reader: Ghost/CMS fragments, whole web pages and HTML e-mails, as an Issue with a Markdown body.

Told by its score; read by htmlpage.py, imported when an HTML source is read (BeautifulSoup and markdownify
take 70 ms to import: a build that reads only Markdown, or none, does without them)."""
from __future__ import annotations

import re

from ..errors import SourceError
from ..hookspecs import hookimpl
from ..model import Issue, SourceDoc

# Scoring. Raw MIME (header lines first) belongs to the e-mail reader, which decodes the parts.
_FRONTMATTER = re.compile(r"\A\ufeff?\s*---[ \t]*\n")
_MAIL_HEADERS = re.compile(r"\A(?:[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*){2}")
_DOC_START = re.compile(r"\A\ufeff?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                        re.I | re.S)
_SCORE_TAG = re.compile(r"</?(?:p|div|h[1-6]|table|tr|td|th|tbody|ul|ol|li|br|hr|figure|img|a|span|strong|em|b|i|"
                        r"blockquote|section|article|body|center|font|pre)\b[^<>]{0,500}>", re.I)
_MD_SIGNS = re.compile(r"^(?:#{1,6} |[ \t]*[-*+] |[ \t]*\d{1,3}\. |> |```)|\]\(", re.M)


class HtmlReader:
    name = "html"

    def score(self, doc: SourceDoc) -> float:
        text = doc.text or ""
        if _FRONTMATTER.match(text) or _MAIL_HEADERS.match(text):
            return 0.0
        if _DOC_START.match(text):
            return 0.8
        sample = text[:20000]
        tags = _SCORE_TAG.findall(sample)
        if not tags:
            return 0.0
        share = sum(map(len, tags)) / max(1, len(sample.strip()))
        if len(_MD_SIGNS.findall(sample)) <= len(tags) // 4 \
                and (share >= 0.25 or (share >= 0.08 and sample.lstrip().startswith("<"))):
            return 0.8
        return 0.2  # some tags in what is mostly another format: let that format's reader win

    def read(self, doc: SourceDoc) -> Issue:
        if not (doc.text or "").strip():
            raise SourceError(doc.rel, "no text content")
        from bs4.exceptions import ParserRejectedMarkup

        from .htmlpage import read_page
        try:
            return read_page(doc, self.name)
        except RecursionError:
            raise SourceError(doc.rel, "HTML nested too deeply to read") from None
        except ParserRejectedMarkup as exc:
            raise SourceError(doc.rel, f"unparseable HTML: {exc}") from None


@hookimpl
def register_readers(register):
    register(HtmlReader())
