"""What every page is rendered from: the state database, the configuration, a clock.

The service builds one per request (so a reloaded configuration shows at once) and ``syncd
status --html`` builds one for its snapshot. ``next_runs`` comes from the service's scheduler
when there is one; otherwise the next run is worked out from the schedule.

The configuration's secret values are collected here too: the site removes any of them from
every page it serves, as a last line of defence behind never showing system settings at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from syncd.config import Config, MappingConfig
from syncd.config.loader import parse_duration
from syncd.config.schema import secret_keys
from syncd.state.store import StateStore
from syncd.statuspage.thumbs import MediaDirLookup, ThumbnailHook, Thumbnails
from syncd.sync.runtime import media_dir

MIN_SECRET = 6
"""Shorter values are not scrubbed from pages: they would match ordinary words."""


@dataclass
class PageContext:
    store: StateStore
    config: Config
    mappings: list[MappingConfig]
    thumbnails: Thumbnails
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    next_runs: Mapping[str, datetime | None] | None = None

    @property
    def healthy_within(self) -> float:
        return parse_duration(str(self.config.service.get("healthy_within", "30m")))

    def mapping(self, name: str) -> MappingConfig | None:
        return next((m for m in self.mappings if m.name == name), None)

    def system_type(self, endpoint: str) -> str:
        system = self.config.systems.get(endpoint)
        return system.type if system is not None else "?"

    def system_settings(self, endpoint: str) -> dict[str, Any]:
        system = self.config.systems.get(endpoint)
        return dict(system.settings) if system is not None else {}


def default_thumbnails(config: Config, hook: ThumbnailHook | None = None) -> Thumbnails:
    return Thumbnails(hook or MediaDirLookup(media_dir(config)))


def file_media_path(context: PageContext, endpoint: str, token: str) -> Path | None:
    """Where a file review keeps an item's media: next to the review, by the token's path."""
    if context.system_type(endpoint) != "file":
        return None
    folder = Path(str(context.system_settings(endpoint).get("path", "")))
    candidate = (folder / token).resolve()
    try:
        candidate.relative_to(folder.resolve())
    except ValueError:
        return None  # a token pointing outside the review's folder is not followed
    return candidate


def _walk_secrets(node: Any, keys: frozenset[str], secret: bool = False) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk_secrets(value, keys, str(key) in keys)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_secrets(value, keys, secret)
    elif secret and isinstance(node, str):
        yield node


def _url_password(url: str | None) -> str | None:
    if not url:
        return None
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).password
    except Exception:  # an unparsable URL holds nothing to look for
        return None


def secret_values(config: Config) -> list[str]:
    """Every secret in the configuration (system keys and passwords, webhook and UI tokens)."""
    keys = secret_keys()
    found: set[str] = set()
    for system in config.systems.values():
        found.update(_walk_secrets(system.settings, keys))
    found.update(_walk_secrets(config.service, keys))
    password = _url_password(config.state_url)
    if password:
        found.add(password)
    return sorted((s for s in found if len(s) >= MIN_SECRET), key=len, reverse=True)
