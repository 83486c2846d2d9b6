"""Planner time for 1k, 10k and 100k notes on three endpoints.

Two cases per size: a steady state (everything linked and in sync, 1% of notes edited on one
side, which is what a service sees most of the time) and a first sync (nothing linked yet, one
side full and the other two empty: every note is created twice). Pure planning only: snapshots
are built in memory beforehand, as the engine would have them.

    python benchmarks/plan_scaling.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import UTC, datetime

from syncd.core.fingerprints import note_fingerprint, status_fingerprint
from syncd.core.model import Item, Note, NoteContent, Snapshot
from syncd.core.planning import plan
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.recorded import ORDER_LINK, LinkRecord, Recorded, Seen

EPS = ("kitsu", "syncsketch", "shotgrid")
NOTES_PER_ITEM = 10
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def build(notes: int) -> tuple[Recorded, dict[str, Snapshot], dict[str, Snapshot]]:
    n_items = max(1, notes // NOTES_PER_ITEM)
    links: list[LinkRecord] = []
    seen: list[tuple[str, str, str, Seen]] = []
    snaps: dict[str, tuple[list[Item], list[Note]]] = {ep: ([], []) for ep in EPS}
    for i in range(n_items):
        lid = f"i{i}"
        links.append(LinkRecord(lid, "item", {ep: f"{ep}-i{i}" for ep in EPS}))
        for ep in EPS:
            snaps[ep][0].append(Item(f"{ep}-i{i}", f"sh{i:05d}", status="0"))
            seen.append((lid, ep, "status", Seen(status_fingerprint("0"), 1)))
    for n in range(notes):
        item = n % n_items
        lid = f"n{n}"
        text = f"note {n}: tighten the arc around frame {n % 200}"
        links.append(LinkRecord(lid, "note", {ep: f"{ep}-n{n}" for ep in EPS}, item=f"i{item}"))
        fp = note_fingerprint(NoteContent(text, n % 200))
        for ep in EPS:
            seen.append((lid, ep, "content", Seen(fp, 1)))
    for ep in EPS:  # one endpoint at a time, as a connector parses one answer
        for n in range(notes):
            text = f"note {n}: tighten the arc around frame {n % 200}"
            snaps[ep][1].append(
                Note(
                    f"{ep}-n{n}",
                    f"{ep}-i{n % n_items}",
                    text,
                    frame=n % 200,
                    created=T0,
                    modified=T0,
                )
            )
    order = "\n".join(f"i{i}" for i in range(n_items))
    for ep in EPS:
        seen.append((ORDER_LINK, ep, "order", Seen(order, 1)))
    steady = {ep: Snapshot(tuple(items), tuple(ns)) for ep, (items, ns) in snaps.items()}
    edited = list(steady["syncsketch"].notes)
    for n in range(0, notes, 100):
        edited[n] = replace(edited[n], text=edited[n].text + " (edited)")
    steady["syncsketch"] = replace(steady["syncsketch"], notes=tuple(edited))
    first = {"kitsu": steady["kitsu"], "syncsketch": Snapshot(), "shotgrid": Snapshot()}
    return Recorded.build(links, seen), steady, first


def timed(recorded: Recorded, snaps: dict[str, Snapshot], policy: Policy) -> tuple[float, int]:
    best = float("inf")
    actions = 0
    for _ in range(3):
        start = time.perf_counter()
        result = plan(recorded, snaps, policy)
        best = min(best, time.perf_counter() - start)
        actions = len(result.actions)
    return best, actions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    policy = Policy(
        endpoints=EPS,
        notes=Direction(BOTH),
        statuses=Direction(BOTH),
        order=Direction("kitsu"),
        allow_empty=True,
    )
    print(
        f"{'notes':>8} {'endpoints':>9} {'case':<12} {'plan time':>10} {'actions':>8} "
        f"{'us/note':>8}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        recorded, steady, first = build(size)
        for case, snaps, rec in (("steady", steady, recorded), ("first sync", first, Recorded())):
            seconds, actions = timed(rec, snaps, policy)
            print(
                f"{size:>8} {len(EPS):>9} {case:<12} {seconds:>9.3f}s {actions:>8} "
                f"{seconds / size * 1e6:>8.2f}"
            )


if __name__ == "__main__":
    main()
