"""Reader for saved e-mails (.eml, "Download message", "Save as") and pages a browser saved as one file (.mhtml):
the MIME message unwrapped with the standard library's `email` package, its HTML part (else its text part) handed to
the reader for that part's shape.

Subject, sender, date and a saved page's address come from the message's headers: its own, not guesses from its text.
"""
from __future__ import annotations

import email
import re
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

from ..errors import SourceError
from ..hookspecs import hookimpl
from ..metadata import REPLY_PREFIX, sender_author, with_sender
from ..model import Issue, SourceDoc
from ..textfix import clean_inline, repair

# A message starts with header fields ("Name: value", continued on indented lines) up to a blank line; what makes
# it MIME is a MIME-Version or Content-Type field among them. "Title: x" metadata atop a Markdown file has neither.
_FIELD = re.compile(r"[!-9;-~]+:")
_MIME_FIELD = re.compile(r"(?:mime-version|content-type):", re.I)
_HEADER_LINES = 200
_UNDECODED = re.compile("[\udc80-\udcff]")


def is_mime_message(text: str) -> bool:
    mime = False
    for n, line in enumerate(text.split("\n", _HEADER_LINES)):
        if not line.strip():
            return mime and n > 0
        if line[:1] in " \t" and n > 0:
            continue  # a folded field's next line
        if _FIELD.match(line) is None:
            return False
        mime = mime or _MIME_FIELD.match(line) is not None
    return False


def _message(doc: SourceDoc) -> EmailMessage:
    """The message from the file's bytes (each part decodes by its own charset), else from the decoded text."""
    data = doc.data or doc.text.encode("utf-8", "surrogateescape")
    return email.message_from_bytes(data, policy=policy.default)


def _content(part) -> str:
    try:
        return part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown charset, a broken transfer encoding
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _text(value) -> str:
    """A header's text. Raw 8-bit bytes in a header (UTF-8 as RFC 6532 allows, or a legacy charset) reach it
    undecoded (surrogate escapes): decoded here."""
    text = str(value)
    if text.isascii() or not _UNDECODED.search(text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _header(message: EmailMessage, name: str):
    raw = next((value for key, value in message.raw_items() if key.lower() == name), None)
    if isinstance(raw, str) and _UNDECODED.search(raw):
        return _text(raw).strip()  # 8-bit bytes as they are: the parsed header has lost them (U+FFFD)
    try:
        return message[name]
    except Exception:  # noqa: BLE001 - a header the parser cannot make sense of ("From: .NET <a@b.c>" raises an
        return None    # AttributeError in the standard library's parser): the message is read without it


def _sender(message: EmailMessage) -> str | None:
    """The sender's display name as written (sender_newsletter cleans it and reads the newsletter from it)."""
    sender = _header(message, "from")
    addresses = getattr(sender, "addresses", ())
    if addresses:
        name = addresses[0].display_name
    else:  # not parsed (see _header): the older, lenient parser of the raw field
        name = next((parseaddr(str(value))[0] for key, value in message.raw_items() if key.lower() == "from"), "")
    return _text(name) or None


def _location(message: EmailMessage, part) -> str | None:
    """Where a saved page came from: a browser's single-file save (MHTML) names it."""
    for where in (_header(message, "snapshot-content-location"), _header(part, "content-location")):
        url = _text(where).strip() if where is not None else ""
        if url.startswith(("http://", "https://")):
            return url
    return None


def _sent(message: EmailMessage):
    date = _header(message, "date")
    when = getattr(date, "datetime", None)
    return when.date() if when is not None else None


class MimeReader:
    """A saved e-mail message: its best part read by the reader for that part's shape, its headers as metadata."""

    name = "eml"

    def score(self, doc: SourceDoc) -> float:
        return 0.95 if is_mime_message(doc.text) else 0.0

    def read(self, doc: SourceDoc) -> Issue:
        try:
            return self._read(doc)
        except RecursionError:
            raise SourceError(doc.rel, "e-mail parts nested too deeply to read") from None

    def _read(self, doc: SourceDoc) -> Issue:
        from ..plugins import readers
        from ..reading import choose_reader

        message = _message(doc)
        part = message.get_body(preferencelist=("html", "plain"))
        if part is None:
            raise SourceError(doc.rel, "e-mail message without a text or HTML part")
        text = repair(_content(part))
        if not text.strip():
            raise SourceError(doc.rel, "e-mail message whose text is empty")
        inner = SourceDoc(doc.path, doc.rel, text, doc.hints)
        issue = choose_reader(inner, [r for r in readers() if r.name != self.name]).read(inner)
        subject = clean_inline(REPLY_PREFIX.sub("", _text(_header(message, "subject") or "")))
        # The subject is the title the reader saw in their inbox; the page's own date and name, when it says them,
        # are the issue's, the sending date and the sender's name otherwise.
        sent_by = _sender(message)
        newsletter, guessed = with_sender(issue.newsletter, issue.newsletter_guessed, sent_by)
        return replace(issue, title=subject or issue.title, date=issue.date or _sent(message),
                       newsletter=newsletter, newsletter_guessed=guessed,
                       url=issue.url or _location(message, part),
                       authors=issue.authors or sender_author(sent_by))


@hookimpl
def register_readers(register):
    register(MimeReader())
