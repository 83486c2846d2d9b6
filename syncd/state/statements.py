"""The statements of the hot path (a write recorded), built once per database dialect.

Building a SQLAlchemy statement costs far more than running it on SQLite; a first sync records
thousands of writes, each with four to six statements. These are built once, with bound
parameters, and executed with each write's values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from syncd.state import schema as t


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

    @classmethod
    def build(cls, dialect: str) -> HotStatements:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        member = insert(t.members)
        seen = insert(t.seen)
        return cls(
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
        )
