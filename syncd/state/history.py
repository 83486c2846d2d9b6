"""The run history: when each mapping ran, how it ended, what it wrote and what it reported."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select, update

from syncd.state import schema as t
from syncd.state.clock import now


@dataclass(frozen=True, slots=True)
class RunSummary:
    id: int
    mapping: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    counts: dict[str, int]
    error: str | None
    problems: list[dict[str, Any]] = field(default_factory=list)
    """Warnings and failures of the run: endpoint, link, message, severity."""


class RunHistory:
    engine: Engine

    def transaction(self) -> Any: ...

    # -- runs ------------------------------------------------------------------------------------
    def begin_run(self, mapping: str) -> int:
        with self.transaction() as conn:
            result = conn.execute(
                t.runs.insert().values(
                    mapping=mapping,
                    started_at=now(),
                    outcome="running",
                    host=f"{socket.gethostname()}:{os.getpid()}",
                )
            )
            return int(result.inserted_primary_key[0])

    def finish_run(
        self,
        run_id: int,
        outcome: str,
        counts: dict[str, int],
        error: str | None = None,
        problems: list[dict[str, Any]] | None = None,
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                update(t.runs)
                .where(t.runs.c.id == run_id)
                .values(
                    finished_at=now(),
                    outcome=outcome,
                    counts=json.dumps(counts),
                    error=error,
                    problems=json.dumps(problems) if problems else None,
                )
            )

    def last_runs(self, mapping: str, limit: int = 5) -> list[RunSummary]:
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(t.runs)
                    .where(t.runs.c.mapping == mapping)
                    .order_by(t.runs.c.id.desc())
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        return [
            RunSummary(
                r["id"],
                r["mapping"],
                r["started_at"],
                r["finished_at"],
                r["outcome"],
                json.loads(r["counts"]) if r["counts"] else {},
                r["error"],
                json.loads(r["problems"]) if r["problems"] else [],
            )
            for r in rows
        ]

    def link_counts(self, mapping: str) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.links.c.kind, func.count())
                .where(t.links.c.mapping == mapping, t.links.c.deleted.is_(False))
                .group_by(t.links.c.kind)
            ).all()
        return {kind: count for kind, count in rows}
