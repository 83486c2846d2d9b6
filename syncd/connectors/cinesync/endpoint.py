"""A cineSync session file as a review (``type: cinesync``): its media and their notes.

``session: dailies`` is ``<path>/dailies.csc``. Each media is an item (``<name>`` its name, the
media's order the playlist's), each paragraph of a media's or a frame's notes a note, each drawn
frame an image on a note of that frame (:mod:`.sketches`). Media get a ``<path>`` to a local
file the session keeps (:mod:`.store`), the source's ``<url>`` when it has one, and a
``<shortHash>``; the status is shown as one of the media's groups (how reviewers filter) and read
back from syncd's ``userData`` (:mod:`.meta`), never from groups. A marker ``[syncd:<id>]``
carries a note's id: syncd's link id for a note syncd wrote (``stores_links``), or the ``cs-…``
id given on first sight to a paragraph a user typed.
cineSync has no threads nor authors: a reply follows the paragraph it answers, a name leads the
paragraph, and ``userData`` keeps both. Other systems' attachments are left out
(``expected_note``); a note's own image is its frame's drawings, kept whatever an edit says.
The file is read once per run (merged with syncd's last version when cineSync saved it since,
:mod:`.merge`), written once when the run's writes are done, and journalled until then.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import structlog

from syncd.connectors.base import Endpoint
from syncd.connectors.cinesync.errors import SessionError
from syncd.connectors.cinesync.merge import merge
from syncd.connectors.cinesync.meta import NoteMeta
from syncd.connectors.cinesync.model import Session
from syncd.connectors.cinesync.ops import apply, first_sight, is_minted, mint, usable_id
from syncd.connectors.cinesync.paragraphs import normalize_text
from syncd.connectors.cinesync.sheet import (
    Entry,
    Sheet,
    note_ids,
    now,
    read_sheet,
    stamp,
    write_sheet,
)
from syncd.connectors.cinesync.sketches import DRAWINGS_PREFIX, Sketcher, pin
from syncd.connectors.cinesync.store import Changed, SessionFiles, media_args, sha256_file
from syncd.core.capabilities import Capabilities
from syncd.core.model import (
    Attachment,
    Item,
    LocalMedia,
    MediaRef,
    NewItem,
    NewNote,
    Note,
    NoteContent,
    Person,
    Snapshot,
)
from syncd.errors import NotFound, SkippableError

log = structlog.get_logger("syncd.cinesync")


class CineSyncEndpoint(Endpoint):
    capabilities = Capabilities.everything(
        stores_links=True, has_attachments=False, reply_attachments=False, drawings=DRAWINGS_PREFIX
    )
    """A session holds no files on a note: its only pictures are the drawings of a frame."""

    def __init__(self, name: str, folder: Path, session: str) -> None:
        super().__init__(name)
        self.files = SessionFiles(folder, session)
        self.path = self.files.path
        self.reads = 0
        self._sheet: Sheet | None = None
        self._based_on: bytes | None = None
        self._seen: tuple[int, int, int] | None = None
        self._dirty = False

    # -- the file ------------------------------------------------------------------------------
    def _load(self) -> Sheet:
        """The session as syncd sees it now; read again only when the file changed."""
        signature = self.files.signature()
        if self._sheet is not None and signature == self._seen:
            return self._sheet
        if not self.dry_run:
            self.files.lock()
        self.reads += 1
        raw, theirs = self.files.read()
        if raw is None and self.dry_run and not self.would:
            self.would.append(f"would write the session file {self.path}")
        sheet = read_sheet(theirs if theirs is not None else Session(source=self.path))
        merged = False
        if raw is not None:
            written, ours = self.files.read_written()
            if ours is not None and written != raw:  # cineSync saved it since syncd wrote it
                sheet = merge(sheet, read_sheet(ours))
                merged = True
        replayed = self.files.replay()
        for op, args in replayed:  # writes of a run killed before it wrote the file
            with contextlib.suppress(NotFound):
                apply(sheet, op, args)
        changed = self._housekeep(sheet)
        self._sheet, self._based_on, self._seen = sheet, raw, signature
        self._dirty = self._dirty or changed or merged or bool(replayed)
        self.warnings = list(sheet.warnings)
        return sheet

    def _housekeep(self, sheet: Sheet, saved: dict[str, dict[int, Path]] | None = None) -> bool:
        """Ids for what is new, hashes of what was edited, images of what was drawn."""
        sight = first_sight(sheet, now())
        return pin(sheet, sight.fresh, self._sketcher(), saved) or sight.changed

    def _sketcher(self) -> Sketcher:
        return Sketcher(self.files.drawings, dry_run=self.dry_run, poster=self.posters)

    def _save(self) -> None:
        """Write the file as the sheet says, merging first what cineSync saved meanwhile."""
        if self.dry_run or self._sheet is None:
            return
        for _ in range(5):
            try:
                data = self.files.save(write_sheet(self._sheet), based_on=self._based_on)
                break
            except Changed:
                self._load()  # read again: that file, merged with ours, plus the journal
        else:
            raise SessionError(f"{self.path}: the session file keeps changing; try again later")
        self.files.clear_journal()
        self._based_on, self._seen, self._dirty = data, self.files.signature(), False

    def _write(self, op: str, args: dict[str, Any]) -> Sheet:
        """One write: in memory now, in the journal on disk before it is answered."""
        sheet = self._load()
        apply(sheet, op, args)
        self.files.append(op, args)
        self._dirty = True
        return sheet

    def settle(self) -> None:
        """Save the ids and images the reads gave, unless a run's writes will save them."""
        if self._dirty:
            self._save()

    def flush(self) -> None:
        """The run's writes are done: write the file once, then let other processes in (also
        when it cannot be written: the journal keeps the writes, and a service keeps this
        endpoint open between runs)."""
        try:
            if self._dirty:
                self._save()
        finally:
            self.files.unlock()

    def close(self) -> None:
        try:
            self.flush()
        except SessionError as exc:  # the journal keeps the writes for the next run
            log.warning("session file not written", file=str(self.path), error=str(exc))
        finally:
            self.files.unlock()

    # -- the session to ours -------------------------------------------------------------------
    def snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        sheet = self._load()
        if self._dirty and not self.hold_housekeeping:
            self._save()
        notes = note_ids(sheet)
        return Snapshot(
            items=tuple(self._item(e) for e in sheet.items()),
            notes=tuple(n for e in sheet.items() for n in self._notes(e, notes)),
        )

    def check(self) -> str:
        snap = self.snapshot()
        if not self.path.exists():
            return f"{self.path}: no session file yet (the first run writes it)"
        return f"{self.path}: {len(snap.items)} media, {len(snap.notes)} notes"

    def request_count(self) -> int:
        return self.reads

    def _item(self, entry: Entry) -> Item:
        data = entry.data
        assert data is not None
        media = None
        if data.media is not None:
            media = MediaRef(data.media.sha256, data.media.name, data.media.sha256)
        else:
            found = entry.media.locators
            token = next(iter((*found.paths, *found.urls, *found.short_hashes)), None)
            if token is not None:
                media = MediaRef(token, token.replace("\\", "/").rsplit("/", 1)[-1])
        link = None if is_minted(data.id) else data.id
        return Item(data.id, entry.name, data.status, media, link=link)

    def _notes(self, entry: Entry, notes: set[str]) -> list[Note]:
        data = entry.data
        assert data is not None
        sketcher = self._sketcher()
        images: dict[str, list[Attachment]] = {}
        for frame, image in sorted(data.frames.items()):
            if frame in entry.drawings:
                images.setdefault(image.note, []).append(sketcher.attachment(entry, frame, image))
        out = [
            self._note(entry, p.id, p.text, p.frame, p.author, images, notes)
            for p in entry.paras
            if p.id is not None
        ]
        written = {p.id for p in entry.paras}
        for frame, image in sorted(data.frames.items()):
            if image.alone and image.note not in written and frame in entry.drawings:
                out.append(self._note(entry, image.note, "", frame, None, images, notes))
        return out

    def _note(
        self,
        entry: Entry,
        ident: str,
        text: str,
        frame: int | None,
        shown: str | None,
        images: dict[str, list[Attachment]],
        notes: set[str],
    ) -> Note:
        assert entry.data is not None
        meta = entry.data.notes.get(ident) or NoteMeta("")
        name = None if shown == meta.email else shown  # an address stood in for a name
        author = Person(meta.email, name) if meta.email or name else None
        parent = meta.parent if meta.parent in notes and meta.parent != ident else None
        created = stamp(meta.created)
        return Note(
            id=ident,
            item=entry.data.id,
            text=text,
            parent=parent,
            author=author,
            frame=frame,
            created=created,
            modified=stamp(meta.edited) or created,
            link=None if is_minted(ident) else ident,
            attachments=tuple(images.get(ident, ())),
        )

    def _find_note(self, note_id: str) -> Note:
        sheet = self._load()
        entry, _ = sheet.find_note(note_id)
        found = next((n for n in self._notes(entry, note_ids(sheet)) if n.id == note_id), None)
        if found is None:
            raise NotFound(f"{self.path}: no note {note_id}")
        return found

    def fetch_attachment(self, attachment: Attachment, dest_dir: Path) -> LocalMedia:
        """The picture of a frame's drawings, as the session keeps it."""
        path = attachment.path
        if path is None or not path.is_file():
            raise SkippableError(
                f"{self.name}: the picture {attachment.filename!r} of a frame's drawings is "
                "missing; the next run draws it again"
            )
        sha, size = attachment.sha256, attachment.size
        if not sha or size is None:
            digest = hashlib.sha256(path.read_bytes())
            sha, size = digest.hexdigest(), path.stat().st_size
        return LocalMedia(path, sha, attachment.filename, size)

    def fetch_media(self, item: Item, dest_dir: Path) -> LocalMedia:
        """The local file a ``<path>`` locator names (checked against what syncd put there)."""
        entry = self._load().entry(item.id)
        record = entry.data.media if entry.data is not None else None
        for located in entry.media.locators.paths:
            path = Path(located)
            if path.is_file():
                sha, size = sha256_file(path)
                if record is not None and sha != record.sha256:
                    raise SkippableError(f"{self.path}: {path} is no longer the media syncd set")
                return LocalMedia(path, sha, record.name if record else path.name, size)
        raise SkippableError(f"{self.path}: media {item.name!r} has no local file to read")

    # -- ours to the session -------------------------------------------------------------------
    def create_item(self, item: NewItem) -> Item:
        taken = {e.data.id for e in self._load().items() if e.data is not None}
        ident = item.link if usable_id(item.link, taken) else mint(taken, "item", item.link)
        args = {"id": ident, "name": item.name, "status": item.status}
        args["media"] = media_args(self._keep(item.media))
        return self._item(self._write("create_item", args).entry(ident))

    def set_status(self, item_id: str, status: str) -> Item:
        self._load().entry(item_id)
        return self._item(
            self._write("set_status", {"id": item_id, "status": status}).entry(item_id)
        )

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        self._load().entry(item_id)
        sheet = self._write("set_media", {"id": item_id, "media": media_args(self._keep(media))})
        return self._item(sheet.entry(item_id))

    def _keep(self, media: LocalMedia | None) -> LocalMedia | None:
        """The session's own copy of ``media`` (what the engine gives may not last)."""
        return None if media is None else self.files.keep_media(media)

    def set_order(self, item_ids: list[str]) -> list[str]:
        sheet = self._write("set_order", {"ids": list(item_ids)})
        return [e.data.id for e in sheet.items() if e.data is not None]

    def delete_item(self, item_id: str) -> None:
        self._load().entry(item_id)
        self._write("delete_item", {"id": item_id})

    def create_note(self, note: NewNote) -> Note:
        sheet = self._load()
        sheet.entry(note.item)
        taken = note_ids(sheet)
        if note.parent is not None and note.parent not in taken:
            raise NotFound(f"{self.path}: no note {note.parent} to answer")
        ident = note.link if usable_id(note.link, taken) else mint(taken, "note", note.link)
        author = note.author
        args = {
            "id": ident,
            "item": note.item,
            "text": note.text,
            "frame": note.frame,
            "author": (author.name or author.email) if author else None,
            "email": author.email if author else None,
            "parent": note.parent,
            "at": note.created.isoformat() if note.created else now(),
        }
        self._write("create_note", args)
        return self._find_note(ident)

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        self._load().find_note(note_id)
        args = {"id": note_id, "text": content.text, "frame": content.frame}
        self._write("update_note", args)
        return self._find_note(note_id)

    def delete_note(self, note_id: str) -> None:
        self._load().find_note(note_id)
        self._write("delete_note", {"id": note_id})

    # -- what a faithful write reads back as ------------------------------------------------
    def expected_note(self, note: NewNote) -> NewNote:
        """cineSync holds the text as a paragraph (no blank lines inside, no trailing spaces),
        frames from 1, and no attachments: a note's only image is its frame's drawings."""
        content = self.expected_content(note.content)
        return replace(note, text=content.text, frame=content.frame, attachments=())

    def expected_content(self, content: NoteContent, note_id: str | None = None) -> NoteContent:
        """The content as the session holds it; an edit of note ``note_id`` keeps its image
        (the drawings of its frame stay in the session)."""
        frame = content.frame if content.frame is not None and content.frame >= 1 else None
        held: tuple[Attachment, ...] = ()
        if note_id is not None:
            with contextlib.suppress(NotFound):
                held = self._find_note(note_id).attachments
        return NoteContent(normalize_text(content.text), frame, held)

    # -- an event's live session --------------------------------------------------------------
    def current(self) -> Sheet:
        """The session as syncd sees it now (read, merged, journal replayed)."""
        return self._load()

    def adopt(self, sheet: Sheet, saved: dict[str, dict[int, Path]] | None = None) -> None:
        """Make ``sheet`` the session and write it: ids, hashes and images first (``saved``:
        the frames an event's cineSync saved, by media name and frame)."""
        self._housekeep(sheet, saved)
        self._sheet, self._dirty = sheet, True
        self._save()

    def notes_of(self, sheet: Sheet) -> list[Note]:
        notes = note_ids(sheet)
        return [n for e in sheet.items() for n in self._notes(e, notes)]
