"""What changed since the last build: every source file under SOURCE discovered, its stat trusted or its bytes
hashed (scan_sources), and digests of everything else a vault is built from: the code (code_key) and the options,
templates and gazetteer (fingerprint)."""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from . import sources
from .errors import SourceError

if TYPE_CHECKING:
    from .state import SourceRecord

# A file changed shortly before we looked at it may change again within the same timestamp tick and keep its
# stat: its stat alone is not trusted, it is hashed again (git's "racily clean" entries). The tick is the
# kernel's coarse clock (a few ms) where timestamps have nanoseconds, 1-2 s where they are whole seconds
# (FAT, HFS+, ext3, some network mounts).
RACY_NS = 2_000_000_000
FINE_RACY_NS = 100_000_000

Sig = tuple  # (size, mtime_ns, ctime_ns, inode): equal sigs mean unchanged bytes, unless racy


def sig_of(st: os.stat_result) -> Sig:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def settled(changed_ns: int, checked_ns: int) -> bool:
    """A change at changed_ns was more than a timestamp tick before checked_ns: a later one shows in the stat."""
    window = RACY_NS if changed_ns % 1_000_000_000 == 0 else FINE_RACY_NS
    return changed_ns < checked_ns - window


def trusted(sig: Sig, recorded: Sig | None, checked_ns: int) -> bool:
    """The file is as it was when checked: same stat, changed well before the check."""
    return recorded is not None and tuple(sig) == tuple(recorded) and settled(max(sig[1], sig[2]), checked_ns)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- scanning SOURCE --------------------------------------------------------------------------------
@dataclass
class ScannedFile:
    path: Path
    sig: Sig | None
    digest: str | None          # None when the bytes could not be hashed (see error)
    hints: dict[str, Any]
    key: str | None
    error: SourceError | None = None
    hashed: bool = False        # its bytes were read and hashed by this scan (not known by a trusted stat)


@dataclass
class Scan:
    """Every candidate issue under SOURCE with its hash; trusted stats spare re-reading unchanged files."""

    files: dict[str, ScannedFile]                 # rel → file, in discovery order
    errors: list[SourceError]
    warnings: list[SourceError]
    discovery_key: str
    checked_ns: int
    hashed: int = 0                               # files whose bytes were read this time
    stat_errors: int = 0                          # files that vanished between discovery and stat


def scan_sources(root: Path, max_bytes: int, code: str, known: Mapping[str, SourceRecord],
                 force: Iterable[str] = (), tick: Callable[[int, int], None] | None = None) -> Scan:
    """Discover, stat and (when the stat is not trusted, or in `force`) hash every source file.

    `tick(done, total)`: files looked at so far, of all discovered (a first build hashes every one).
    """
    root = root.resolve()
    checked_ns = time.time_ns()
    found = sources.discover(root)
    force = set(force)
    files: dict[str, ScannedFile] = {}
    named, vanished, hashed = [], [], 0
    for done, (path, rel) in enumerate(zip(found.files, found.rels)):
        if tick is not None:
            tick(done, len(found.files))
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 in the name: no note name, no link can carry it
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            named.append(SourceError(shown, "the file name is not valid UTF-8; rename the file to export it"))
            continue
        # Index hints are keyed by resolved path; under the resolved root only a symbolic link differs from it.
        hints = found.hints.get(path) or (found.hints.get(path.resolve(), {}) if path in found.links else {})
        try:
            st = os.stat(path)
        except OSError as exc:  # gone since discovery (an editor's rename): the next batch sees the new state
            vanished.append(SourceError(rel, f"cannot stat: {exc.strerror}"))
            continue
        sig, record = sig_of(st), known.get(rel)
        fresh = False
        if record is not None and rel not in force and trusted(sig, record.sig, record.checked_ns):
            h = record.digest
        elif st.st_size > max_bytes:  # sources.load refuses it for its size alone: no need to read it
            h, fresh = f"over-limit:{st.st_size}", True
        else:
            try:
                data = path.read_bytes()
            except OSError as exc:
                files[rel] = ScannedFile(path, sig, None, hints, None, SourceError(rel, f"cannot read: {exc.strerror}"))
                continue
            hashed += 1
            h, fresh = digest(data), True
        files[rel] = ScannedFile(path, sig, h, hints, source_key(code, rel, h, hints, max_bytes), hashed=fresh)
    if tick is not None:
        tick(len(found.files), len(found.files))
    errors = [*found.errors, *named]
    key = digest(json.dumps([sorted((str(p), h) for p, h in found.hints.items()), [str(e) for e in errors],
                             [str(w) for w in found.warnings]], sort_keys=True, default=str).encode())
    return Scan(files, [*errors, *vanished], list(found.warnings), key, checked_ns, hashed, len(vanished))


def source_key(code: str, rel: str, content: str, hints: Mapping[str, Any], max_bytes: int) -> str:
    return digest(json.dumps([code, rel, content, hints, max_bytes], sort_keys=True, default=str).encode())


# -- what the build depends on besides sources ------------------------------------------------------
def _tree_sig(root: Path, content: bool) -> list:
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            st = path.stat()
            out.append([path.relative_to(root).as_posix(), digest(path.read_bytes()) if content else
                        [st.st_size, st.st_mtime_ns]])
    return out


def code_key() -> str:
    """vaultgen's version, its own files (code, templates, data) and third-party plugins (installed or registered
    in code): a change to any re-parses every source and re-renders every note."""
    from importlib.metadata import entry_points

    from . import __version__
    from .state import SCHEMA
    from .plugins import DEFAULT_PLUGINS, registered_in_code
    from .starter import template_root

    package = Path(__file__).parent
    found = entry_points(group="vaultgen")
    dists = sorted({f"{ep.dist.name}=={ep.dist.version}" if ep.dist else ep.value for ep in found})
    names = [*DEFAULT_PLUGINS, *sorted(ep.name for ep in found)]  # by name: importing them is not needed
    payload = [__version__, SCHEMA, _tree_sig(package, False), _tree_sig(template_root(), False), dists, names,
               registered_in_code()]
    return digest(json.dumps(payload).encode())


def fingerprint(code: str, options) -> str:
    """Everything besides sources that the rendered vault depends on: code, options, templates, gazetteer."""
    gazetteer = options.gazetteer or options.vault / "entities.yaml"
    try:
        gazetteer_digest = digest(Path(gazetteer).read_bytes())
    except OSError:
        gazetteer_digest = ""
    payload = [code, str(Path(options.source).resolve()), str(options.templates or ""), str(gazetteer),
               gazetteer_digest, _tree_sig(Path(options.templates), True) if options.templates else [],
               options.max_source_bytes, options.names.recorded()]
    return digest(json.dumps(payload).encode())
