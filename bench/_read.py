"""Read a folder of issues with whichever built-in readers exist (the harness must not need plugins)."""
from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path

from vaultgen import links as linkmod
from vaultgen import metadata, sources, textfix
from vaultgen.errors import SourceError


def _readers():
    found = []
    for name in ("vaultgen.readers.markdown", "vaultgen.readers.email", "vaultgen.readers.html"):
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        mod.register_readers(found.append)
    return found


def read_folder(folder: Path):
    """(issues, links by source) for every readable file under folder."""
    root = folder.resolve()
    found = sources.discover(root)
    readers = _readers()
    issues = []
    for path in found.files:
        try:
            doc, _ = sources.load(path, root, found.hints.get(path.resolve(), {}), sources.DEFAULT_MAX_BYTES)
            score, reader = max(((r.score(doc), r) for r in readers), key=lambda t: t[0])
            if score <= 0:
                continue
            issue = metadata.complete(reader.read(doc), doc.hints)
            issue = replace(issue, body=textfix.neutralize_markdown(issue.body))
        except SourceError:
            continue
        issues.append(issue)
    return issues, {i.source: linkmod.extract(i.body) for i in issues}
