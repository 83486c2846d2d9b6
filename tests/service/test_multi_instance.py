"""Two instances on one PostgreSQL: a mapping runs in one of them only, and moves when it dies."""

from __future__ import annotations

import itertools
import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import ProgrammingError

from syncd.service.leases import PostgresLeases, lease_key
from syncd.state import schema as t
from tests.service.postgres import postgres_cluster
from tests.service.support import Daemon, wait_for, write_config, write_review

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        os.environ.get("SYNCD_SKIP_POSTGRES", "").strip() == "1",
        reason="SYNCD_SKIP_POSTGRES=1: PostgreSQL tests skipped on request",
    ),
]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_cluster() as url:
        yield url


def _runs(url: str) -> list[dict[str, Any]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(t.runs).order_by(t.runs.c.id)).mappings().all()
    except ProgrammingError:  # no schema yet
        return []
    finally:
        engine.dispose()
    return [dict(r) for r in rows]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_lease_keys_are_stable_and_exclusive(pg_url: str) -> None:
    assert lease_key("dailies") == lease_key("dailies") != lease_key("dailies2")
    assert -(2**63) <= lease_key("dailies") < 2**63
    first, second = PostgresLeases(pg_url), PostgresLeases(pg_url)
    try:
        assert first.acquire("m") and first.acquire("m")  # re-checking a held lease keeps it
        assert not second.acquire("m")
        assert second.acquire("other")
        first.release("m")
        assert second.acquire("m")
        assert not first.acquire("m")
        second.close()  # a closed session frees everything it held
        assert first.acquire("m") and first.acquire("other")
        assert first.held() == {"m", "other"}
    finally:
        first.close()
        second.close()


def test_one_instance_runs_a_mapping_and_another_takes_over(pg_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, ["shared"], every="1s", state=pg_url)
    write_review(tmp_path / "a", "shared", items=5, notes=4)
    first = Daemon(config, name="first")
    second: Daemon | None = None
    try:
        wait_for(lambda: any(r["finished_at"] for r in _runs(pg_url)), timeout=30)
        second = Daemon(config, name="second")  # started after the schema exists
        wait_for(lambda: second.logged("service started"), timeout=20)
        time.sleep(4)
        hosts = {r["host"].rsplit(":", 1)[1] for r in _runs(pg_url)}
        assert hosts == {str(first.proc.pid)}

        first.proc.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_at = datetime.now(UTC)
        taken = wait_for(
            lambda: [
                r
                for r in _runs(pg_url)
                if r["host"].endswith(f":{second.proc.pid}") and r["outcome"] != "running"
            ],
            timeout=10,
        )
        assert (_aware(taken[0]["started_at"]) - killed_at).total_seconds() < 5
        time.sleep(2)
    finally:
        first.stop()
        if second is not None:
            second.stop()

    finished = [r for r in _runs(pg_url) if r["finished_at"]]
    assert len(finished) >= 6
    intervals = sorted((_aware(r["started_at"]), _aware(r["finished_at"])) for r in finished)
    for (_, end), (start, _) in itertools.pairwise(intervals):
        assert start >= end, "two runs of the mapping overlapped"
    # the run the kill cut short (if it landed mid-run) is closed as interrupted, and only it
    cut = [r for r in finished if r["outcome"] == "interrupted"]
    assert len(cut) <= 1 and all(r["host"].endswith(f":{first.proc.pid}") for r in cut), cut
    assert {r["outcome"] for r in finished if r not in cut} <= {"ok", "stopped"}
