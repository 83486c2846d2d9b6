"""The planner: (what the state remembers, one snapshot per endpoint) -> a plan. Pure.

For every object and aspect the planner compares three things: what each endpoint holds now, what
it held when last in agreement (a fingerprint and a generation number in the state) and what the
other endpoints hold (``resolve`` has the decision table). Nothing here reads a clock, a file or
the network, so the whole sync semantics can be tested exhaustively in memory.

The parts, in the order a planning runs them: ``rails`` (what must not be acted on), ``items``
(links, statuses, media, missing copies), ``order``, ``notes`` (links, then ``content``: edits,
forks and missing copies), with ``existence`` (deletions and tombstones) shared by items and
notes, all writing into one ``Ledger``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from syncd.core.actions import Plan
from syncd.core.model import Snapshot
from syncd.core.planning.items import plan_items
from syncd.core.planning.ledger import Ledger, new_link_id
from syncd.core.planning.notes import plan_notes
from syncd.core.planning.order import plan_order
from syncd.core.planning.rails import (
    HELD_NOTES_FLOOR,
    hold_unread_notes,
    refuse_empty_sides,
    refuse_mass_deletes,
)
from syncd.core.policy import Policy
from syncd.core.recorded import Recorded


def plan(recorded: Recorded, snapshots: Mapping[str, Snapshot], policy: Policy) -> Plan:
    """Compute the actions that bring every endpoint in ``snapshots`` into agreement."""
    with _collector_paused():
        led = Ledger(recorded, snapshots, policy)
        if refuse_empty_sides(led):
            return led.out
        led.dead = {lid for lid, link in recorded.links.items() if link.deleted}
        plan_items(led)
        hold_unread_notes(led)
        if led.out.refusal:
            return led.out
        if not policy.order.off:
            plan_order(led)
        plan_notes(led)
        refuse_mass_deletes(led)
        return led.out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Planning allocates many small acyclic objects; with a large heap (100k notes) the
    cyclic collector would rescan everything over and over for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


__all__ = ["HELD_NOTES_FLOOR", "new_link_id", "plan"]
