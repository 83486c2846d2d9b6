"""The rows a landed write leaves in the state database.

On SQLite the statements that record a write run on the driver's cursor (``statements.py``);
everywhere else they run through SQLAlchemy. Both must leave the same rows, read back by
SQLAlchemy with the same types, or the next run would plan from a different past.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from syncd.core.actions import Bind, Record, StateChange, Tombstone, Unbind
from syncd.state import schema as t
from syncd.state.store import StateStore

CHANGES: list[StateChange] = [
    Bind("L1", "item", "a", "101"),
    Bind("L2", "note", "a", "201", item="L1"),
    Bind("L3", "note", "a", "202", item="L1", parent="L2"),
    Record("L2", "a", "content", "fp-1", 1),
    Record("L2", "a", "content", "fp-2", 2),
    Bind("L2", "note", "b", "b-9", item="L1"),
    Unbind("L3", "a"),
    Tombstone("L3"),
    Bind("L4", "note", "a", "202", item="L1"),  # the native id another link had, moved
]


def _recorded(store: StateStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the recording touches, read through SQLAlchemy (times as times)."""
    out = {}
    with store.engine.connect() as conn:
        for table in (t.links, t.members, t.seen, t.journal):
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted(
                tuple(v for k, v in row._mapping.items() if k not in ("at", "created_at"))
                for row in rows
            )
            for column in ("at", "created_at"):
                if column not in table.c:
                    continue
                assert all(isinstance(row._mapping[column], datetime) for row in rows)
                stored = conn.exec_driver_sql(f"SELECT {column} FROM {table.name}").scalars()
                # the form of each stored time, digits aside: what a later read has to parse
                out[f"{table.name}.{column}"] = sorted({re.sub(r"\d", "9", v) for v in stored})
    return out


def _record_all(store: StateStore, *, held: bool) -> list[int]:
    run = store.begin_run("m")
    entries: list[int] = []
    with store.holding() if held else _nothing():
        for i, change in enumerate(CHANGES):
            done = [(entries[-1], f"n{i}")] if entries else []
            entries += store.land_and_open(
                "m", [change], done, run, [("a", "create_note", f"L{i}", {"fp": f"x{i}"})]
            )
        store.land_and_open("m", [], [(entries[-1], None)], run, [])
        entries += store.land_and_open(
            "m", [], [], run, [("b", "create_note", "L9", None), ("b", "set_status", "L9", None)]
        )
    return entries


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


@pytest.mark.parametrize("held", [False, True])
def test_the_driver_path_leaves_the_rows_sqlalchemy_leaves(tmp_path: Path, held: bool) -> None:
    fast = StateStore.open(f"sqlite:///{tmp_path / 'fast.db'}")
    core = StateStore.open(f"sqlite:///{tmp_path / 'core.db'}")
    assert fast.hot.texts, "on SQLite the hot statements run on the driver's cursor"
    core.__dict__["hot"] = replace(core.hot, texts={})  # every statement through SQLAlchemy
    try:
        assert _record_all(fast, held=held) == _record_all(core, held=held)
        got, want = _recorded(fast), _recorded(core)
        assert got == want
        assert ("m", "L4", "a", "note", "202") in got["members"]
        assert all(row[1] != "L3" for row in got["members"])
        assert ("m", "L2", "a", "content", "fp-2", 2) in got["seen"]
    finally:
        fast.dispose()
        core.dispose()


def test_a_held_connection_rolls_back_a_failed_transaction_and_goes_on(tmp_path: Path) -> None:
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        with store.holding():
            with pytest.raises(RuntimeError), store.transaction() as conn:
                store.apply(conn, "m", [Bind("L1", "item", "a", "101")])
                raise RuntimeError("the write's record failed")
            store.commit("m", [Bind("L2", "item", "a", "102")])
        members = {row[1] for row in _recorded(store)["members"]}
        assert members == {"L2"}
    finally:
        store.dispose()
