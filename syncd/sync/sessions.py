"""Endpoints kept open between a mapping's runs, for the service.

Opening a mapping's endpoints costs a login per system (about 0.3 s on Kitsu), a new
connection pool, and lookups an endpoint keeps once made (which review a name means). The
service keeps each mapping's endpoints from one run to the next instead; a connector refreshes
an expired login itself (on 401) and looks a cached review up again when the system no longer
knows it (404). A mapping whose run failed, or whose configuration changed (a reload), gets
fresh endpoints on its next run.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from syncd.config import Config, MappingConfig
from syncd.connectors.base import Endpoint
from syncd.sync.engine import MappingRuntime
from syncd.sync.runtime import build_runtime, open_endpoints


def _key(config: Config, mapping: MappingConfig) -> str:
    """What the endpoints were opened from: the mapping's selectors and its systems' settings."""
    systems = {
        name: [config.systems[name].type, config.systems[name].settings]
        for name in mapping.endpoints
    }
    media = [str(config.media.cache), config.media.attempts]
    return json.dumps([mapping.endpoints, systems, media], sort_keys=True, default=str)


class Sessions:
    def __init__(self) -> None:
        self._open: dict[str, tuple[str, dict[str, Endpoint]]] = {}
        self._lock = threading.Lock()

    @contextmanager
    def runtime(self, config: Config, mapping: MappingConfig) -> Iterator[MappingRuntime]:
        """The mapping's runtime on its kept endpoints (opened now if there are none)."""
        key = _key(config, mapping)
        with self._lock:
            kept = self._open.pop(mapping.name, None)
        if kept is not None and kept[0] != key:
            _close(kept[1])
            kept = None
        endpoints = kept[1] if kept is not None else open_endpoints(config, mapping)
        ok = False
        try:
            yield build_runtime(config, mapping, endpoints)
            ok = True
        finally:
            if ok:
                with self._lock:
                    self._open[mapping.name] = (key, endpoints)
            else:
                _close(endpoints)

    def drop(self, mapping: str) -> None:
        with self._lock:
            kept = self._open.pop(mapping, None)
        if kept is not None:
            _close(kept[1])

    def close(self) -> None:
        with self._lock:
            kept, self._open = list(self._open.values()), {}
        for _, endpoints in kept:
            _close(endpoints)


def _close(endpoints: dict[str, Endpoint]) -> None:
    for endpoint in endpoints.values():
        try:
            endpoint.close()
        except Exception:
            continue
