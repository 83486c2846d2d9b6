"""Three-way resolution of one aspect of one object: the heart of the sync.

Each endpoint ``ep`` holds fingerprint ``fp[ep]`` now and, in the state, ``rec[ep] = (fp, gen)``:
what it held when it last agreed with generation ``gen``. ``G`` is the highest recorded gen.
An endpoint *changed* when it has no record or its fingerprint moved since. A *source* is a
changed endpoint whose value is valid (a mapped status, present media) and that the mapping's
direction lets speak. *Current* endpoints are those recorded at ``G``, unchanged and valid.

=====================================  ===================================================
case                                   decision
=====================================  ===================================================
a source changed                       it wins (the conflict policy picks among several
                                       with different values); generation ``G + 1``
  ... an endpoint equal to the winner  recorded at ``G + 1``; nothing to write
  ... a target that may be written     written from the winner
  ... any other endpoint               left as it is (read-only, or not a target)
no source changed, none current        nothing to do: no endpoint is known to be right
no source changed, some current        the source is the first current one that may speak
  ... a current endpoint               up to date
  ... recorded at ``G``, or changed    left alone: a user's edit where edits do not flow
  ... behind, already equal            recorded at ``G`` (it caught up by itself)
  ... behind, a writable target        written from the source (an earlier write failed)
=====================================  ===================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from syncd.core.actions import Severity
from syncd.core.planning.ledger import Ledger
from syncd.core.policy import KEEP_BOTH, Direction
from syncd.core.recorded import Aspect

_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Resolution:
    source: str | None
    """The endpoint whose value is right, or None when no endpoint is known to be."""
    targets: tuple[str, ...]
    """Endpoints to write the source's value to."""
    gen: int
    """The generation the endpoints agree on once the writes landed."""


def resolve(
    led: Ledger,
    link_id: str,
    aspect: Aspect,
    fps: Mapping[str, str],
    valid: set[str],
    direction: Direction,
    writable: set[str],
    stamps: Mapping[str, datetime | None],
) -> Resolution:
    """Apply the table above; records what is already in agreement as it goes."""
    recs = {ep: led.rec.get_seen(link_id, ep, aspect) for ep in fps}
    gen = max((r.gen for r in recs.values() if r is not None), default=0)
    changed = [ep for ep, fp in fps.items() if (r := recs[ep]) is None or r.fp != fp]
    sources = [ep for ep in changed if ep in valid and direction.is_source(ep)]
    if sources:
        winner = pick_winner(led, link_id, aspect, sources, fps, stamps)
        gen += 1
        wfp = fps[winner]
        led.record(link_id, winner, aspect, wfp, gen)
        targets: list[str] = []
        for ep, fp in fps.items():
            if ep == winner:
                continue
            if fp == wfp:
                led.record(link_id, ep, aspect, fp, gen)
            elif direction.is_target(ep) and ep in writable:
                targets.append(ep)
        return Resolution(winner, tuple(targets), gen)
    current = [
        ep
        for ep, r in recs.items()
        if r is not None and r.gen == gen and r.fp == fps[ep] and ep in valid
    ]
    if not current:
        return Resolution(None, (), gen)
    source = next((ep for ep in current if direction.is_source(ep)), current[0])
    targets = []
    for ep, r in recs.items():
        if ep in current or (r is not None and (r.gen >= gen or ep in changed)):
            continue
        if fps[ep] == fps[source]:
            led.record(link_id, ep, aspect, fps[ep], gen)
        elif direction.is_target(ep) and ep in writable:
            targets.append(ep)
    return Resolution(source, tuple(targets), gen)


def pick_winner(
    led: Ledger,
    link_id: str,
    aspect: Aspect,
    sources: list[str],
    fps: Mapping[str, str],
    stamps: Mapping[str, datetime | None],
) -> str:
    """One source among several: the same value needs no choice; otherwise the mapping's
    ``conflicts:`` names the winner (an endpoint) or the last writer wins, and it is said."""
    if len({fps[ep] for ep in sources}) == 1:
        return sources[0]
    policy = led.pol.conflicts
    if policy in sources:
        winner = policy
    else:
        winner = max(sources, key=lambda ep: (stamps.get(ep) or _EPOCH, -sources.index(ep)))
    how = f"{winner} wins" if policy == winner else "the last writer wins"
    severity: Severity = "info"
    if policy == KEEP_BOTH and aspect == "content":
        how = "both versions are kept"
    elif policy == KEEP_BOTH:
        # a status or an order has one value per side: there is no keeping both
        what = {"status": "statuses", "order": "orders"}.get(aspect, aspect)
        how = f"keep-both cannot keep two {what}, so the last writer ({winner}) wins"
        severity = "warning"
    led.problem(
        None, link_id, f"conflict on {aspect} between {', '.join(sources)}: {how}", severity
    )
    return winner
