"""Creating Notes and Replies, one at a time or many in one ``batch`` request.

A create is never sent twice blindly: when its answer is lost, what it would have made is
looked for first (``NoteRequest.landed``). A batch runs on the site in one transaction, so it
made all of its rows or none; a batch the site refuses with a fault is sent again note by
note, so that the note at fault fails alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from syncd.connectors.shotgrid.client import ShotGridCalls
from syncd.connectors.shotgrid.rows import USER_FIELDS
from syncd.core.model import Note
from syncd.errors import RetriableError, SkippableError, SyncdError

CREATED_FIELDS = [
    "created_at",
    "updated_at",
    *(f for f in USER_FIELDS if f.startswith("created_by")),
]
"""What a create returns so the note can be built as a later read will see it."""

Row = dict[str, Any]


@dataclass(frozen=True)
class NoteRequest:
    """What creating one note sends, how to look for it, and how to read what it made."""

    entity: str
    data: Row
    landed: Callable[[], Row | None]
    """Looks for the row a create whose answer was lost made."""
    made: Callable[[Row], Note]
    """The note a created row is."""


def create_one(calls: ShotGridCalls, ask: NoteRequest) -> Note:
    return ask.made(calls.create(ask.entity, ask.data, CREATED_FIELDS, landed=ask.landed))


def create_batch(
    calls: ShotGridCalls, asks: list[NoteRequest | Exception], system: str
) -> list[Note | Exception]:
    """The notes ``asks`` made, in order; an exception where one could not be asked (given)
    or did not land."""
    ready = [a for a in asks if not isinstance(a, Exception)]
    rows = _batch_rows(calls, ready) if len(ready) > 1 else None
    if rows is None:  # one note, or a batch the site refused: each on its own
        return [a if isinstance(a, Exception) else _one(calls, a) for a in asks]
    made = iter(rows)
    out: list[Note | Exception] = []
    for ask in asks:
        if isinstance(ask, Exception):
            out.append(ask)
            continue
        row = next(made)
        out.append(
            ask.made(row)
            if row is not None
            else RetriableError(f"{system}: the batch's answer was lost and this note is not there")
        )
    return out


def _batch_rows(calls: ShotGridCalls, asks: list[NoteRequest]) -> list[Row | None] | None:
    """The rows a batch made, in order (None for one a lost answer did not make); None when
    the site refused the batch as a whole."""
    requests = [
        {
            "request_type": "create",
            "entity_type": ask.entity,
            "data": ask.data,
            "return_fields": CREATED_FIELDS,
        }
        for ask in asks
    ]

    def landed() -> list[Row | None] | None:
        found = [ask.landed() for ask in asks]
        return found if any(row is not None for row in found) else None

    try:
        return list(calls.batch_create(requests, landed=landed))
    except SkippableError:
        return None


def _one(calls: ShotGridCalls, ask: NoteRequest) -> Note | Exception:
    try:
        return create_one(calls, ask)
    except SyncdError as exc:
        return exc
