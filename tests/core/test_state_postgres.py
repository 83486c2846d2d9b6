"""The state database on a real PostgreSQL: same code, same results as on SQLite."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime
from tests.service.postgres import postgres_cluster

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


def test_instances_starting_together_upgrade_the_schema_once(pg_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        try:
            barrier.wait()
            StateStore.open(pg_url).dispose()
        except BaseException as exc:  # collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    store = StateStore(pg_url)
    assert store.schema_revision() == StateStore.head_revision()
    store.dispose()


def test_a_sync_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    a, b = MemoryReview("a"), MemoryReview("b")
    item = a.add_item("sh010", status="wfa")
    note = a.add_note(item.id, "on postgres", frame=3)
    a.add_note(item.id, "a reply", parent=note.id)
    store = StateStore.open(pg_url)
    rt = MappingRuntime(
        "pg",
        {"a": MemoryEndpoint("a", a), "b": MemoryEndpoint("b", b)},
        Policy(endpoints=("a", "b"), notes=Direction(BOTH), statuses=Direction(BOTH)),
        StatusTable.from_rows([{"a": "wfa", "b": "for_review"}]),
        media_dir=tmp_path,
    )
    first = Engine(store).run(rt)
    assert dict(first.counts) == {"create_item": 1, "create_note": 2}
    assert b.items[0].status == "for_review"
    a.edit_note(note.id, "edited on postgres")
    assert dict(Engine(store).run(rt).counts) == {"update_note": 1}
    assert Engine(store).run(rt).counts == {}
    assert store.link_counts("pg") == {"item": 1, "note": 2}
    store.dispose()
