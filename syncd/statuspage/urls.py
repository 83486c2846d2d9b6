"""Where an item opens in its own system's web UI, built from the configuration and native ids.

One small function per system type, each using only what syncd already knows (the configured
URL, the native id, what the connector keeps in its snapshot's ``extra``), so the status page
never asks a tracker. Where the address cannot be known the answer is None and the page shows
no link rather than a guessed one. Credentials in a configured URL never reach a page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from urllib.parse import quote, urlsplit, urlunsplit


def strip_credentials(url: str) -> str:
    """``https://user:pw@host/x`` -> ``https://host/x``: a URL fit to show."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _base(settings: Mapping[str, object]) -> str:
    return strip_credentials(str(settings.get("url") or "")).rstrip("/")


def kitsu_item_url(
    settings: Mapping[str, object], extra: Mapping[str, str], native: str
) -> str | None:
    """``<url without /api>/productions/<project>/shots/<entity>`` (``assets`` for assets)."""
    base = _base(settings)
    try:
        ids = json.loads(extra.get("kitsu") or "{}")
    except ValueError:
        return None
    project = ids.get("project") if isinstance(ids, dict) else None
    if not base or not project:
        return None
    base = base.removesuffix("/api")
    kind = "assets" if ids.get("kind") == "asset" else "shots"
    return f"{base}/productions/{quote(str(project))}/{kind}/{quote(native)}"


def shotgrid_item_url(
    settings: Mapping[str, object], extra: Mapping[str, str], native: str
) -> str | None:
    """``<url>/detail/Version/<id>``: items are Versions."""
    base = _base(settings)
    if not base or not native.isdigit():
        return None
    return f"{base}/detail/Version/{native}"


def syncsketch_item_url(
    settings: Mapping[str, object], extra: Mapping[str, str], native: str
) -> str | None:
    """The review's own address, which the connector keeps from SyncSketch's answer."""
    url = strip_credentials(extra.get("review_url") or "")
    return url or None


BUILDERS: dict[str, Callable[[Mapping[str, object], Mapping[str, str], str], str | None]] = {
    "kitsu": kitsu_item_url,
    "shotgrid": shotgrid_item_url,
    "syncsketch": syncsketch_item_url,
}


def item_url(
    system_type: str, settings: Mapping[str, object], extra: Mapping[str, str], native: str
) -> str | None:
    """The item's page in its system's UI, or None (file reviews, unknown addresses)."""
    builder = BUILDERS.get(system_type)
    return builder(settings, extra, native) if builder is not None else None
