"""In-memory data model of the SyncSketch stand-in: its objects and every change to them.

Kept apart from the HTTP layer so tests can seed and inspect state directly.

Model, as far as the official client reveals it:

* account -> project -> review -> item -> revision -> frame.
* An item belongs to one review here (the real service allows several; syncd uses one).
* A revision is one "set of notes" of an item in a review. Uploading a new version of an
  item (``itemParentId``) keeps the item id and starts a new revision; earlier frames stay
  on their revision, ``item.revision_id`` always names the newest one.
* Frames are comments and sketches; a reply is a frame whose ``parent_id`` names another.

Reading (the wire form, filters, ordering) lives in ``query.Reads``, which the store mixes in.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from syncd_standins.syncsketch.query import ApiError, Reads, parse_bool, uri
from syncd_standins.syncsketch.resources import ITEM_WRITABLE, WRITABLE


@dataclass
class Media:
    """One uploaded file, kept on disk under the store's ``media_dir``."""

    filename: str
    content_type: str
    size: int
    path: Path

    def read(self) -> bytes:
        """The whole file (for tests; the server streams ``path``)."""
        return self.path.read_bytes()


class SyncSketchStore(Reads):
    """Every object of the stand-in, guarded by one re-entrant lock.

    Seeding helpers (``add_*``) and HTTP handlers share the same mutation methods, so an
    object created from a test looks exactly like one created through the API. Public
    methods return deep copies: callers can never alter state behind the lock's back.
    """

    def __init__(self, media_dir: str | Path | None = None) -> None:
        self.lock = threading.RLock()
        self.base_url = ""
        if media_dir is None:  # a folder of its own, removed with the store
            media_dir = tempfile.mkdtemp(prefix="syncsketch-standin-")
            weakref.finalize(self, shutil.rmtree, media_dir, True)
        self.media_dir = Path(media_dir)
        self.spool = self.media_dir / ".incoming"
        """Where uploads stream to before they are stored (on the same disk: a rename)."""
        self.spool.mkdir(parents=True, exist_ok=True)
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
        source: Path,
        *,
        new_version: bool,
        name: str = "",
        artist: str = "",
    ) -> dict[str, Any]:
        """Keep an uploaded file (moved from ``source``) as the item's media, starting a new
        revision for a new version."""
        with self.lock:
            item = self._get(self.items, item_id, "item")
            revision_id = self._new_revision(item)["id"] if new_version else item["revision_id"]
            target = self.media_dir / str(revision_id)
            target.mkdir(parents=True, exist_ok=True)
            path = target / (Path(filename).name or "media.bin")
            if Path(source).parent == self.spool:
                os.replace(source, path)
            else:  # a file of the caller's: left where it is
                shutil.copyfile(source, path)
            size = path.stat().st_size
            media = Media(filename, content_type, size, path)
            self.media[revision_id] = media
            item.update(
                size=size,
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
