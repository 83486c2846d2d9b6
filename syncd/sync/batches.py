"""What a worker does with the writes it is handed: one sent alone, or several notes or items
created in one request, each answer then checked as a single create's would be. Nothing here
touches the state database: the outcomes go back to the applying thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syncd.connectors.base import Endpoint
from syncd.core.actions import StateChange
from syncd.errors import SkippableError
from syncd.sync.prepared import Prepared

Outcome = list[StateChange] | Exception
"""What one write came to: the state facts it established, or why it did not land."""


def one(prepared: Prepared) -> list[Outcome]:
    try:
        return [prepared.send()]
    except Exception as exc:  # recorded by the applying thread, as the write's outcome
        return [exc]


def together(
    name: str,
    what: str,
    asked: list[Any],
    create: Callable[[list[Any]], list[Any]],
    checks: list[Callable[[Any], list[StateChange]] | None],
) -> list[Outcome]:
    """Several creates (``asked``, one per write) in one request, each answer then checked
    as a single create's would be (``checks``)."""
    try:
        made = create([a for a in asked if a is not None])
    except Exception as exc:
        return [exc for _ in asked]
    if len(made) != len(asked) or any(a is None for a in asked):
        wrong = SkippableError(
            f"{name}: a batch of {len(asked)} {what} answered {len(made)} results"
        )
        return [wrong for _ in asked]
    out: list[Outcome] = []
    for check, answer in zip(checks, made, strict=True):
        if isinstance(answer, Exception) or check is None:
            out.append(answer if isinstance(answer, Exception) else SkippableError(f"not {what}"))
            continue
        try:
            out.append(check(answer))
        except Exception as exc:
            out.append(exc)
    return out


def note_batch(endpoint: Endpoint, group: list[Prepared]) -> list[Outcome]:
    """Several notes in one request."""
    asked = [p.note for p in group]
    checks = [p.finish for p in group]
    return together(endpoint.name, "notes", asked, endpoint.create_notes, checks)  # type: ignore[arg-type]


def item_batch(endpoint: Endpoint, group: list[Prepared]) -> list[Outcome]:
    """Several items in one request."""
    asked = [p.item for p in group]
    checks = [p.made for p in group]
    return together(endpoint.name, "items", asked, endpoint.create_items, checks)  # type: ignore[arg-type]


def items_per_batch(ready: int, free: int, most: int) -> int:
    """How many of ``ready`` items go in one batch: spread over the endpoint's ``free``
    slots, so that each has a batch and the items' notes start as early as they can; at
    most ``most``."""
    return max(1, min(most, -(-ready // max(1, free))))
