"""Kitsu's live event stream as a run trigger (``events: true`` on a kitsu system).

Zou pushes ``comment:new``, ``task:status-changed``, ``playlist:update``, … over socket.io on the
``/events`` namespace, and only to a client presenting a JWT. On a relevant event the mappings
using that system run at once instead of at their next tick. The stream is a trigger, not a
source of truth: a listener that was away misses events, and catching up is the connector's job
(its event-log cursor), so a (re)connection simply triggers a run.

Reconnection is done here rather than by socket.io's own loop so each attempt logs in afresh: an
access token that expired while the stream was down would otherwise be retried forever.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from typing import Any

import structlog

from syncd.connectors.kitsu import KitsuSettings

log = structlog.get_logger("syncd.connectors.kitsu.live")

PREFIXES = ("comment:", "task:", "playlist:", "preview-file:")
NAMESPACE = "/events"


def relevant(event: str) -> bool:
    return event.startswith(PREFIXES)


def event_url(settings: KitsuSettings | Mapping[str, Any]) -> str:
    """The stream's URL: ``events_url``, else the Kitsu URL without its ``/api`` suffix."""
    if isinstance(settings, KitsuSettings):
        explicit, url = settings.events_url, settings.url
    else:
        explicit, url = settings.get("events_url"), str(settings["url"])
    if explicit:
        return str(explicit).rstrip("/")
    return url.rstrip("/").removesuffix("/api")


def open_live(name: str, settings: Mapping[str, Any]) -> KitsuListener | None:
    """The stream of a kitsu system with ``events: true`` (None otherwise)."""
    chosen = KitsuSettings.from_config(name, settings)
    return KitsuListener(name, chosen) if chosen.events else None


class KitsuListener:
    """One system's stream, in a thread of its own, reconnecting with capped backoff."""

    def __init__(
        self,
        system: str,
        settings: KitsuSettings | Mapping[str, Any],
        on_change: Callable[[str, str], None] | None = None,
        *,
        max_backoff: float = 60.0,
    ) -> None:
        self.system = system
        if not isinstance(settings, KitsuSettings):
            settings = KitsuSettings.from_config(system, settings)
        self.settings = settings
        self.on_change: Callable[[str, str], None] = on_change or (lambda _s, _e: None)
        self.max_backoff = max_backoff
        self.connections = 0
        self._stop = threading.Event()
        self._client: Any = None
        self._thread = threading.Thread(
            target=self._loop, name=f"kitsu-events-{system}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        client = self._client
        if client is not None:
            try:
                client.disconnect()
            except Exception as exc:
                log.debug("disconnect failed", system=self.system, error=str(exc))
        self._thread.join(timeout)

    def _connect(self) -> Any:
        import socketio

        client = socketio.Client(reconnection=False, handle_sigint=False)

        @client.on("*", namespace=NAMESPACE)  # type: ignore[misc]
        def _event(event: str, data: Any = None) -> None:
            if relevant(event):
                log.debug("kitsu event", system=self.system, kitsu_event=event)
                self.on_change(self.system, event)

        # the API client logs in (finding Zou's base URL, retrying what is transient) once per
        # connection: a token that expired while the stream was down is never reused
        api = self.settings.api()
        try:
            token = api.access_token()
        finally:
            api.close()
        client.connect(
            event_url(self.settings),
            headers={"Authorization": f"Bearer {token}"},
            namespaces=[NAMESPACE],
            wait_timeout=10,
        )
        return client

    def _loop(self) -> None:
        delay = 1.0
        while not self._stop.is_set():
            try:
                self._client = self._connect()
            except Exception as exc:
                log.warning(
                    "kitsu event stream unavailable; retrying",
                    system=self.system,
                    error=str(exc)[:200],
                    retry_in=round(delay, 1),
                )
            else:
                self.connections += 1
                log.info("kitsu event stream connected", system=self.system)
                delay = 1.0
                # whatever happened while we were away is caught up by a run
                self.on_change(self.system, "connect")
                self._client.wait()
                self._client = None
                if self._stop.is_set():
                    return
                log.warning("kitsu event stream disconnected", system=self.system)
            self._stop.wait(delay * (1 + random.random() * 0.25))
            delay = min(self.max_backoff, delay * 2)
