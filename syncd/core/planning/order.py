"""Playlist order: one endpoint's order (the changed one, or the mapping's designated one) is
the reference, and every other endpoint that may be reordered follows it.

An order is compared only over the items two sides share, so an item being added or removed
is not read as a reorder. Items this plan creates go last, where the systems append them; where
several are created on an endpoint that follows the order, the order is set after them (they
may be created side by side, see ``syncd.sync.schedule``).
"""

from __future__ import annotations

from collections.abc import Iterable

from syncd.core.actions import SetOrder
from syncd.core.planning.ledger import Ledger
from syncd.core.planning.resolve import pick_winner
from syncd.core.recorded import ORDER_LINK


def plan_order(led: Ledger) -> None:
    direction = led.pol.order
    projected: dict[str, list[str]] = {}
    for ep in led.eps:
        seq = [led.item_link[ep][it.id] for it in led.snaps[ep].items]
        seq = [lid for lid in seq if lid not in led.dead]
        seq.extend(lid for lid in led.item_present if (lid, ep) in led.creating)
        projected[ep] = seq
    recs = {ep: led.rec.get_seen(ORDER_LINK, ep, "order") for ep in led.eps}
    gen = max((r.gen for r in recs.values() if r is not None), default=0)
    changed = []
    for ep in led.eps:
        r = recs[ep]
        if r is None:
            if len(projected[ep]) > 1:
                changed.append(ep)
        elif relative(projected[ep], r.fp.split("\n")) != relative(r.fp.split("\n"), projected[ep]):
            changed.append(ep)
    sources = [ep for ep in changed if direction.is_source(ep)]
    if sources:
        keys = {ep: "\n".join(relative(projected[ep], projected[sources[0]])) for ep in sources}
        winner = sources[0]
        if len(set(keys.values())) > 1:
            winner = pick_winner(led, ORDER_LINK, "order", sources, keys, {})
        gen += 1
        ref = winner
    else:
        current = [
            ep
            for ep in led.eps
            if (r := recs[ep]) is not None and r.gen == gen and ep not in changed
        ]
        preferred = [ep for ep in current if direction.is_source(ep)]
        if preferred:
            ref = preferred[0]
        elif direction.value in led.eps and direction.value not in changed:
            ref = direction.value
        else:
            return
    position = {lid: i for i, lid in enumerate(projected[ref])}
    end = len(position)
    for ep in led.eps:
        seq = projected[ep]
        desired = sorted(seq, key=lambda lid: position.get(lid, end))
        reorderable = direction.is_target(ep) and led.pol.caps(ep).can_reorder
        # Items created side by side land in the order their writes finish: where the plan
        # creates several so, an order that may be set is set, and the order syncd records is
        # the one the system answers with (where it may not, they are created one by one).
        unsure = (
            reorderable
            and ep in led.pol.side_by_side
            and sum(1 for lid in seq if (lid, ep) in led.creating) > 1
        )
        if ep == ref or (desired == seq and not unsure):
            led.record(ORDER_LINK, ep, "order", "\n".join(seq), gen)
        elif reorderable:
            led.out.actions.append(SetOrder(ep, tuple(desired), gen))


def relative(seq: Iterable[str], other: Iterable[str]) -> list[str]:
    """``seq`` restricted to the elements it shares with ``other``."""
    keep = set(other)
    return [x for x in seq if x in keep]
