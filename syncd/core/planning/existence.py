"""Existence, shared by items and notes: objects an endpoint lost, and tombstones.

An object linked on an endpoint that no longer shows it was deleted there. With deletes on (and
that endpoint allowed to speak for the aspect) the deletion propagates as a tombstone: the object
is removed wherever it still exists and never comes back. Otherwise the endpoint's membership is
forgotten, and the object is restored there like any missing copy.
"""

from __future__ import annotations

from collections.abc import Mapping

from syncd.core.actions import DeleteItem, DeleteNote
from syncd.core.model import Item, Note
from syncd.core.planning.ledger import Ledger
from syncd.core.policy import Direction
from syncd.core.recorded import Kind, LinkRecord


def handle_gone(
    led: Ledger, link_id: str, objs: Mapping[str, Item | Note], kind: Kind, direction: Direction
) -> bool:
    """Deal with endpoints that had the object and lost it. True when the link is now dead."""
    gone = [ep for ep in led.eps if ep not in objs and led.has_member(link_id, ep)]
    if kind == "note":
        item_link = led.link(link_id).item
        gone = [ep for ep in gone if item_link and led.item_on(item_link, ep)]
    if not gone:
        return False
    deleters = [ep for ep in gone if led.pol.deletes and direction.is_source(ep)]
    if deleters:
        led.tombstone(link_id)
        for ep in gone:
            led.unbind(link_id, ep)
        remove_everywhere(led, link_id, objs, kind)
        return True
    for ep in gone:
        led.unbind(link_id, ep)
        restorable = led.pol.caps(ep).can_create_items if kind == "item" else led.writable(ep)
        if direction.is_target(ep) and restorable:
            led.problem(
                ep,
                link_id,
                f"restoring a {kind} deleted on {ep} (deletes are off for this mapping)",
                "info",
            )
    return False


def remove_everywhere(
    led: Ledger, link_id: str, objs: Mapping[str, Item | Note], kind: Kind
) -> None:
    for ep, obj in objs.items():
        caps = led.pol.caps(ep)
        if not caps.can_delete:
            led.problem(ep, link_id, f"cannot delete {obj.id} on {ep}: not supported there")
            continue
        if kind == "item":
            led.out.actions.append(DeleteItem(ep, link_id))
            led.deleting_items.add((link_id, ep))
        else:
            led.out.actions.append(DeleteNote(ep, link_id))
        led.deleting[ep] += 1


def forget_vanished(led: Ledger, link_id: str, link: LinkRecord) -> None:
    """A recorded link whose object is in no snapshot: gone wherever it could be seen."""
    members = [ep for ep in link.members if ep in led.snaps]
    if link.kind == "note":
        if link.item in led.dead or link.parent in led.dead:
            members = [ep for ep in members if led.has_member(link_id, ep)]
        else:
            members = [ep for ep in members if link.item and led.item_on(link.item, ep)]
    if not members:
        return
    for ep in members:
        led.unbind(link_id, ep)
    led.tombstone(link_id)
