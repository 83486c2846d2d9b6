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
            replies:
              - text: Done in v3.

Add an item or a note by writing it; edit text, status or order in place; syncd adds the ``id``
and ``syncd`` keys it needs on its next run (do not edit those). Writes are atomic (a temporary
file renamed over the old one), so a crash never leaves half a file. A file that does not read as
a review (a note without text, a frame of 0, two items with one name...) is refused whole, with
the line to fix: see ``review_file``.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from syncd.connectors.base import Endpoint
from syncd.connectors.file.document import Doc, author, author_text, now, sha256_file, stamp
from syncd.connectors.file.review_file import read_review_file
from syncd.core.capabilities import Capabilities
from syncd.core.model import (
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
        self._cache: tuple[tuple[int, int, int], dict[str, Any]] | None = None
        self._unsaved: tuple[tuple[int, int, int] | None, Doc] | None = None

    # -- the file ------------------------------------------------------------------------------
    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _load(self) -> Doc:
        """The parsed file; reused while the file on disk is the one this endpoint wrote last.

        Each write rewrites the file (atomically), so reparsing it before every write would make
        a run quadratic in the size of the review.
        """
        self.reads += 1
        signature = self._signature()
        if signature is None:
            return Doc({"review": self.review, "items": []})
        if self._cache is not None and self._cache[0] == signature:
            return Doc(self._cache[1])
        try:
            data = read_review_file(self.path)  # checked whole: a bad file is refused whole
        except FileNotFoundError:
            return Doc({"review": self.review, "items": []})
        except OSError as exc:
            raise FatalError(f"{self.path}: cannot read the review file: {exc.strerror}") from None
        self._cache = (signature, data)
        return Doc(data)

    def _save(self, doc: Doc) -> None:
        self._cache = None
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
            raise
        signature = self._signature()
        if signature is not None:
            self._cache = (signature, doc.data)

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
        )

    def snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        doc = self._load()
        if self._assign_ids(doc) and not self.dry_run:
            if self.hold_housekeeping:
                self._unsaved = (self._signature(), doc)
            else:
                self._save(doc)
        items = tuple(self._item(i) for i in doc.items if isinstance(i, dict))
        notes = tuple(self._note(item, note, parent) for item, note, parent in doc.walk_notes())
        return Snapshot(items=items, notes=notes)

    def settle(self) -> None:
        """Save the ids the last snapshot gave new items and notes, unless the file changed."""
        if self._unsaved is None or self.dry_run:
            return
        signature, doc = self._unsaved
        self._unsaved = None
        if self._signature() != signature:
            raise FatalError(f"{self.path}: the file changed while syncd read it; rerun")
        self._save(doc)

    def check(self) -> str:
        snap = self.snapshot()
        return f"{self.path}: {len(snap.items)} items, {len(snap.notes)} notes"

    def request_count(self) -> int:
        return self.reads

    # -- canonical to ours -----------------------------------------------------------------------
    def _find_item(self, doc: Doc, item_id: str) -> dict[str, Any]:
        for item in doc.items:
            if isinstance(item, dict) and str(item.get("id")) == item_id:
                return item
        raise NotFound(f"{self.path}: no item {item_id}")

    def _find_note(
        self, doc: Doc, note_id: str
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
        for item, note, parent in doc.walk_notes():
            if str(note.get("id")) == note_id:
                return item, note, parent
        raise NotFound(f"{self.path}: no note {note_id}")

    def _store_media(self, media: LocalMedia) -> dict[str, Any]:
        self.media_folder.mkdir(parents=True, exist_ok=True)
        target = self.media_folder / f"{media.sha256[:16]}-{_SAFE.sub('_', media.filename)}"
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".part")
            shutil.copyfile(media.path, tmp)
            os.replace(tmp, target)
        return {"file": str(target.relative_to(self.folder)), "sha256": media.sha256}

    def fetch_media(self, item: Item, dest_dir: Path) -> LocalMedia:
        if item.media is None:
            raise NotFound(f"{self.path}: item {item.name} has no media")
        source = self.folder / item.media.token
        if not source.is_file():
            raise SkippableError(f"{self.path}: media file {source} is missing")
        sha, size = sha256_file(source)
        return LocalMedia(source, sha, source.name, size)

    def create_item(self, item: NewItem) -> Item:
        doc = self._load()
        self._assign_ids(doc)
        data: dict[str, Any] = {"name": item.name}
        if item.status is not None:
            data["status"] = item.status
        if item.media is not None:
            data["media"] = self._store_media(item.media)
        data["syncd"] = item.link
        doc.items.append(data)
        self._assign_ids(doc)
        self._save(doc)
        return self._item(data)

    def set_status(self, item_id: str, status: str) -> Item:
        doc = self._load()
        data = self._find_item(doc, item_id)
        data["status"] = status
        self._save(doc)
        return self._item(data)

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        doc = self._load()
        data = self._find_item(doc, item_id)
        data["media"] = self._store_media(media)
        self._save(doc)
        return self._item(data)

    def set_order(self, item_ids: list[str]) -> list[str]:
        doc = self._load()
        position = {iid: n for n, iid in enumerate(item_ids)}
        doc.data["items"] = sorted(
            doc.items,
            key=lambda i: position.get(
                str(i.get("id")) if isinstance(i, dict) else "", len(position)
            ),
        )
        self._save(doc)
        return [str(i["id"]) for i in doc.items if isinstance(i, dict)]

    def delete_item(self, item_id: str) -> None:
        doc = self._load()
        self._find_item(doc, item_id)
        doc.data["items"] = [
            i for i in doc.items if not (isinstance(i, dict) and str(i.get("id")) == item_id)
        ]
        self._save(doc)

    def create_note(self, note: NewNote) -> Note:
        doc = self._load()
        self._assign_ids(doc)
        item = self._find_item(doc, note.item)
        data: dict[str, Any] = {"text": note.text}
        if (author := author_text(note.author)) is not None:
            data["author"] = author
        if note.frame is not None:
            data["frame"] = note.frame
        data["at"] = (note.created or now()).isoformat()
        data["syncd"] = note.link
        parent = None
        if note.parent is not None:
            _, parent, _ = self._find_note(doc, note.parent)
            parent.setdefault("replies", []).append(data)
        else:
            item.setdefault("notes", []).append(data)
        self._assign_ids(doc)
        self._save(doc)
        return self._note(item, data, parent)

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        doc = self._load()
        item, data, parent = self._find_note(doc, note_id)
        data["text"] = content.text
        if content.frame is None:
            data.pop("frame", None)
        else:
            data["frame"] = content.frame
        data["edited"] = now().isoformat()
        self._save(doc)
        return self._note(item, data, parent)

    def expected_note(self, note: NewNote) -> NewNote:
        """A review file holds no attachments yet: a note arrives without them."""
        return replace(note, attachments=())

    def expected_content(self, content: NoteContent) -> NoteContent:
        return replace(content, attachments=())

    def delete_note(self, note_id: str) -> None:
        doc = self._load()
        item, data, parent = self._find_note(doc, note_id)
        siblings = parent.get("replies", []) if parent else item.get("notes", [])
        siblings.remove(data)
        self._save(doc)
