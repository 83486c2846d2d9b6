"""Kitsu (``type: kitsu``): a playlist of one task type, through Zou's REST API.

Roles, as in every connector package: ``endpoint`` (their objects to ours and back), ``read``
(full and incremental reads), ``api`` (the REST client: login, refresh, retries), ``model``
(lookups kept between cycles), ``feed`` (the event log as a change cursor) and ``live`` (the
socket.io event stream that triggers runs at once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from syncd.connectors.retry import RetryPolicy
from syncd.connectors.spec import (
    CONCURRENCY,
    RETRY,
    TIMEOUT,
    ConnectorSpec,
    retry_policy,
    secret,
    with_defaults,
)
from syncd.errors import ConfigError

SPEC = ConnectorSpec(
    type="kitsu",
    description="A Kitsu (Zou) server: playlists, their shots' task comments and statuses.",
    settings={
        "url": {
            "type": "string",
            "description": "Kitsu's address ending in /api, or Zou's own address.",
            "examples": ["https://kitsu.example.com/api"],
        },
        "email": {
            "type": "string",
            "description": "E-mail of the account syncd uses (manager rights on the project "
            "read the event log and post as the notes' authors).",
            "examples": ["${KITSU_EMAIL}"],
        },
        "password": secret("Password of that account.", "${KITSU_PASSWORD}"),
        "token": secret("An access token, instead of e-mail and password.", "${KITSU_TOKEN}"),
        "timeout": TIMEOUT,
        "retry": RETRY,
        "concurrency": CONCURRENCY,
        "events": {
            "type": "boolean",
            "default": False,
            "description": "Listen to Kitsu's event stream to trigger runs at once (service).",
        },
        "event_log": {
            "type": "boolean",
            "default": True,
            "description": "Read incrementally from the event log (needs manager rights); "
            "false re-reads the whole playlist every run.",
        },
        "events_url": {
            "type": "string",
            "description": "Event stream address when it is not the API's.",
            "examples": ["https://kitsu.example.com"],
        },
    },
    required=("url",),
    selector={
        "project": {
            "type": ["string", "integer"],
            "description": "Production name (or id).",
            "examples": ["Big Buck Bunny"],
        },
        "playlist": {
            "type": ["string", "integer"],
            "description": "Playlist name (or id).",
            "examples": ["Dailies 2026-11-22"],
        },
        "task_type": {
            "type": ["string", "integer"],
            "description": "Task type whose comments and status are the notes and status.",
            "examples": ["Animation"],
        },
    },
    selector_required=("project", "playlist", "task_type"),
    factory="syncd.connectors.kitsu:open_endpoint",
    live="syncd.connectors.kitsu.live:open_live",
    example={
        "url": "https://kitsu.example.com/api",
        "email": "${KITSU_EMAIL}",
        "password": "${KITSU_PASSWORD}",
    },
    selector_example={"project": "Big Buck Bunny", "playlist": "Dailies", "task_type": "Animation"},
)


def open_endpoint(name: str, settings: Mapping[str, Any], selector: Mapping[str, Any]) -> Any:
    """Connect lazily: nothing is sent until the first read, which logs in and resolves names."""
    from syncd.connectors.kitsu.endpoint import KitsuEndpoint

    chosen = KitsuSettings.from_config(name, settings)
    endpoint = KitsuEndpoint(
        name,
        chosen.api(),
        {k: str(selector[k]) for k in SPEC.selector_required},
        event_log=chosen.event_log,
    )
    endpoint.write_concurrency = chosen.concurrency
    return endpoint


@dataclass(frozen=True)
class KitsuSettings:
    """A kitsu system's settings, checked, with the schema's defaults."""

    url: str
    email: str | None
    password: str | None = field(repr=False)
    token: str | None = field(repr=False)
    timeout: float
    retry: RetryPolicy
    concurrency: int
    events: bool
    event_log: bool
    events_url: str | None

    @classmethod
    def from_config(cls, name: str, settings: Mapping[str, Any]) -> KitsuSettings:
        values = with_defaults(SPEC.settings, settings)
        url = str(values.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            raise ConfigError(
                f"systems.{name}.url: give Kitsu's address, such as https://kitsu.example/api"
            )
        email, password, token = values.get("email"), values.get("password"), values.get("token")
        if not token and not (email and password):
            raise ConfigError(f"systems.{name}: set email and password (or token) for Kitsu")
        return cls(
            url=url,
            email=email,
            password=password,
            token=token,
            timeout=float(values["timeout"]),
            retry=retry_policy(values),
            concurrency=int(values["concurrency"]),
            events=bool(values["events"]),
            event_log=bool(values["event_log"]),
            events_url=values.get("events_url"),
        )

    def api(self) -> Any:
        from syncd.connectors.kitsu.api import Credentials, KitsuApi

        credentials = Credentials(self.email, self.password, self.token)
        return KitsuApi(self.url, credentials, timeout=self.timeout, retry=self.retry)
