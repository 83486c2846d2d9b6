"""The canonical review every connector translates to and from.

A review is an ordered list of items (a shot, an asset, a clip) each with an optional status and
media, plus notes on those items, possibly threaded. Ids in these objects are the *native* ids of
the system that produced them; syncd's own link ids live in the state database. Frame numbers are
1-based, as users see them in every review tool's UI; connectors convert on the way in and out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Person:
    """An author. E-mail is the key used to map people across systems; ``login`` is the
    account name where a system has one besides the e-mail (a ShotGrid login), which a
    ``people:`` table may name instead."""

    email: str | None = None
    name: str | None = None
    login: str | None = None

    def label(self) -> str:
        return self.name or self.email or "unknown"


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A media revision as a system reports it, without its bytes.

    ``token`` identifies the revision within its system (a preview-file id, a version id, a
    file's content hash); ``sha256`` is set when the system knows the content hash for free.
    """

    token: str
    filename: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class LocalMedia:
    """Media bytes that sit in a local file, ready to be uploaded.

    ``fps`` and ``frames`` travel with a movie when probing found them (SyncSketch counts frames
    from the frame rate it is given); ``thumbnail`` is a small picture of it where a system
    wants one; ``url`` is where the source system serves the same bytes, when it says and serves
    them at a stable address: a system that plays media from wherever it is (cineSync) can point
    there as well as at the local copy.
    """

    path: Path
    sha256: str
    filename: str
    size: int
    fps: float | None = None
    frames: int | None = None
    thumbnail: Path | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file on a note (a paint-over, a flattened sketch, a drawing), known by its content.

    ``token`` is the system's own handle to fetch it (an attachment id, a URL) and ``sha256`` its
    content hash: a connector sets it when the system says it for free; otherwise the engine
    fills it in before planning (the state remembers it per system and token, so each file is
    downloaded and hashed once). Notes hold the same attachments when they hold the same
    contents, whatever their names and tokens. ``path`` is a local copy, for uploads; ``url``
    is where people open it in its system (what a system that cannot hold files links to).
    """

    filename: str
    sha256: str | None = None
    token: str | None = None
    size: int | None = None
    mime: str | None = None
    path: Path | None = field(default=None, compare=False)
    url: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class NoteContent:
    """What a note says, as one value: what syncd fingerprints, compares and writes.

    Everything a connector translates to and from a system's note body lives here, so a new
    field of notes is added in one place and reaches the fingerprints, the planner, the engine
    and ``Endpoint.update_note`` without touching them.
    """

    text: str
    frame: int | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    name: str
    status: str | None = None
    media: MediaRef | None = None
    link: str | None = None
    """A syncd link id the system stored on the object, when it can store one."""
    token: str | None = None
    """A cheap change token (etag, updated_at) when the system offers one."""
    modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    item: str
    text: str
    parent: str | None = None
    author: Person | None = None
    frame: int | None = None
    created: datetime | None = None
    modified: datetime | None = None
    link: str | None = None
    token: str | None = None
    attachments: tuple[Attachment, ...] = ()

    @property
    def content(self) -> NoteContent:
        return NoteContent(self.text, self.frame, self.attachments)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything one endpoint holds of a review, items in playlist order."""

    items: tuple[Item, ...] = ()
    notes: tuple[Note, ...] = ()
    cursor: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class NewItem:
    """What a connector needs to create an item."""

    name: str
    link: str
    status: str | None = None
    media: LocalMedia | None = None


@dataclass(frozen=True, slots=True)
class NewNote:
    """What a connector needs to create a note; ``item`` and ``parent`` are native ids."""

    item: str
    text: str
    link: str
    parent: str | None = None
    author: Person | None = None
    frame: int | None = None
    created: datetime | None = None
    attachments: tuple[Attachment, ...] = ()

    @property
    def content(self) -> NoteContent:
        return NoteContent(self.text, self.frame, self.attachments)

    @classmethod
    def from_note(cls, note: Note, *, item: str, link: str, parent: str | None) -> NewNote:
        """A copy of ``note`` to create elsewhere, with that system's item and parent ids."""
        return cls(
            item=item,
            text=note.text,
            link=link,
            parent=parent,
            author=note.author,
            frame=note.frame,
            created=note.created,
            attachments=note.attachments,
        )
