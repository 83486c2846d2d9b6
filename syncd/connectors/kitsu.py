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
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from syncd.connectors import notetext
from syncd.connectors.base import Capabilities, Endpoint
from syncd.connectors.kitsu_api import SYSTEM, Credentials, KitsuApi, pick
from syncd.connectors.kitsu_events import (
    PAGE,
    EventCursor,
    Touched,
    parse_time,
    read_new_events,
    summarise,
)
from syncd.core.model import Item, LocalMedia, MediaRef, NewItem, NewNote, Note, Person, Snapshot
from syncd.errors import ConfigError, NotFound, SkippableError

PREVIEW_CHUNK = 50
"""Preview ids per ``GET /data/preview-files?id=[...]`` (keeps the URL under gunicorn's limit)."""
PER_TASK_COMMENTS = 20
"""Up to this many tasks, comments are read per task; above, in one project-wide request."""
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Tables:
    """Lookups kept between cycles in ``Snapshot.extra`` so quiet cycles never re-read them."""

    key: str
    project: str
    playlist: str
    task_type: str
    kind: str = "shot"
    tasks: dict[str, str] = field(default_factory=dict)
    """Entity id -> its task id of the task type (playlist entities only)."""
    names: dict[str, str] = field(default_factory=dict)
    persons: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    """Task status id -> short name."""

    def extra(self) -> dict[str, str]:
        ids = {"key": self.key, "project": self.project, "playlist": self.playlist}
        ids |= {"task_type": self.task_type, "kind": self.kind}
        return {
            "kitsu": json.dumps(ids),
            "tasks": json.dumps(self.tasks),
            "names": json.dumps(self.names),
            "persons": json.dumps(self.persons),
            "statuses": json.dumps(self.statuses),
        }

    @classmethod
    def from_extra(cls, extra: dict[str, str], key: str) -> Tables | None:
        try:
            ids = json.loads(extra["kitsu"])
            if ids.get("key") != key:
                return None
            return cls(
                key,
                ids["project"],
                ids["playlist"],
                ids["task_type"],
                ids.get("kind", "shot"),
                json.loads(extra["tasks"]),
                json.loads(extra["names"]),
                {k: (v[0], v[1]) for k, v in json.loads(extra["persons"]).items()},
                json.loads(extra["statuses"]),
            )
        except (KeyError, ValueError, TypeError):
            return None

    def status_id(self, short_name: str) -> str | None:
        folded = short_name.casefold()
        return next((i for i, s in self.statuses.items() if s.casefold() == folded), None)


@dataclass
class _Review:
    """The review being assembled: entries in order, statuses, media and notes per task."""

    entries: list[tuple[str, str | None]] = field(default_factory=list)
    media: dict[str, MediaRef] = field(default_factory=dict)
    status: dict[str, tuple[str | None, Any]] = field(default_factory=dict)
    """Task -> (status short name, when it was last set)."""
    notes: dict[str, list[Note]] = field(default_factory=dict)
    """Task -> its notes, comments oldest first, each followed by its replies."""


class KitsuEndpoint(Endpoint):
    capabilities = Capabilities(
        has_cursor=True,
        can_create_items=True,
        can_delete=True,
        can_edit_notes=True,
        stores_links=False,
    )

    def __init__(
        self, name: str, api: KitsuApi, selector: dict[str, str], *, events: bool = True
    ) -> None:
        super().__init__(name)
        self.api = api
        self.selector = selector
        self.key = json.dumps(selector, sort_keys=True)
        self.events = events
        if not events:
            self.capabilities = replace(self.capabilities, has_cursor=False)
        self.tables: Tables | None = None
        self.review = _Review()
        self._reply_root: dict[str, str] = {}

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
        review = _Review()
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

    def _apply(self, review: _Review, touched: Touched) -> None:
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

    def _from_snapshot(self, previous: Snapshot, tables: Tables) -> _Review:
        review = _Review()
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
                "`events: false` on this system to read the whole playlist on every run"
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

    def _read_playlist(self, review: _Review) -> None:
        entries: list[tuple[str, str | None]] = []
        for shot in self._playlist().get("shots") or []:
            entity = shot.get("entity_id")
            if entity and all(entity != e for e, _ in entries):
                entries.append((entity, shot.get("preview_file_id")))
        review.entries = entries
        self._read_previews(review, {p for _, p in entries if p})

    def _read_previews(self, review: _Review, ids: set[str], *, refresh: bool = False) -> None:
        wanted = sorted(ids if refresh else ids - set(review.media))
        for start in range(0, len(wanted), PREVIEW_CHUNK):
            chunk = wanted[start : start + PREVIEW_CHUNK]
            for preview in self.api.get("/data/preview-files", id=json.dumps(chunk)):
                review.media[preview["id"]] = _media_ref(preview)

    def _read_entities(self, review: _Review, entities: set[str]) -> None:
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

    def _read_comments(self, review: _Review, task: str) -> None:
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
        return self.api.post(f"/actions/tasks/{task}/comment", body)

    def _upload(
        self, task: str, media: LocalMedia, status_id: str | None = None
    ) -> tuple[MediaRef, dict[str, Any]]:
        """Kitsu hangs every preview on a comment: post an empty one, then the file."""
        filename = upload_name(media)
        comment = self._post_comment(task, "", status_id)
        try:
            preview = self.api.post(f"/actions/tasks/{task}/comments/{comment['id']}/add-preview")
            uploaded = self.api.upload_preview(preview["id"], media.path, filename)
        except Exception:
            # a refused file must not leave an empty preview behind in the task's history
            with contextlib.suppress(Exception):
                self.api.delete(f"/data/comments/{comment['id']}")
            raise
        ref = _media_ref(uploaded or preview)
        self.review.media[ref.token] = ref
        return ref, comment

    def _put_entries(self, entries: list[dict[str, Any]]) -> None:
        shots = [
            {"entity_id": e["entity_id"], "preview_file_id": e.get("preview_file_id")}
            for e in entries
        ]
        self.api.put(f"/data/playlists/{self._tables().playlist}", {"shots": shots})

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
            created = self._comment_notes(note.item, self._post_comment(task, raw))[0]
        else:
            root = self._reply_root.get(note.parent, note.parent)
            reply = self.api.post(f"/data/tasks/{task}/comments/{root}/reply", {"text": raw})
            created = self._note(note.item, reply, raw, root)
            self._reply_root[created.id] = root
        self.review.notes.setdefault(task, []).append(created)
        return created

    def update_note(self, note_id: str, text: str, frame: int | None) -> Note:
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
            updated = self.api.put(f"/data/comments/{note_id}", {"text": raw})
            return self._note(entity, {**comment, **updated}, raw, None)
        replies = [
            {k: v for k, v in r.items() if k != "person"} for r in comment.get("replies") or []
        ]
        target = next((r for r in replies if r.get("id") == note_id), None)
        if target is None:
            raise NotFound(f"{self.name}: reply {note_id} no longer exists")
        target["text"] = notetext.render(
            text, author=notetext.parse(target.get("text") or "")[1], frame=frame
        )
        self.api.put(f"/data/comments/{root}", {"replies": replies})
        return self._note(entity, target, target["text"], root)

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
        self.review.status[task] = (tables.statuses[status_id], parse_time(comment["created_at"]))
        return self._item(item_id)

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        task = self._task_of(item_id)
        ref, _ = self._upload(task, media)
        entries = self._playlist().get("shots") or []
        for entry in entries:
            if entry.get("entity_id") == item_id:
                entry["preview_file_id"] = ref.token
        self._put_entries(entries)
        self.review.entries = [
            (e, ref.token if e == item_id else p) for e, p in self.review.entries
        ]
        return self._item(item_id)

    def set_order(self, item_ids: list[str]) -> None:
        position = {entity: n for n, entity in enumerate(item_ids)}
        entries = self._playlist().get("shots") or []
        entries.sort(key=lambda e: position.get(e.get("entity_id"), len(position)))
        self._put_entries(entries)
        self.review.entries.sort(key=lambda e: position.get(e[0], len(position)))

    def delete_item(self, item_id: str) -> None:
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
        entries = self._playlist().get("shots") or []
        if any(e.get("entity_id") == entity["id"] for e in entries):
            for entry in entries:
                if entry.get("entity_id") == entity["id"] and ref is not None:
                    entry["preview_file_id"] = ref.token
            self._put_entries(entries)
        else:
            self.api.post(f"/actions/playlists/{tables.playlist}/add-entity", body)
        self.review.entries = [(e, p) for e, p in self.review.entries if e != entity["id"]]
        self.review.entries.append((entity["id"], ref.token if ref else None))
        self.review.notes.setdefault(task["id"], [])
        return self._item(entity["id"])

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


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", 0, "png"),
    (b"\xff\xd8\xff", 0, "jpg"),
    (b"GIF8", 0, "gif"),
    (b"%PDF", 0, "pdf"),
    (b"ftyp", 4, "mp4"),
    (b"\x1aE\xdf\xa3", 0, "mkv"),
)
KNOWN_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "pdf", "mp4", "mov", "mkv", "webm"})


def upload_name(media: LocalMedia) -> str:
    """The file name to upload: Kitsu refuses extensions it does not know (``.bin``), so an
    unknown one is replaced by what the first bytes say the file is."""
    stem, dot, ext = media.filename.rpartition(".")
    if dot and ext.lower() in KNOWN_EXTENSIONS:
        return media.filename
    with media.path.open("rb") as handle:
        head = handle.read(16)
    for magic, offset, found in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return f"{stem if dot else media.filename}.{found}"
    return media.filename


def _media_ref(preview: dict[str, Any]) -> MediaRef:
    stem = preview.get("original_name") or preview["id"]
    extension = preview.get("extension")
    return MediaRef(token=preview["id"], filename=f"{stem}.{extension}" if extension else stem)


def open_kitsu_endpoint(name: str, system: dict[str, Any], selector: dict[str, Any]) -> Endpoint:
    """Connect lazily: nothing is sent until the first read, which logs in and resolves names."""
    url = str(system.get("url") or "").strip()
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"systems.{name}.url: give Kitsu's address, such as https://kitsu.example/api"
        )
    email = system.get("email")
    password, token = system.get("password"), system.get("token")
    if not token and not (email and password):
        raise ConfigError(f"systems.{name}: set email and password (or token) for Kitsu")
    missing = [k for k in ("project", "playlist", "task_type") if not selector.get(k)]
    if missing:
        raise ConfigError(f"{name}: the Kitsu selector needs {', '.join(missing)}")
    api = KitsuApi(
        url,
        Credentials(email, password, token),
        timeout=float(system.get("timeout", 60)),
        attempts=int(system.get("retries", 5)),
    )
    wanted = {k: str(selector[k]) for k in ("project", "playlist", "task_type")}
    return KitsuEndpoint(name, api, wanted, events=bool(system.get("events", True)))


__all__ = ["SYSTEM", "KitsuEndpoint", "open_kitsu_endpoint"]
