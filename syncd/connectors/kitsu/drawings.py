"""What people draw on a Kitsu preview, as notes whose file is a picture of the drawing.

Zou keeps drawings on the preview file, not on a comment: ``annotations`` is a list of
``{time, drawing: {objects}}``, ``time`` in seconds on the frame grid of the project's frame
rate (frame N is at ``(N - 1) / fps``), the objects fabric.js shapes. Each drawn frame of an
entry's preview is a note of its own on that entry (id ``drawing:<preview>:<time>``, no words,
the frame, the preview's dates), whose one file, ``drawing-frame-0042.png``, syncd renders: the
strokes over that frame of the preview (the picture itself, or the movie's frame as Zou
extracts it; grey when neither can be had). The file's token names what was drawn, so an
edited drawing is rendered again and an untouched one never. Drawings are Kitsu's own: syncd
reads them but never writes them, so such a note is not edited or removed from elsewhere.
"""

from __future__ import annotations

import json
from hashlib import blake2b
from typing import Any

from syncd.connectors.kitsu.feed import parse_time
from syncd.core.model import Attachment, Note

DRAWING_PREFIX = "drawing-frame-"
ID_PREFIX = "drawing:"
DEFAULT_FPS = 25.0


def is_drawing(note_id: str | None) -> bool:
    return bool(note_id) and str(note_id).startswith(ID_PREFIX)


def frame_of(time: float, fps: float) -> int:
    return round(float(time) * fps) + 1


def drawing_notes(entity: str, preview: dict[str, Any], fps: float) -> list[Note]:
    """The drawn frames of ``preview`` (shown for ``entity``) as notes, in time order."""
    created = parse_time(preview["created_at"]) if preview.get("created_at") else None
    modified = parse_time(preview["updated_at"]) if preview.get("updated_at") else created
    notes = []
    entries = [e for e in preview.get("annotations") or [] if isinstance(e, dict)]
    for entry in sorted(entries, key=lambda e: float(e.get("time") or 0)):
        objects = (entry.get("drawing") or {}).get("objects") or []
        if not objects or entry.get("time") is None:
            continue
        when = json.dumps(entry["time"])
        frame = frame_of(entry["time"], fps)
        drawn = blake2b(json.dumps(objects, sort_keys=True).encode(), digest_size=8).hexdigest()
        picture = Attachment(
            filename=f"{DRAWING_PREFIX}{frame:04}.png",
            token=f"{ID_PREFIX}{preview['id']}:{when}:{drawn}",
            mime="image/png",
        )
        notes.append(
            Note(
                id=f"{ID_PREFIX}{preview['id']}:{when}",
                item=entity,
                text="",
                frame=frame,
                created=created,
                modified=modified,
                attachments=(picture,),
            )
        )
    return notes


def split_token(token: str) -> tuple[str, Any]:
    """(preview id, time as Zou stores it) of a drawing's picture."""
    _, preview, rest = token.split(":", 2)
    when = rest.rsplit(":", 1)[0]
    return preview, json.loads(when)
