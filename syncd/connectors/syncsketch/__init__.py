"""SyncSketch (``type: syncsketch``): a review's items and comment frames, over its REST API.

Roles: ``endpoint`` (their objects to ours and back), ``notes`` (comment frames written),
``sketches`` (sketched frames as pictures), ``convert`` (their objects to ours), ``review`` (the
selector) and ``api`` (the REST calls, paging and uploads, on the retrying HTTP client).
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
    project_selector,
    retry_policy,
    secret,
    with_defaults,
)
from syncd.errors import ConfigError

SPEC = ConnectorSpec(
    type="syncsketch",
    description="SyncSketch: reviews, their items, approval statuses and comments.",
    settings={
        "url": {
            "type": "string",
            "description": "SyncSketch's address.",
            "examples": ["https://www.syncsketch.com"],
        },
        "username": {
            "type": "string",
            "description": "User the API key belongs to.",
            "examples": ["${SYNCSKETCH_USER}"],
        },
        "api_key": secret("SyncSketch API key of that user.", "${SS_KEY}"),
        "timeout": TIMEOUT,
        "retry": RETRY,
        "concurrency": CONCURRENCY,
        "sketch_timeout": {
            "type": "number",
            "minimum": 1,
            "default": 120,
            "description": "Seconds to wait for SyncSketch to flatten an item's new sketches "
            "into pictures; past that the item's sketch notes are reported and wait for the "
            "next run.",
            "examples": [120],
        },
    },
    required=("url", "username", "api_key"),
    selector=project_selector(
        "SyncSketch project id (in the project's address).",
        123,
        "review",
        "Review name (or id).",
        "Create the review when there is none of that name.",
    ),
    selector_required=("project_id", "review"),
    factory="syncd.connectors.syncsketch:open_endpoint",
    example={
        "url": "https://www.syncsketch.com",
        "username": "${SS_USER}",
        "api_key": "${SS_KEY}",
    },
    selector_example={"project_id": 123, "review": "Dailies", "create": True},
)


@dataclass(frozen=True)
class SyncSketchSettings:
    """A syncsketch system's settings, checked, with the schema's defaults."""

    url: str
    username: str
    api_key: str = field(repr=False)
    timeout: float
    retry: RetryPolicy
    concurrency: int
    sketch_timeout: float = 120.0

    @classmethod
    def from_config(cls, name: str, settings: Mapping[str, Any]) -> SyncSketchSettings:
        values = with_defaults(SPEC.settings, settings)
        for key in SPEC.required:
            if not values.get(key):
                raise ConfigError(f"systems.{name}.{key} is required for a syncsketch system")
        return cls(
            url=str(values["url"]),
            username=str(values["username"]),
            api_key=str(values["api_key"]),
            timeout=float(values["timeout"]),
            retry=retry_policy(values),
            concurrency=int(values["concurrency"]),
            sketch_timeout=float(values["sketch_timeout"]),
        )


def open_endpoint(name: str, settings: Mapping[str, Any], selector: Mapping[str, Any]) -> Any:
    """Build the endpoint; the network is first used when the review is first needed."""
    from syncd.connectors.syncsketch.api import SyncSketchApi
    from syncd.connectors.syncsketch.endpoint import SyncSketchEndpoint

    chosen = SyncSketchSettings.from_config(name, settings)
    selector = with_defaults(SPEC.selector, selector)
    try:
        project_id = int(selector["project_id"])
    except (KeyError, TypeError, ValueError):
        raise ConfigError(f"mappings: endpoint {name}: project_id must be a number") from None
    if selector.get("review") in (None, ""):
        raise ConfigError(f"mappings: endpoint {name}: review is required")
    api = SyncSketchApi(
        chosen.url,
        chosen.username,
        chosen.api_key,
        timeout=chosen.timeout,
        retry=chosen.retry,
        concurrency=chosen.concurrency,
    )
    review = selector["review"]
    endpoint = SyncSketchEndpoint(
        name,
        api,
        project_id,
        review if isinstance(review, int) else str(review),
        create=bool(selector["create"]),
        sketch_timeout=chosen.sketch_timeout,
    )
    endpoint.write_concurrency = chosen.concurrency
    return endpoint
