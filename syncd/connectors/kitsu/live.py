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
from collections.abc import Callable
from typing import Any

import requests
import structlog

from syncd.config import Config
from syncd.errors import FatalError

log = structlog.get_logger("syncd.connectors.kitsu.live")

PREFIXES = ("comment:", "task:", "playlist:", "preview-file:")
NAMESPACE = "/events"


def relevant(event: str) -> bool:
    return event.startswith(PREFIXES)


def api_base(url: str) -> str:
    return url.rstrip("/")


def event_url(settings: dict[str, Any]) -> str:
    """The stream's URL: ``events_url``, else the Kitsu URL without its ``/api`` suffix."""
    if settings.get("events_url"):
        return str(settings["events_url"]).rstrip("/")
    return api_base(str(settings["url"])).removesuffix("/api")


def access_token(settings: dict[str, Any], timeout: float = 30.0) -> str:
    """A JWT for the stream: the configured token, or a fresh login with e-mail and password."""
    if settings.get("token"):
        return str(settings["token"])
    if not settings.get("email") or not settings.get("password"):
        raise FatalError("kitsu events: give token, or email and password, to log in")
    response = requests.post(
        api_base(str(settings["url"])) + "/auth/login",
        json={"email": settings["email"], "password": settings["password"]},
        timeout=timeout,
    )
    if response.status_code != 200:
        raise FatalError(f"kitsu events: login refused (HTTP {response.status_code})")
    token = response.json().get("access_token")
    if not token:
        raise FatalError("kitsu events: the login answer has no access token")
    return str(token)


class KitsuListener:
    """One system's stream, in a thread of its own, reconnecting with capped backoff."""

    def __init__(
        self,
        system: str,
        settings: dict[str, Any],
        on_change: Callable[[str, str], None],
        *,
        max_backoff: float = 60.0,
    ) -> None:
        self.system = system
        self.settings = dict(settings)
        self.on_change = on_change
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

        token = access_token(self.settings, float(self.settings.get("timeout", 30)))
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


class KitsuEvents:
    """Every kitsu system with ``events: true``, kept in step with the configuration."""

    def __init__(self, on_change: Callable[[str, str], None]) -> None:
        self.on_change = on_change
        self.listeners: dict[str, KitsuListener] = {}
        self._signature: dict[str, dict[str, Any]] = {}

    @staticmethod
    def wanted(config: Config) -> dict[str, dict[str, Any]]:
        used = {name for m in config.mappings for name in m.endpoints}
        return {
            name: dict(system.settings)
            for name, system in config.systems.items()
            if system.type == "kitsu" and system.settings.get("events") and name in used
        }

    def update(self, config: Config) -> None:
        wanted = self.wanted(config)
        for name in list(self.listeners):
            if wanted.get(name) != self._signature.get(name):
                self.listeners.pop(name).stop()
                self._signature.pop(name, None)
        for name, settings in wanted.items():
            if name not in self.listeners:
                listener = KitsuListener(name, settings, self.on_change)
                self.listeners[name] = listener
                self._signature[name] = settings
                listener.start()

    def stop(self) -> None:
        for listener in self.listeners.values():
            listener.stop()
        self.listeners.clear()
        self._signature.clear()
