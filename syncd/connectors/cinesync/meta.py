"""syncd's part of a media's ``userData``: what a session file cannot say in its own elements.

cineSync keeps ``userData`` unread and gives it back in every file it saves and every event it
sends, so it is where syncd keeps, under its ``"syncd"`` key (:mod:`.userdata`)::

    {"syncd": {"id": "i3f2a…", "status": "wfa",
               "media": {"sha256": "…", "name": "sh010.mov", "size": 1234},
               "notes": {"n8e1d…": {"h": "5c1f…", "by": "dana@studio.example", "re": "n3f2…",
                                    "at": "2026-01-05T10:00:00+00:00"}},
               "frames": {"12": {"of": "…", "img": "<sha256>.png", "note": "n8e1d…"}}}}

- ``id``: the item's id in this session; ``status``: the status syncd set (statuses are read
  back from here, never from the media's groups, which only show them);
- ``media``: the media syncd put in the locators, by content;
- ``notes``: every note of the media by its marker's id, with ``h``, the hash of the paragraph as
  syncd last wrote or saw it. A file cineSync saved carries the table as it was when the file was
  opened there, which is how syncd tells a paragraph the user edited from one syncd changed since
  (:mod:`.merge`). ``by`` (an e-mail address), ``re`` (the note it answers), ``at`` and ``ed``
  (created, last edit seen) are what a paragraph cannot show;
- ``frames``: the image each drawn frame became (``of`` the hash of its drawings), and the note
  that carries it (``alone`` when the drawings are the whole note);
- ``taken``: the ids syncd gave to paragraphs a user typed, by the hash they had then. cineSync's
  live session never shows the markers syncd adds to its file, so an event sends the same
  unmarked text again and again: this is how it is known for the note it already is.

The session's own ``userData`` holds ``{"syncd": {"media": [ids…]}}``: the media in the order
syncd last wrote them, which tells a media the user removed from one syncd added since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from hashlib import blake2b
from typing import Any


def para_hash(frame: int | None, text: str, author: str | None) -> str:
    """The hash of a paragraph as it reads back: where it is, what it says, who it names."""
    key = f"{'' if frame is None else frame}\x1f{text}\x1f{author or ''}"
    return blake2b(key.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


@dataclass
class NoteMeta:
    hash: str
    email: str | None = None
    parent: str | None = None
    created: str | None = None
    edited: str | None = None

    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {"h": self.hash}
        for key, value in (
            ("by", self.email),
            ("re", self.parent),
            ("at", self.created),
            ("ed", self.edited),
        ):
            if value is not None:
                out[key] = value
        return out

    @classmethod
    def load(cls, raw: Any) -> NoteMeta | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("h"), str):
            return None
        return cls(raw["h"], _text(raw, "by"), _text(raw, "re"), _text(raw, "at"), _text(raw, "ed"))


@dataclass
class FrameImage:
    drawings: str
    """The hash of the frame's drawings that ``image`` shows."""
    image: str
    """The file's name in the drawings folder: ``<sha256>.<png|jpg>``."""
    note: str
    size: int = 0
    alone: bool = False
    saved: bool = False
    """The image is the frame cineSync saved itself (an event's), not one syncd drew."""

    @property
    def sha256(self) -> str:
        return self.image.partition(".")[0]

    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {"of": self.drawings, "img": self.image, "note": self.note}
        out["size"] = self.size
        if self.alone:
            out["alone"] = True
        if self.saved:
            out["saved"] = True
        return out

    @classmethod
    def load(cls, raw: Any) -> FrameImage | None:
        if not isinstance(raw, dict):
            return None
        drawings, image, note = _text(raw, "of"), _text(raw, "img"), _text(raw, "note")
        size = raw.get("size")
        if drawings is None or image is None or note is None or "/" in image or "\\" in image:
            return None
        whole = isinstance(size, int) and not isinstance(size, bool)
        return cls(
            drawings,
            image,
            note,
            size if whole else 0,
            alone=raw.get("alone") is True,
            saved=raw.get("saved") is True,
        )


@dataclass
class MediaRecord:
    sha256: str
    name: str
    size: int

    def dump(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "name": self.name, "size": self.size}

    @classmethod
    def load(cls, raw: Any) -> MediaRecord | None:
        if not isinstance(raw, dict):
            return None
        sha, name, size = _text(raw, "sha256"), _text(raw, "name"), raw.get("size")
        if sha is None or name is None or not isinstance(size, int):
            return None
        return cls(sha, name, size)


@dataclass
class MediaData:
    id: str
    status: str | None = None
    media: MediaRecord | None = None
    notes: dict[str, NoteMeta] = field(default_factory=dict)
    frames: dict[int, FrameImage] = field(default_factory=dict)
    taken: dict[str, list[str]] = field(default_factory=dict)

    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.status is not None:
            out["status"] = self.status
        if self.media is not None:
            out["media"] = self.media.dump()
        if self.notes:
            out["notes"] = {k: v.dump() for k, v in self.notes.items()}
        if self.frames:
            out["frames"] = {str(k): v.dump() for k, v in sorted(self.frames.items())}
        if self.taken:
            out["taken"] = self.taken
        return out

    @classmethod
    def load(cls, raw: dict[str, Any] | None) -> MediaData | None:
        """syncd's part as read; None when it is absent or not in syncd's shape."""
        if raw is None or not isinstance(raw.get("id"), str) or not raw["id"]:
            return None
        notes = raw.get("notes") if isinstance(raw.get("notes"), dict) else {}
        frames = raw.get("frames") if isinstance(raw.get("frames"), dict) else {}
        taken = raw.get("taken") if isinstance(raw.get("taken"), dict) else {}
        return cls(
            id=raw["id"],
            status=_text(raw, "status"),
            media=MediaRecord.load(raw.get("media")),
            notes={k: m for k, v in notes.items() if (m := NoteMeta.load(v)) is not None},
            frames={
                int(k): f
                for k, v in frames.items()
                if k.isascii() and k.isdigit() and int(k) >= 1 and (f := FrameImage.load(v))
            },
            taken={
                k: [i for i in v if isinstance(i, str)]
                for k, v in taken.items()
                if isinstance(v, list)
            },
        )

    def copy(self) -> MediaData:
        return MediaData.load(self.dump()) or MediaData(self.id)


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value if isinstance(value, str) else None
