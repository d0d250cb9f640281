"""Build state in VAULT/.vaultgen/state.sqlite: what each source parsed to, and what each note file looked like."""
from __future__ import annotations

import json
import os
import pickle
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .model import Candidate, Issue, Link, pickled_by_fields
from .scanning import Scan, Sig, digest, settled, sig_of, trusted

SCHEMA = "8"  # 6: parsed results stored packed (packed.py); 7: values worked out by the global phase (Lasting);
#                8: the keys each issue vetoes (Parsed.vetoes)
STATE_FILE = "state.sqlite"


# -- what a source parsed to ------------------------------------------------------------------------
@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Parsed:
    """One source file's result: an Issue (or why not), its links, and candidates per extractor."""

    issue: Issue | None                                 # as read, before the archive-wide newsletter names
    links: tuple[Link, ...] = ()
    candidates: tuple[tuple[Candidate, ...], ...] = ()   # one tuple per extractor, in registration order
    decode_warnings: tuple[str, ...] = ()
    error: str | None = None                            # the reason the file is not an issue
    error_path: str | None = None
    extracted: bool = False                             # candidates were extracted…
    extracted_for: str | None = None                    # …from the issue under this newsletter name
    extract_warnings: tuple[str, ...] = ()              # extractors that failed on it
    url_edits: tuple = ()                               # links.url_edits of the issue's body
    vetoes: frozenset[str] = frozenset()                # merge keys its candidates veto (resolve.vetoes_of)


class SourceRecord:
    """One source as last read: its stat and hash, and what it parsed to (read and unpickled when asked for:
    a build that changes nothing needs none of it, and at 10,000 issues it is half a gigabyte)."""

    __slots__ = ("sig", "checked_ns", "digest", "key", "_parsed", "_fetch", "dirty")

    def __init__(self, sig: Sig, checked_ns: int, digest: str, key: str, parsed: Parsed | None = None,
                 fetch: Callable[[], bytes | None] | None = None):
        self.sig, self.checked_ns, self.digest, self.key = sig, checked_ns, digest, key
        self._parsed, self._fetch = parsed, fetch
        self.dirty = parsed is not None  # a result not stored yet

    def update(self, parsed: Parsed) -> None:
        """The same source's result, completed (candidates extracted again under another newsletter name)."""
        self._parsed, self._fetch, self.dirty = parsed, None, True

    def hold(self, parsed: Parsed) -> None:
        """The same result, held another way (packed, spilled: see packed.py): nothing to store again."""
        self._parsed, self._fetch = parsed, None

    @property
    def parsed(self) -> Parsed | None:
        """None when the cached bytes are gone or do not unpickle (a damaged file, another vaultgen): parse again."""
        if self._parsed is None and self._fetch is not None:
            try:
                self._parsed = pickle.loads(self._fetch())
            except Exception:  # noqa: BLE001 - any failure to read the cache only means a cache miss
                self._parsed = None
            self._fetch = None
        return self._parsed

    def blob(self) -> bytes:
        return pickle.dumps(self.parsed, pickle.HIGHEST_PROTOCOL)


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """A note file as vaultgen last wrote or verified it, for recognising it again without reading it."""

    path: str
    sig: Sig
    checked_ns: int
    file_digest: str
    render_key: str     # the Note it was rendered from; "" for files only watched (kept as edited, orphaned)
    manifest: dict      # the manifest entry at that time
    id_ok: bool = False  # its frontmatter holds its vaultgen_id: found again without reading it


# -- the database -----------------------------------------------------------------------------------
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (rel TEXT PRIMARY KEY, sig TEXT NOT NULL, checked_ns INTEGER NOT NULL,
    digest TEXT NOT NULL, key TEXT NOT NULL, parsed BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, path TEXT NOT NULL, sig TEXT NOT NULL,
    checked_ns INTEGER NOT NULL, file_digest TEXT NOT NULL, render_key TEXT NOT NULL, manifest TEXT NOT NULL,
    id_ok INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dirs (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, checked_ns INTEGER NOT NULL,
    listing TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lasting (kind TEXT NOT NULL, key TEXT NOT NULL, deps TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (kind, key));
"""


class Lasting:
    """Values the global phase worked out that a later build, in this process or another, may take again: each
    under its key with the digest of everything it was made from (its deps), saved with the build state.

    A kind's rows are read when a build first asks for one (a build that changes nothing asks for none)."""

    def __init__(self, db: sqlite3.Connection | None) -> None:
        self._db = db
        self._rows: dict[str, dict[str, tuple[str, str]]] = {}
        self._changed: dict[tuple[str, str], tuple[str, str] | None] = {}   # None: deleted

    def _kind(self, kind: str) -> dict[str, tuple[str, str]]:
        rows = self._rows.get(kind)
        if rows is None:
            rows = self._rows[kind] = {} if self._db is None else {
                key: (deps, value) for key, deps, value in
                self._db.execute("SELECT key, deps, value FROM lasting WHERE kind = ?", (kind,))}
        return rows

    def get(self, kind: str, key: str, deps: str) -> str | None:
        """The value stored under key when it was made from deps with this digest, else None."""
        row = self._kind(kind).get(key)
        return row[1] if row is not None and row[0] == deps else None

    def put(self, kind: str, key: str, deps: str, value: str) -> None:
        rows = self._kind(kind)
        if rows.get(key) != (deps, value):
            rows[key] = self._changed[kind, key] = (deps, value)

    def keep_only(self, kind: str, keys) -> None:
        """Forget the values of keys a build no longer has (a removed issue's)."""
        rows = self._kind(kind)
        for key in [k for k in rows if k not in keys]:
            del rows[key]
            self._changed[kind, key] = None

    def save(self, db: sqlite3.Connection) -> None:
        """Within the caller's transaction."""
        db.executemany("DELETE FROM lasting WHERE kind = ? AND key = ?",
                       [k for k, row in self._changed.items() if row is None])
        db.executemany("INSERT OR REPLACE INTO lasting VALUES (?, ?, ?, ?)",
                       [(*k, *row) for k, row in self._changed.items() if row is not None])

    def saved(self) -> None:
        self._changed = {}


def _json_column(rows: list[tuple], column: int) -> list:
    """The JSON values of a column of these rows, parsed at once."""
    return json.loads("[" + ",".join(row[column] for row in rows) + "]")


@dataclass
class State:
    """The last build's state, loaded into memory; `commit` writes what changed in one transaction."""

    path: Path
    meta: dict[str, str] = field(default_factory=dict)
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    notes: dict[str, NoteRecord] = field(default_factory=dict)
    dirs: dict[str, tuple[int, int, str]] = field(default_factory=dict)   # rel → (mtime_ns, checked_ns, listing)
    lasting: Lasting = field(default_factory=lambda: Lasting(None))
    _db: sqlite3.Connection | None = None
    _saved_sources: dict[str, tuple] = field(default_factory=dict)
    _saved_notes: dict[str, NoteRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> "State":
        state = cls(folder / STATE_FILE)
        try:
            state._read()
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
                TypeError, ValueError):
            # A damaged or foreign cache is rebuilt from scratch: it only ever saves time, never decides safety.
            state.close()
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{state.path}{suffix}").unlink(missing_ok=True)
            state = cls(folder / STATE_FILE)
            state._read()
        return state

    def _read(self) -> None:
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.executescript(_TABLES)
        self.lasting = Lasting(self._db)
        self.meta = dict(self._db.execute("SELECT key, value FROM meta"))
        if self.meta.get("schema") != SCHEMA:
            self._db.executescript("BEGIN; DELETE FROM meta; DELETE FROM sources; DELETE FROM notes; DELETE FROM dirs; "
                                   "DELETE FROM lasting; "
                                   f"INSERT INTO meta VALUES ('schema', '{SCHEMA}'); COMMIT;")
            self.meta = {"schema": SCHEMA}
            return
        # Each column's JSON values parsed in one call: a call each is most of the time of loading 10,000 rows.
        rows = self._db.execute("SELECT rel, sig, checked_ns, digest, key FROM sources").fetchall()
        for (rel, sig, checked, dig, key), signature in zip(rows, _json_column(rows, 1)):
            self.sources[rel] = SourceRecord(tuple(signature), checked, dig, key, fetch=self._fetcher(rel))
            self._saved_sources[rel] = (sig, checked, key)
        rows = self._db.execute("SELECT * FROM notes").fetchall()
        for (nid, path, _, checked, fdig, rkey, _, id_ok), sig, man in zip(rows, _json_column(rows, 2),
                                                                           _json_column(rows, 6)):
            self.notes[nid] = NoteRecord(path, tuple(sig), checked, fdig, rkey, man, bool(id_ok))
        self._saved_notes = dict(self.notes)
        self.dirs = {p: (m, c, listing) for p, m, c, listing in self._db.execute("SELECT * FROM dirs")}

    def _fetcher(self, rel: str) -> Callable[[], bytes | None]:
        def fetch() -> bytes | None:
            row = self._db.execute("SELECT parsed FROM sources WHERE rel = ?", (rel,)).fetchone()
            return row[0] if row else None
        return fetch

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def mark(self, **values: str) -> None:
        """Set meta values at once, outside the build's transaction (say, 'a build is writing')."""
        self.meta.update(values)
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def commit(self) -> None:
        """Write the rows that changed since load or the last commit: one transaction."""
        def mark(rec: SourceRecord) -> tuple:
            return json.dumps(list(rec.sig)), rec.checked_ns, rec.key

        gone = [rel for rel in self._saved_sources if rel not in self.sources]
        changed = {rel: mark(rec) for rel, rec in self.sources.items()
                   if rec.dirty or self._saved_sources.get(rel) != mark(rec)}
        # Same key: only the stat moved (a touch, a racy file hashed again); the cached result stays as stored.
        restat = {rel: m for rel, m in changed.items() if rel in self._saved_sources
                  and self._saved_sources[rel][2] == m[2] and not self.sources[rel].dirty}
        notes_gone = [n for n in self._saved_notes if n not in self.notes]
        notes_changed = [n for n, r in self.notes.items() if (was := self._saved_notes.get(n)) is not r and was != r]
        db = self._db
        db.execute("BEGIN")
        try:
            db.executemany("DELETE FROM sources WHERE rel = ?", ((rel,) for rel in gone))
            # A generator: one pickled result in memory at a time, not all 10,000 of a first build.
            db.executemany("UPDATE sources SET sig = ?, checked_ns = ? WHERE rel = ?",
                           ((sig, checked, rel) for rel, (sig, checked, _) in restat.items()))
            db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?)",
                           ((rel, sig, checked, self.sources[rel].digest, key, self.sources[rel].blob())
                            for rel, (sig, checked, key) in changed.items() if rel not in restat))
            db.executemany("DELETE FROM notes WHERE id = ?", ((n,) for n in notes_gone))
            db.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           ((n, r.path, json.dumps(list(r.sig)), r.checked_ns, r.file_digest, r.render_key,
                             json.dumps(r.manifest, sort_keys=True), int(r.id_ok))
                            for n in notes_changed for r in (self.notes[n],)))
            db.execute("DELETE FROM dirs")
            db.executemany("INSERT INTO dirs VALUES (?, ?, ?, ?)", [(p, *v) for p, v in self.dirs.items()])
            self.lasting.save(db)
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", self.meta.items())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        for rel in gone:
            del self._saved_sources[rel]
        self._saved_sources.update(changed)
        for rel in changed:
            self.sources[rel].dirty = False
        self._saved_notes = dict(self.notes)
        self.lasting.saved()


# -- the vault's folders, for noticing files that appear in it ----------------------------------------
def vault_dirs(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every visible folder of the vault: its mtime and a digest of its entries' names."""
    now = time.time_ns()
    out = {}
    for folder, dirnames, filenames in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        out[rel] = (os.stat(folder).st_mtime_ns, now, _listing(dirnames, filenames))
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # .obsidian, .git, .vaultgen: not notes
    return out


def _listing(dirnames: Iterable[str], filenames: Iterable[str]) -> str:
    return digest("\0".join(sorted([*dirnames, *filenames])).encode("utf-8", "surrogateescape"))


def dirs_unchanged(root: Path, recorded: Mapping[str, tuple[int, int, str]]) -> bool:
    """No entry was added, removed or renamed in any visible vault folder since they were recorded."""
    if not recorded:
        return False
    for rel, (mtime_ns, checked_ns, listing) in recorded.items():
        folder = root / rel
        try:
            st = os.stat(folder)
            if st.st_mtime_ns == mtime_ns and settled(mtime_ns, checked_ns):
                continue
            names = os.listdir(folder)
        except OSError:
            return False
        if _listing(names, ()) != listing:
            return False
    return True


def file_unchanged(path: Path, record: NoteRecord) -> bool:
    """The note file holds the bytes recorded: by its stat when trusted, else by its hash."""
    try:
        st = os.stat(path)
        if trusted(sig_of(st), record.sig, record.checked_ns):
            return True
        if st.st_size != record.sig[0]:
            return False
        return digest(path.read_bytes()) == record.file_digest
    except OSError:
        return False


# -- the whole-build shortcut -------------------------------------------------------------------------
def nothing_changed(scan: Scan, fingerprint_: str, vault, state: State) -> bool:
    """No source, option, template, gazetteer or code changed, and every vault file is as the last build left it.

    Then a build would render the same notes and find every file up to date: it can be skipped.
    `vault` is a tracking.TrackedVault just opened.
    """
    meta = state.meta
    if (meta.get("clean") != "1" or meta.get("fingerprint") != fingerprint_
            or meta.get("discovery") != scan.discovery_key or "result" not in meta or scan.stat_errors
            or meta.get("manifest") != vault.saved_digest()):
        return False
    if json.loads(meta["result"]).get("problems") or scan.files.keys() != state.sources.keys():
        return False
    if any(f.key is None or f.key != state.sources[rel].key for rel, f in scan.files.items()):
        return False
    if state.notes.keys() != vault.manifest.keys():
        return False
    for note_id, record in state.notes.items():
        if record.manifest != vault.manifest[note_id] or not file_unchanged(vault.root / record.path, record):
            return False
    return dirs_unchanged(vault.root, state.dirs)


def finish(vault, state: State, fingerprint_: str, discovery_key: str, summary: str) -> None:
    """After a build's writes and manifest: record every file the manifest names, the folders, and the inputs."""
    for note_id, entry in vault.manifest.items():
        record = state.notes.get(note_id)
        if record is None or record.manifest != entry:
            vault.remember(note_id, "", entry)  # kept as edited or orphaned: watched for the shortcut only
    for note_id in set(state.notes) - set(vault.manifest):
        del state.notes[note_id]
    state.dirs = vault_dirs(vault.root)
    state.meta.update(fingerprint=fingerprint_, discovery=discovery_key, result=summary, clean="1", pending="[]", moves="[]",
                      manifest=vault.saved_digest())
    state.commit()
