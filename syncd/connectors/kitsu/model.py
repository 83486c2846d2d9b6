"""Kitsu's lookups and media names: what the Kitsu connector keeps between cycles.

``Tables`` is everything a quiet cycle must not read again (entity -> task, people, task
statuses, the resolved project/playlist/task type), stored in ``Snapshot.extra`` as JSON strings.
``Review`` is the playlist being assembled, by task, before it becomes a canonical snapshot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from syncd.core.model import LocalMedia, MediaRef, Note


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
    fps: float = 25.0
    """The project's frame rate: Zou places drawings in seconds."""

    def extra(self) -> dict[str, str]:
        ids = {"key": self.key, "project": self.project, "playlist": self.playlist}
        ids |= {"task_type": self.task_type, "kind": self.kind, "fps": self.fps}
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
                float(ids.get("fps") or 25.0),
            )
        except (KeyError, ValueError, TypeError):
            return None

    def status_id(self, short_name: str) -> str | None:
        folded = short_name.casefold()
        return next((i for i, s in self.statuses.items() if s.casefold() == folded), None)


@dataclass
class Review:
    """The review being assembled: entries in order, statuses, media and notes per task."""

    entries: list[tuple[str, str | None]] = field(default_factory=list)
    media: dict[str, MediaRef] = field(default_factory=dict)
    status: dict[str, tuple[str | None, Any]] = field(default_factory=dict)
    """Task -> (status short name, when it was last set)."""
    notes: dict[str, list[Note]] = field(default_factory=dict)
    """Task -> its notes, comments oldest first, each followed by its replies."""
    drawings: dict[str, list[Note]] = field(default_factory=dict)
    """Preview -> the frames drawn on it, as notes (see ``drawings``)."""


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


def media_ref(preview: dict[str, Any]) -> MediaRef:
    stem = preview.get("original_name") or preview["id"]
    extension = preview.get("extension")
    return MediaRef(token=preview["id"], filename=f"{stem}.{extension}" if extension else stem)
