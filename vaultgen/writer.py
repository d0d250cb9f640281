"""Write notes into the vault: atomically, only when bytes change, never over a user's words or files."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _quoted
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from filelock import FileLock, Timeout

from . import frontmatter_io, moves, naming
from .atomic import TMP_PREFIX, atomic_write, write_batch
from .errors import VaultError
from .model import Note
from .planned import PlannedWrite, printable
from .render import END_MARKER, generated_part

STATE_DIR = ".vaultgen"
MANIFEST = "manifest.json"
ORPHAN_TAG = "vaultgen/orphaned"
_WIKILINK_TARGET = re.compile(r"(?<!\\)\[\[([^\]|#\n]+)")
# Keys vaultgen owns in every note; any other key belongs to the user and is kept as they left it.
OWNED_KEYS = frozenset({
    "type", "vaultgen_id", "title", "newsletter", "number", "date", "author", "url", "urls", "source", "reader",
    "aliases", "tags", "kind", "domain", "first_seen", "last_seen", "mentions", "citations", "issues", "description",
})


@dataclass
class WriteReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    preserved: list[str] = field(default_factory=list)   # user edited the generated part: left alone
    removed: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)    # source gone, user content kept
    problems: list[str] = field(default_factory=list)
    # Dry runs only: what each write would change. Whole texts, so not in as_dict() unless asked for.
    planned: list[PlannedWrite] = field(default_factory=list, repr=False)

    def as_dict(self, diffs: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {k: list(v) for k, v in self.__dict__.items() if k != "planned"}
        if diffs:
            out["diffs"] = [{"path": w.path, "diff": w.diff()} for w in self.planned]
        return out


def owned_hash(frontmatter: Mapping[str, Any], generated: str) -> str:
    """Hash of what vaultgen owns in a note: its keys' values and the generated body."""
    owned = {k: frontmatter[k] for k in sorted(frontmatter) if k in OWNED_KEYS and k != "tags"}
    tags = [t for t in frontmatter.get("tags") or [] if t != ORPHAN_TAG] if isinstance(frontmatter.get("tags"), list) else frontmatter.get("tags")
    payload = json.dumps([owned, tags, generated.replace("\r\n", "\n")], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def split_user_tail(body: str) -> tuple[str, str] | None:
    """(generated part, the user's text after the end marker); None when the marker is gone."""
    at = body.rfind(END_MARKER)
    if at < 0:
        return None
    line_end = body.find("\n", at)
    line_end = len(body) if line_end < 0 else line_end + 1
    return body[:line_end], body[line_end:]


WRITE_BATCH = 1024  # notes written (and synced) together


class Vault:
    """The output folder: its manifest of what vaultgen wrote, and the one-writer lock."""

    def __init__(self, root: Path):
        self.root = root
        self.state = root / STATE_DIR
        self._lock = None
        self.manifest: dict[str, dict[str, Any]] = {}
        self.templates: list[str] = []
        self.names: dict[str, str] = {}     # the name templates the notes were named with, where not the defaults
        self._entry_texts: dict[str, tuple[dict, str]] = {}  # note id → (manifest entry, as last written)
        self._sorted_ids: list[str] | None = None            # the ids of _entry_texts, sorted

    # -- lifecycle --------------------------------------------------------------------------
    def open(self, wait: float = 0) -> "Vault":
        if self.root.exists() and not self.root.is_dir():
            raise VaultError(self.root, "is not a folder")
        self.state.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.state / "lock"), timeout=wait)
        try:
            self._lock.acquire()
        except Timeout:
            raise VaultError(self.root, "another vaultgen process is writing this vault (lock: .vaultgen/lock)") from None
        self._sweep_temp_files()
        self.read_manifest()
        return self

    def read_manifest(self) -> bytes | None:
        """The manifest as on disk (its bytes, None if there is none); a damaged one is read as empty: notes are
        found again by their vaultgen_id."""
        self.manifest, self.templates, self.names = {}, [], {}
        try:
            raw = (self.state / MANIFEST).read_bytes()
        except OSError:
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
            manifest, templates, names = data.get("notes", {}), data.get("templates", []), data.get("names", {})
        except (ValueError, AttributeError):
            return raw
        self.manifest, self.templates, self.names = manifest, templates, names
        return raw

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def save_manifest(self) -> bytes:
        """Written last, after every note: a crash before this leaves notes the next build recognises by id.
        Returns the bytes written."""
        data = {"version": 1, "notes": {}, "templates": sorted(self.templates)}
        if self.names:  # absent with the default templates: a vault built with them has the manifest it always had
            data["names"] = dict(sorted(self.names.items()))
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
        if self.manifest:
            text = text.replace('\n "notes": {}', '\n "notes": ' + self._notes_text(), 1)
        written = (text + "\n").encode()
        atomic_write(self.state / MANIFEST, written)
        return written

    def _notes_text(self) -> str:
        """The manifest's notes as json.dumps(indent=1, sort_keys=True) writes them inside it, each entry dumped
        again only when it changed: json indents in pure Python (40 ms a build at 1,000 issues, for the one
        or two entries a watcher's build changes). Entries are replaced, never changed in place: one that is
        the very object dumped last time is dumped the same."""
        known = self._entry_texts
        if self._sorted_ids is None or self.manifest.keys() != known.keys():
            self._sorted_ids = sorted(self.manifest)
        self._entry_texts = texts = {}
        parts = []
        for note_id in self._sorted_ids:
            entry = self.manifest[note_id]
            had = known.get(note_id)
            if had is None or (had[0] is not entry and had[0] != entry):
                had = (entry, _entry_text(note_id, entry))
            texts[note_id] = had
            parts.append(had[1])
        return "{\n" + ",\n".join(parts) + "\n }"

    def _sweep_temp_files(self) -> None:
        for tmp in self.root.rglob(f"{TMP_PREFIX}*"):
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink(missing_ok=True)

    # -- what is already there -------------------------------------------------------------
    def markdown_files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.md")
                      if not any(part.startswith(".") for part in p.relative_to(self.root).parts))

    def locate(self) -> dict[str, Path]:
        """Where each note vaultgen wrote is now, found by the `vaultgen_id` in its frontmatter."""
        found: dict[str, Path] = {}
        recorded = {entry["path"]: note_id for note_id, entry in self.manifest.items()}
        for path in self.markdown_files():
            rel = path.relative_to(self.root).as_posix()
            note_id = recorded.get(rel)
            if note_id and _read_id(path) == note_id:
                found[note_id] = path
        missing = set(self.manifest) - set(found)
        if missing:  # moved or renamed by the user: scan frontmatter once
            for path in self.markdown_files():
                note_id = _read_id(path)
                if note_id in missing and note_id not in found:
                    found[note_id] = path
        return found

    def foreign_names(self, located: Mapping[str, Path]) -> list[str]:
        """Stems of Markdown files vaultgen did not write: names it must never take."""
        ours = {p.resolve() for p in located.values()}
        return [p.stem for p in self.markdown_files() if p.resolve() not in ours]

    def renamed_from(self, note_id: str) -> list[str]:
        """The names a change of name template took from the note (kept in its aliases)."""
        former = self.manifest.get(note_id, {}).get("renamed_from")
        return [n for n in former if isinstance(n, str)] if isinstance(former, list) else []

    def placed_by_vaultgen(self, note_id: str, path: Path) -> bool:
        """The note is where vaultgen put it: the user has never moved or renamed it (or has put it back at once)."""
        record = self.manifest.get(note_id)
        # Compared as NFC: macOS's HFS+ lists names decomposed (NFD) whatever form they were written in.
        return bool(record) and not record.get("moved_by_user") \
            and unicodedata.normalize("NFC", self._rel(path)) == unicodedata.normalize("NFC", str(record.get("path")))

    def as_written(self, note_id: str, path: Path) -> bool:
        """The note is where vaultgen put it and its generated part is as written: vaultgen may move it."""
        record = self.manifest.get(note_id, {})
        if not self.placed_by_vaultgen(note_id, path):
            return False
        try:
            meta, body = frontmatter_io.parse_note(path.read_text(encoding="utf-8", errors="surrogateescape"))
        except OSError:
            return False
        parts = split_user_tail(body) if meta is not None else None
        return parts is not None and not _edited(meta, parts[0], record, None)

    # -- writing ----------------------------------------------------------------------------
    def write(self, notes: Iterable[Note], located: Mapping[str, Path], dry_run: bool = False,
              tick: Callable[[int, int], None] | None = None) -> WriteReport:
        """`tick(done, total)`: notes done, of all. A note whose file is to be written is done once the file is
        staged in write_batch; the last count waits until every file is in place."""
        report = WriteReport()
        self._pending: list[tuple[Path, bytes, object]] = []
        notes = list(notes)
        if not dry_run:
            located = self._move(notes, located, report)
        wanted = set()
        for looked_at, note in enumerate(notes):
            if tick is not None:
                tick(looked_at - len(self._pending), len(notes))  # at most one file queued per note: never less
            wanted.add(note.id)
            try:
                self._write_one(note, located.get(note.id), report, dry_run)
            except FileNotFoundError:  # found by locate, gone since: the user moved or deleted it meanwhile
                report.problems.append(f"{note.path}: moved or deleted while vaultgen was writing; not updated "
                                       "(the next build looks for it again)")
            except (OSError, VaultError) as exc:
                report.problems.append(f"{note.path}: {exc}")
            if len(self._pending) >= WRITE_BATCH:  # bounded memory: the bytes of a batch, not of the vault
                self._before_batch()
                report.problems += write_batch(self._pending)
                self._pending = []
        queued = len(self._pending)
        retiring = {}
        for note_id in sorted(set(self.manifest) - wanted):
            try:
                retiring[note_id] = self._inspect(note_id, located.get(note_id))
            except (OSError, VaultError) as exc:
                report.problems.append(f"{self.manifest[note_id]['path']}: {exc}")
        protected = self._linked_from_kept(retiring, report.preserved, located)
        for note_id, found in retiring.items():
            self._retire(note_id, found, protected, report, dry_run)
        if not dry_run:
            self._before_batch()
        report.problems += write_batch(self._pending, _staged_notes(tick, len(notes), queued))
        self._pending = []
        if tick is not None:
            tick(len(notes), len(notes))
        return report

    def _before_batch(self) -> None:
        """Called before a batch of files is put in place (their manifest entries are made): nothing here."""

    def _move(self, notes: list[Note], located: Mapping[str, Path], report: WriteReport) -> dict[str, Path]:
        """Move every note that vaultgen put where it is, as it wrote it, and that is due elsewhere (a changed
        name template, folder or title); returns `located` with the notes where they now are (moves.move_all)."""
        due: dict[str, tuple[Path, Path]] = {}
        root = str(self.root)
        for note in notes:
            current = located.get(note.id)
            if current is None or str(current) == f"{root}/{note.path}":  # where it is due (no Path made: most are)
                continue
            target = self.root / note.path
            if current == target or not self.placed_by_vaultgen(note.id, current):
                continue  # where the user put it is the user's choice
            if self._movable(note, current, self.manifest[note.id]):
                due[note.id] = (current, target)
        return moves.move_all(self, due, located, report.problems)

    def _movable(self, note: Note, current: Path, record: Mapping[str, Any]) -> bool:
        try:
            meta, body = frontmatter_io.parse_note(current.read_text(encoding="utf-8", errors="surrogateescape"))
        except OSError:
            return False
        parts = split_user_tail(body) if meta is not None else None
        new_hash = owned_hash(note.frontmatter, generated_part(note.rendered().body))
        return parts is not None and not _edited(meta, parts[0], record, new_hash)

    def _journal_moves(self, moves: list) -> None:
        """Where a subclass records the moves about to be made (id, from, to, former names): see tracking."""

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _write_one(self, note: Note, current: Path | None, report: WriteReport, dry_run: bool) -> None:
        note = note.rendered()
        target = self.root / note.path
        generated = generated_part(note.body)
        new_hash = owned_hash(note.frontmatter, generated)
        by_user: dict[str, str] = {}
        if current is None:
            if target.exists():
                report.problems.append(f"{note.path}: a file vaultgen did not write is in the way; not written")
                return
            text = frontmatter_io.dump(note.frontmatter) + generated
            report.created.append(note.path)
        else:
            old_bytes = current.read_bytes()
            old = old_bytes.decode("utf-8", errors="surrogateescape")
            meta, body = frontmatter_io.parse_note(old)
            parts = split_user_tail(body) if meta is not None else None
            record = self.manifest.get(note.id, {})
            rel = current.relative_to(self.root).as_posix()
            # Moved or renamed by the user, once: from then on it stays where they put it (see layout.plan_renaming).
            if not self.placed_by_vaultgen(note.id, current):
                by_user = {"moved_by_user": "yes"}
            if parts is None or _edited(meta, parts[0], record, new_hash):
                report.preserved.append(rel)  # the user edited what vaultgen wrote: theirs wins
                self.manifest[note.id] = _entry(record, rel, record.get("hash", ""), conflict="yes", **by_user)
                return
            text = frontmatter_io.dump(_merge(meta, note.frontmatter)) + generated + parts[1]
            # A note vaultgen put where it is and that is due elsewhere is moved before any note is written
            # (_move); one left here is the user's choice, or one whose move failed (reported): it stays.
            moving = dry_run and current != target and not by_user and not moves.occupied(target, current)
            if text.encode("utf-8") == old_bytes and not moving:
                report.unchanged.append(rel)
                self.manifest[note.id] = _entry(record, rel, new_hash, **by_user)
                return
            report.updated.append(rel)
            if not moving:
                target = current
        if not dry_run:
            self._pending.append((target, text.encode("utf-8"), None if current is None else old_bytes))
        else:
            path = target.relative_to(self.root).as_posix()
            report.planned.append(PlannedWrite(path, None, text) if current is None else PlannedWrite(
                path, old_bytes.decode("utf-8", errors="replace"), text, None if path == rel else rel))
        self.manifest[note.id] = _entry(self.manifest.get(note.id, {}), self._rel(target), new_hash, **by_user)

    def _inspect(self, note_id: str, current: Path | None):
        """(path, text, frontmatter, body, untouched) of a note whose source is gone; None if it is gone too."""
        if current is None:
            return None
        old = current.read_text(encoding="utf-8", errors="surrogateescape")
        meta, body = frontmatter_io.parse_note(old)
        parts = split_user_tail(body) if meta is not None else None
        untouched = (parts is not None and not parts[1].strip() and set(meta) <= OWNED_KEYS
                     and owned_hash(meta, parts[0]) == self.manifest[note_id].get("hash"))
        return current, old, meta, body, untouched

    def _linked_from_kept(self, retiring, preserved: list[str], located: Mapping[str, Path]) -> set[str]:
        """Names that notes staying in the vault link to: notes the user wrote in, and the user's own notes.

        An untouched note whose source is gone is kept when one of these links to it, so no link breaks.
        """
        if not retiring:
            return set()  # asked only about notes being retired: reading the user's notes is for those
        ours = {self.root / e["path"] for e in self.manifest.values()} | set(located.values())
        kept_texts = [p.read_text(encoding="utf-8", errors="replace") for p in self.markdown_files() if p not in ours]
        kept_texts += [(self.root / rel).read_text(encoding="utf-8", errors="replace") for rel in preserved]
        kept_texts += [found[1] for found in retiring.values() if found and not found[4]]
        protected: set[str] = set()
        pending = kept_texts
        while pending:
            targets = {naming.key(t.split("/")[-1].strip()) for text in pending for t in _WIKILINK_TARGET.findall(text)}
            new = targets - protected
            protected |= new
            pending = [found[1] for found in retiring.values()
                       if found and found[4] and naming.key(found[0].stem) in new]
        return protected

    def _retire(self, note_id: str, found, protected: set[str], report: WriteReport, dry_run: bool) -> None:
        """A note whose source is gone: deleted when untouched and unlinked; else kept, tagged, reported."""
        record = self.manifest[note_id]
        if found is None:
            del self.manifest[note_id]
            return
        current, old, meta, body, untouched = found
        rel = current.relative_to(self.root).as_posix()
        if untouched and naming.key(current.stem) not in protected:
            if not dry_run:
                current.unlink()
                if not record.get("moved_by_user"):  # a folder the user put it in is theirs, empty or not
                    moves.remove_if_empty(self.root, current.parent)  # else an empty folder in Obsidian's list
            else:
                report.planned.append(PlannedWrite(rel, printable(old), None))
            report.removed.append(rel)
            del self.manifest[note_id]
            return
        tags = meta.get("tags") if meta else None
        if meta is not None and isinstance(tags, list) and ORPHAN_TAG not in tags:
            meta["tags"] = [*tags, ORPHAN_TAG]
            if not dry_run:
                self._pending.append((current, (frontmatter_io.dump(meta) + body).encode("utf-8", errors="surrogateescape"),
                                      old.encode("utf-8", errors="surrogateescape")))
            else:
                report.planned.append(PlannedWrite(rel, printable(old), printable(frontmatter_io.dump(meta) + body)))
        report.orphaned.append(rel)
        by_user = {"moved_by_user": "yes"} if record.get("moved_by_user") else {}
        self.manifest[note_id] = _entry(record, rel, record.get("hash", ""), orphaned="yes", **by_user)


def _staged_notes(tick: Callable[[int, int], None] | None, total: int, queued: int) -> Callable[[int], None] | None:
    """write_batch's count of staged files as notes done: the `queued` notes' files come first in the batch
    (retired notes' after them), and the count stops short of total until the files are renamed into place."""
    if tick is None:
        return None
    return lambda staged: tick(min(total - queued + staged, total - 1), total)


def _edited(meta: Mapping[str, Any], generated: str, record: Mapping[str, Any], new_hash: str | None) -> bool:
    """The user changed what vaultgen wrote: it is neither as last written nor already what it is to become."""
    return bool(record.get("hash")) and owned_hash(meta, generated) not in (record["hash"], new_hash)


def _entry_text(note_id: str, entry: Mapping[str, Any]) -> str:
    """One manifest entry as json.dumps(indent=1, sort_keys=True, ensure_ascii=False) writes it two levels deep.
    Most entries hold strings only, which the C string encoder writes; json's indenting encoder is Python."""
    if entry and all(isinstance(v, str) for v in entry.values()):
        lines = ",\n".join(f"   {_quoted(k)}: {_quoted(v)}" for k, v in sorted(entry.items()))
        return f"  {_quoted(note_id)}: {{\n{lines}\n  }}"
    dumped = json.dumps({note_id: entry}, indent=1, sort_keys=True, ensure_ascii=False)
    return " " + dumped[2:-2].replace("\n", "\n ")


def _entry(previous: Mapping[str, Any], path: str, hash_: str, **flags: str) -> dict[str, Any]:
    """A manifest entry; the names a template change took from the note stay recorded."""
    entry: dict[str, Any] = {"path": path, "hash": hash_, **flags}
    if previous.get("renamed_from"):
        entry["renamed_from"] = list(previous["renamed_from"])
    return entry


def _merge(existing: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """vaultgen's keys take their new values; the user's keys and key order stay as they are."""
    merged: dict[str, Any] = {}
    for k, v in existing.items():
        if k not in OWNED_KEYS:
            merged[k] = v
        elif k in new:
            merged[k] = new[k]
    for k, v in new.items():
        merged.setdefault(k, v)
    return merged


def _read_id(path: Path) -> str | None:
    """The vaultgen_id in a note's frontmatter, read line by line up to the closing '---'.

    Not limited to the first few KiB: a resource's URL (and so its id) can be thousands of characters long.
    """
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            if handle.readline().rstrip("\r\n") != "---":
                return None
            read = 0
            for line in handle:
                read += len(line)
                if line.startswith("vaultgen_id:"):
                    return _scalar(line.split(":", 1)[1].strip())
                if line.rstrip("\r\n") == "---" or read > _ID_SEARCH_LIMIT:
                    break
    except OSError:
        return None
    return None


_ID_SEARCH_LIMIT = 4 << 20  # frontmatter read for a vaultgen_id: far past any note vaultgen writes


def _scalar(value: str) -> str | None:
    if value[:1] in "'\"":
        try:
            value = frontmatter_io.load_scalar(value)
        except ValueError:
            return None
    return value or None
