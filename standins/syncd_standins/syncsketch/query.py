"""Tastypie's query semantics for the SyncSketch stand-in: filters, paging, resource URIs.

Tastypie behaviour reproduced: unknown query parameters are ignored, a known field that
does not allow the requested filter gives 400 ``{"error": ...}``, ``limit`` defaults to 20
and is capped at 1000 (``limit=0`` means "the cap"), and ``meta.next``/``previous`` are
paths that repeat every query parameter (credentials included) with new limit/offset.

``Reads`` is the read side of ``SyncSketchStore``: the wire form of objects and the filtered,
ordered lists the list endpoints page through.
"""

from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from syncd_standins.syncsketch.resources import RESOURCES, Filter, Resource

if TYPE_CHECKING:
    from syncd_standins.syncsketch.store import Media

API = "/api/v1"
DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
CONTROL_PARAMS = frozenset({"limit", "offset", "fields", "order_by", "format"})
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "off"})


class ApiError(Exception):
    """A failure the HTTP layer turns into ``status`` with ``{"error": message}``.

    ``message=None`` means an empty body, which is what Tastypie sends for 404 and 405.
    """

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(message or str(status))
        self.status = status
        self.message = message


def uri(kind: str, object_id: int) -> str:
    return f"{API}/{kind}/{object_id}/"


def id_from_uri(value: Any, kind: str) -> int:
    """Accept ``/api/v1/<kind>/N/`` (what Tastypie expects) or a bare id."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    prefix = f"{API}/{kind}/"
    if text.startswith(prefix):
        text = text[len(prefix) :].strip("/")
    if not text.isdigit():
        raise ApiError(
            400, f"Could not find the provided {kind} object via resource URI '{value}'."
        )
    return int(text)


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ApiError(400, f"Invalid boolean value '{raw}'.")


def parse_time(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError as exc:
        raise ApiError(400, f"Invalid datetime value '{raw}'.") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _coerce(raw: str, kind: str) -> Any:
    if kind == "bool":
        return parse_bool(raw)
    if kind == "int":
        try:
            return int(raw)
        except ValueError as exc:
            raise ApiError(400, f"Invalid integer value '{raw}'.") from exc
    if kind == "time":
        return parse_time(raw)
    return raw


def _compare(actual: Any, lookup: str, raw: str, kind: str) -> bool:
    if actual is None:
        return lookup in ("exact", "iexact") and raw.lower() in ("", "none", "null")
    if kind == "time":
        actual = parse_time(actual)
    if lookup == "in":
        return any(actual == _coerce(part, kind) for part in raw.split(",") if part)
    if lookup == "istartswith":
        return str(actual).lower().startswith(raw.lower())
    if lookup == "icontains":
        return raw.lower() in str(actual).lower()
    if lookup == "iexact":
        return str(actual).lower() == raw.lower()
    wanted = _coerce(raw, kind)
    return {
        "exact": actual == wanted,
        "gt": actual > wanted,
        "gte": actual >= wanted,
        "lt": actual < wanted,
        "lte": actual <= wanted,
    }[lookup]


def build_filters(resource: Resource, params: dict[str, str]) -> list[tuple[Filter, str, str]]:
    """Resolve query parameters to filters exactly as Tastypie's ``build_filters`` would."""
    result: list[tuple[Filter, str, str]] = []
    for key, raw in params.items():
        if key in CONTROL_PARAMS:
            continue
        bits = key.split("__")
        if bits[0] not in resource.fields:
            continue  # not a field: Tastypie ignores it (credentials, cache busters, ...)
        for cut in range(len(bits), 0, -1):
            path = "__".join(bits[:cut])
            if path in resource.filters:
                lookup = "__".join(bits[cut:]) or "exact"
                spec = resource.filters[path]
                if lookup not in spec.lookups:
                    raise ApiError(
                        400, f"'{lookup}' is not an allowed filter on the '{path}' field."
                    )
                result.append((spec, lookup, raw))
                break
        else:
            raise ApiError(400, f"The '{bits[0]}' field does not allow filtering.")
    return result


def paginate(
    objects: list[dict[str, Any]],
    params: dict[str, str],
    list_path: str,
    default_limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Tastypie ``Paginator.page()``: envelope with ``meta`` and one slice of ``objects``."""
    raw_limit = params.get("limit", str(default_limit))
    raw_offset = params.get("offset", "0")
    try:
        limit = int(raw_limit)
    except ValueError as exc:
        raise ApiError(
            400, f"Invalid limit '{raw_limit}' provided. Please provide a positive integer."
        ) from exc
    try:
        offset = int(raw_offset)
    except ValueError as exc:
        raise ApiError(
            400, f"Invalid offset '{raw_offset}' provided. Please provide an integer."
        ) from exc
    if limit < 0:
        raise ApiError(
            400, f"Invalid limit '{raw_limit}' provided. Please provide a positive integer >= 0."
        )
    if offset < 0:
        raise ApiError(
            400, f"Invalid offset '{raw_offset}' provided. Please provide a positive integer >= 0."
        )
    if limit == 0 or limit > MAX_LIMIT:
        limit = MAX_LIMIT
    total = len(objects)

    def link(new_offset: int) -> str:
        query = {k: v for k, v in params.items() if k not in ("limit", "offset")}
        query.update(limit=str(limit), offset=str(new_offset))
        return f"{list_path}?{urlencode(query)}"

    return {
        "meta": {
            "limit": limit,
            "next": link(offset + limit) if offset + limit < total else None,
            "offset": offset,
            "previous": link(max(offset - limit, 0)) if offset > 0 else None,
            "total_count": total,
        },
        "objects": objects[offset : offset + limit],
    }


class Reads:
    """The read side of ``SyncSketchStore``: its public methods take the store's lock and return
    copies, so what a caller holds never changes behind its back."""

    lock: threading.RLock
    base_url: str
    projects: dict[int, dict[str, Any]]
    reviews: dict[int, dict[str, Any]]
    items: dict[int, dict[str, Any]]
    revisions: dict[int, dict[str, Any]]
    frames: dict[int, dict[str, Any]]
    users: dict[int, dict[str, Any]]
    media: dict[int, Media]

    def _get(self, table: dict[int, dict[str, Any]], object_id: Any, kind: str) -> dict[str, Any]:
        try:
            return table[int(object_id)]
        except (KeyError, ValueError, TypeError):
            raise ApiError(404) from None

    def user_by_login(self, login: str) -> dict[str, Any] | None:
        """Find a user by username or e-mail, as the service accepts either."""
        with self.lock:
            for user in self.users.values():
                if login in (user["username"], user["email"]):
                    return user
            return None

    def person(self, user: dict[str, Any] | None) -> dict[str, Any] | None:
        if user is None:
            return None
        keys = ("id", "email", "username", "first_name", "last_name", "full_name")
        return {k: user[k] for k in keys}

    def public(self, obj: dict[str, Any]) -> dict[str, Any]:
        """The wire form of an object: internal ``_`` keys dropped, derived keys added."""
        with self.lock:
            out = {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}
            kind = obj["resource_uri"].split("/")[3]
            if kind == "review":
                out["project_id"] = obj["_project_id"]
                out["reviewURL"] = f"{self.base_url}/sketch/{obj['uuid']}/"
            elif kind == "item":
                out["reviews"] = [uri("review", obj["_review_id"])]
                out["revisions"] = [copy.deepcopy(self.revisions[r]) for r in obj["_revision_ids"]]
                out.update(self._media_urls(obj))
            return out

    def _media_urls(self, item: dict[str, Any]) -> dict[str, str]:
        media = self.media.get(item["revision_id"])
        if media is None:
            return {
                "thumbnail_url": item["external_thumbnail_url"],
                "media_url": item["external_url"],
            }
        base = f"{self.base_url}/media/{item['revision_id']}"
        return {"thumbnail_url": f"{base}/thumbnail.png", "media_url": f"{base}/{media.filename}"}

    def query(self, kind: str, params: dict[str, str]) -> list[dict[str, Any]]:
        """Filtered and ordered wire objects of one resource (before paging)."""
        resource = RESOURCES[kind]
        filters = build_filters(resource, params)
        order = params.get("order_by", "")
        if order and order.lstrip("-") not in resource.ordering:
            raise ApiError(400, f"No matching '{order.lstrip('-')}' field for ordering on.")
        with self.lock:
            table = getattr(self, f"{kind}s")
            rows = [
                obj for obj in table.values() if all(self._matches(obj, *flt) for flt in filters)
            ]
            if order:
                rows.sort(key=lambda o: o[order.lstrip("-")], reverse=order.startswith("-"))
            elif kind == "item":
                rows.sort(key=lambda o: (o["sortorder"], o["id"]))
            else:
                rows.sort(key=lambda o: o["id"])
            return [self.public(obj) for obj in rows]

    def _matches(self, obj: dict[str, Any], spec: Filter, lookup: str, raw: str) -> bool:
        actual = spec.get(self, obj)
        values = actual if isinstance(actual, list) else [actual]
        return any(_compare(value, lookup, raw, spec.kind) for value in values)

    def item(self, item_id: int) -> dict[str, Any]:
        with self.lock:
            return self.public(self._get(self.items, item_id, "item"))

    def frame(self, frame_id: int) -> dict[str, Any]:
        with self.lock:
            return self.public(self._get(self.frames, frame_id, "frame"))

    def project(self, project_id: int) -> dict[str, Any]:
        with self.lock:
            return self.public(self._get(self.projects, project_id, "project"))

    def review(self, review_id: int) -> dict[str, Any]:
        with self.lock:
            return self.public(self._get(self.reviews, review_id, "review"))

    def review_items(self, review_id: int, include_inactive: bool = False) -> list[dict[str, Any]]:
        """Items of a review in display order (``sortorder``, then id)."""
        params = {"reviews__id": str(review_id)}
        if not include_inactive:
            params["active"] = "1"
        return self.query("item", params)

    def item_frames(self, item_id: int, include_inactive: bool = False) -> list[dict[str, Any]]:
        params = {"item__id": str(item_id)}
        if not include_inactive:
            params["active"] = "1"
        return self.query("frame", params)

    def media_bytes(self, item_id: int, revision_id: int | None = None) -> bytes | None:
        with self.lock:
            item = self._get(self.items, item_id, "item")
            media = self.media.get(revision_id or item["revision_id"])
            return media.read() if media else None

    def media_path(self, item_id: int, revision_id: int | None = None) -> Path | None:
        """Where the item's (or one revision's) uploaded file is kept."""
        with self.lock:
            item = self._get(self.items, item_id, "item")
            media = self.media.get(revision_id or item["revision_id"])
            return media.path if media else None
