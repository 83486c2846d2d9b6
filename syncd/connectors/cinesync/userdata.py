"""``userData``: the free-text attribute cineSync keeps, unread, on a session and on each media.

Scripts share it by convention: a JSON object with one key per integration, as the vendor's
ShotGrid scripts store ``{"shotgun": {"url": …, "project_id": …, "version_id": …,
"playlist_id": …, "playlist_name": …}}``. syncd follows that convention with a ``"syncd"`` key of
its own and leaves every other key, and their formatting, alone: when its own part is unchanged,
the attribute is returned as it was, byte for byte.

A value that is not a JSON object (free text, a number, broken JSON) belongs to someone else: it
is kept verbatim and ignored when reading, and :func:`with_syncd_data` refuses to overwrite it
with :class:`UserDataError`, so a connector falls back to matching media another way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from syncd.connectors.cinesync.errors import UserDataError

KEY = "syncd"


def parse_user_data(raw: str | None) -> dict[str, Any] | None:
    """The JSON object in ``raw``, or None when there is none (absent, empty, or not ours)."""
    if raw is None or not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def syncd_data(raw: str | None) -> dict[str, Any] | None:
    """syncd's own part of a ``userData`` value, when it has one."""
    value = (parse_user_data(raw) or {}).get(KEY)
    return value if isinstance(value, dict) else None


def with_syncd_data(raw: str | None, data: Mapping[str, Any] | None) -> str | None:
    """``raw`` with syncd's part set to ``data`` (or removed when None), all else kept.

    Returns ``raw`` itself when syncd's part already says ``data``. None means the attribute is
    left out (nothing remains in it).
    """
    value: dict[str, Any] = {}
    if raw is not None and raw.strip():
        parsed = parse_user_data(raw)
        if parsed is None:
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            raise UserDataError(
                f"userData holds text that is not a JSON object ({shown!r}); syncd leaves it as "
                "it is and cannot store its link there"
            )
        value = parsed
    ours = None if data is None else json.loads(json.dumps(data, sort_keys=True))
    if value.get(KEY) == ours and (ours is not None or KEY not in value):
        return raw
    value = dict(value)
    if ours is None:
        value.pop(KEY, None)
    else:
        value[KEY] = ours
    if not value:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class ShotgunRef:
    """What the vendor's ShotGrid scripts left in a ``userData``: the site and the entities' ids."""

    url: str | None = None
    project_id: int | None = None
    version_id: int | None = None
    playlist_id: int | None = None
    playlist_name: str | None = None


def shotgun_ref(raw: str | None) -> ShotgunRef | None:
    """The ShotGrid ids the vendor's scripts stored, or None; ill-typed fields read as None."""
    value = (parse_user_data(raw) or {}).get("shotgun")
    if not isinstance(value, dict):
        return None

    def number(key: str) -> int | None:
        got = value.get(key)
        return got if isinstance(got, int) and not isinstance(got, bool) else None

    def text(key: str) -> str | None:
        got = value.get(key)
        return got if isinstance(got, str) else None

    return ShotgunRef(
        url=text("url"),
        project_id=number("project_id"),
        version_id=number("version_id"),
        playlist_id=number("playlist_id"),
        playlist_name=text("playlist_name"),
    )
