"""Push triggers: systems that say at once when something changed (Kitsu's event stream).

Each system used by an active mapping is asked for its live trigger (``open_live``); a system
with none (or with it switched off) is simply polled on schedule. A trigger is not a source of
truth: the next run reads what changed through the connector's own change feed, so a trigger
that misses an event only delays a sync until the next tick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import structlog

from syncd.config import Config
from syncd.connectors import open_live
from syncd.errors import SyncdError

log = structlog.get_logger("syncd.service")


class Live(Protocol):
    on_change: Callable[[str, str], None]

    def start(self) -> None: ...

    def stop(self, timeout: float = 5.0) -> None: ...


class LiveTriggers:
    """Every live trigger the configuration asks for, kept in step with it on reload."""

    def __init__(self, on_change: Callable[[str, str], None]) -> None:
        self.on_change = on_change
        self.listeners: dict[str, Live] = {}
        self._signature: dict[str, tuple[str, dict[str, Any]]] = {}

    @staticmethod
    def wanted(config: Config) -> dict[str, tuple[str, dict[str, Any]]]:
        used = {name for m in config.mappings for name in m.endpoints}
        return {
            name: (system.type, dict(system.settings))
            for name, system in config.systems.items()
            if name in used
        }

    def update(self, config: Config) -> None:
        wanted = self.wanted(config)
        for name in list(self.listeners):
            if wanted.get(name) != self._signature.get(name):
                self.listeners.pop(name).stop()
                self._signature.pop(name, None)
        for name, (kind, settings) in wanted.items():
            if name in self.listeners:
                continue
            try:
                listener = open_live(kind, name, settings)
            except SyncdError as exc:
                log.warning("no live trigger", system=name, error=str(exc))
                continue
            if listener is None:
                continue
            listener.on_change = self.on_change
            self.listeners[name] = listener
            self._signature[name] = (kind, settings)
            listener.start()

    def stop(self) -> None:
        for listener in self.listeners.values():
            listener.stop()
        self.listeners.clear()
        self._signature.clear()
