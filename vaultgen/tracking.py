"""The writer's Vault, remembering each note file's stat: unchanged notes are recognised without reading them."""
from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping

from . import frontmatter_io
from .scanning import digest, sig_of, trusted
from .state import STATE_FILE, NoteRecord, State, file_unchanged
from .moves import moved_entry
from .writer import MANIFEST, Vault, _read_id, owned_hash, split_user_tail


def render_key(note) -> str:
    """Identity of a Note: same key, same bytes written (types kept: a date is not its string).

    The digest of its inputs when the planner gave one (see notes.plan_notes), else of the note itself.
    """
    if note.key is not None:
        return note.key
    payload = [note.id, note.type, note.path, list(note.frontmatter.items()), note.body]
    return digest(json.dumps(payload, default=lambda o: f"{type(o).__name__}:{o}", ensure_ascii=False).encode())


def _joined(root: Path, rel: str) -> str:
    """str(root / rel), without making a Path (asked for every note of every build)."""
    base = str(root)
    return rel if base == "." else f"{base.rstrip('/')}/{rel}"


class TrackedVault(Vault):
    """writer.Vault plus the build state: the same decisions, taken without reading files proven unchanged.

    Every override either returns what Vault would (proven by an unchanged stat or hash of a file whose
    content was recorded) or defers to Vault. Besides: the manifest is saved only when it changed, the
    temp-file sweep runs only after an interrupted build, a note passes to a new id when its source is
    renamed (pass_on), and notes created by an interrupted build are adopted by the next (adopt).
    """

    def __init__(self, root: Path, state: State | None = None):
        super().__init__(root)
        self.tracked = state or State(Path(STATE_FILE))
        self._saved: tuple | None = None    # the manifest as on disk: (notes, templates, names), copied
        self._saved_digest = digest(b"")    # of the manifest file's bytes
        self._saved_ids: set[str] = set()
        self._listing: list[tuple[Path, str]] | None = None
        self._paths: dict[str, Path] = {}   # vault-relative path → its Path, as last listed
        self._links: set[Path] = set()      # listed files that are symbolic links
        self._pending: list = []
        self._fresh: list[list[str]] = []   # [id, path] of the notes this build writes that the saved manifest lacks
        self._outcomes: list = []
        self._proven: dict[str, tuple[NoteRecord, Path]] = {}   # note id → its record and file, proven by locate
        self._ahead: dict[str, Path] | None = None  # what look_ahead located, for the next build

    # -- finding notes ------------------------------------------------------------------------
    def _files(self) -> list[tuple[Path, str]]:
        """(path, vault-relative POSIX path) of each file Vault.markdown_files lists, in its order: listed once per
        build (locate, foreign_names and the writer ask) with os.scandir, whose entries tell links and folders
        without a stat, and with the Paths of the last listing taken again (a watcher lists the same thousands
        of files every batch; making a Path is most of the cost)."""
        if self._listing is None:
            known, paths, found, links = self._paths, {}, [], set()

            def walk(folder: str, prefix: str) -> None:
                try:
                    with os.scandir(folder) as listing:
                        entries = list(listing)
                except OSError:  # an unreadable folder is passed over, as os.walk and rglob do
                    return
                for entry in entries:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    rel = prefix + name
                    if name.endswith(".md"):  # whatever it is, as rglob("*.md") lists it
                        path = paths[rel] = known.get(rel) or self.root / rel
                        found.append((path, rel))
                        if entry.is_symlink():
                            links.add(path)
                    try:
                        if entry.is_dir() and not entry.is_symlink():
                            walk(entry.path, rel + "/")
                    except OSError:
                        continue

            walk(str(self.root), "")
            found.sort(key=lambda item: item[1].split("/"))  # Path order, without Paths (their parts are slow)
            self._listing, self._paths, self._links = found, paths, links
        return self._listing

    def markdown_files(self) -> list[Path]:
        return [path for path, _ in self._files()]

    def look_ahead(self) -> None:
        """Locate the notes now, for the next build to take (take_look_ahead): a watcher does it while a batch's
        quiet period runs, when nothing else is to be done. What that build decides from a look taken a moment
        earlier is what it would decide from its own (see _unchanged): a note is written only after its file is
        read again and found as vaultgen left it, and a user's edit made meanwhile is seen by the next build."""
        self._ahead = self.locate()  # locate clears the last look first: one that raises leaves none

    def take_look_ahead(self) -> dict[str, Path] | None:
        """The notes as look_ahead found them, once; None if there was no look since the last build began."""
        ahead, self._ahead = self._ahead, None
        return ahead

    def locate(self) -> dict[str, Path]:
        """As Vault.locate; a note file unchanged since vaultgen wrote it is known by its stat, not re-read."""
        self._listing, self._proven, self._ahead = None, {}, None
        found: dict[str, Path] = {}
        recorded = {entry["path"]: note_id for note_id, entry in self.manifest.items()}
        files = self._files()
        for path, rel in files:
            note_id = recorded.get(rel)
            if note_id and (self._known(note_id, rel, path) or _read_id(path) == note_id):
                found[note_id] = path
        missing = set(self.manifest) - set(found)
        if missing:  # moved or renamed by the user: scan the frontmatter of the others once
            taken = set(found.values())
            for path, _ in files:
                if path in taken:
                    continue
                note_id = _read_id(path)
                if note_id in missing and note_id not in found:
                    found[note_id] = path
        return found

    def _known(self, note_id: str, rel: str, path: Path) -> bool:
        record = self.tracked.notes.get(note_id)
        if record is None or not record.id_ok or record.path != rel:
            return False
        try:
            if not trusted(sig_of(os.stat(path)), record.sig, record.checked_ns):
                return False
        except OSError:
            return False
        self._proven[note_id] = (record, path)
        return True

    def foreign_names(self, located: Mapping[str, Path]) -> list[str]:
        """As Vault.foreign_names; paths compared as listed, unless symbolic links make resolving matter."""
        files = self._files()
        if self._links:
            return super().foreign_names(located)
        ours = set(located.values())
        return [path.stem for path, _ in files if path not in ours]

    # -- writing ------------------------------------------------------------------------------
    def pass_on(self, renamed: Iterable[tuple[str, str]], located: dict[str, Path]) -> None:
        """A source moved unchanged: its note, untouched since vaultgen wrote it, passes to the new note id.

        It keeps its file and name and is updated in place (its `source` changes) instead of being deleted and
        created again under another name, which would rewrite every note linking to it.
        """
        for old, new in renamed:
            record, path = self.tracked.notes.get(old), located.get(old)
            if (path is None or new in located or new in self.manifest or old not in self.manifest or record is None
                    or not record.render_key or not file_unchanged(path, record)):
                continue
            located[new] = located.pop(old)
            self.manifest[new] = self.manifest.pop(old)
            del self.tracked.notes[old]

    def write(self, notes, located, dry_run=False, tick=None):
        notes = list(notes)
        if not dry_run:
            # Journal the notes the saved manifest does not know (new, or passed on to a new id): if this build is
            # killed before the manifest is saved, the next one adopts them (see adopt) instead of taking them
            # for files a user put in the way.
            self._fresh = [[n.id, n.path] for n in notes if n.id not in self._saved_ids]
            self.tracked.mark(clean="0", pending=json.dumps(self._fresh))
        self._outcomes = []
        report = super().write(notes, located, dry_run, tick)
        self._listing, self._proven = None, {}  # proven for this build's writing only
        for note_id, key, expected in self._outcomes:
            if note_id in self.manifest:
                self.remember(note_id, key, self.manifest[note_id], expected)
        return report

    def kept(self, note_id: str, key: str, current: Path | None) -> bool:
        """Whether the file at current is as this writer left it for a Note with this key (see render_key)."""
        record = self.tracked.notes.get(note_id)
        entry = self.manifest.get(note_id)
        proven = self._proven.get(note_id)
        if proven is not None and proven[1] is current and proven[0] is record:  # the file locate found unchanged
            return record.render_key == key and record.manifest == entry
        # Same Note, same file bytes, same manifest entry as when the writer last wrote the file or found
        # nothing to change in it: it would find nothing to do now, so the file need not be read and parsed.
        return (current is not None and record is not None and entry is not None and record.render_key == key
                and record.manifest == entry
                and str(current) == _joined(self.root, record.path) and self._unchanged(note_id, current, record))

    def _unchanged(self, note_id: str, path: Path, record: NoteRecord) -> bool:
        """state.file_unchanged; a file proven unchanged by its hash has its stat recorded again, as `remember` does
        (checked, then stat, then read), so that later builds trust it: a note last checked within the racy window
        of its writing (most of a big batch) would otherwise be read and hashed on every build. A file that this
        build's locate found unchanged, by the same record, is not looked at again: what the writer decides from
        it is what it would have decided an instant earlier (a user's edit in between is seen by the next build,
        as one made an instant after this look would be; the file is not written either way)."""
        proven = self._proven.get(note_id)
        if proven is not None and proven[0] is record:
            return True
        checked = time.time_ns()
        try:
            st = os.stat(path)
            if trusted(sig_of(st), record.sig, record.checked_ns):
                return True
            if st.st_size != record.sig[0] or digest(path.read_bytes()) != record.file_digest:
                return False
        except OSError:
            return False
        self.tracked.notes[note_id] = replace(record, sig=sig_of(st), checked_ns=checked)
        return True

    def _write_one(self, note, current, report, dry_run):
        key = render_key(note)
        if self.kept(note.id, key, current):
            report.unchanged.append(self.tracked.notes[note.id].path)
            return
        note = note.rendered()
        counts = (len(report.created), len(report.updated), len(report.unchanged))
        queued = len(self._pending)
        super()._write_one(note, current, report, dry_run)
        self.tracked.notes.pop(note.id, None)
        if dry_run or counts == (len(report.created), len(report.updated), len(report.unchanged)):
            return  # kept as the user edited it, in the way, or failed: looked at again next time
        # The writer queues the bytes it means to write; they are checked on disk once the batch is written.
        data = self._pending[queued][1] if len(self._pending) > queued else None
        self._outcomes.append((note.id, key, None if data is None else digest(data)))

    def _move(self, notes, located, report):
        moved = super()._move(notes, located, report)
        self._listing = None  # files moved: the listing of this build is out of date
        return moved

    def _journal_moves(self, moves: list) -> None:
        # If this build is killed before the manifest is saved, the next one finds these notes where they went
        # and knows the names they had (adopt_moves), instead of taking them for notes the user moved.
        self.tracked.mark(moves=json.dumps(moves))

    def remember(self, note_id: str, key: str, entry: Mapping[str, str], expected: str | None = None) -> None:
        """Record the note file's stat and hash, if it holds the bytes expected (when given)."""
        self.tracked.notes.pop(note_id, None)
        path = self.root / entry["path"]
        try:
            checked = time.time_ns()
            st = os.stat(path)
            data = path.read_bytes()
        except OSError:
            return
        found = digest(data)
        if expected is None or found == expected:  # else changed by someone meanwhile: the writer left it alone
            self.tracked.notes[note_id] = NoteRecord(entry["path"], sig_of(st), checked, found, key, dict(entry),
                                                     _read_id(path) == note_id)

    def _retire(self, note_id, found, protected, report, dry_run):
        self.tracked.notes.pop(note_id, None)
        super()._retire(note_id, found, protected, report, dry_run)

    def _before_batch(self) -> None:
        # Each new note's hash joins the journal before its file is put in place: a user who edits the file before
        # the next build (a note of an interrupted build) is then told from vaultgen by adopt.
        if self._fresh:
            journal = [[nid, entry["path"], entry["hash"]] if (entry := self.manifest.get(nid)) and entry.get("hash")
                       else [nid, path] for nid, path in self._fresh]
            self.tracked.mark(pending=json.dumps(journal))

    def adopt(self, pending: Iterable[list]) -> None:
        """Take back notes an interrupted build created: at the journaled path, with the journaled id, as vaultgen
        wrote them (the journaled hash: a file the user edited since is theirs to keep)."""
        for note_id, rel, *written in pending:
            path = self.root / rel
            if note_id in self.manifest or path.is_symlink() or not path.is_file() or _read_id(path) != note_id:
                continue
            if written:
                self.manifest[note_id] = {"path": rel, "hash": written[0]}
                continue
            try:
                meta, body = frontmatter_io.parse_note(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                continue
            parts = split_user_tail(body) if meta is not None else None
            if parts is not None:
                self.manifest[note_id] = {"path": rel, "hash": owned_hash(meta, parts[0])}

    def adopt_moves(self, moves: Iterable[list]) -> None:
        """Take note of moves an interrupted build made: the note at its new path, its old name remembered."""
        for note_id, old, new, former in moves:
            entry, path = self.manifest.get(note_id), self.root / new
            if entry is None or entry.get("path") != old or path.is_symlink() or not path.is_file() \
                    or _read_id(path) != note_id:
                continue
            self.manifest[note_id] = moved_entry(entry, new, former)

    # -- temp files and the manifest ------------------------------------------------------------
    def _sweep_temp_files(self) -> None:
        # Temp files only outlive an interrupted build, and the sweep walks the whole vault: Session calls
        # sweep() when the state says the last build did not finish.
        pass

    def sweep(self) -> None:
        Vault._sweep_temp_files(self)

    def read_manifest(self) -> bytes | None:
        """As Vault.read_manifest; the digest of what it read is the saved manifest's (saved_digest)."""
        raw = super().read_manifest()
        self._saved_digest = digest(raw or b"")
        return raw

    def _snapshot(self) -> tuple:
        # The entries themselves, not copies: the writer replaces an entry, never changes one in place.
        return dict(self.manifest), sorted(self.templates), dict(self.names)

    def mark_saved(self) -> "TrackedVault":
        """The manifest in memory is the one on disk (just opened or just saved)."""
        self._saved = self._snapshot()
        self._saved_ids = set(self.manifest)
        return self

    def saved_digest(self) -> str:
        """Digest of the manifest file as last read or written: equal digests, equal manifests (it is a function of
        them); the build state records it, and a new process compares it with the file it reads."""
        return self._saved_digest

    def save_manifest(self) -> None:
        """Rewritten only when it changed: a build that changes nothing writes no file at all. Compared as data,
        not as JSON: serialising 10,000 entries to tell whether one changed is most of a watcher batch's save."""
        saved_manifest, saved_templates, saved_names = self._saved or ({}, [], {})
        if (self.manifest == saved_manifest and sorted(self.templates) == saved_templates and self.names == saved_names
                and (self.state / MANIFEST).exists()):
            return
        self._saved_digest = digest(super().save_manifest())
        self.mark_saved()
