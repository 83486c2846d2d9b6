"""The journal: every remote write, opened before it is sent and closed with its outcome.

A write still ``pending`` when a run starts was cut short by a killed process; a create whose
outcome is unknown (``doubt``, or ``interrupted``) keeps its intent, which the next run's
planner uses to recognise the note the system made even where it put it elsewhere than asked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from syncd.core.actions import StateChange
from syncd.core.recorded import InDoubt
from syncd.state import schema as t
from syncd.state.clock import now
from syncd.state.statements import HotStatements


class Journal:
    engine: Engine
    hot: HotStatements

    def transaction(self) -> Any: ...

    def apply(self, conn: Connection, mapping: str, changes: Iterable[StateChange]) -> None: ...

    # -- journal ---------------------------------------------------------------------------------
    def journal_begin(
        self,
        run_id: int,
        mapping: str,
        endpoint: str,
        action: str,
        link: str | None,
        *,
        intent: dict[str, Any] | None = None,
    ) -> int:
        """Open one entry for a write about to be sent, in a transaction of its own."""
        with self.transaction() as conn:
            (entry,) = self.journal_open(conn, run_id, mapping, [(endpoint, action, link, intent)])
        return entry

    def land_and_open(
        self,
        mapping: str,
        changes: list[StateChange],
        done: list[tuple[int, str | None]],
        run_id: int,
        opening: list[tuple[str, str, str | None, dict[str, Any] | None]],
    ) -> list[int]:
        """In one transaction: the state ``changes`` of writes that landed, their journal
        entries closed (``done``: entry, native id), and entries opened for the writes about
        to be sent (``opening``); the ids of those, in order."""
        if not (changes or done or opening):
            return []
        with self.transaction() as conn:
            self.apply(conn, mapping, changes)
            if done:
                self.journal_done(conn, done)
            return self.journal_open(conn, run_id, mapping, opening) if opening else []

    def journal_open(
        self,
        conn: Connection,
        run_id: int,
        mapping: str,
        writes: list[tuple[str, str, str | None, dict[str, Any] | None]],
    ) -> list[int]:
        """Open one entry per (endpoint, action, link, intent), in ``conn``; their ids, in the
        same order."""
        stamp = now()
        rows = [
            {
                "run_id": run_id,
                "mapping": mapping,
                "endpoint": endpoint,
                "action": action,
                "link_id": link,
                "state": "pending",
                "at": stamp,
                "intent": None if intent is None else json.dumps(intent, separators=(",", ":")),
            }
            for endpoint, action, link, intent in writes
        ]
        return self.hot.insert_journal(conn, rows)

    def journal_end(
        self,
        conn: Connection,
        entry: int,
        state: str,
        native: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.hot.run(
            conn,
            "journal_end",
            [
                {
                    "b_entry": entry,
                    "state": state,
                    "native_id": native,
                    "detail": detail,
                    "at": now(),
                }
            ],
        )

    def journal_done(self, conn: Connection, entries: list[tuple[int, str | None]]) -> None:
        """Close these entries as landed, each with the native id it made (if any)."""
        stamp = now()
        self.hot.run(
            conn,
            "journal_end",
            [
                {
                    "b_entry": entry,
                    "state": "done",
                    "native_id": native,
                    "detail": None,
                    "at": stamp,
                }
                for entry, native in entries
            ],
        )

    def pending_journal(self, mapping: str) -> list[dict[str, Any]]:
        """Writes started but never recorded: a run was killed between the write and its record."""
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(t.journal).where(
                        t.journal.c.mapping == mapping, t.journal.c.state == "pending"
                    )
                )
                .mappings()
                .all()
            )
        return [dict(r) for r in rows]

    def close_pending(self, mapping: str) -> None:
        """Mark the writes and runs of a killed process as interrupted."""
        with self.transaction() as conn:
            conn.execute(
                update(t.runs)
                .where(t.runs.c.mapping == mapping, t.runs.c.outcome == "running")
                .values(outcome="interrupted", finished_at=now())
            )
            conn.execute(
                update(t.journal)
                .where(t.journal.c.mapping == mapping, t.journal.c.state == "pending")
                .values(state="interrupted", at=now())
            )

    def in_doubt(self, mapping: str) -> list[tuple[int, InDoubt]]:
        """Creates whose outcome is unknown (a lost answer, a killed run), with their intent."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    t.journal.c.id, t.journal.c.link_id, t.journal.c.endpoint, t.journal.c.intent
                )
                .where(
                    t.journal.c.mapping == mapping,
                    t.journal.c.state.in_(("interrupted", "doubt")),
                    t.journal.c.intent.is_not(None),
                )
                .order_by(t.journal.c.id)
            ).all()
        out = []
        for entry, link, endpoint, intent in rows:
            try:
                data = json.loads(intent)
                doubt = InDoubt(
                    link,
                    endpoint,
                    data["item"],
                    data.get("parent"),
                    data["fp"],
                    data.get("words"),
                    data.get("gen"),
                )
                out.append((entry, doubt))
            except (ValueError, KeyError, TypeError):
                continue
        return out

    def items_in_doubt(self, mapping: str) -> list[tuple[int, str, str]]:
        """Item creates whose outcome is unknown: (entry, link, endpoint)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.journal.c.id, t.journal.c.link_id, t.journal.c.endpoint)
                .where(
                    t.journal.c.mapping == mapping,
                    t.journal.c.action == "create_item",
                    t.journal.c.state.in_(("interrupted", "doubt")),
                    t.journal.c.link_id.is_not(None),
                )
                .order_by(t.journal.c.id)
            ).all()
        return [(entry, str(link), str(endpoint)) for entry, link, endpoint in rows]

    def resolve(self, entries: Iterable[int]) -> None:
        """The planner has seen these creates in doubt: they need no more looking for."""
        ids = list(entries)
        if not ids:
            return
        with self.transaction() as conn:
            conn.execute(update(t.journal).where(t.journal.c.id.in_(ids)).values(state="resolved"))
