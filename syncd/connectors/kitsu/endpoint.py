"""Kitsu: one playlist (and one task type) of one project as a syncd review.

How Kitsu's objects become ours:

* an item is a playlist entry: the entity (a shot) with the preview the playlist shows; its status
  is the short name of the entity's task of the mapping's task type;
* notes are that task's comments, replies are notes whose parent is the comment. Kitsu comments
  have no frame field and syncd writes as its own account, so author and frame travel in a short
  header (``syncd.connectors.notetext``). In Kitsu a status change *is* a comment carrying the new
  status: a comment with no text only changes the status (or carries a preview) and is no note;
* order is the playlist's ``shots`` order.

Reads are incremental: the event log says which tasks, previews or playlist changed since the
cursor, and only those are read again; the lookup tables (entity -> task, people, statuses) ride
along in ``Snapshot.extra`` so a quiet cycle costs the single event-log request.

This module holds the writes; reading lives in ``read``, the lookups in ``model``, the event
cursor in ``feed`` and the REST/auth layer in ``api``. Writes may run side by side
(``write_concurrency``): what they share, the playlist's entry list, is rewritten under
``playlist_lock``.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from syncd.connectors import notetext
from syncd.connectors.kitsu.api import SYSTEM
from syncd.connectors.kitsu.feed import parse_time
from syncd.connectors.kitsu.model import media_ref, upload_name
from syncd.connectors.kitsu.read import KitsuReader
from syncd.core.capabilities import Capabilities
from syncd.core.fingerprints import normalize_text
from syncd.core.model import (
    Item,
    LocalMedia,
    MediaRef,
    NewItem,
    NewNote,
    Note,
    NoteContent,
    Person,
)
from syncd.errors import NotFound, SkippableError, SyncdError

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class KitsuEndpoint(KitsuReader):
    capabilities = Capabilities.everything(has_cursor=True)

    # -- writing -----------------------------------------------------------------------------------
    def _task_of(self, entity: str) -> str:
        task = self._tables().tasks.get(entity)
        if task is None:
            raise NotFound(f"{self.name}: entity {entity} is not in the playlist")
        return task

    def _post_comment(self, task: str, text: str, status_id: str | None = None) -> dict[str, Any]:
        """A comment keeps the task's current status unless told otherwise (read fresh, since
        posting a stale status would silently revert someone's change)."""
        if status_id is None:
            status_id = self.api.get(f"/data/tasks/{task}")["task_status_id"]
        body = {"task_status_id": status_id, "comment": text}
        known = (
            {c["id"] for c in self.api.get(f"/data/tasks/{task}/comments")} if not text else None
        )
        return self.api.post_once(
            f"/actions/tasks/{task}/comment",
            body,
            lambda: self._find_comment(task, text, status_id, known),
        )

    def _find_comment(
        self, task: str, text: str, status_id: str, known: set[str] | None
    ) -> dict[str, Any] | None:
        """The comment a POST whose answer was lost may have made: same words, by syncd.

        A comment without words (a status change, a preview's carrier) is told apart by the
        ids the task had before it was sent.
        """
        me = (self.api.user or {}).get("id")
        seen = {n.id for n in self.review.notes.get(task, [])}
        for comment in self.api.get(f"/data/tasks/{task}/comments"):
            if comment["id"] in seen or (me and comment.get("person_id") != me):
                continue
            if text and _same_words(comment.get("text"), text):
                return dict(comment)
            fresh = known is not None and comment["id"] not in known
            wordless = not (comment.get("text") or "").strip()
            if not text and fresh and wordless and comment.get("task_status_id") == status_id:
                return dict(comment)
        return None

    def _upload(
        self, task: str, media: LocalMedia, status_id: str | None = None
    ) -> tuple[MediaRef, dict[str, Any]]:
        """Kitsu hangs every preview on a comment: post an empty one, then the file."""
        filename = upload_name(media)
        comment = self._post_comment(task, "", status_id)
        try:
            preview = self.api.post(f"/actions/tasks/{task}/comments/{comment['id']}/add-preview")
            uploaded = self.api.upload_preview(
                preview["id"], media.path, filename, media.sha256, self.media_attempts
            )
        except SyncdError as exc:
            # a refused file must not leave an empty preview behind in the task's history:
            # deleting its comment deletes the preview revision with it
            try:
                self.api.delete(f"/data/comments/{comment['id']}")
            except SyncdError as again:
                raise type(exc)(
                    f"{exc}; the half-made preview (comment {comment['id']}) could not be "
                    f"deleted ({again}): remove it in Kitsu"
                ) from exc
            raise type(exc)(
                f"{exc}; the half-made preview revision and its comment were deleted"
            ) from exc
        except Exception:
            with contextlib.suppress(Exception):
                self.api.delete(f"/data/comments/{comment['id']}")
            raise
        ref = media_ref(uploaded or preview)
        self.review.media[ref.token] = ref
        return ref, comment

    def _put_entries(self, entries: list[dict[str, Any]]) -> list[str]:
        """Write the playlist's entries; returns the entity order Kitsu answered with."""
        shots = [
            {"entity_id": e["entity_id"], "preview_file_id": e.get("preview_file_id")}
            for e in entries
        ]
        answer = self.api.put(f"/data/playlists/{self._tables().playlist}", {"shots": shots})
        held = answer.get("shots") if isinstance(answer, dict) else None
        if not isinstance(held, list):
            held = self._playlist().get("shots") or []
        order: list[str] = []
        for shot in held:
            entity = shot.get("entity_id") if isinstance(shot, dict) else None
            if entity and entity not in order:
                order.append(entity)
        return order

    def _item(self, entity: str) -> Item:
        snapshot = self._assemble(None)
        for item in snapshot.items:
            if item.id == entity:
                return item
        raise NotFound(f"{self.name}: entity {entity} is not in the playlist")

    def _is_me(self, person: Person) -> bool:
        me = self.api.user or {}
        return (
            bool(person.email)
            and str(person.email).casefold() == str(me.get("email", "")).casefold()
        )

    def create_note(self, note: NewNote) -> Note:
        task = self._task_of(note.item)
        author = note.author if note.author is not None and not self._is_me(note.author) else None
        raw = notetext.render(note.text, author=author, frame=note.frame)
        if not raw.strip():
            raise SkippableError(f"{self.name}: Kitsu cannot hold a note without text")
        if note.parent is None:
            comment = self._post_comment(task, raw)
            created = self._note(note.item, comment, comment.get("text") or "", None)
        else:
            root = self._reply_root.get(note.parent, note.parent)
            reply = self.api.post_once(
                f"/data/tasks/{task}/comments/{root}/reply",
                {"text": raw},
                lambda: self._find_reply(root, raw),
            )
            if "text" not in reply:  # an answer that does not show the reply: read it back
                reply = self._find_reply(root, raw) or reply
            created = self._note(note.item, reply, reply.get("text") or "", root)
            self._reply_root[created.id] = root
        self.review.notes.setdefault(task, []).append(created)
        return created

    def _find_reply(self, root: str, text: str) -> dict[str, Any] | None:
        me = (self.api.user or {}).get("id")
        known = set(self._reply_root)
        comment = self.api.get(f"/data/comments/{root}")
        for reply in reversed(comment.get("replies") or []):
            if reply.get("id") in known or (me and reply.get("person_id") != me):
                continue
            if _same_words(reply.get("text"), text):
                return dict(reply)
        return None

    def expected_note(self, note: NewNote) -> NewNote:
        """Kitsu threads are one level deep: a reply to a reply answers the comment. Comments
        hold no attachments here yet: a note arrives without them."""
        parent = None if note.parent is None else self._reply_root.get(note.parent, note.parent)
        return replace(note, parent=parent, attachments=())

    def expected_content(self, content: NoteContent) -> NoteContent:
        return replace(content, attachments=())

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        text, frame = content.text, content.frame
        root = self._reply_root.get(note_id)
        comment = self.api.get(f"/data/comments/{root or note_id}")
        entity = next(
            (e for e, t in self._tables().tasks.items() if t == comment["object_id"]), None
        )
        if entity is None:
            raise NotFound(f"{self.name}: note {note_id} is not on a task of this playlist")
        if root is None:
            author = notetext.parse(comment.get("text") or "")[1]
            raw = notetext.render(text, author=author, frame=frame)
            updated = {**comment, **self.api.put(f"/data/comments/{note_id}", {"text": raw})}
            return self._note(entity, updated, updated.get("text") or "", None)
        replies = [
            {k: v for k, v in r.items() if k != "person"} for r in comment.get("replies") or []
        ]
        target = next((r for r in replies if r.get("id") == note_id), None)
        if target is None:
            raise NotFound(f"{self.name}: reply {note_id} no longer exists")
        target["text"] = notetext.render(
            text, author=notetext.parse(target.get("text") or "")[1], frame=frame
        )
        answer = self.api.put(f"/data/comments/{root}", {"replies": replies})
        held = answer.get("replies") if isinstance(answer, dict) else None
        if not isinstance(held, list):
            held = self.api.get(f"/data/comments/{root}").get("replies") or []
        stored = next((r for r in held if r.get("id") == note_id), None)
        if stored is None:
            raise NotFound(f"{self.name}: reply {note_id} no longer exists")
        return self._note(entity, stored, stored.get("text") or "", root)

    def delete_note(self, note_id: str) -> None:
        root = self._reply_root.get(note_id)
        if root is None:
            self.api.delete(f"/data/comments/{note_id}")
            return
        comment = self.api.get(f"/data/comments/{root}")
        self.api.delete(f"/data/tasks/{comment['object_id']}/comments/{root}/reply/{note_id}")

    def set_status(self, item_id: str, status: str) -> Item:
        task = self._task_of(item_id)
        tables = self._tables()
        status_id = tables.status_id(status)
        if status_id is None:
            self._read_statuses()
            status_id = tables.status_id(status)
        if status_id is None:
            allowed = ", ".join(sorted(tables.statuses.values()))
            raise SkippableError(
                f"{self.name}: Kitsu has no task status {status!r}; use one of {allowed}"
            )
        comment = self._post_comment(task, "", status_id)
        # what the task says now, not what was asked: a status Kitsu refused stays visible
        held = self.api.get(f"/data/tasks/{task}").get("task_status_id")
        self.review.status[task] = (self._status_name(held), parse_time(comment["created_at"]))
        return self._item(item_id)

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        task = self._task_of(item_id)
        ref, _ = self._upload(task, media)
        with self.playlist_lock:
            entries = self._playlist().get("shots") or []
            for entry in entries:
                if entry.get("entity_id") == item_id:
                    entry["preview_file_id"] = ref.token
            self._put_entries(entries)
            self.review.entries = [
                (e, ref.token if e == item_id else p) for e, p in self.review.entries
            ]
        return self._item(item_id)

    def set_order(self, item_ids: list[str]) -> list[str]:
        position = {entity: n for n, entity in enumerate(item_ids)}
        with self.playlist_lock:
            entries = self._playlist().get("shots") or []
            entries.sort(key=lambda e: position.get(e.get("entity_id"), len(position)))
            held = self._put_entries(entries)
            place = {entity: n for n, entity in enumerate(held)}
            self.review.entries.sort(key=lambda e: place.get(e[0], len(place)))
        return held

    def delete_item(self, item_id: str) -> None:
        with self.playlist_lock:
            entries = self._playlist().get("shots") or []
            if all(e.get("entity_id") != item_id for e in entries):
                raise NotFound(f"{self.name}: entity {item_id} is not in the playlist")
            self._put_entries([e for e in entries if e.get("entity_id") != item_id])
            self.review.entries = [(e, p) for e, p in self.review.entries if e != item_id]

    def create_item(self, item: NewItem) -> Item:
        tables = self._tables()
        route = "/data/assets/with-tasks" if tables.kind == "asset" else "/data/shots/with-tasks"
        candidates = self.api.get(route, project_id=tables.project)
        folded = item.name.casefold().strip()
        found = [e for e in candidates if str(e.get("name", "")).casefold().strip() == folded]
        if len(found) != 1:
            problem = "does not exist" if not found else f"matches {len(found)} {tables.kind}s"
            raise SkippableError(
                f"{self.name}: {tables.kind} {item.name!r} {problem} in the Kitsu project; "
                f"syncd adds existing {tables.kind}s to the playlist but does not create them"
            )
        entity = found[0]
        task = next(
            (t for t in entity.get("tasks") or [] if t.get("task_type_id") == tables.task_type),
            None,
        )
        if task is None:
            raise SkippableError(
                f"{self.name}: {tables.kind} {item.name!r} has no task of this mapping's "
                "task type; add one in Kitsu"
            )
        tables.names[entity["id"]] = entity["name"]
        tables.tasks[entity["id"]] = task["id"]
        status_id = tables.status_id(item.status) if item.status else None
        if item.status and status_id is None:
            raise SkippableError(f"{self.name}: Kitsu has no task status {item.status!r}")
        current = task["task_status_id"]
        target = status_id or current
        when = parse_time(task["last_comment_date"]) if task.get("last_comment_date") else None
        ref = None
        if item.media is not None:
            ref, comment = self._upload(task["id"], item.media, target)
            when = parse_time(comment["created_at"])
        elif target != current:
            when = parse_time(self._post_comment(task["id"], "", target)["created_at"])
        self.review.status[task["id"]] = (self._status_name(target), when)
        body: dict[str, Any] = {"entity_id": entity["id"]}
        if ref is not None:
            body["preview_file_id"] = ref.token
        with self.playlist_lock:  # Zou adds an entity by rewriting the playlist's entries
            entries = self._playlist().get("shots") or []
            if any(e.get("entity_id") == entity["id"] for e in entries):
                for entry in entries:
                    if entry.get("entity_id") == entity["id"] and ref is not None:
                        entry["preview_file_id"] = ref.token
                self._put_entries(entries)
            else:
                self.api.post_once(
                    f"/actions/playlists/{tables.playlist}/add-entity",
                    body,
                    lambda: self._entry_of(entity["id"]),
                )
            self.review.entries = [(e, p) for e, p in self.review.entries if e != entity["id"]]
            self.review.entries.append((entity["id"], ref.token if ref else None))
        self.review.notes.setdefault(task["id"], [])
        return self._item(entity["id"])

    def _entry_of(self, entity: str) -> dict[str, Any] | None:
        for shot in self._playlist().get("shots") or []:
            if shot.get("entity_id") == entity:
                return dict(shot)
        return None

    def fetch_media(self, item: Item, dest_dir: Path) -> LocalMedia:
        if item.media is None:
            raise NotFound(f"{self.name}: {item.name} has no preview in the playlist")
        filename = item.media.filename or f"{item.media.token}.bin"
        extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
        tmp, sha, size = self.api.download_preview(item.media.token, extension, dest_dir)
        final = dest_dir / f"{sha[:16]}-{_SAFE.sub('_', filename)}"
        os.replace(tmp, final)
        return LocalMedia(final, sha, filename, size)

    def check(self) -> str:
        snap = self.snapshot()
        return f"Kitsu playlist with {len(snap.items)} items, {len(snap.notes)} notes"

    def request_count(self) -> int:
        return self.api.requests

    def close(self) -> None:
        self.api.close()


def _same_words(stored: Any, sent: str) -> bool:
    return normalize_text(str(stored or "")) == normalize_text(sent)


__all__ = ["SYSTEM", "KitsuEndpoint"]
