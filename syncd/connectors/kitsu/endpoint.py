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

This module holds the item writes; notes are written in ``comments`` (their files named and
matched in ``files``), reading lives in ``read``, the lookups in ``model``, the event cursor in
``feed`` and the REST/auth layer in ``api``. Writes may run side by side
(``write_concurrency``): what they share, the playlist's entry list, is rewritten under
``playlist_lock``.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

from syncd.connectors.kitsu.api import SYSTEM
from syncd.connectors.kitsu.comments import KitsuComments
from syncd.connectors.kitsu.drawings import DRAWING_PREFIX
from syncd.connectors.kitsu.feed import parse_time
from syncd.connectors.kitsu.model import media_ref, upload_name
from syncd.core.capabilities import Capabilities
from syncd.core.model import (
    Item,
    LocalMedia,
    MediaRef,
    NewItem,
)
from syncd.errors import NotFound, SkippableError, SyncdError

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class KitsuEndpoint(KitsuComments):
    capabilities = Capabilities.everything(has_cursor=True, drawings=DRAWING_PREFIX)

    # -- writing -----------------------------------------------------------------------------------
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


__all__ = ["SYSTEM", "KitsuEndpoint"]
