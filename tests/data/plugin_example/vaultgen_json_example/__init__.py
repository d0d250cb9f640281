"""An example vaultgen plugin: a reader for newsletter issues exported as one JSON object per file.

The shape is the one newsletter platforms' exports and APIs share (Ghost's posts, Buttondown's
e-mails), one issue per file:

    {"title": "…", "date": "2024-05-01", "html": "<p>…</p>", "url": "…", "newsletter": "…",
     "number": 12, "tags": ["…"]}

`subject` may stand for `title`, `published_at`/`publish_date` for `date`, and `text`/`body`
(Markdown or plain text) for `html`. Install it with `pip install .` in this folder; `vaultgen
plugins` then lists it and `vaultgen build` reads such files.
"""
from __future__ import annotations

import datetime as dt
import json

from markdownify import markdownify  # a vaultgen dependency, so always installed beside it

from vaultgen import Issue, hookimpl
from vaultgen.errors import SourceError

TITLE_KEYS = ("title", "subject")
DATE_KEYS = ("date", "published_at", "publish_date")
BODY_KEYS = ("html", "text", "body")


class JsonExportReader:
    name = "json-export"

    def score(self, doc) -> float:
        """Sure when the file is one JSON object with a title and a body; not interested otherwise."""
        if not doc.text.lstrip().startswith("{"):
            return 0.0
        data = _load(doc)
        if data is None:
            return 0.0
        has_title = any(isinstance(data.get(k), str) for k in TITLE_KEYS)
        has_body = any(isinstance(data.get(k), str) for k in BODY_KEYS)
        return 0.95 if has_title and has_body else 0.0

    def read(self, doc) -> Issue:
        data = _load(doc)
        if data is None:
            raise SourceError(doc.rel, "not a JSON object")
        if isinstance(data.get("html"), str):
            body = markdownify(data["html"], heading_style="ATX", bullets="-")
        else:
            body = next((data[k] for k in BODY_KEYS if isinstance(data.get(k), str)), "")
        if not body.strip():
            raise SourceError(doc.rel, "the JSON export has no html, text or body")
        tags = data.get("tags") if isinstance(data.get("tags"), list) else []
        return Issue(
            source=doc.rel,
            body=body.strip() + "\n",
            title=_first(data, TITLE_KEYS),
            newsletter=_first(data, ("newsletter",)),
            number=data["number"] if isinstance(data.get("number"), int) else None,
            date=_date(_first(data, DATE_KEYS)),
            url=_first(data, ("url", "absolute_url")),
            tags=tuple(str(t) for t in tags if isinstance(t, (str, int))),
            reader=self.name,
        )


def _load(doc) -> dict | None:
    try:
        data = json.loads(doc.text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _first(data: dict, keys: tuple[str, ...]) -> str | None:
    return next((data[k].strip() for k in keys if isinstance(data.get(k), str) and data[k].strip()), None)


def _date(value: str | None) -> dt.date | None:
    """ISO dates and timestamps ("2024-05-01", "2024-05-01T09:30:00Z"); anything else stays unknown."""
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


@hookimpl
def register_readers(register):
    register(JsonExportReader())
