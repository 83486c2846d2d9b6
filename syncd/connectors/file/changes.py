"""A run's writes to a review file: applied in memory, logged as they land, saved once.

Rewriting the whole YAML file for every note would make a run quadratic in the size of the
review. Instead each write is applied to the parsed file in memory and appended, as one JSON
line, to a pending log beside it (``<review>.yaml.pending``, flushed to disk before the write
counts as done); the file itself is rewritten once, atomically, at the end of the run (or every
``SAVE_EVERY`` writes), and the log is then removed. A run killed in between leaves the log: the
next read of the file replays it first, so a write syncd recorded is never lost. Replaying is
idempotent (creations carry their ids and are skipped when present), so a log that was already
half applied, or a file a person edited since, comes out right.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import IO, Any

from syncd.connectors.file.document import Doc
from syncd.errors import FatalError, NotFound

SAVE_EVERY = 1000
"""Writes after which the file is saved even in the middle of a run (bounds the log)."""

Entry = tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]
"""(item, note, parent note) of a note in the parsed file."""


class Index:
    """Items and notes of a parsed file by id, kept up to date as writes change it."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.items: dict[str, dict[str, Any]] = {}
        self.notes: dict[str, Entry] = {}
        for item in doc.items:
            if isinstance(item, dict) and item.get("id"):
                self.items[str(item["id"])] = item
        for item, note, parent in doc.walk_notes():
            if note.get("id"):
                self.notes[str(note["id"])] = (item, note, parent)
        self.used = set(self.items) | set(self.notes)
        self._counter = 0

    def fresh(self, prefix: str) -> str:
        while True:
            self._counter += 1
            candidate = f"{prefix}{self._counter}"
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate

    def item(self, item_id: str, where: Path) -> dict[str, Any]:
        try:
            return self.items[item_id]
        except KeyError:
            raise NotFound(f"{where}: no item {item_id}") from None

    def note(self, note_id: str, where: Path) -> Entry:
        try:
            return self.notes[note_id]
        except KeyError:
            raise NotFound(f"{where}: no note {note_id}") from None

    # -- the writes, as plain data changes (what the pending log replays) -----------------------
    def apply(self, change: dict[str, Any], where: Path) -> None:
        """Apply one logged change; one that already took effect changes nothing."""
        match change["op"]:
            case "create_item":
                data = change["data"]
                if str(data["id"]) not in self.items:
                    self.doc.items.append(data)
                    self.items[str(data["id"])] = data
                    self.used.add(str(data["id"]))
            case "set_item":
                self.item(change["id"], where).update(change["fields"])
            case "order":
                position = {iid: n for n, iid in enumerate(change["ids"])}
                self.doc.data["items"] = sorted(
                    self.doc.items,
                    key=lambda i: position.get(
                        str(i.get("id")) if isinstance(i, dict) else "", len(position)
                    ),
                )
            case "delete_item":
                gone = change["id"]
                self.doc.data["items"] = [
                    i
                    for i in self.doc.items
                    if not (isinstance(i, dict) and str(i.get("id")) == gone)
                ]
                self.items.pop(gone, None)
                for note_id in [
                    n for n, (item, _, _) in self.notes.items() if str(item.get("id")) == gone
                ]:
                    del self.notes[note_id]
            case "create_note":
                data = change["data"]
                if str(data["id"]) in self.notes:
                    return
                item = self.item(change["item"], where)
                parent = None
                if change.get("parent") is not None:
                    _, parent, _ = self.note(change["parent"], where)
                    parent.setdefault("replies", []).append(data)
                else:
                    item.setdefault("notes", []).append(data)
                self.notes[str(data["id"])] = (item, data, parent)
                self.used.add(str(data["id"]))
            case "update_note":
                _, note, _ = self.note(change["id"], where)
                note.update(change["fields"])
                for key in change.get("drop", ()):
                    note.pop(key, None)
            case "delete_note":
                found = self.notes.get(change["id"])
                if found is None:
                    return
                item, note, parent = found
                siblings = parent.get("replies", []) if parent else item.get("notes", [])
                with contextlib.suppress(ValueError):
                    siblings.remove(note)
                self._forget(note)
            case other:
                raise FatalError(f"{where}: unknown change {other!r} in the pending log")

    def _forget(self, note: dict[str, Any]) -> None:
        self.notes.pop(str(note.get("id")), None)
        for reply in note.get("replies") or []:
            if isinstance(reply, dict):
                self._forget(reply)


class PendingLog:
    """The changes of a run not yet saved into the file, one JSON line each, synced to disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def exists(self) -> bool:
        return self.path.exists()

    def append(self, change: dict[str, Any]) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
        self._handle.write(json.dumps(change, ensure_ascii=False, default=str) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def read(self) -> list[dict[str, Any]]:
        """The logged changes; a last line cut short by a crash was never acknowledged."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise FatalError(f"{self.path}: cannot read syncd's pending changes: {exc}") from None
        out: list[dict[str, Any]] = []
        for number, line in enumerate(lines, 1):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                if number == len(lines):
                    break
                raise FatalError(
                    f"{self.path}:{number}: syncd's log of changes not yet saved into the review "
                    "file is damaged on this line; restore the file from a backup (removing "
                    "it loses the changes it holds)"
                ) from None
        return out

    def clear(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
