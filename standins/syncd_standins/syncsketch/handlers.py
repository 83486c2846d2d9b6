"""The endpoint table of the SyncSketch stand-in and its handlers, one method per route.

``Handlers`` is mixed into ``SyncSketchStandIn``: each handler gets the parsed request (and
the path's groups), works on ``self.store`` and returns ``(status, payload, headers)``; client
errors are raised as ``ApiError``. ``self.quirks`` picks between the answers the real service
may give where public facts leave it open.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import struct
import uuid
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from syncd_standins.syncsketch.query import ApiError, id_from_uri, paginate
from syncd_standins.syncsketch.resources import WRITABLE
from syncd_standins.syncsketch.server import Reply, Route, _parse_urlencoded, _Request

if TYPE_CHECKING:
    from syncd_standins.syncsketch.faults import Quirks
    from syncd_standins.syncsketch.store import SyncSketchStore


def _tiny_png() -> bytes:
    """A 1x1 transparent PNG: the placeholder for thumbnails and flattened sketches."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PLACEHOLDER_PNG = _tiny_png()


class Handlers:
    """The endpoint table and its handlers, on the stand-in's store, quirks and URL."""

    store: SyncSketchStore
    quirks: Quirks
    url: str
    default_limit: int
    _tasks: dict[str, Any]  # flatten tasks by id

    def _build_routes(self) -> list[Route]:
        n = r"(\d+)"
        table: list[tuple[str, str, Callable[..., Reply], bool]] = [
            ("GET", r"/api/v1/person/connected/", self._connected, True),
            ("GET", r"/api/v1/simpleperson/currentUser/", self._connected, True),
            ("GET", r"/api/v1/(account|project|review|item|frame)/", self._list, True),
            ("GET", rf"/api/v1/(project|review|item|frame)/{n}/", self._detail, True),
            ("PATCH", rf"/api/v1/(project|review|item|frame)/{n}/", self._patch, True),
            ("POST", r"/api/v1/project/", self._create_project, True),
            ("POST", r"/api/v1/review/", self._create_review, True),
            ("POST", r"/api/v1/item/", self._create_item, True),
            ("POST", r"/api/v1/frame/", self._create_frame, True),
            ("DELETE", rf"/api/v1/frame/{n}/", self._delete_frame, True),
            ("PUT", rf"/api/v2/review/{n}/sort_items/", self._sort_items, True),
            ("POST", r"/api/v2/bulk-delete-items/", self._bulk_delete, True),
            ("POST", rf"/items/uploadToReview/{n}/", self._upload, True),
            ("POST", rf"/api/v2/downloads/flattenedSketches/{n}/{n}/", self._flatten, True),
            ("GET", r"/api/v2/downloads/flattenedSketches/([\w-]+)/", self._flat_task, True),
            ("GET", r"/media/flattened/(\d+)\.png", self._placeholder, False),
            ("GET", rf"/media/{n}/thumbnail\.png", self._thumbnail, False),
            ("GET", rf"/media/{n}/([^/]+)", self._media, False),
        ]
        return [(m, re.compile(p + r"\Z"), h, auth) for m, p, h, auth in table]

    # ----- handlers
    def _connected(self, req: _Request) -> Reply:
        return 200, self.store.person(req.user), {}

    def _list(self, req: _Request, kind: str) -> Reply:
        if kind == "account":
            with self.store.lock:
                objects = [dict(a) for a in self.store.accounts.values()]
        else:
            objects = self.store.query(kind, req.query)
        if kind == "frame" and self.quirks.empty_frames:
            objects = []
        objects = [_only_fields(o, req.query) for o in objects]
        page = paginate(objects, req.query, f"/api/v1/{kind}/", self.default_limit)
        return 200, page, {}

    def _detail(self, req: _Request, kind: str, object_id: str) -> Reply:
        obj = getattr(self.store, kind)(int(object_id))
        return 200, _only_fields(obj, req.query), {}

    def _patch(self, req: _Request, kind: str, object_id: str) -> Reply:
        changes = req.json()
        if not isinstance(changes, dict):
            raise ApiError(400, "PATCH body must be a JSON object.")
        return 202, self.store.patch(kind, int(object_id), changes), {}

    def _create_project(self, req: _Request) -> Reply:
        data = req.json()
        account_id = data.get("account_id") or data.get("account")
        project_id = self.store.add_project(
            _required(data, "name"),
            id_from_uri(account_id, "account") if account_id else None,
            data.get("description", ""),
        )
        return 201, self.store.project(project_id), {}

    def _create_review(self, req: _Request) -> Reply:
        data = req.json()
        project_id = id_from_uri(_required(data, "project"), "project")
        if project_id not in self.store.projects:
            raise ApiError(
                400,
                f"Could not find the provided project object via resource URI '{data['project']}'.",
            )
        review = self.store.add_review(
            project_id, _required(data, "name"), data.get("description", "")
        )
        return 201, review, {}

    def _create_item(self, req: _Request) -> Reply:
        data = dict(req.json())
        review_id = int(_required(data, "reviewId"))
        if review_id not in self.store.reviews:
            raise ApiError(400, f"Review {review_id} does not exist.")
        metadata = data.get("metadata")
        if metadata is not None and not isinstance(metadata, str):
            raise ApiError(400, "metadata must be a JSON encoded string.")
        known = {
            k: v
            for k, v in data.items()
            if k in WRITABLE["item"]
            and k not in ("name", "active")
            and k not in self.quirks.create_ignores
        }
        item = self.store.add_item(review_id, data.get("name", ""), creator=req.user, **known)
        return self._created(item, "item")

    def _create_frame(self, req: _Request) -> Reply:
        data = req.json()
        item_id = id_from_uri(_required(data, "item"), "item")
        revision_id = id_from_uri(_required(data, "revision"), "revision")
        parent = next((data[k] for k in self.quirks.reply_parent if data.get(k)), None)
        if item_id not in self.store.items:
            raise ApiError(
                400, f"Could not find the provided item object via resource URI '{data['item']}'."
            )
        frame = self.store.add_frame(
            item_id,
            data.get("text", ""),
            data.get("frame", 0),
            data.get("type", "comment"),
            parent_id=id_from_uri(parent, "frame") if parent else None,
            creator=req.user,
            revision_id=revision_id,
            data=data.get("data"),
        )
        return self._created(frame, "frame")

    def _created(self, obj: dict[str, Any], kind: str) -> Reply:
        if self.quirks.empty_create_answer:
            return 201, None, {"Location": f"{self.url}/api/v1/{kind}/{obj['id']}/"}
        return 201, obj, {}

    def _delete_frame(self, req: _Request, frame_id: str) -> Reply:
        self.store.delete_frame(int(frame_id))
        return 204, None, {}

    def _sort_items(self, req: _Request, review_id: str) -> Reply:
        entries = req.json().get("items")
        if not isinstance(entries, list):
            raise ApiError(400, "'items' must be a list of {id, sortorder}.")
        return 200, {"updated_items": self.store.sort_items(int(review_id), entries)}, {}

    def _bulk_delete(self, req: _Request) -> Reply:
        item_ids = req.json().get("item_ids")
        if not isinstance(item_ids, list):
            raise ApiError(400, "'item_ids' must be a list.")
        deleted = 0
        for item_id in item_ids:
            if int(item_id) in self.store.items:
                self.store.patch("item", int(item_id), {"active": False})
                deleted += 1
        return 200, {"deleted_items": deleted}, {}

    def _upload(self, req: _Request, review_id: str) -> Reply:
        review = self.store.review(int(review_id))
        if req.form is not None:
            fields, files = req.form.fields, req.form.files
        else:
            fields, files = _parse_urlencoded(req.content_type, req.body), {}
        name, artist = fields.get("name", ""), fields.get("artist", "")
        if "reviewFile" in files:
            upload = files["reviewFile"]
            filename = upload.filename
            content_type = (
                upload.content_type
                or mimetypes.guess_type(filename)[0]
                or "application/octet-stream"
            )
            parent = req.query.get("itemParentId")
            if parent:
                item = self.store.item(int(parent))
                if item["reviews"] != [review["resource_uri"]]:
                    raise ApiError(400, f"Item {parent} is not in review {review_id}.")
                item_id = item["id"]
            else:
                item_id = self.store.add_item(review["id"], name or filename, creator=req.user)[
                    "id"
                ]
            return (
                200,
                self.store.store_media(
                    item_id,
                    filename,
                    content_type,
                    upload.path,
                    new_version=bool(parent),
                    name=name,
                    artist=artist,
                ),
                {},
            )
        if fields.get("media_url"):
            url = fields["media_url"]
            item = self.store.add_item(
                review["id"],
                name or url.rstrip("/").rsplit("/", 1)[-1],
                creator=req.user,
                external_url=url,
                artist=artist,
            )
            return 200, item, {}
        raise ApiError(400, "No reviewFile or media_url in the upload.")

    def _flatten(self, req: _Request, review_id: str, item_id: str) -> Reply:
        self.store.review(int(review_id))
        as_base64 = req.query.get("base64") == "1"
        sketches = [f for f in self.store.item_frames(int(item_id)) if f["type"] == "sketch"]
        data = []
        for sketch in sketches:
            entry: dict[str, Any] = {
                "frame": sketch["frame"],
                "sketch_id": sketch["id"],
                "revision_id": sketch["revision_id"],
            }
            if as_base64:
                entry["data"] = base64.b64encode(PLACEHOLDER_PNG).decode("ascii")
            else:
                entry["url"] = f"{self.url}/media/flattened/{sketch['id']}.png"
            data.append(entry)
        task_id = str(uuid.uuid4())
        self._tasks[task_id] = {"status": "done", "data": data}
        return 200, task_id, {}

    def _flat_task(self, req: _Request, task_id: str) -> Reply:
        return 200, self._tasks.get(task_id, {"status": "failed"}), {}

    def _placeholder(self, req: _Request, frame_id: str) -> Reply:
        return 200, PLACEHOLDER_PNG, {"Content-Type": "image/png"}

    def _thumbnail(self, req: _Request, revision_id: str) -> Reply:
        media = self.store.media.get(int(revision_id))
        if media is not None and media.content_type.startswith("image/"):
            return 200, media.path, {"Content-Type": media.content_type}
        return self._placeholder(req, revision_id)

    def _media(self, req: _Request, revision_id: str, filename: str) -> Reply:
        media = self.store.media.get(int(revision_id))
        if media is None or media.filename != filename:
            raise ApiError(404)
        return 200, media.path, {"Content-Type": media.content_type}


def _required(data: dict[str, Any], key: str) -> Any:
    if data.get(key) in (None, ""):
        raise ApiError(
            400, f"The '{key}' field has no data and doesn't allow a default or null value."
        )
    return data[key]


def _only_fields(obj: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    """Honour ``fields=a,b``: the service returns only the requested keys."""
    wanted = [f for f in query.get("fields", "").split(",") if f]
    return {k: obj[k] for k in wanted if k in obj} if wanted else obj
