"""What the planner asks for: remote writes (actions) and state facts (changes).

Actions name objects by syncd link id; the engine resolves native ids when it applies them, so an
action can depend on an object created earlier in the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from syncd.core.model import Attachment, Item, MediaRef, Note, NoteContent
from syncd.core.recorded import Aspect, Kind

# -- state changes ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bind:
    """Link ``native`` on ``endpoint`` to ``link`` (creating the link when new)."""

    link: str
    kind: Kind
    endpoint: str
    native: str
    item: str | None = None
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Unbind:
    link: str
    endpoint: str


@dataclass(frozen=True, slots=True)
class Record:
    link: str
    endpoint: str
    aspect: Aspect
    fp: str
    gen: int


@dataclass(frozen=True, slots=True)
class Tombstone:
    link: str


StateChange = Bind | Unbind | Record | Tombstone

# -- remote writes ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateItem:
    endpoint: str
    link: str
    source: str
    item: Item
    status: str | None
    """Canonical status to give the new item, if statuses flow to this endpoint."""
    media_source: str | None
    """Endpoint to copy media from, if media flows to this endpoint."""
    media_item: Item | None
    status_gen: int
    media_gen: int


@dataclass(frozen=True, slots=True)
class SetStatus:
    endpoint: str
    link: str
    source: str
    status: str
    gen: int


@dataclass(frozen=True, slots=True)
class SetMedia:
    endpoint: str
    link: str
    source: str
    source_item: Item
    media: MediaRef
    gen: int


@dataclass(frozen=True, slots=True)
class CreateNote:
    endpoint: str
    link: str
    source: str
    note: Note
    item_link: str
    parent_link: str | None
    gen: int


@dataclass(frozen=True, slots=True)
class UpdateNote:
    endpoint: str
    link: str
    source: str
    content: NoteContent
    gen: int
    held: tuple[Attachment, ...] = ()
    """The files the note holds there now (hashed): those ``content`` keeps are not sent again."""


@dataclass(frozen=True, slots=True)
class DeleteNote:
    endpoint: str
    link: str


@dataclass(frozen=True, slots=True)
class DeleteItem:
    endpoint: str
    link: str


@dataclass(frozen=True, slots=True)
class SetOrder:
    endpoint: str
    links: tuple[str, ...]
    gen: int


Action = (
    CreateItem | SetStatus | SetMedia | CreateNote | UpdateNote | DeleteNote | DeleteItem | SetOrder
)

ACTION_LABELS: dict[type, str] = {
    CreateItem: "create_item",
    SetStatus: "set_status",
    SetMedia: "set_media",
    CreateNote: "create_note",
    UpdateNote: "update_note",
    DeleteNote: "delete_note",
    DeleteItem: "delete_item",
    SetOrder: "set_order",
}
"""How each write is named in the journal, in run counts and in metrics."""


def label(action: Action) -> str:
    return ACTION_LABELS[type(action)]


Severity = Literal["info", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the run could not do or decided not to do, reported to the user."""

    endpoint: str | None
    link: str | None
    message: str
    severity: Severity = "warning"


@dataclass(slots=True)
class Plan:
    changes: list[StateChange] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refusal: str | None = None
    """Set when a safety rail refuses the whole run; nothing may be applied then."""


def describe(action: Action) -> str:
    """One line for ``syncd plan``."""
    match action:
        case CreateItem(endpoint=ep, item=item, source=src):
            return f"{ep}: create item {item.name!r} (from {src})"
        case SetStatus(endpoint=ep, link=link, status=status, source=src):
            return f"{ep}: set status of {link} to {status} (from {src})"
        case SetMedia(endpoint=ep, source_item=item, source=src):
            return f"{ep}: upload media of {item.name!r} (from {src})"
        case CreateNote(endpoint=ep, note=note, source=src, parent_link=parent):
            kind = "reply" if parent else "note"
            return f"{ep}: create {kind} {_short(note.text)} (from {src})"
        case UpdateNote(endpoint=ep, content=content, source=src):
            return f"{ep}: edit note to {_short(content.text)} (from {src})"
        case DeleteNote(endpoint=ep, link=link):
            return f"{ep}: delete note {link}"
        case DeleteItem(endpoint=ep, link=link):
            return f"{ep}: remove item {link}"
        case SetOrder(endpoint=ep, links=links):
            return f"{ep}: reorder {len(links)} items"
    raise AssertionError(action)


def _short(text: str, width: int = 48) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")
