"""Creates in doubt, as a run's reading sees them.

A note create whose answer was lost (or whose run was killed) is looked for in the next reading
of its endpoint, by its item and its content (``planning.notes.claim_doubt``). Its absence is
the only evidence that it never landed, and a listing that shows no notes at all on its item is
poor evidence: a proxy's hiccup or an API answering ``[]`` looks the same. Such an endpoint is
read once more, in full, before the run takes the absence as real.
"""

from __future__ import annotations

from collections.abc import Iterable

from syncd.core.model import Snapshot
from syncd.core.recorded import InDoubt

READ_AGAIN = "a create in doubt is on an item that listed no notes"


def doubted_items(doubts: Iterable[tuple[int, InDoubt]]) -> dict[str, set[str]]:
    """Per endpoint, the native items that creates in doubt were written on."""
    out: dict[str, set[str]] = {}
    for _, doubt in doubts:
        out.setdefault(doubt.endpoint, set()).add(doubt.item)
    return out


def unshown(snap: Snapshot, items: set[str]) -> set[str]:
    """Those of ``items`` that the snapshot holds but lists no note on."""
    if not items:
        return set()
    present = {item.id for item in snap.items} & items
    return present - {note.item for note in snap.notes}
