"""Reading a Kitsu playlist: the full read, and the incremental one driven by the event log.

A full read resolves the selector, takes an event-log baseline *first* (so what changes during the
read is seen again next cycle), then reads the playlist, its previews, the entities' tasks and
their comments. An incremental read asks the event log what changed since the cursor and rereads
only that; everything else comes from the previous snapshot and its ``extra`` tables.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from syncd.connectors import notetext
from syncd.connectors.base import Endpoint
from syncd.connectors.kitsu.api import KitsuApi, pick
from syncd.connectors.kitsu.feed import (
    PAGE,
    EventCursor,
    Touched,
    parse_time,
    read_new_events,
    summarise,
)
from syncd.connectors.kitsu.model import Review, Tables, media_ref
from syncd.core.model import Item, Note, Person, Snapshot

PREVIEW_CHUNK = 50
"""Preview ids per ``GET /data/preview-files?id=[...]`` (keeps the URL under gunicorn's limit)."""
PER_TASK_COMMENTS = 20
"""Up to this many tasks, comments are read per task; above, in one project-wide request."""


class KitsuReader(Endpoint):
    """The reading half of the Kitsu endpoint; it also holds the state the writes update."""

    def __init__(
        self, name: str, api: KitsuApi, selector: dict[str, str], *, event_log: bool = True
    ) -> None:
        super().__init__(name)
        self.api = api
        self.selector = selector
        self.key = json.dumps(selector, sort_keys=True)
        self.events = event_log
        if not event_log:
            self.capabilities = replace(self.capabilities, has_cursor=False)
        self.tables: Tables | None = None
        self.review = Review()
        self._reply_root: dict[str, str] = {}
        self.playlist_lock = threading.RLock()
        """Held around every read-modify-write of the playlist's entries (concurrent writes)."""

    # -- reading ---------------------------------------------------------------------------------
    def snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        tables = Tables.from_extra(previous.extra, self.key) if previous is not None else None
        cursor = EventCursor.load(previous.cursor) if previous is not None else None
        if previous is None or tables is None or cursor is None or not self.events:
            return self._full_read()
        return self._incremental(previous, tables, cursor)

    def _full_read(self) -> Snapshot:
        tables = self._resolve()
        cursor = None
        if self.events:  # the baseline comes first: what changes during the read is seen again
            # a full page, so the ids of the cursor's window are all known (busy imports aside)
            baseline = self._events({"project_id": tables.project, "limit": PAGE})
            cursor = EventCursor().advance(baseline)
        self.tables = tables
        self._read_statuses()
        tables.persons = self._persons()
        review = Review()
        self._read_playlist(review)
        self._read_entities(review, {e for e, _ in review.entries})
        tasks = [tables.tasks[e] for e, _ in review.entries if e in tables.tasks]
        if len(tasks) <= PER_TASK_COMMENTS:
            for task in tasks:
                self._read_comments(review, task)
        else:
            wanted = set(tasks)
            by_task: dict[str, list[dict[str, Any]]] = {t: [] for t in tasks}
            for comment in self.api.get(f"/data/projects/{tables.project}/comments"):
                if comment.get("object_id") in wanted:
                    by_task[comment["object_id"]].append(comment)
            for task, comments in by_task.items():
                review.notes[task] = self._notes_of(task, comments)
        self.review = review
        return self._assemble(cursor)

    def _incremental(self, previous: Snapshot, tables: Tables, cursor: EventCursor) -> Snapshot:
        self.tables = tables
        events = read_new_events(self._events, cursor, tables.project)
        fresh = [e for e in events if e.get("id") not in cursor.seen]
        review = self._from_snapshot(previous, tables)
        touched = summarise(
            fresh,
            playlist_id=tables.playlist,
            tasks={tables.tasks[e] for e, _ in review.entries if e in tables.tasks},
            entities={e for e, _ in review.entries},
            previews={p for _, p in review.entries if p},
        )
        self.review = review
        if not touched.empty:
            self._apply(review, touched)
        return self._assemble(cursor.advance(events))

    def _apply(self, review: Review, touched: Touched) -> None:
        tables = self._tables()
        before = {e for e, _ in review.entries}
        if touched.playlist:
            self._read_playlist(review)
        entities = {e for e, _ in review.entries}
        if touched.entities or entities - before or not entities <= set(tables.tasks):
            self._read_entities(review, entities)
        if touched.previews:
            self._read_previews(review, touched.previews, refresh=True)
        for task, (status_id, when) in touched.statuses.items():
            review.status[task] = (self._status_name(status_id), when)
        for task in touched.task_updates:
            data = self.api.get(f"/data/tasks/{task}")
            review.status[task] = (
                self._status_name(data["task_status_id"]),
                review.status.get(task, (None, None))[1],
            )
        added = {tables.tasks[e] for e in entities - before if e in tables.tasks}
        for task in sorted(touched.tasks | added):
            if task in {tables.tasks.get(e) for e in entities}:
                self._read_comments(review, task)

    def _from_snapshot(self, previous: Snapshot, tables: Tables) -> Review:
        review = Review()
        for item in previous.items:
            review.entries.append((item.id, item.media.token if item.media else None))
            if item.media is not None:
                review.media[item.media.token] = item.media
            task = tables.tasks.get(item.id)
            if task is not None:
                review.status[task] = (item.status, item.modified)
        for note in previous.notes:
            task = tables.tasks.get(note.item)
            if task is not None:
                review.notes.setdefault(task, []).append(note)
        return review

    def _assemble(self, cursor: EventCursor | None) -> Snapshot:
        tables = self._tables()
        review = self.review
        items: list[Item] = []
        notes: list[Note] = []
        self._reply_root = {}
        for entity, preview in review.entries:
            task = tables.tasks.get(entity)
            status, when = review.status.get(task, (None, None)) if task else (None, None)
            media = review.media.get(preview) if preview else None
            name = tables.names.get(entity, entity)
            items.append(Item(id=entity, name=name, status=status, media=media, modified=when))
            for note in review.notes.get(task, []) if task else []:
                notes.append(note)
                if note.parent is not None:
                    self._reply_root[note.id] = note.parent
        extra = tables.extra()
        return Snapshot(tuple(items), tuple(notes), cursor.dump() if cursor else None, extra)

    # -- reading helpers ---------------------------------------------------------------------------
    def _events(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        tables = self._tables() if self.tables else None
        where = f"on {self.selector.get('project')!r}" if tables is None else "on this project"
        return self.api.call(
            "GET",
            "/data/events/last",
            params=params,
            denied=(
                f"the account {self.api.credentials.email} cannot read Kitsu's event log, which "
                f"needs manager rights {where}: give it the manager role there, or set "
                "`event_log: false` on this system to read the whole playlist on every run"
            ),
        )

    def _tables(self) -> Tables:
        if self.tables is None:
            self.snapshot()
        assert self.tables is not None
        return self.tables

    def _resolve(self) -> Tables:
        sel = self.selector
        project = pick("project", sel["project"], self.api.get("/data/projects"), "in Kitsu")
        where = f"in project {project['name']!r}"
        playlists = self.api.get(f"/data/projects/{project['id']}/playlists")
        playlist = pick("playlist", sel["playlist"], playlists, where)
        task_types = self.api.get("/data/task-types")
        task_type = pick("task type", sel["task_type"], task_types, "in Kitsu")
        kind = "asset" if playlist.get("for_entity") == "asset" else "shot"
        return Tables(self.key, project["id"], playlist["id"], task_type["id"], kind)

    def _persons(self) -> dict[str, tuple[str | None, str | None]]:
        return {
            p["id"]: (p.get("email"), p.get("full_name") or None)
            for p in self.api.get("/data/persons")
        }

    def _person(self, person_id: str | None) -> Person | None:
        if not person_id:
            return None
        tables = self._tables()
        if person_id not in tables.persons:
            tables.persons = self._persons()
        email, name = tables.persons.get(person_id, (None, None))
        return Person(email=email, name=name) if (email or name) else None

    def _status_name(self, status_id: str | None) -> str | None:
        if not status_id:
            return None
        tables = self._tables()
        if status_id not in tables.statuses:
            self._read_statuses()
        return tables.statuses.get(status_id)

    def _read_statuses(self) -> None:
        statuses = self.api.get("/data/task-status")
        self._tables().statuses = {s["id"]: s["short_name"] for s in statuses}

    def _playlist(self) -> dict[str, Any]:
        tables = self._tables()
        return self.api.get(f"/data/projects/{tables.project}/playlists/{tables.playlist}")

    def _read_playlist(self, review: Review) -> None:
        entries: list[tuple[str, str | None]] = []
        for shot in self._playlist().get("shots") or []:
            entity = shot.get("entity_id")
            if entity and all(entity != e for e, _ in entries):
                entries.append((entity, shot.get("preview_file_id")))
        review.entries = entries
        self._read_previews(review, {p for _, p in entries if p})

    def _read_previews(self, review: Review, ids: set[str], *, refresh: bool = False) -> None:
        wanted = sorted(ids if refresh else ids - set(review.media))
        for start in range(0, len(wanted), PREVIEW_CHUNK):
            chunk = wanted[start : start + PREVIEW_CHUNK]
            for preview in self.api.get("/data/preview-files", id=json.dumps(chunk)):
                review.media[preview["id"]] = media_ref(preview)

    def _read_entities(self, review: Review, entities: set[str]) -> None:
        tables = self._tables()
        route = "/data/assets/with-tasks" if tables.kind == "asset" else "/data/shots/with-tasks"
        tables.tasks, tables.names = {}, {}
        for entity in self.api.get(route, project_id=tables.project):
            if entity["id"] not in entities:
                continue
            tables.names[entity["id"]] = entity["name"]
            for task in entity.get("tasks") or []:
                if task.get("task_type_id") == tables.task_type:
                    tables.tasks[entity["id"]] = task["id"]
                    when = task.get("last_comment_date")
                    status = self._status_name(task.get("task_status_id"))
                    review.status[task["id"]] = (status, parse_time(when) if when else None)

    def _read_comments(self, review: Review, task: str) -> None:
        review.notes[task] = self._notes_of(task, self.api.get(f"/data/tasks/{task}/comments"))

    def _notes_of(self, task: str, comments: Iterable[dict[str, Any]]) -> list[Note]:
        entity = next(e for e, t in self._tables().tasks.items() if t == task)
        ordered = sorted(comments, key=lambda c: (c.get("created_at") or "", c["id"]))
        notes: list[Note] = []
        for comment in ordered:
            notes.extend(self._comment_notes(entity, comment))
        return notes

    def _comment_notes(self, entity: str, comment: dict[str, Any]) -> list[Note]:
        """A comment and its replies as notes; a comment without text is no note."""
        raw = comment.get("text") or ""
        if not raw.strip():
            return []
        notes = [self._note(entity, comment, raw, None)]
        for reply in comment.get("replies") or []:
            if (reply.get("text") or "").strip():
                notes.append(self._note(entity, reply, reply["text"], comment["id"]))
        return notes

    def _note(self, entity: str, obj: dict[str, Any], raw: str, parent: str | None) -> Note:
        text, author, frame = notetext.parse(raw)
        created_at = obj.get("created_at") or obj.get("date")
        created = parse_time(created_at) if created_at else None
        updated = obj.get("updated_at")
        modified = parse_time(updated) if updated else created
        return Note(
            id=obj["id"],
            item=entity,
            text=text,
            parent=parent,
            author=author or self._person(obj.get("person_id")),
            frame=frame,
            created=created,
            modified=modified,
        )
