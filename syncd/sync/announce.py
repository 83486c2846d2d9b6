"""Telling each endpoint, ahead of the writes, the names of the items a run will create there.

An endpoint may look up what exists for all of them at once (``Endpoint.expect_creates``); those
lookups go out on threads of their own while the run records its plan, and the first write
waits for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from syncd.connectors.base import Endpoint
from syncd.core.actions import Action, CreateItem


def items_to_create(actions: list[Action]) -> dict[str, list[str]]:
    """Endpoint -> the names of the items the plan creates there, in plan order."""
    out: dict[str, list[str]] = {}
    for action in actions:
        if isinstance(action, CreateItem):
            out.setdefault(action.endpoint, []).append(action.item.name)
    return out


class Announcement:
    def __init__(self, endpoints: Mapping[str, Endpoint], actions: list[Action]) -> None:
        wanted = items_to_create(actions)
        self._pool: ThreadPoolExecutor | None = None
        self._told: list[Future[None]] = []
        if wanted:
            self._pool = ThreadPoolExecutor(len(wanted), thread_name_prefix="syncd-announce")
            self._told = [
                self._pool.submit(endpoints[name].expect_creates, names)
                for name, names in wanted.items()
            ]

    def wait(self) -> None:
        """Every endpoint told (a lookup's fatal error is raised here)."""
        try:
            for told in self._told:
                told.result()
        finally:
            self.close()

    def close(self) -> None:
        """Wait for the lookups without their outcome (the run ended before its writes)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
