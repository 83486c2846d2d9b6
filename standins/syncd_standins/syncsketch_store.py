"""In-memory data model of the SyncSketch stand-in: objects, Tastypie filters and paging.

Kept apart from the HTTP layer so tests can seed and inspect state directly, and so the
query semantics (which filters exist, how paging links look) live in one readable place.

Model, as far as the official client reveals it:

* account -> project -> review -> item -> revision -> frame.
* An item belongs to one review here (the real service allows several; syncd uses one).
* A revision is one "set of notes" of an item in a review. Uploading a new version of an
  item (``itemParentId``) keeps the item id and starts a new revision; earlier frames stay
  on their revision, ``item.revision_id`` always names the newest one.
* Frames are comments and sketches; a reply is a frame whose ``parent_id`` names another.

Tastypie behaviour reproduced: unknown query parameters are ignored, a known field that
does not allow the requested filter gives 400 ``{"error": ...}``, ``limit`` defaults to 20
and is capped at 1000 (``limit=0`` means "the cap"), and ``meta.next``/``previous`` are
paths that repeat every query parameter (credentials included) with new limit/offset.
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

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


@dataclass
class Media:
    """Bytes of one uploaded file, kept in memory or under ``media_dir``."""

    filename: str
    content_type: str
    size: int
    data: bytes | None = None
    path: Path | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


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


# --------------------------------------------------------------------------- filtering

Getter = Callable[["SyncSketchStore", dict[str, Any]], Any]
EQ = frozenset({"exact", "in"})
CMP = frozenset({"exact", "in", "gt", "gte", "lt", "lte"})
TEXT = frozenset({"exact", "in", "istartswith", "icontains", "iexact"})


@dataclass(frozen=True)
class Filter:
    """One filterable path: how to read it from an object, its lookups and value type."""

    get: Getter
    lookups: frozenset[str]
    kind: str  # "int" | "bool" | "str" | "time"


def _field(name: str) -> Getter:
    return lambda _store, obj: obj.get(name)


def _plain(name: str, kind: str, lookups: frozenset[str] = EQ) -> Filter:
    return Filter(_field(name), lookups, kind)


TIMES = {
    "created": _plain("created", "time", CMP),
    "modified": _plain("modified", "time", CMP),
}


@dataclass(frozen=True)
class Resource:
    """A Tastypie resource: its fields (for "is this a field?") and allowed filters."""

    name: str
    fields: frozenset[str]
    filters: dict[str, Filter]
    ordering: frozenset[str]


def _fields(*names: str) -> frozenset[str]:
    """Every field a resource shows; only these names are checked against its filters."""
    return frozenset({"id", "active", "created", "modified", "resource_uri", *names})


RESOURCES: dict[str, Resource] = {
    "project": Resource(
        "project",
        _fields("name", "description", "is_archived", "account"),
        {
            "id": _plain("id", "int", CMP),
            "name": _plain("name", "str", TEXT),
            "active": _plain("active", "bool"),
            "is_archived": _plain("is_archived", "bool"),
            "account__id": Filter(lambda s, o: o["_account_id"], EQ, "int"),
            "account__active": Filter(
                lambda s, o: s.accounts[o["_account_id"]]["active"], EQ, "bool"
            ),
            **TIMES,
        },
        frozenset({"id", "name", "created", "modified"}),
    ),
    "review": Resource(
        "review",
        _fields("name", "description", "uuid", "project", "project_id", "is_archived", "reviewURL"),
        {
            "id": _plain("id", "int", CMP),
            "name": _plain("name", "str", TEXT),
            "uuid": _plain("uuid", "str"),
            "active": _plain("active", "bool"),
            "project__id": Filter(lambda s, o: o["_project_id"], EQ, "int"),
            "project__active": Filter(
                lambda s, o: s.projects[o["_project_id"]]["active"], EQ, "bool"
            ),
            "project__is_archived": Filter(
                lambda s, o: s.projects[o["_project_id"]]["is_archived"], EQ, "bool"
            ),
            **TIMES,
        },
        frozenset({"id", "name", "created", "modified"}),
    ),
    "item": Resource(
        "item",
        _fields(
            "uuid",
            "name",
            "description",
            "fps",
            "status",
            "type",
            "sortorder",
            "approval_status",
            "metadata",
            "artist",
            "width",
            "height",
            "duration",
            "size",
            "external_url",
            "external_thumbnail_url",
            "revision_id",
            "creator",
            "reviews",
            "revisions",
            "thumbnail_url",
            "media_url",
        ),
        {
            "id": _plain("id", "int", CMP),
            "name": _plain("name", "str", TEXT),
            "uuid": _plain("uuid", "str"),
            "status": _plain("status", "str"),
            "active": _plain("active", "bool"),
            "approval_status": _plain("approval_status", "str"),
            "reviews__id": Filter(lambda s, o: [o["_review_id"]], EQ, "int"),
            "reviews__name": Filter(lambda s, o: [s.reviews[o["_review_id"]]["name"]], TEXT, "str"),
            "reviews__project__id": Filter(
                lambda s, o: [s.reviews[o["_review_id"]]["_project_id"]], EQ, "int"
            ),
            **TIMES,
        },
        frozenset({"id", "name", "sortorder", "created", "modified"}),
    ),
    "frame": Resource(
        "frame",
        _fields(
            "type",
            "text",
            "frame",
            "item",
            "item_id",
            "revision",
            "revision_id",
            "parent",
            "parent_id",
            "creator",
            "data",
            "loadTime",
        ),
        {
            "id": _plain("id", "int", CMP),
            "type": _plain("type", "str"),
            "active": _plain("active", "bool"),
            "frame": _plain("frame", "int", CMP),
            "item__id": _plain("item_id", "int"),
            "revision__id": _plain("revision_id", "int"),
            "revision__review_id": Filter(
                lambda s, o: s.revisions[o["revision_id"]]["review_id"], EQ, "int"
            ),
            "parent__id": _plain("parent_id", "int"),
            **TIMES,
        },
        frozenset({"id", "frame", "created", "modified"}),
    ),
}


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


# --------------------------------------------------------------------------- the store

ITEM_WRITABLE = frozenset(
    {
        "name",
        "description",
        "active",
        "fps",
        "status",
        "type",
        "sortorder",
        "approval_status",
        "metadata",
        "artist",
        "width",
        "height",
        "duration",
        "size",
        "external_url",
        "external_thumbnail_url",
    }
)
WRITABLE = {
    "project": frozenset({"name", "description", "active", "is_archived"}),
    "review": frozenset({"name", "description", "active", "is_archived"}),
    "item": ITEM_WRITABLE,
    "frame": frozenset({"text", "frame", "data", "active"}),
}


class SyncSketchStore:
    """Every object of the stand-in, guarded by one re-entrant lock.

    Seeding helpers (``add_*``) and HTTP handlers share the same mutation methods, so an
    object created from a test looks exactly like one created through the API. Public
    methods return deep copies: callers can never alter state behind the lock's back.
    """

    def __init__(self, media_dir: str | Path | None = None) -> None:
        self.lock = threading.RLock()
        self.base_url = ""
        self.media_dir = Path(media_dir) if media_dir else None
        self._ids = {
            k: itertools.count(1)
            for k in ("account", "project", "review", "item", "revision", "frame", "user")
        }
        self._last_time = datetime.now(UTC)
        self.accounts: dict[int, dict[str, Any]] = {}
        self.projects: dict[int, dict[str, Any]] = {}
        self.reviews: dict[int, dict[str, Any]] = {}
        self.items: dict[int, dict[str, Any]] = {}
        self.revisions: dict[int, dict[str, Any]] = {}
        self.frames: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.media: dict[int, Media] = {}  # by revision id
        self.default_account_id = self.add_account("Stand-in Workspace")

    # ----- helpers
    def now(self) -> str:
        """Strictly increasing ISO-8601 UTC timestamps, so ``modified__gt`` never ties."""
        with self.lock:
            stamp = max(datetime.now(UTC), self._last_time + timedelta(microseconds=1))
            self._last_time = stamp
            return stamp.isoformat(timespec="microseconds")

    def _new(self, kind: str, **fields: Any) -> dict[str, Any]:
        object_id = next(self._ids[kind])
        stamp = self.now()
        obj = {
            "id": object_id,
            "active": True,
            "created": stamp,
            "modified": stamp,
            "resource_uri": uri(kind, object_id),
        }
        obj.update(fields)
        return obj

    def _get(self, table: dict[int, dict[str, Any]], object_id: Any, kind: str) -> dict[str, Any]:
        try:
            return table[int(object_id)]
        except (KeyError, ValueError, TypeError):
            raise ApiError(404) from None

    def _touch(self, obj: dict[str, Any]) -> None:
        obj["modified"] = self.now()

    # ----- users and containers
    def add_user(
        self, username: str, email: str = "", first_name: str = "", last_name: str = ""
    ) -> dict[str, Any]:
        with self.lock:
            user = self._new(
                "user",
                username=username,
                email=email or f"{username}@example.com",
                first_name=first_name or username.capitalize(),
                last_name=last_name,
            )
            user["full_name"] = f"{user['first_name']} {user['last_name']}".strip()
            user["resource_uri"] = uri("simpleperson", user["id"])
            self.users[user["id"]] = user
            return copy.deepcopy(user)

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

    def _creator(self, creator: str | dict[str, Any] | None) -> dict[str, Any] | None:
        if isinstance(creator, dict):
            return self.person(creator)
        if creator:
            found = self.user_by_login(creator)
            if found is None:
                raise ValueError(f"unknown user {creator!r}")
            return self.person(found)
        return self.person(next(iter(self.users.values()), None))

    def add_account(self, name: str) -> int:
        with self.lock:
            account = self._new("account", name=name)
            self.accounts[account["id"]] = account
            return account["id"]

    def add_project(self, name: str, account_id: int | None = None, description: str = "") -> int:
        with self.lock:
            account_id = account_id or self.default_account_id
            self._get(self.accounts, account_id, "account")
            project = self._new(
                "project",
                name=name,
                description=description,
                is_archived=False,
                account=uri("account", account_id),
                _account_id=account_id,
            )
            self.projects[project["id"]] = project
            return project["id"]

    def add_review(self, project_id: int, name: str, description: str = "") -> dict[str, Any]:
        with self.lock:
            self._get(self.projects, project_id, "project")
            review_uuid = uuid.uuid4().hex
            review = self._new(
                "review",
                name=name,
                description=description,
                uuid=review_uuid,
                project=uri("project", project_id),
                is_archived=False,
                _project_id=int(project_id),
            )
            self.reviews[review["id"]] = review
            return self.public(review)

    # ----- items and revisions
    def _new_revision(self, item: dict[str, Any]) -> dict[str, Any]:
        revision = self._new(
            "revision",
            item_id=item["id"],
            review_id=item["_review_id"],
            version=len(item["_revision_ids"]) + 1,
        )
        self.revisions[revision["id"]] = revision
        item["_revision_ids"].append(revision["id"])
        item["revision_id"] = revision["id"]
        return revision

    def add_item(
        self,
        review_id: int,
        name: str,
        *,
        approval_status: str = "",
        metadata: str | dict[str, Any] | None = None,
        fps: float = 24.0,
        sortorder: int | None = None,
        status: str = "done",
        type: str = "image",
        creator: str | dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Create an item at the end of a review (or at ``sortorder``) with its first revision."""
        with self.lock:
            self._get(self.reviews, review_id, "review")
            if sortorder is None:
                orders = [
                    i["sortorder"] for i in self.items.values() if i["_review_id"] == int(review_id)
                ]
                sortorder = max(orders, default=-1) + 1
            if isinstance(metadata, dict):
                metadata = json.dumps(metadata)
            item = self._new(
                "item",
                uuid=uuid.uuid4().hex,
                name=name,
                description="",
                fps=fps,
                status=status,
                type=type,
                sortorder=sortorder,
                approval_status=approval_status,
                metadata=metadata or "{}",
                artist="",
                width=None,
                height=None,
                duration=None,
                size=None,
                external_url="",
                external_thumbnail_url="",
                revision_id=None,
                creator=self._creator(creator),
                _review_id=int(review_id),
                _revision_ids=[],
            )
            for key, value in extra.items():
                if key not in ITEM_WRITABLE:
                    raise ValueError(f"not an item field: {key}")
                item[key] = value
            self.items[item["id"]] = item
            self._new_revision(item)
            return self.public(item)

    def store_media(
        self,
        item_id: int,
        filename: str,
        content_type: str,
        data: bytes,
        *,
        new_version: bool,
        name: str = "",
        artist: str = "",
    ) -> dict[str, Any]:
        """Attach uploaded bytes to an item, starting a new revision for a new version."""
        with self.lock:
            item = self._get(self.items, item_id, "item")
            revision_id = self._new_revision(item)["id"] if new_version else item["revision_id"]
            media = Media(filename, content_type, len(data))
            if self.media_dir:
                target = self.media_dir / str(revision_id)
                target.mkdir(parents=True, exist_ok=True)
                media.path = target / (Path(filename).name or "media.bin")
                media.path.write_bytes(data)
            else:
                media.data = data
            self.media[revision_id] = media
            item.update(
                size=len(data),
                external_url="",
                external_thumbnail_url="",
                type="video" if content_type.startswith("video/") else "image",
            )
            if name:
                item["name"] = name
            if artist:
                item["artist"] = artist
            self._touch(item)
            return self.public(item)

    def patch(self, kind: str, object_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """PATCH semantics: writable fields change, unknown fields are ignored like Tastypie.

        ``metadata`` must arrive as a string (the service stores it as text), so a caller
        that sends a dict is told at once instead of finding a mangled value later.
        """
        with self.lock:
            obj = self._get(getattr(self, f"{kind}s"), object_id, kind)
            metadata = changes.get("metadata")
            if kind == "item" and metadata is not None and not isinstance(metadata, str):
                raise ApiError(400, "metadata must be a JSON encoded string.")
            for key, value in changes.items():
                if key in WRITABLE[kind]:
                    obj[key] = parse_bool(value) if key in ("active", "is_archived") else value
            self._touch(obj)
            return self.public(obj)

    def sort_items(self, review_id: int, entries: Iterable[dict[str, Any]]) -> int:
        with self.lock:
            self._get(self.reviews, review_id, "review")
            updated = 0
            for entry in entries:
                item = self.items.get(int(entry["id"]))
                if item is None or item["_review_id"] != int(review_id):
                    continue
                item["sortorder"] = int(entry["sortorder"])
                self._touch(item)
                updated += 1
            return updated

    # ----- frames
    def add_frame(
        self,
        item_id: int,
        text: str = "",
        frame: int = 0,
        type: str = "comment",
        parent_id: int | None = None,
        creator: str | dict[str, Any] | None = None,
        revision_id: int | None = None,
        data: Any = None,
    ) -> dict[str, Any]:
        """Create a comment, sketch or reply; the revision defaults to the item's newest."""
        with self.lock:
            item = self._get(self.items, item_id, "item")
            revision_id = int(revision_id or item["revision_id"])
            revision = self.revisions.get(revision_id)
            if revision is None or revision["item_id"] != item["id"]:
                raise ApiError(400, f"Revision {revision_id} does not belong to item {item_id}.")
            if type not in ("comment", "sketch"):
                raise ApiError(400, f"Invalid frame type '{type}'.")
            if parent_id is not None:
                parent = self.frames.get(int(parent_id))
                if parent is None or parent["item_id"] != item["id"]:
                    raise ApiError(400, f"Parent frame {parent_id} is not on item {item_id}.")
                parent_id = parent["id"]
            try:
                frame_no = int(frame)
            except (TypeError, ValueError) as exc:
                raise ApiError(400, f"Invalid frame number '{frame}'.") from exc
            record = self._new(
                "frame",
                type=type,
                text=text,
                frame=frame_no,
                item=uri("item", item["id"]),
                item_id=item["id"],
                revision=uri("revision", revision_id),
                revision_id=revision_id,
                parent=uri("frame", parent_id) if parent_id else None,
                parent_id=parent_id,
                creator=self._creator(creator),
                data=data,
                loadTime=None,
            )
            self.frames[record["id"]] = record
            return self.public(record)

    def delete_frame(self, frame_id: int) -> None:
        with self.lock:
            self._get(self.frames, frame_id, "frame")
            del self.frames[int(frame_id)]

    # ----- reading
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
