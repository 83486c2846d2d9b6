"""ShotGrid (``type: shotgrid``): a Playlist's Versions and their Notes, through shotgun_api3.

Roles: ``endpoint`` (their objects to ours and back), ``client`` (every call, with retries and
errors in syncd's words), ``rows`` (rows to canonical objects, and the queries), ``review`` (the
review as last read, brought up to date from rows) and ``feed`` (the event log as a change
cursor).
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
    max_attachment_size,
    parse_size,
    project_selector,
    retry_policy,
    secret,
    with_defaults,
)
from syncd.errors import ConfigError

SPEC = ConnectorSpec(
    type="shotgrid",
    description="ShotGrid (Flow Production Tracking): Playlists, Versions, Notes and Replies.",
    settings={
        "url": {
            "type": "string",
            "description": "The site's address.",
            "examples": ["https://studio.shotgrid.autodesk.com"],
        },
        "script_name": {
            "type": "string",
            "description": "Script user syncd connects as.",
            "examples": ["syncd"],
        },
        "api_key": secret("That script's key.", "${SG_KEY}"),
        "login": {"type": "string", "description": "A person's login, instead of a script."},
        "password": secret("That person's password.", "${SG_PASSWORD}"),
        "timeout": TIMEOUT,
        "retry": RETRY,
        "concurrency": CONCURRENCY,
        "fields": {
            "type": "object",
            "additionalProperties": False,
            "default": {},
            "properties": {
                "status": {"type": "string", "default": "sg_status_list"},
                "media": {"type": "string", "default": "sg_uploaded_movie"},
                "sort_order": {"type": "string", "default": "sg_sort_order"},
                "task": {"type": "string", "default": "sg_task"},
            },
            "description": "Field names where a studio's schema differs.",
            "examples": [{"status": "sg_status_list"}],
        },
        "backlog_seconds": {
            "type": "number",
            "minimum": 0,
            "default": 300,
            "description": "How long an event id missing from the event log is waited for.",
        },
        "authors": {
            "type": "string",
            "enum": ["fields", "sudo", "attribution"],
            "default": "fields",
            "description": "How notes by other people are posted: `fields` sets their author "
            "(user, created_by) and date (created_at) on create; `sudo` creates them with "
            "sudo_as_login of the author (the script's role needs the sudo permission); "
            "`attribution` posts as the script with a [by Name <email>] header.",
        },
        "max_attachment_size": max_attachment_size(
            "5GB", "ShotGrid's uploads are made for files of 5 GB or less."
        ),
    },
    required=("url",),
    selector=project_selector(
        "ShotGrid Project id.",
        70,
        "playlist",
        "Playlist code (or id).",
        "Create the Playlist when there is none of that code.",
    ),
    selector_required=("project_id", "playlist"),
    factory="syncd.connectors.shotgrid:open_endpoint",
    example={
        "url": "https://studio.shotgrid.autodesk.com",
        "script_name": "syncd",
        "api_key": "${SG_KEY}",
    },
    selector_example={"project_id": 70, "playlist": "Dailies"},
)


@dataclass(frozen=True)
class ShotGridSettings:
    """A shotgrid system's settings, checked, with the schema's defaults."""

    url: str
    auth: dict[str, str] = field(repr=False)
    """``script_name`` and ``api_key``, or ``login`` and ``password``."""
    timeout: float
    retry: RetryPolicy
    concurrency: int
    fields: dict[str, str]
    backlog_seconds: float
    max_attachment_size: int = 5 * 10**9
    authors: str = "fields"

    @classmethod
    def from_config(
        cls, name: str, settings: Mapping[str, Any], *, need_auth: bool = True
    ) -> ShotGridSettings:
        values = with_defaults(SPEC.settings, settings)
        where = f"systems.{name}"
        url = str(values.get("url") or "")
        if need_auth and not url:
            raise ConfigError(f"{where}.url: give the ShotGrid site address")
        if values.get("script_name") and values.get("api_key"):
            auth = {"script_name": values["script_name"], "api_key": values["api_key"]}
        elif values.get("login") and values.get("password"):
            auth = {"login": values["login"], "password": values["password"]}
        elif need_auth:
            raise ConfigError(f"{where}: give script_name and api_key (or login and password)")
        else:
            auth = {}
        return cls(
            url=url.rstrip("/"),
            auth={k: str(v) for k, v in auth.items()},
            timeout=float(values["timeout"]),
            retry=retry_policy(values),
            concurrency=int(values["concurrency"]),
            fields=dict(values["fields"]),
            backlog_seconds=float(values["backlog_seconds"]),
            max_attachment_size=parse_size(values["max_attachment_size"]),
            authors=str(values["authors"]),
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(v for k, v in self.auth.items() if k in ("api_key", "password"))


def open_endpoint(name: str, settings: Mapping[str, Any], selector: Mapping[str, Any]) -> Any:
    from syncd.connectors.shotgrid.endpoint import ShotGridEndpoint

    chosen = ShotGridSettings.from_config(name, settings)
    endpoint = ShotGridEndpoint(name, chosen, selector)
    endpoint.write_concurrency = chosen.concurrency
    return endpoint
