"""The ShotGrid event log as a change feed: a cursor with a backlog, and what each event touches.

EventLogEntry ids are handed out when a transaction starts but become visible when it commits,
so under long transactions a higher id can show up before a lower one. A poller that keeps only
"the highest id seen" skips the late ones for good. Like shotgunEvents, the cursor therefore
remembers every id missing below the highest one seen (with the time it was first missed),
asks for those ids again on every poll, applies a late event when it appears, and gives up on
an id only after ``backlog_seconds``.

Gaps are only meaningful in the site-wide sequence, so the feed reads every event above the
cursor (a few light fields each) and filters by project and entity here, not on the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import structlog

log = structlog.get_logger("syncd.shotgrid")

EVENT_FIELDS = ["event_type", "entity", "meta", "attribute_name", "project"]
MAX_GAP = 5000
"""A jump wider than this is not a late commit but a restored or renumbered log: not tracked."""


@dataclass
class EventCursor:
    last: int
    backlog: dict[int, float] = field(default_factory=dict)
    """Missing event id -> when it was first missed (seconds since the epoch)."""

    @classmethod
    def load(cls, cursor: str | None, backlog: str | None) -> EventCursor | None:
        if cursor is None:
            return None
        pending = json.loads(backlog) if backlog else {}
        return cls(int(cursor), {int(k): float(v) for k, v in pending.items()})

    def dump_backlog(self) -> str:
        return json.dumps({str(k): v for k, v in sorted(self.backlog.items())})

    def filters(self) -> list[Any]:
        """Events above the cursor, plus the late ones still awaited (one read either way)."""
        newer = ["id", "greater_than", self.last]
        if not self.backlog:
            return [newer]
        late = ["id", "in", sorted(self.backlog)]
        return [{"filter_operator": "any", "filters": [newer, late]}]

    def advance(self, event_ids: list[int], now: float, window: float, endpoint: str) -> None:
        """Move past ``event_ids``; remember the gaps they reveal; forget expired gaps."""
        for event_id in sorted(set(event_ids)):
            self.backlog.pop(event_id, None)
            if event_id <= self.last:
                continue
            gap = range(self.last + 1, event_id)
            if len(gap) <= MAX_GAP:
                for missing in gap:
                    self.backlog.setdefault(missing, now)
            else:
                log.warning("event log jumped", endpoint=endpoint, skipped=len(gap))
            self.last = event_id
        expired = sorted(i for i, seen in self.backlog.items() if now - seen > window)
        if expired:
            log.warning(
                "missing ShotGrid events given up after waiting",
                endpoint=endpoint,
                ids=expired[:20],
                count=len(expired),
                seconds=window,
            )
            for event_id in expired:
                del self.backlog[event_id]


@dataclass
class Touched:
    """What a batch of events asks to be read again."""

    order: bool = False
    versions: set[int] = field(default_factory=set)
    notes: set[int] = field(default_factory=set)
    replies: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return self.order or bool(self.versions or self.notes or self.replies)


@dataclass(frozen=True, slots=True)
class Scope:
    """What the review holds now, to decide which events concern it."""

    project_id: int
    playlist_id: int
    versions: frozenset[int]
    connections: frozenset[int]
    replies: frozenset[int]
    version_fields: frozenset[str]


def event_kind(event: dict[str, Any]) -> tuple[str, str]:
    """``Shotgun_Version_Change`` -> (``Version``, ``Change``); anything else -> ("", "")."""
    parts = str(event.get("event_type") or "").split("_")
    if len(parts) != 3 or parts[0] != "Shotgun":
        return "", ""
    return parts[1], parts[2]


def event_entity_id(event: dict[str, Any]) -> int | None:
    """Retirement events carry no live ``entity`` link: the id is in ``meta``."""
    entity = event.get("entity") or {}
    meta = event.get("meta") or {}
    value = entity.get("id") or meta.get("entity_id")
    return int(value) if value is not None else None


def touched_by(events: list[dict[str, Any]], scope: Scope) -> Touched:
    touched = Touched()
    for event in events:
        kind, what = event_kind(event)
        entity_id = event_entity_id(event)
        if entity_id is None:
            continue
        project = event.get("project") or {}
        foreign = bool(project) and project.get("id") != scope.project_id
        attribute = event.get("attribute_name")
        ours_playlist = kind == "Playlist" and entity_id == scope.playlist_id
        ours_connection = kind == "PlaylistVersionConnection" and entity_id in scope.connections
        if ours_playlist or ours_connection:
            touched.order = True
        elif kind == "Version" and entity_id in scope.versions:
            if attribute is None or attribute in scope.version_fields:
                touched.versions.add(entity_id)
        elif kind == "Note" and not foreign:
            touched.notes.add(entity_id)
        elif kind == "Attachment" and not foreign and attribute == "attachment_links":
            # a file added to (or taken off) a Note: that Note is read again
            meta = event.get("meta") or {}
            for linked in [*(meta.get("added") or []), *(meta.get("removed") or [])]:
                if isinstance(linked, dict) and linked.get("type") == "Note" and linked.get("id"):
                    touched.notes.add(int(linked["id"]))
        elif (
            kind == "Reply" and not foreign and (what != "Retirement" or entity_id in scope.replies)
        ):
            # A retired reply matters only if it was ours; a new or edited one may be ours.
            touched.replies.add(entity_id)
    return touched
