"""State changes as rows of the hot statements, grouped so that each statement runs once.

Recording a plan's changes (thousands on a first sync) or a batch of landed writes one
statement per row costs far more in statement overhead than in the database. The changes are
cut into segments in which no row depends on another row of the same segment; within one, each
statement runs once over all its rows (``executemany``), in a fixed order that gives the same
result as running the changes one by one.

The fixed order is: links inserted, natives unbound, members upserted, fingerprints upserted,
members dropped, fingerprints dropped, links tombstoned. It differs from running the changes in
their own order only where a change touches what an ``Unbind`` earlier in the segment dropped,
or binds a native id that an earlier ``Bind`` of the segment bound: a new segment starts there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from syncd.core.actions import Bind, Record, StateChange, Tombstone, Unbind

ORDER = (
    "insert_link",
    "unbind_native",
    "upsert_member",
    "upsert_seen",
    "drop_member",
    "drop_seen",
    "tombstone",
)
"""The statements of ``HotStatements`` a segment runs, in this order."""

Segment = dict[str, list[dict[str, Any]]]


def segments(mapping: str, changes: Iterable[StateChange], stamp: datetime) -> Iterator[Segment]:
    """The changes as segments of rows per statement, to run in ``ORDER``."""
    rows: Segment = {name: [] for name in ORDER}
    dropped: set[tuple[str, str]] = set()
    natives: set[tuple[str, str, str]] = set()
    used = False
    for change in changes:
        match change:
            case Bind(link=link, kind=kind, endpoint=ep, native=native):
                key = (kind, ep, native)
                if (link, ep) in dropped or key in natives:
                    yield rows
                    rows, dropped, natives = {name: [] for name in ORDER}, set(), set()
                natives.add(key)
                rows["insert_link"].append(
                    {
                        "mapping": mapping,
                        "id": link,
                        "kind": kind,
                        "item_link": change.item,
                        "parent_link": change.parent,
                        "deleted": False,
                        "created_at": stamp,
                    }
                )
                rows["unbind_native"].append(
                    {"b_mapping": mapping, "b_kind": kind, "b_endpoint": ep, "b_native": native}
                )
                rows["upsert_member"].append(
                    {
                        "mapping": mapping,
                        "link_id": link,
                        "endpoint": ep,
                        "kind": kind,
                        "native_id": native,
                    }
                )
            case Record(link=link, endpoint=ep, aspect=aspect, fp=fp, gen=gen):
                if (link, ep) in dropped:
                    yield rows
                    rows, dropped, natives = {name: [] for name in ORDER}, set(), set()
                rows["upsert_seen"].append(
                    {
                        "mapping": mapping,
                        "link_id": link,
                        "endpoint": ep,
                        "aspect": aspect,
                        "fp": fp,
                        "gen": gen,
                    }
                )
            case Unbind(link=link, endpoint=ep):
                dropped.add((link, ep))
                where = {"b_mapping": mapping, "b_link": link, "b_endpoint": ep}
                rows["drop_member"].append(where)
                rows["drop_seen"].append(where)
            case Tombstone(link=link):
                rows["tombstone"].append({"b_mapping": mapping, "b_link": link})
            case _:
                raise AssertionError(change)
        used = True
    if used:
        yield rows
