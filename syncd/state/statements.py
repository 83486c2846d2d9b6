"""The statements of the hot path (a write recorded), built once per database dialect.

Building a SQLAlchemy statement costs far more than running it on SQLite; a first sync records
thousands of writes, each with four to six statements. These are built once, with bound
parameters, and executed with each write's values.

On SQLite, where running a statement costs a few microseconds, even executing a prepared
SQLAlchemy statement costs several times what the database does. There the statements that
record a landed write are compiled once to SQL text and run on the driver's cursor of the same
connection and transaction, with SQLAlchemy's own conversion of each value that needs one
(times, booleans); every other statement, and every statement on PostgreSQL, runs through
SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from syncd.state import schema as t

Row = dict[str, Any]

_KEYS = {
    "insert_link": ("mapping", "id", "kind", "item_link", "parent_link", "deleted", "created_at"),
    "unbind_native": None,
    "upsert_member": ("mapping", "link_id", "endpoint", "kind", "native_id"),
    "upsert_seen": ("mapping", "link_id", "endpoint", "aspect", "fp", "gen"),
    "journal_begin": (
        "run_id",
        "mapping",
        "endpoint",
        "action",
        "link_id",
        "state",
        "at",
        "intent",
    ),
    "journal_end": ("state", "native_id", "detail", "at"),
}
"""The statements run on the driver's cursor on SQLite, with the columns their rows carry."""


@dataclass(frozen=True, slots=True)
class _Text:
    """One statement as SQL text with named parameters, and the conversions its values need."""

    sql: str
    convert: tuple[tuple[str, Callable[[Any], Any]], ...]

    def rows(self, rows: Sequence[Row]) -> Sequence[Row]:
        if not self.convert:
            return rows
        return [{**row, **{key: fn(row[key]) for key, fn in self.convert}} for row in rows]


def _as_text(statement: Any, keys: tuple[str, ...] | None) -> _Text:
    dialect = sqlite.dialect(paramstyle="named")
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys else None)
    convert = []
    for key, bind in compiled.binds.items():
        fn = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if fn is not None:
            convert.append((key, fn))
    return _Text(compiled.string, tuple(convert))


@dataclass(frozen=True)
class HotStatements:
    insert_link: Any
    unbind_native: Any
    upsert_member: Any
    upsert_seen: Any
    drop_member: Any
    drop_seen: Any
    tombstone: Any
    journal_begin: Any
    journal_begin_many: Any
    journal_end: Any
    texts: dict[str, _Text]
    """The statements run on the driver's cursor (SQLite), by name; empty elsewhere."""

    @classmethod
    def build(cls, dialect: str) -> HotStatements:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        member = insert(t.members)
        seen = insert(t.seen)
        built = cls(
            insert_link=insert(t.links).on_conflict_do_nothing(index_elements=["mapping", "id"]),
            # a native id moves to a new link only via an explicit rebind (keep-both forks)
            unbind_native=delete(t.members).where(
                t.members.c.mapping == bindparam("b_mapping"),
                t.members.c.kind == bindparam("b_kind"),
                t.members.c.endpoint == bindparam("b_endpoint"),
                t.members.c.native_id == bindparam("b_native"),
            ),
            upsert_member=member.on_conflict_do_update(
                index_elements=["mapping", "link_id", "endpoint"],
                set_={"native_id": member.excluded.native_id},
            ),
            upsert_seen=seen.on_conflict_do_update(
                index_elements=["mapping", "link_id", "endpoint", "aspect"],
                set_={"fp": seen.excluded.fp, "gen": seen.excluded.gen},
            ),
            drop_member=delete(t.members).where(
                t.members.c.mapping == bindparam("b_mapping"),
                t.members.c.link_id == bindparam("b_link"),
                t.members.c.endpoint == bindparam("b_endpoint"),
            ),
            drop_seen=delete(t.seen).where(
                t.seen.c.mapping == bindparam("b_mapping"),
                t.seen.c.link_id == bindparam("b_link"),
                t.seen.c.endpoint == bindparam("b_endpoint"),
            ),
            tombstone=update(t.links)
            .where(t.links.c.mapping == bindparam("b_mapping"), t.links.c.id == bindparam("b_link"))
            .values(deleted=True),
            journal_begin=t.journal.insert(),
            journal_begin_many=t.journal.insert().returning(
                t.journal.c.id, sort_by_parameter_order=True
            ),
            journal_end=update(t.journal).where(t.journal.c.id == bindparam("b_entry")),
            texts={},
        )
        if dialect == "sqlite":
            built.texts.update(
                {name: _as_text(getattr(built, name), keys) for name, keys in _KEYS.items()}
            )
        return built

    def run(self, conn: Connection, name: str, rows: Sequence[Row]) -> None:
        """Execute statement ``name`` once per row, inside ``conn``'s transaction."""
        text = self.texts.get(name)
        if text is None:
            conn.execute(getattr(self, name), list(rows))
            return
        cursor = conn.connection.cursor()
        try:
            if len(rows) == 1:
                cursor.execute(text.sql, text.rows(rows)[0])
            else:
                cursor.executemany(text.sql, text.rows(rows))
        finally:
            cursor.close()

    def insert_journal(self, conn: Connection, rows: Sequence[Row]) -> list[int]:
        """Open journal entries, inside ``conn``'s transaction; their ids, in order."""
        text = self.texts.get("journal_begin")
        if text is None:
            if len(rows) == 1:
                result = conn.execute(self.journal_begin, rows[0])
                return [int(result.inserted_primary_key[0])]
            found = conn.execute(self.journal_begin_many, list(rows)).scalars().all()
            return [int(entry) for entry in found]
        cursor = conn.connection.cursor()
        try:
            ids = []
            for row in text.rows(rows):
                cursor.execute(text.sql, row)
                ids.append(int(cursor.lastrowid))
            return ids
        finally:
            cursor.close()
