"""Safety rails: the readings and plans a run must not act on.

A failed read must never look like an empty review, and a run must not delete a review's worth
of notes by accident. Each rail either refuses the whole run (the plan then carries the reason
and nothing of it is applied) or holds part of it back with a warning; ``--allow-empty`` and
``--force-deletes`` are how a user says that what the rail saw was meant.
"""

from __future__ import annotations

from syncd.core.planning.ledger import Ledger

HELD_NOTES_FLOOR = 2
"""An item showing none of at least this many linked notes is suspected of a failed listing."""


def refuse_empty_sides(led: Ledger) -> bool:
    """An endpoint with no items while items are linked to it: the wrong review, or a read that
    failed quietly. True when the run is refused."""
    if led.pol.allow_empty:
        return False
    for ep in led.eps:
        if led.snaps[ep].items:
            continue
        linked = sum(
            1
            for link in led.rec.links.values()
            if link.kind == "item" and not link.deleted and ep in link.members
        )
        if linked:
            led.refuse(
                f"{ep} returned an empty review while {linked} items are linked to it; "
                "refusing to sync in case the wrong review was selected. If it was emptied on "
                "purpose, rerun with --allow-empty."
            )
            return True
    return False


def hold_unread_notes(led: Ledger) -> None:
    """An endpoint that suddenly shows no notes where notes are linked is not believed.

    A listing that came back empty (a proxy's hiccup, an API answering ``[]`` on a bad day)
    would otherwise look like every note deleted: restored everywhere with deletes off
    (duplicates) or deleted everywhere with deletes on. No notes at all on an endpoint where
    notes are linked refuses the run, like an empty review; an item that lost every one of at
    least ``HELD_NOTES_FLOOR`` linked notes while the endpoint shows others keeps them as they
    are this run (``Ledger.held``), with a warning. Needs the items planned first.
    """
    if led.pol.allow_empty or led.pol.notes.off:
        return
    linked: dict[str, dict[str, int]] = {ep: {} for ep in led.eps}
    for link in led.rec.links.values():
        if link.kind != "note" or link.deleted or link.item is None:
            continue
        here = led.item_present.get(link.item, {})
        for ep in link.members:
            if ep in here and ep in linked:
                linked[ep][link.item] = linked[ep].get(link.item, 0) + 1
    for ep in led.eps:
        if not linked[ep]:
            continue
        items_here = led.item_link[ep]
        seen: dict[str, int] = {}
        for note in led.snaps[ep].notes:
            item_link = items_here.get(note.item)
            if item_link is not None:
                seen[item_link] = seen.get(item_link, 0) + 1
        if not seen:
            total = sum(linked[ep].values())
            led.refuse(
                f"{ep} returned no notes while {total} notes are linked to it on items it "
                "still shows; refusing to sync in case the listing failed. If they were "
                "deleted on purpose, rerun with --allow-empty."
            )
            return
        for item_link, count in linked[ep].items():
            if count >= HELD_NOTES_FLOOR and item_link not in seen:
                led.held.add((item_link, ep))
                name = led.item_present[item_link][ep].name
                led.problem(
                    ep,
                    item_link,
                    f"{ep} shows none of the {count} notes linked on {name!r}; they are left "
                    "alone this run in case the listing failed (rerun with --allow-empty if "
                    "they were deleted on purpose)",
                )


def refuse_mass_deletes(led: Ledger) -> None:
    """More than ``max_delete_share`` of an endpoint's objects deleted in one run."""
    for ep, count in led.deleting.items():
        if count < led.pol.min_delete_guard:
            continue
        total = len(led.snaps[ep].items) + len(led.snaps[ep].notes)
        if total and count / total > led.pol.max_delete_share:
            led.refuse(
                f"this run would delete {count} of {total} objects on {ep} "
                f"(more than {led.pol.max_delete_share:.0%}); refusing; the guard applies "
                f"from {led.pol.min_delete_guard} deletions (min_delete_guard). Check what "
                "was deleted, then raise max_delete_share or min_delete_guard, or rerun "
                "with --force-deletes."
            )
            return
