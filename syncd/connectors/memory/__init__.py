"""In-memory reviews (``type: memory``): the reference connector with every capability, used by
the tests to play users and inject failures and crashes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syncd.connectors.spec import ConnectorSpec

SPEC = ConnectorSpec(
    type="memory",
    description="An in-process review, for tests.",
    settings={},
    selector={"review": {"type": "string", "description": "Name of the in-memory review."}},
    factory="syncd.connectors.memory:open_endpoint",
)


def open_endpoint(name: str, settings: Mapping[str, Any], selector: Mapping[str, Any]) -> Any:
    from syncd.connectors.memory.endpoint import open_memory_endpoint

    return open_memory_endpoint(name, dict(settings), dict(selector))
