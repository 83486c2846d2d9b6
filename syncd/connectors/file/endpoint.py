"""A review as a YAML file a person can read, edit and sync back (``type: file``).

One file per review, ``<path>/<review>.yaml``; media next to it in ``<path>/media/``::

    review: dailies
    items:
      - name: sh010
        status: wfa
        media: {file: media/3f2a…-sh010.png, sha256: 3f2a…}
        notes:
          - text: Tighten the arc.
            author: Alice Smith <alice@studio.example>
            frame: 12
            attachments:
              - paintovers/sh010-arc.png
            replies:
              - text: Done in v3.

Add an item or a note by writing it; edit text, status or order in place; syncd adds the ``id``
and ``syncd`` keys it needs on its next run (do not edit those). A note's files are listed under
``attachments:`` by their path from the review file's folder; files from other systems are
copied to ``<path>/attachments/`` (named by the start of their content hash) and listed so. A
run's writes are logged as they land and saved into the file once, at the end of the run
(``changes``); saving is atomic (a temporary file renamed over the old one), so a crash never
leaves half a file, and a log left by a crash is replayed before the file is next read. A file
that does not read as a review (a note without text, a frame of 0, two items with one name...)
is refused whole, with the line to fix: see ``review_file``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from syncd.connectors.base import Endpoint
from syncd.connectors.file.attachments import NoteFiles, listed
from syncd.connectors.file.changes import SAVE_EVERY, Index, PendingLog
from syncd.connectors.file.document import (
    Doc,
    author,
    author_text,
    now,
    sha256_file,
    stamp,
)
from syncd.connectors.file.review_file import read_review_file
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
from syncd.errors import FatalError, NotFound, SkippableError

HEADER = (
    "# syncd review file: edit notes, statuses and order here, add items and notes by writing\n"
    "# them; syncd picks the changes up on its next run. Leave the id and syncd keys alone.\n"
)
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
# libyaml's emitter when PyYAML was built with it: several times faster
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class FileEndpoint(Endpoint):
    capabilities = Capabilities.everything(stores_links=True)

    def __init__(self, name: str, folder: Path, review: str) -> None:
        super().__init__(name)
        self.folder = folder
        self.review = review
        self.path = folder / f"{_SAFE.sub('_', review)}.yaml"
        self.media_folder = folder / "media"
        self.reads = 0
        self.files = NoteFiles(folder, self.path)
        self.pending = PendingLog(self.path.with_name(self.path.name + ".pending"))
        self._work: tuple[tuple[int, int, int] | None, Doc, Index] | None = None
        """The file as this endpoint last read or wrote it: its signature on disk, the parsed
        data with this run's unsaved changes, and its index."""
        self._unsaved: list[dict[str, Any]] = []
        """This run's changes not yet saved into the file (also in the pending log)."""
        self._ids_unsaved: tuple[tuple[int, int, int] | None, Doc] | None = None

    # -- the file ------------------------------------------------------------------------------
    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _parse(self) -> Doc:
        self.reads += 1
        try:
            data = read_review_file(self.path)  # checked whole: a bad file is refused whole
        except FileNotFoundError:
            return Doc({"review": self.review, "items": []})
        except OSError as exc:
            raise FatalError(f"{self.path}: cannot read the review file: {exc.strerror}") from None
        return Doc(data)

    def _load(self) -> Doc:
        """The file as it is on disk now, with every change syncd made to it applied.

        Parsed again only when the file on disk changed (a person saved it); this run's unsaved
        changes, and those a crashed run left in the pending log, are applied on top.
        """
        signature = self._signature()
        if self._work is not None and self._work[0] == signature:
            return self._work[1]
        doc = self._parse()
        index = Index(doc)
        replay = self._unsaved or self.pending.read()
        for change in replay:
            with contextlib.suppress(NotFound):  # what a person removed since stays removed
                index.apply(change, self.path)
        self._work = (signature, doc, index)
        if replay and not self._unsaved and not self.dry_run:
            self._save(doc)  # a crashed run's writes, saved before anything else
            self.pending.clear()
        return doc

    def _index(self) -> Index:
        self._load()
        assert self._work is not None
        return self._work[2]

    def _write(self, change: dict[str, Any]) -> None:
        """Apply one write: in memory, logged (on disk before it counts as done), saved later."""
        index = self._index()
        index.apply(change, self.path)
        self.pending.append(change)
        self._unsaved.append(change)
        if len(self._unsaved) >= SAVE_EVERY:
            self.flush()

    def flush(self) -> None:
        """Save this run's writes into the file (once per run), then drop the pending log."""
        if not self._unsaved:
            return
        doc = self._load()  # a file a person saved meanwhile gets the changes on top of theirs
        try:
            self._save(doc)
        except OSError as exc:
            raise FatalError(
                f"{self.path}: cannot save the review file ({exc.strerror or exc}); the run's "
                f"changes are kept in {self.pending.path.name} and saved by the next run"
            ) from None
        self._unsaved = []
        self.pending.clear()
        self.files.saved(doc)

    def close(self) -> None:
        self.flush()
        self.pending.close()

    def _save(self, doc: Doc) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        text = HEADER + yaml.dump(
            doc.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
        )
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".syncd-", suffix=".yaml")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            self._work = None
            raise
        self._work = (self._signature(), doc, Index(doc))

    def _assign_ids(self, doc: Doc) -> bool:
        """Give every item and note an id; True when the file needs saving."""
        used = {str(x.get("id")) for x in doc.items if isinstance(x, dict) and x.get("id")}
        used |= {str(n.get("id")) for _, n, _ in doc.walk_notes() if n.get("id")}
        counter = itertools.count(1)
        changed = False

        def fresh(prefix: str) -> str:
            while True:
                candidate = f"{prefix}{next(counter)}"
                if candidate not in used:
                    used.add(candidate)
                    return candidate

        for item in doc.items:
            if isinstance(item, dict) and not item.get("id"):
                item["id"] = fresh("i")
                changed = True
        for _, note, _ in doc.walk_notes():
            if not note.get("id"):
                note["id"] = fresh("n")
                note.setdefault("at", now().isoformat())
                changed = True
        return changed

    # -- ours to canonical -----------------------------------------------------------------------
    def _media(self, item: dict[str, Any]) -> MediaRef | None:
        media = item.get("media")
        if not media:
            return None
        if isinstance(media, str):
            media = {"file": media}
        rel = str(media.get("file", ""))
        path = self.folder / rel
        sha = media.get("sha256")
        if not sha:
            if not path.is_file():
                return None
            sha, _ = sha256_file(path)
        return MediaRef(token=rel, filename=Path(rel).name, sha256=str(sha))

    def _item(self, data: dict[str, Any]) -> Item:
        status = data.get("status")
        return Item(
            id=str(data["id"]),
            name=str(data.get("name", data["id"])),
            status=None if status in (None, "") else str(status),
            media=self._media(data),
            link=data.get("syncd"),
        )

    def _note(
        self, item: dict[str, Any], note: dict[str, Any], parent: dict[str, Any] | None
    ) -> Note:
        frame = note.get("frame")
        return Note(
            id=str(note["id"]),
            item=str(item["id"]),
            text=str(note.get("text") or ""),
            parent=str(parent["id"]) if parent else None,
            author=author(note.get("author")),
            frame=int(frame) if isinstance(frame, int) else None,
            created=stamp(note.get("at")),
            modified=stamp(note.get("edited")) or stamp(note.get("at")),
            link=note.get("syncd"),
            attachments=tuple(self.files.read(e) for e in listed(note)),
        )

    def snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        self.flush()
        doc = self._load()
        if self._assign_ids(doc):
            signature = self._signature()
            if self.dry_run:
                self._work = None  # ids given for this dry run only: read the file afresh
            elif self.hold_housekeeping:
                self._ids_unsaved = (signature, doc)
                self._work = (signature, doc, Index(doc))
            else:
                self._save(doc)
        items = tuple(self._item(i) for i in doc.items if isinstance(i, dict))
        notes = tuple(self._note(item, note, parent) for item, note, parent in doc.walk_notes())
        return Snapshot(items=items, notes=notes)

    def settle(self) -> None:
        """Save the ids the last snapshot gave new items and notes, unless the file changed."""
        if self._ids_unsaved is None or self.dry_run:
            return
        signature, doc = self._ids_unsaved
        self._ids_unsaved = None
        if self._signature() != signature:
            raise FatalError(f"{self.path}: the file changed while syncd read it; rerun")
        self._save(doc)

    def check(self) -> str:
        snap = self.snapshot()
        return f"{self.path}: {len(snap.items)} items, {len(snap.notes)} notes"

    def authorship(self) -> str:
        return "as the author: each note's author: line names who wrote it"

    def request_count(self) -> int:
        return self.reads

    # -- canonical to ours -----------------------------------------------------------------------
    def _store_media(self, media: LocalMedia) -> dict[str, Any]:
        self.media_folder.mkdir(parents=True, exist_ok=True)
        target = self.media_folder / f"{media.sha256[:16]}-{_SAFE.sub('_', media.filename)}"
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".part")
            shutil.copyfile(media.path, tmp)
            os.replace(tmp, target)
        return {"file": str(target.relative_to(self.folder)), "sha256": media.sha256}

    def fetch_attachment(self, attachment: Attachment, dest_dir: Path) -> LocalMedia:
        return self.files.fetch(attachment)

    def fetch_media(self, item: Item, dest_dir: Path) -> LocalMedia:
        if item.media is None:
            raise NotFound(f"{self.path}: item {item.name} has no media")
        source = self.folder / item.media.token
        if not source.is_file():
            raise SkippableError(f"{self.path}: media file {source} is missing")
        sha, size = sha256_file(source)
        return LocalMedia(source, sha, source.name, size)

    def create_item(self, item: NewItem) -> Item:
        data: dict[str, Any] = {"name": item.name}
        if item.status is not None:
            data["status"] = item.status
        if item.media is not None:
            data["media"] = self._store_media(item.media)
        data["syncd"] = item.link
        data = {"id": self._index().fresh("i"), **data}
        self._write({"op": "create_item", "data": data})
        return self._item(data)

    def _set_item(self, item_id: str, fields: dict[str, Any]) -> Item:
        index = self._index()
        index.item(item_id, self.path)
        self._write({"op": "set_item", "id": item_id, "fields": fields})
        return self._item(index.item(item_id, self.path))

    def set_status(self, item_id: str, status: str) -> Item:
        return self._set_item(item_id, {"status": status})

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        self._index().item(item_id, self.path)
        return self._set_item(item_id, {"media": self._store_media(media)})

    def set_order(self, item_ids: list[str]) -> list[str]:
        self._write({"op": "order", "ids": list(item_ids)})
        return [str(i["id"]) for i in self._load().items if isinstance(i, dict)]

    def delete_item(self, item_id: str) -> None:
        self._index().item(item_id, self.path)
        self._write({"op": "delete_item", "id": item_id})

    def create_note(self, note: NewNote) -> Note:
        index = self._index()
        index.item(note.item, self.path)
        if note.parent is not None:
            index.note(note.parent, self.path)
        data: dict[str, Any] = {"id": index.fresh("n"), "text": note.text}
        if (author := author_text(note.author)) is not None:
            data["author"] = author
        if note.frame is not None:
            data["frame"] = note.frame
        data["at"] = (note.created or now()).isoformat()
        data["syncd"] = note.link
        if note.attachments:
            data["attachments"] = self.files.entries({}, note.attachments)
        self._write({"op": "create_note", "item": note.item, "parent": note.parent, "data": data})
        return self._note(*index.note(str(data["id"]), self.path))

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        index = self._index()
        index.note(note_id, self.path)
        fields: dict[str, Any] = {"text": content.text, "edited": now().isoformat()}
        drop: list[str] = []
        if content.frame is None:
            drop.append("frame")
        else:
            fields["frame"] = content.frame
        _, held, _ = index.note(note_id, self.path)
        files = self.files.entries(held, content.attachments)
        if files:
            fields["attachments"] = files
        else:
            drop.append("attachments")
        self._write({"op": "update_note", "id": note_id, "fields": fields, "drop": drop})
        return self._note(*index.note(note_id, self.path))

    def delete_note(self, note_id: str) -> None:
        self._index().note(note_id, self.path)
        self._write({"op": "delete_note", "id": note_id})
