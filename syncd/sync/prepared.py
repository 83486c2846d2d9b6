"""A write made ready to send: what sends it, what the journal keeps before it goes, and what
checks an answer when it rides in one request with others."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from syncd.core.actions import StateChange
from syncd.core.model import Item, NewItem, NewNote, Note
from syncd.errors import SkippableError


class LandedWrong(SkippableError):
    """The system holds something other than what was asked; ``changes`` say what it holds."""

    def __init__(self, message: str, changes: list[StateChange] | None = None) -> None:
        super().__init__(message)
        self.changes = changes or []


@dataclass(frozen=True, slots=True)
class Prepared:
    send: Callable[[], list[StateChange]]
    intent: dict[str, Any] | None = None
    """What the journal keeps before a create is sent, to recognise it if the answer is lost."""
    note: NewNote | None = None
    """A note to create, for an endpoint that creates several in one request (``create_notes``);
    ``finish`` then checks what the system made of it, as ``send`` does for one."""
    finish: Callable[[Note], list[StateChange]] | None = None
    item: NewItem | None = None
    """An item to create without media, for an endpoint that creates several in one request
    (``create_items``); ``made`` then checks what the system made of it."""
    made: Callable[[Item], list[StateChange]] | None = None
