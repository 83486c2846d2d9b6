"""From configuration to runnable mappings: default paths, opening endpoints, one run.

The CLI and the service both go through here, so ``syncd run --once`` and the daemon run the
very same pass.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from syncd.config import Config, MappingConfig
from syncd.connectors import open_endpoint
from syncd.connectors.base import Endpoint
from syncd.core.people import PeopleTable
from syncd.core.policy import Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.errors import ConfigError, SyncdError
from syncd.media.cache import MediaCache
from syncd.media.cache import default_root as default_cache_root
from syncd.media.thumbs import poster_maker
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime, RunMonitor, RunResult

if TYPE_CHECKING:
    from syncd.sync.sessions import Sessions

APP = "syncd"


def default_config_path() -> Path:
    """-c wins; then SYNCD_CONFIG; then ./syncd.yaml; then /etc/syncd; then the user's dir."""
    if env := os.environ.get("SYNCD_CONFIG"):
        return Path(env)
    for candidate in (Path("syncd.yaml"), Path("/etc/syncd/syncd.yaml")):
        if candidate.exists():
            return candidate
    return Path(platformdirs.user_config_dir(APP)) / "syncd.yaml"


def data_dir() -> Path:
    if env := os.environ.get("SYNCD_DATA_DIR"):
        return Path(env)
    return Path(platformdirs.user_data_dir(APP))


def state_url(config: Config) -> str:
    if env := os.environ.get("SYNCD_STATE"):
        return env
    return config.state_url or f"sqlite:///{data_dir() / 'state.db'}"


def state_origin(config: Config) -> str:
    """Where the state URL comes from, so an error about it names the place to fix."""
    if os.environ.get("SYNCD_STATE"):
        return f"{config.path}: SYNCD_STATE"
    if config.state_url:
        return f"{config.where('state')}: state"
    return f"{config.path}: the default state database (set state: or SYNCD_DATA_DIR)"


def open_store(config: Config, *, upgrade: bool = True, repair: bool = True) -> StateStore:
    """The state database, its schema brought up to date unless ``upgrade`` is False.

    ``repair=False`` for commands that must change nothing: a damaged file is reported, not
    moved aside.
    """
    url = state_url(config)
    try:
        return StateStore.open(url, repair=repair) if upgrade else StateStore(url)
    except SyncdError as exc:  # on one line: a database driver's message may hold several
        raise type(exc)(f"{state_origin(config)}: {' '.join(str(exc).split())}") from None


def media_dir(config: Config) -> Path:
    """The media cache's folder: ``media.cache`` (or ``media_dir``), else the platform's."""
    return config.media.cache or default_cache_root()


_CACHES: dict[tuple[Path, int], MediaCache] = {}
_CACHES_LOCK = threading.Lock()


def media_cache(config: Config) -> MediaCache:
    """One cache object per folder in a process, so that runs going on side by side (the
    service's mappings) share its pins and its eviction lock."""
    key = (media_dir(config), config.media.cache_size)
    with _CACHES_LOCK:
        cache = _CACHES.get(key)
        if cache is None:
            try:
                cache = _CACHES[key] = MediaCache(key[0], key[1])
            except OSError as exc:
                raise ConfigError(
                    f"{config.path}: media.cache: cannot use {key[0]} for the media cache "
                    f"({exc.strerror or exc}); point media.cache at a folder syncd may write"
                ) from None
        return cache


def open_endpoints(
    config: Config, mapping: MappingConfig, *, dry_run: bool = False
) -> dict[str, Endpoint]:
    """Connectors for each endpoint; ``dry_run`` is set on each before anything else is asked."""
    endpoints: dict[str, Endpoint] = {}
    posters = poster_maker(media_dir(config) / "posters")
    try:
        for name, selector in mapping.endpoints.items():
            system = config.systems[name]
            try:
                endpoint = open_endpoint(system.type, name, dict(system.settings), dict(selector))
                endpoint.media_attempts = config.media.attempts
            except ConfigError as exc:
                raise ConfigError(f"{_where(config, mapping, name, str(exc))}: {exc}") from None
            endpoint.dry_run = dry_run
            endpoint.hold_housekeeping = True
            endpoint.posters = posters
            endpoints[name] = endpoint
    except BaseException:
        for endpoint in endpoints.values():
            endpoint.close()
        raise
    return endpoints


def check_endpoints(config: Config, mappings: list[MappingConfig]) -> None:
    """Build each endpoint's connector once, without a request, so that a connector's complaint
    about its settings stops a command before anything, the state database included, is touched."""
    for mapping in mappings:
        for endpoint in open_endpoints(config, mapping, dry_run=True).values():
            endpoint.close()


def _where(config: Config, mapping: MappingConfig, name: str, message: str) -> str:
    """The line a connector's complaint is about: its system's settings or the selector."""
    if message.startswith("systems."):
        return config.where("systems", name)
    return config.where("mappings", config.mappings.index(mapping), "endpoints", name)


def build_runtime(
    config: Config, mapping: MappingConfig, endpoints: dict[str, Endpoint]
) -> MappingRuntime:
    names = tuple(mapping.endpoints)
    policy = Policy(
        endpoints=names,
        items=Direction(mapping.sync["items"]),
        notes=Direction(mapping.sync["notes"]),
        statuses=Direction(mapping.sync["statuses"]),
        media=Direction(mapping.sync["media"]),
        order=Direction(mapping.sync["order"]),
        deletes=mapping.deletes,
        conflicts=mapping.conflicts,
        max_delete_share=mapping.max_delete_share,
        min_delete_guard=mapping.min_delete_guard,
        capabilities={name: ep.capabilities for name, ep in endpoints.items()},
        match={name: re.compile(p) for name, p in mapping.match.items()},
        side_by_side=frozenset(n for n, ep in endpoints.items() if ep.write_concurrency > 1),
    )
    return MappingRuntime(
        name=mapping.name,
        endpoints=endpoints,
        policy=policy,
        statuses=StatusTable.from_rows(mapping.statuses),
        full_sync_every=mapping.full_sync_every,
        media_dir=media_dir(config),
        cache=media_cache(config),
        media_concurrency=config.media.concurrency,
        people=PeopleTable.from_rows(mapping.people),
    )


@contextmanager
def mapping_runtime(
    config: Config, mapping: MappingConfig, *, dry_run: bool = False
) -> Iterator[MappingRuntime]:
    """The mapping's runtime; with ``dry_run`` (plan, check) no endpoint writes anything."""
    endpoints = open_endpoints(config, mapping, dry_run=dry_run)
    try:
        yield build_runtime(config, mapping, endpoints)
    finally:
        for endpoint in endpoints.values():
            endpoint.close()


def select_mappings(config: Config, names: list[str] | None) -> list[MappingConfig]:
    if not names:
        return list(config.mappings)
    return [config.mapping(name) for name in names]


def run_mapping(
    config: Config,
    store: StateStore,
    mapping: MappingConfig,
    *,
    monitor: RunMonitor | None = None,
    allow_empty: bool = False,
    force_deletes: bool = False,
    should_stop: Callable[[], bool] | None = None,
    sessions: Sessions | None = None,
) -> RunResult:
    """One pass of one mapping: what ``run --once`` and each scheduled job do. The service
    passes its ``sessions``, which keep the endpoints open between runs."""
    opened = sessions.runtime(config, mapping) if sessions else mapping_runtime(config, mapping)
    with opened as rt:
        return Engine(store, monitor).run(
            rt, allow_empty=allow_empty, force_deletes=force_deletes, should_stop=should_stop
        )


def require_mappings(config: Config) -> None:
    if not config.mappings:
        raise ConfigError(f"{config.path}: no mappings defined")
