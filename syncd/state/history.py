"""The run history: when each mapping ran, how it ended, what it wrote and what it reported."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select, update

from syncd.state import schema as t
from syncd.state.clock import now

SUCCESS = frozenset({"ok", "partial"})
"""Run outcomes that count as the mapping having done its job (some objects may have failed)."""


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
    transfers: dict[str, Any] = field(default_factory=dict)
    """The run's media transfer report (downloads, uploads, reused, bytes, what failed)."""
    progress: dict[str, Any] = field(default_factory=dict)
    """How far the run's writes are (done, total, failed, in flight, ETA), kept while it runs."""


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

    def run_progress(self, run_id: int, progress: dict[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute(
                update(t.runs).where(t.runs.c.id == run_id).values(progress=json.dumps(progress))
            )

    def finish_run(
        self,
        run_id: int,
        outcome: str,
        counts: dict[str, int],
        error: str | None = None,
        problems: list[dict[str, Any]] | None = None,
        transfers: dict[str, Any] | None = None,
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
                    transfers=json.dumps(transfers) if transfers else None,
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
                json.loads(r["transfers"]) if r["transfers"] else {},
                json.loads(r["progress"]) if r.get("progress") else {},
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


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def last_successes(store: RunHistory, mappings: list[str]) -> dict[str, datetime]:
    """When each mapping last finished a run that counts as a success."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.runs.c.mapping, func.max(t.runs.c.finished_at))
            .where(t.runs.c.mapping.in_(mappings), t.runs.c.outcome.in_(sorted(SUCCESS)))
            .group_by(t.runs.c.mapping)
        ).all()
    return {name: stamp for name, stamp in ((r[0], _aware(r[1])) for r in rows) if stamp}


def last_outcomes(store: RunHistory, mappings: list[str]) -> dict[str, tuple[str, str | None]]:
    """Each mapping's last finished run: its outcome and error."""
    latest = (
        select(t.runs.c.mapping, func.max(t.runs.c.id).label("id"))
        .where(t.runs.c.mapping.in_(mappings), t.runs.c.outcome != "running")
        .group_by(t.runs.c.mapping)
        .subquery()
    )
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.runs.c.mapping, t.runs.c.outcome, t.runs.c.error).join(
                latest, t.runs.c.id == latest.c.id
            )
        ).all()
    return {r[0]: (r[1], r[2]) for r in rows}
