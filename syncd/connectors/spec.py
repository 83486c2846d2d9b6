"""What a connector declares about itself: its settings, its endpoint selector, its factory.

Each connector package's ``__init__`` holds one ``ConnectorSpec`` and nothing heavy, so that the
configuration can be validated (and documented) without importing a system's client. The
settings and the selector are JSON Schema properties with a description, defaults and examples:
the one source of truth that validates files, fills in defaults (``with_defaults``, read once
here, never again in a factory) and generates the example configuration and its reference page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from syncd.connectors.retry import RetryPolicy

RETRY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "description": "Retries of transient failures (429, 5xx, timeouts, dropped connections) "
    "with exponential backoff; a Retry-After holds back every request to the system.",
    "properties": {
        "attempts": {
            "type": "integer",
            "minimum": 1,
            "maximum": 20,
            "default": 5,
            "description": "Tries in all, the first one included.",
        },
        "backoff": {
            "type": "number",
            "minimum": 0,
            "default": 0.5,
            "description": "First wait in seconds; doubles each attempt.",
        },
    },
    "default": {},
}
TIMEOUT: dict[str, Any] = {
    "type": "number",
    "minimum": 1,
    "default": 60,
    "description": "Seconds to wait for an answer before the request counts as failed.",
}

CONCURRENCY: dict[str, Any] = {
    "type": "integer",
    "minimum": 1,
    "maximum": 32,
    "default": 4,
    "description": "Requests sent to the system side by side: independent writes (the notes of "
    "one item while another item's are written) and, where the connector can, reads. 1 sends "
    "one request at a time.",
}


SIZE_PATTERN = r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB)$"
_UNITS = ("B", "KB", "MB", "GB", "TB")


def parse_size(text: str) -> int:
    """``"50GB"`` -> bytes (powers of 1000, as disks and upload limits are given)."""
    match = re.match(r"^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)$", str(text).strip())
    if match is None:
        raise ValueError(text)
    return int(float(match.group(1)) * 1000 ** _UNITS.index(match.group(2)))


def max_attachment_size(default: str, why: str) -> dict[str, Any]:
    """The ``max_attachment_size`` setting: files larger than this are not sent there."""
    return {
        "type": "string",
        "pattern": SIZE_PATTERN,
        "default": default,
        "description": "The largest file a note may carry there; a larger one is reported and "
        f"its note waits. {why}",
        "examples": [default],
    }


def secret(description: str, example: str = "${SECRET_FROM_ENV}") -> dict[str, Any]:
    """A setting never printed anywhere: give it from the environment."""
    return {"type": "string", "description": description, "x-secret": True, "examples": [example]}


@dataclass(frozen=True)
class ConnectorSpec:
    type: str
    """The ``type:`` of a system in the configuration."""
    description: str
    settings: dict[str, Any]
    """JSON Schema properties of a system of this type (``type`` aside)."""
    selector: dict[str, Any]
    """JSON Schema properties of an endpoint: which review of the system a mapping uses."""
    factory: str
    """``module:function`` building an endpoint: ``(name, settings, selector) -> Endpoint``."""
    required: tuple[str, ...] = ()
    selector_required: tuple[str, ...] = ()
    live: str | None = None
    """``module:function`` building a push trigger for the service, when the system has one."""
    example: dict[str, Any] = field(default_factory=dict)
    """A system entry as the example configuration shows it."""
    selector_example: dict[str, Any] = field(default_factory=dict)

    def system_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "description": self.description,
            "required": ["type", *self.required],
            "properties": {"type": {"const": self.type}, **self.settings},
        }

    def selector_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": list(self.selector_required),
            "properties": self.selector,
        }

    def secrets(self) -> frozenset[str]:
        return frozenset(k for k, v in self.settings.items() if v.get("x-secret"))


def project_selector(
    project: str, project_example: int, key: str, key_help: str, create_help: str
) -> dict[str, Any]:
    """An endpoint selector of a project id, a review named by ``key`` (or its id), and
    ``create`` (make the review when there is none of that name)."""
    return {
        "project_id": {"type": "integer", "description": project, "examples": [project_example]},
        key: {
            "type": ["string", "integer"],
            "description": key_help,
            "examples": ["Dailies 2026-11-22"],
        },
        "create": {"type": "boolean", "default": False, "description": create_help},
    }


def with_defaults(properties: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` completed with the schema's defaults, nested objects included."""
    out = dict(values)
    for key, prop in properties.items():
        nested = prop.get("properties")
        if key in out:
            if nested and isinstance(out[key], Mapping):
                out[key] = with_defaults(nested, out[key])
            continue
        if "default" in prop:
            default = prop["default"]
            out[key] = with_defaults(nested, default) if nested else default
    return out


def retry_policy(settings: Mapping[str, Any]) -> RetryPolicy:
    retry = settings.get("retry") or {}
    return RetryPolicy(attempts=int(retry["attempts"]), backoff=float(retry["backoff"]))
