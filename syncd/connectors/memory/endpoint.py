"""An in-memory review, for tests: the reference connector with every capability.

Tests reach into ``MemoryReview`` to play the user (edit, reply, reorder) and set ``faults`` to
make the next writes fail or crash, which is how the property tests hammer the engine.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from syncd.connectors.base import Endpoint
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
    Snapshot,
)
from syncd.errors import NotFound, RetriableError

REVIEWS: dict[str, MemoryReview] = {}
"""Named reviews that ``type: memory`` systems in a configuration resolve to (tests only)."""


class Crash(BaseException):
    """Simulates the process dying: not an Exception, so nothing in syncd catches it."""


@dataclass
class MemoryReview:
    name: str = "review"
    items: list[Item] = field(default_factory=list)
    notes: dict[str, Note] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    fault: Callable[[str, str], str | None] | None = None
    """Called with (operation, phase) before and after each write: return "fail" or "crash"."""
    clock: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    writes: int = 0
    written: set[str] = field(default_factory=set)
    """Ids of the notes syncd wrote here (as opposed to a user)."""
    hiccup: frozenset[str] | None = None
    """The next snapshot leaves out the notes of these items (every item when empty): a
    listing that came back wrong, as a proxy or an API on a bad day may answer."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def tick(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    # -- what a user does -------------------------------------------------------------------
    def add_item(self, name: str, status: str | None = None, media: bytes | None = None) -> Item:
        ref = self._store_blob(media) if media is not None else None
        item = Item(id=self.next_id("i"), name=name, status=status, media=ref, modified=self.tick())
        self.items.append(item)
        return item

    def add_note(
        self,
        item: str,
        text: str,
        parent: str | None = None,
        frame: int | None = None,
        files: dict[str, bytes] | None = None,
    ) -> Note:
        now = self.tick()
        note = Note(
            id=self.next_id("n"),
            item=item,
            text=text,
            parent=parent,
            frame=frame,
            created=now,
            modified=now,
            attachments=tuple(self.attach(name, data) for name, data in (files or {}).items()),
        )
        self.notes[note.id] = note
        return note

    def edit_note(self, note_id: str, text: str, files: dict[str, bytes] | None = None) -> None:
        note = self.notes[note_id]
        attachments = note.attachments
        if files is not None:
            attachments = tuple(self.attach(name, data) for name, data in files.items())
        self.notes[note_id] = replace(
            note, text=text, attachments=attachments, modified=self.tick()
        )

    def attach(self, filename: str, data: bytes) -> Attachment:
        """A file as a note of this review holds it (known by its hash, as a user added it)."""
        sha = hashlib.sha256(data).hexdigest()
        self.blobs[sha] = data
        return Attachment(filename, sha, self.next_id("f"), len(data))

    def remove_note(self, note_id: str) -> None:
        doomed = {note_id}
        changed = True
        while changed:
            changed = False
            for n in self.notes.values():
                if n.parent in doomed and n.id not in doomed:
                    doomed.add(n.id)
                    changed = True
        for nid in doomed:
            self.notes.pop(nid, None)

    def set_item_status(self, item_id: str, status: str) -> None:
        self.items = [
            replace(i, status=status, modified=self.tick()) if i.id == item_id else i
            for i in self.items
        ]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFound(f"no item {item_id}")

    def _store_blob(self, data: bytes) -> MediaRef:
        sha = hashlib.sha256(data).hexdigest()
        self.blobs[sha] = data
        return MediaRef(token=sha[:16], filename=f"{sha[:8]}.bin", sha256=sha)


class MemoryEndpoint(Endpoint):
    capabilities = Capabilities.everything()

    def _files(self, wanted: tuple[Attachment, ...], held: tuple[Attachment, ...]) -> tuple:
        """Upload what has a path, keep what is held by token, drop the rest."""
        by_token = {a.token: a for a in held}
        out = []
        for att in wanted:
            if att.path is not None:
                data = att.path.read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                self.review.blobs[sha] = data
                out.append(Attachment(att.filename, sha, self.review.next_id("f"), len(data)))
            elif att.token in by_token:
                out.append(by_token[att.token])
        return tuple(out)

    def fetch_attachment(self, attachment: Attachment, dest_dir: Path) -> LocalMedia:
        data = self.review.blobs.get(attachment.sha256 or "")
        if data is None:
            raise NotFound(f"{self.name}: no file {attachment.filename}")
        path = dest_dir / f"{attachment.token}-{attachment.filename}"
        path.write_bytes(data)
        return LocalMedia(path, hashlib.sha256(data).hexdigest(), attachment.filename, len(data))

    def __init__(self, name: str, review: MemoryReview) -> None:
        super().__init__(name)
        self.review = review
        self.requests = 0

    def _guard(self, op: str, phase: str) -> None:
        if self.review.fault is None:
            return
        verdict = self.review.fault(op, phase)
        if verdict == "fail":
            raise RetriableError(f"{self.name}: injected failure in {op}")
        if verdict == "crash":
            raise Crash(f"{self.name}: injected crash {phase} {op}")

    def _write(self, op: str, apply: Callable[[], Any]) -> Any:
        self._guard(op, "before")
        result = apply()
        self.review.writes += 1
        self._guard(op, "after")
        return result

    def snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        self.requests += 1
        notes = tuple(self.review.notes.values())
        hiccup, self.review.hiccup = self.review.hiccup, None
        if hiccup is not None:
            notes = tuple(n for n in notes if hiccup and n.item not in hiccup)
        return Snapshot(items=tuple(self.review.items), notes=notes)

    def request_count(self) -> int:
        return self.requests

    def fetch_media(self, item: Item, dest_dir: Path) -> LocalMedia:
        if item.media is None or item.media.sha256 not in self.review.blobs:
            raise NotFound(f"{self.name}: item {item.id} has no media")
        data = self.review.blobs[item.media.sha256]
        path = dest_dir / f"{item.media.sha256}.bin"
        path.write_bytes(data)
        return LocalMedia(path, item.media.sha256, item.media.filename or path.name, len(data))

    def create_item(self, item: NewItem) -> Item:
        def apply() -> Item:
            media = None
            if item.media is not None:
                media = self.review._store_blob(item.media.path.read_bytes())
            created = Item(
                id=self.review.next_id("i"),
                name=item.name,
                status=item.status,
                media=media,
                modified=self.review.tick(),
            )
            self.review.items.append(created)
            return created

        return self._write("create_item", apply)

    def set_status(self, item_id: str, status: str) -> Item:
        def apply() -> Item:
            self.review.item(item_id)
            self.review.set_item_status(item_id, status)
            return self.review.item(item_id)

        return self._write("set_status", apply)

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        def apply() -> Item:
            ref = self.review._store_blob(media.path.read_bytes())
            self.review.items = [
                replace(i, media=ref, modified=self.review.tick()) if i.id == item_id else i
                for i in self.review.items
            ]
            return self.review.item(item_id)

        return self._write("set_media", apply)

    def set_order(self, item_ids: list[str]) -> list[str]:
        def apply() -> list[str]:
            position = {iid: n for n, iid in enumerate(item_ids)}
            self.review.items.sort(key=lambda i: position.get(i.id, len(position)))
            return [i.id for i in self.review.items]

        return self._write("set_order", apply)

    def delete_item(self, item_id: str) -> None:
        def apply() -> None:
            self.review.item(item_id)
            self.review.items = [i for i in self.review.items if i.id != item_id]
            for note in [n for n in self.review.notes.values() if n.item == item_id]:
                self.review.notes.pop(note.id, None)

        self._write("delete_item", apply)

    def create_note(self, note: NewNote) -> Note:
        def apply() -> Note:
            self.review.item(note.item)
            if note.parent is not None and note.parent not in self.review.notes:
                raise NotFound(f"no note {note.parent}")
            now = self.review.tick()
            created = Note(
                id=self.review.next_id("n"),
                item=note.item,
                text=note.text,
                parent=note.parent,
                author=note.author,
                frame=note.frame,
                created=note.created or now,
                modified=now,
                attachments=self._files(note.attachments, ()),
            )
            self.review.notes[created.id] = created
            self.review.written.add(created.id)
            return created

        return self._write("create_note", apply)

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        def apply() -> Note:
            if note_id not in self.review.notes:
                raise NotFound(f"no note {note_id}")
            held = self.review.notes[note_id]
            self.review.notes[note_id] = replace(
                held,
                text=content.text,
                frame=content.frame,
                attachments=self._files(content.attachments, held.attachments),
                modified=self.review.tick(),
            )
            return self.review.notes[note_id]

        return self._write("update_note", apply)

    def delete_note(self, note_id: str) -> None:
        def apply() -> None:
            if note_id not in self.review.notes:
                raise NotFound(f"no note {note_id}")
            self.review.remove_note(note_id)

        self._write("delete_note", apply)


def open_memory_endpoint(name: str, system: dict[str, Any], selector: dict[str, Any]) -> Endpoint:
    key = str(selector.get("review", name))
    return MemoryEndpoint(name, REVIEWS.setdefault(key, MemoryReview(key)))


def copy_media(src: Path, dest: Path) -> None:
    shutil.copyfile(src, dest)
