"""Is the service doing its job? Every mapping must have succeeded within ``healthy_within``.

Health is read from the runs table, not from this process's memory, so on a shared PostgreSQL a
mapping run by another instance counts as healthy here too, and a restart does not forget the
last success. A mapping that never succeeded is given the service's own age as grace: a fresh
start is "starting", not "failing".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from syncd.state.history import SUCCESS, last_outcomes, last_successes
from syncd.state.store import StateStore


@dataclass(frozen=True)
class Health:
    ok: bool
    detail: dict[str, Any]


def check_health(
    store: StateStore,
    mappings: list[str],
    healthy_within: float,
    started_at: datetime,
    now: datetime | None = None,
) -> Health:
    now = now or datetime.now(UTC)
    try:
        successes = last_successes(store, mappings)
        outcomes = last_outcomes(store, mappings)
    except Exception as exc:  # the database itself is down: that is unhealthy, not a crash
        return Health(False, {"status": "unhealthy", "error": f"state database: {exc}"[:300]})
    detail: dict[str, Any] = {}
    ok = True
    for name in mappings:
        last = successes.get(name)
        outcome, error = outcomes.get(name, (None, None))
        if last is not None:
            age = (now - last).total_seconds()
            healthy = age <= healthy_within
        else:
            age = None
            healthy = (now - started_at).total_seconds() <= healthy_within
        entry: dict[str, Any] = {
            "healthy": healthy,
            "last_success": last.isoformat() if last else None,
            "seconds_since_success": None if age is None else round(age, 1),
            "last_outcome": outcome,
        }
        if error and outcome not in SUCCESS:
            entry["last_error"] = error[:500]
        detail[name] = entry
        ok = ok and healthy
    return Health(
        ok,
        {
            "status": "ok" if ok else "unhealthy",
            "healthy_within_s": healthy_within,
            "mappings": detail,
        },
    )
