"""Every log line of a run names its mapping and run; secrets never reach a log line."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from syncd import logs
from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.policy import Policy
from syncd.core.statuses import StatusTable
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    logs.configure("info", "json", stream)
    try:
        yield stream
    finally:
        logs.configure("warning", "console")


def test_run_lines_carry_mapping_and_run_id(captured: io.StringIO, tmp_path: Path) -> None:
    a, b = MemoryReview("a"), MemoryReview("b")
    item = a.add_item("sh010")
    a.add_note(item.id, "hello")
    b.fault = lambda op, phase: "fail" if op == "create_note" and phase == "before" else None
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    rt = MappingRuntime(
        "dailies",
        {"a": MemoryEndpoint("a", a), "b": MemoryEndpoint("b", b)},
        Policy(endpoints=("a", "b")),
        StatusTable(),
        media_dir=tmp_path,
    )
    result = Engine(store).run(rt)
    structlog.get_logger("after").info("outside any run")
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    in_run = lines[:-1]
    assert {line["event"] for line in in_run} >= {"write failed", "run finished"}
    assert all(line["mapping"] == "dailies" and line["run_id"] == result.run_id for line in in_run)
    assert "run_id" not in lines[-1] and "mapping" not in lines[-1]


def test_secret_keys_are_redacted(captured: io.StringIO) -> None:
    structlog.get_logger("t").info("login", password="hunter2", api_key="k-123", user="ana")
    line = json.loads(captured.getvalue())
    assert line["password"] == line["api_key"] == "***" and line["user"] == "ana"
