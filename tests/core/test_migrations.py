"""Schema migrations: an empty database upgrades to head and has every table the code uses."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from syncd.state.schema import metadata
from syncd.state.store import StateStore


def test_upgrade_from_empty_database(tmp_path: Path) -> None:
    store = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    assert store.schema_revision() is None
    store.upgrade()
    assert store.schema_revision() == StateStore.head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert set(metadata.tables) <= tables
    for name, table in metadata.tables.items():
        columns = {c["name"] for c in inspect(store.engine).get_columns(name)}
        assert {c.name for c in table.columns} == columns, name
    store.upgrade()  # idempotent
    assert store.schema_revision() == StateStore.head_revision()


def test_the_known_head_is_alembics_head() -> None:
    """The fast path at start trusts ``HEAD``: it must name the newest migration."""
    from syncd.state.store import HEAD

    assert StateStore.head_revision() == HEAD
