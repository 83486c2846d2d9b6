"""The status page as the service serves it, from the daemon's own configuration and store.

The page context is built per request from the running configuration, so a reload (new
mappings, a new schedule) shows at once, and the next runs are the scheduler's own. The page is
off unless ``service.ui.token`` is set to something.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Collection, Mapping
from datetime import datetime

import structlog

from syncd.config import Config
from syncd.state.store import StateStore
from syncd.statuspage.auth import UiAuth
from syncd.statuspage.context import PageContext, default_thumbnails
from syncd.statuspage.site import StatusSite

log = structlog.get_logger("syncd.service.http")


def ui_token(config: Config) -> str | None:
    ui = config.service.get("ui") or {}
    token = ui.get("token") if isinstance(ui, dict) else None
    return str(token) if token else None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_site(
    config: Callable[[], Config],
    store: StateStore,
    active: Callable[[], Collection[str]],
    next_runs: Callable[[], Mapping[str, datetime | None]],
) -> StatusSite | None:
    """The site, or None when no token is configured (its routes then answer 404)."""
    current = config()
    token = ui_token(current)
    if token is None:
        if "ui" in current.service:
            log.warning("status page off: service.ui.token is empty")
        return None
    thumbnails = default_thumbnails(current)

    def context() -> PageContext:
        running = config()
        names = set(active())
        return PageContext(
            store=store,
            config=running,
            mappings=[m for m in running.mappings if m.name in names],
            thumbnails=thumbnails,
            next_runs=next_runs(),
        )

    return StatusSite(context, UiAuth(token))


def announce(site: StatusSite | None, address: tuple[str, int]) -> None:
    host, port = address
    if site is None:
        log.info("status page off: set service.ui.token to enable it")
    elif is_loopback(host):
        log.info("status page on", url=f"http://{host}:{port}/")
    else:
        log.warning(
            "status page served beyond this machine; put a reverse proxy with TLS in front",
            address=f"{host}:{port}",
        )
