"""Kitsu's event log as a change cursor: what changed since the last read, in one request.

``GET /data/events/last`` filters with ``after`` at whole seconds (no fraction, no zone) and
keeps the fraction in the database, so asking "after 10:00:05" returns the events of 10:00:05
again. The cursor therefore holds that second *and* the ids of the events already seen from it;
it also stays a couple of seconds behind the newest event, because a request that started earlier
may commit its event after a later one was already read. Seen ids are dropped, the rest is
summarised as "what to refetch": the comments of some tasks, the playlist, a few previews.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

PAGE = 1000
LAG = timedelta(seconds=2)
"""How far behind the newest event the cursor stays (late commits land inside this window)."""
_FORMAT = "%Y-%m-%dT%H:%M:%S"


def parse_time(value: str) -> datetime:
    """Zou's naive UTC timestamps (``2026-01-05T13:23:10``) as aware datetimes."""
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class EventCursor:
    after: str | None = None
    """Whole second (``YYYY-MM-DDTHH:MM:SS``, UTC) the next read starts after (inclusive)."""
    seen: frozenset[str] = frozenset()
    """Ids of the events at or after ``after`` that were already applied."""

    def dump(self) -> str:
        return json.dumps({"after": self.after, "seen": sorted(self.seen)}, separators=(",", ":"))

    @classmethod
    def load(cls, text: str | None) -> EventCursor | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(data.get("after"), frozenset(data.get("seen") or ()))
        except (ValueError, AttributeError):
            return None

    def advance(self, events: Iterable[dict[str, Any]]) -> EventCursor:
        """The cursor once ``events`` (all the log returned, seen or not) are applied."""
        events = list(events)
        stamps = [parse_time(e["created_at"]) for e in events]
        if not stamps:
            return self
        newest = max(stamps)
        after = (newest - LAG).strftime(_FORMAT)
        if self.after is not None and self.after > after:
            after = self.after
        floor = parse_time(after)
        # ``events`` is everything the log returned after the old cursor, so it covers the window
        seen = {e["id"] for e, at in zip(events, stamps, strict=True) if at >= floor}
        return EventCursor(after, frozenset(seen))


def read_new_events(
    fetch: Callable[[dict[str, Any]], list[dict[str, Any]]], cursor: EventCursor, project_id: str
) -> list[dict[str, Any]]:
    """Every event after the cursor (newest first), paging back with ``cursor_event_id`` only
    when a full page came back, so the usual quiet cycle is exactly one request."""
    params: dict[str, Any] = {"project_id": project_id, "limit": PAGE}
    if cursor.after is not None:
        params["after"] = cursor.after
    events: list[dict[str, Any]] = []
    ids: set[str] = set()
    while True:
        page = fetch(params)
        if not isinstance(page, list):
            raise ValueError("the event log did not answer a list")
        fresh = [e for e in page if e.get("id") not in ids]
        events.extend(fresh)
        ids.update(e["id"] for e in fresh)
        if len(page) < PAGE or not fresh:
            return events
        params = {**params, "cursor_event_id": page[-1]["id"]}


@dataclass
class Touched:
    """What a batch of events asks to refetch, for one playlist and its tasks."""

    tasks: set[str] = field(default_factory=set)
    """Tasks whose comments (notes, replies) changed."""
    statuses: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    """Task -> (new status id, when), from ``task:status-changed`` (newest wins)."""
    task_updates: set[str] = field(default_factory=set)
    """Tasks updated without a comment: their status may have changed silently."""
    playlist: bool = False
    previews: set[str] = field(default_factory=set)
    entities: bool = False
    """An entity of the playlist was renamed, deleted or got a task: reread names and tasks."""

    @property
    def empty(self) -> bool:
        return not (
            self.tasks
            or self.statuses
            or self.task_updates
            or self.playlist
            or self.previews
            or self.entities
        )


def summarise(
    events: Iterable[dict[str, Any]],
    *,
    playlist_id: str,
    tasks: set[str],
    entities: set[str],
    previews: set[str],
) -> Touched:
    """Reduce new events (newest first) to the objects of this review they touch."""
    touched = Touched()
    for event in events:
        name = str(event.get("name", ""))
        data = event.get("data") or {}
        kind, _, action = name.partition(":")
        task = data.get("task_id")
        if kind == "comment" and task in tasks:
            touched.tasks.add(task)
        elif name == "task:status-changed" and task in tasks:
            if task not in touched.statuses and data.get("new_task_status_id"):
                when = parse_time(event["created_at"])
                touched.statuses[task] = (data["new_task_status_id"], when)
        elif name == "task:update" and task in tasks:
            touched.task_updates.add(task)
        elif kind == "task" and action in ("new", "delete"):
            if data.get("entity_id") in entities or task in tasks or not data.get("entity_id"):
                touched.entities = True
        elif kind == "playlist" and data.get("playlist_id") == playlist_id:
            touched.playlist = True
        elif kind == "preview-file" and data.get("preview_file_id") in previews:
            touched.previews.add(data["preview_file_id"])
        elif kind in ("shot", "asset", "edit", "episode", "sequence") and action != "new":
            entity = data.get(f"{kind}_id") or data.get("entity_id")
            if entity in entities:
                touched.entities = True
    # A comment carrying a status also says so in task:status-changed; the task:update it
    # emits on the way says nothing more.
    touched.task_updates -= touched.tasks | set(touched.statuses)
    return touched
