"""SyncSketch (``type: syncsketch``): a review's items, statuses, media, order and comments.

How their objects become ours:

* an active review item is an ``Item`` (id, name, ``approval_status`` as the status, ``""`` read
  as none); its media is the item's current revision, so a new version (same item id, new
  ``revision_id``) is a media change; syncd's link id lives in the item's ``metadata`` JSON
  under ``syncd_link``, which makes creating an item crash-safe;
* a comment frame, or a sketch frame that carries text, is a ``Note``; SyncSketch frames are
  0-based and ours 1-based, and its frame 0 (stills, frameless notes) is "no frame"; replies
  name their parent frame; the author is the frame's creator unless the text starts with a
  ``notetext`` header, written when syncd's account speaks for someone else.

A snapshot is two paged listings (every item of the review, every frame of the review), so a
review of up to 1,000 items and 1,000 frames costs two requests. Creating requests are not
idempotent, so they are never blindly retried: after a failure the connector first looks for
what the failed request may have created (and removes a half-created upload) before trying again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from syncd.connectors.syncsketch import convert
from syncd.connectors.syncsketch.api import (
    SyncSketchApi,
    write_stream,
)
from syncd.connectors.syncsketch.notes import SyncSketchNotes
from syncd.connectors.syncsketch.review import NotCreatedYet, resolve_review
from syncd.connectors.syncsketch.sketches import Sketches
from syncd.core.capabilities import Capabilities
from syncd.core.model import (
    Attachment,
    Item,
    LocalMedia,
    NewItem,
    Snapshot,
)
from syncd.errors import NotFound, SkippableError, SyncdError


class SyncSketchEndpoint(SyncSketchNotes):
    capabilities = Capabilities.everything(
        stores_links=True,
        has_attachments=False,
        reply_attachments=False,
        drawings=convert.SKETCH_PREFIX,
    )

    def __init__(
        self,
        name: str,
        api: SyncSketchApi,
        project_id: int,
        review: str | int,
        *,
        create: bool = False,
        sketch_timeout: float = 120.0,
    ) -> None:
        super().__init__(name)
        self.api = api
        self.project_id = project_id
        self.review_ref = review
        self.create = create
        self._review: dict[str, Any] | None = None
        self._me: dict[str, Any] | None = None
        # the raw objects last seen, by id: revisions to comment on, media URLs, author headers
        self._items: dict[str, dict[str, Any]] = {}
        self._frames: dict[str, dict[str, Any]] = {}
        self.sketches = Sketches(name, api, sketch_timeout)
        self.sketch_files: dict[str, tuple[Attachment, ...]] = {}

    # -- the review ----------------------------------------------------------------------------
    @property
    def review_id(self) -> int:
        """Resolved on first use (one request), then kept for the endpoint's lifetime (the
        service keeps endpoints between runs); a review that is gone is looked up again."""
        if self._review is None:
            self._review = self._resolve_review()
        return int(self._review["id"])

    def _resolve_review(self) -> dict[str, Any]:
        return resolve_review(
            self.api,
            self.name,
            self.project_id,
            self.review_ref,
            create=self.create,
            dry_run=self.dry_run,
            would=self.would,
        )

    def _exists(self) -> bool:
        """False only in a dry run whose review ``create: true`` would create (asked once)."""
        if self._review is None and not self.would:
            with contextlib.suppress(NotCreatedYet):
                self.review_id  # noqa: B018 - resolving is the question
        return self._review is not None

    def check(self) -> str:
        me = self._whoami()
        if not self._exists():
            return f"no review {self.review_ref!r} yet, as {me.get('username')}"
        assert self._review is not None
        return f"review {self._review.get('name')!r} (id {self.review_id}) as {me.get('username')}"

    # -- reading -------------------------------------------------------------------------------
    def snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        if not self._exists():
            return Snapshot()  # a dry run with ``create: true``: the review would start empty
        cached = self._review is not None
        try:
            raw_items, raw_frames = self._read(self.review_id)
            gone = cached and not raw_items and not raw_frames
        except NotFound as exc:
            if not cached:
                raise
            raw_items, raw_frames, gone, missing = [], [], True, exc
        else:
            missing = None
        if gone:
            # The review kept from an earlier run answers nothing: deleted, or replaced by
            # another of that name? Look the name up again (only ever when it looks empty).
            kept = self.review_id
            self._review = None
            if self.review_id != kept:
                raw_items, raw_frames = self._read(self.review_id)
            elif missing is not None:
                raise missing
        raw_items.sort(key=lambda i: (i.get("sortorder") or 0, int(i["id"])))
        self._items = {str(i["id"]): i for i in raw_items}
        self._frames = {str(f["id"]): f for f in raw_frames}
        items = tuple(convert.item(i) for i in raw_items)
        frames = sorted(raw_frames, key=lambda f: int(f["id"]))
        self.sketch_files = files = self.sketches.files(frames, self._items)
        notes = tuple(
            convert.note(f, files.get(str(f["id"]), ()))
            for f in frames
            if convert.is_note(f, str(f["id"]) in files) and convert.id_of(f, "item") in self._items
        )
        # the review's web address, for the status page's "open in SyncSketch" links
        url = (self._review or {}).get("reviewURL")
        extra = {"review_url": url} if isinstance(url, str) and url.startswith("http") else {}
        return Snapshot(items=items, notes=notes, extra=extra)

    def _read(self, review_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        raw_items, raw_frames = self.api.parallel(
            [lambda: self.api.items(review_id), lambda: self.api.frames(review_id)]
        )
        return raw_items, raw_frames

    def fetch_media(self, item: Item, dest_dir: Path) -> LocalMedia:
        if item.media is None:
            raise NotFound(f"{self.name}: item {item.id} has no media")
        item_id, _, revision = item.media.token.partition(":")
        raw = self._items.get(item_id)
        if raw is None or str(raw.get("revision_id")) != revision:
            raw = self._remember_item(self.api.item(item_id))
        if str(raw.get("revision_id")) != revision:
            raise SkippableError(
                f"{self.name}: item {item_id} has a newer version than the one read; "
                "the next run syncs that one"
            )
        url = raw.get("media_url") or ""
        if not url:
            raise NotFound(
                f"{self.name}: item {item_id} ({raw.get('name')!r}) holds a file but SyncSketch "
                "names no address to download it from (no media_url); it cannot be carried to "
                "the other systems"
            )
        filename = convert.media_filename(raw)
        dest_dir.mkdir(parents=True, exist_ok=True)
        target = dest_dir / f"{item_id}-{revision}-{filename}"
        sha, size = self.api.retrying(lambda: self._download(url, target))
        return LocalMedia(target, sha, filename, size)

    def fetch_attachment(self, attachment: Attachment, dest_dir: Path) -> LocalMedia:
        """The picture of a sketched frame, as the service flattens it."""
        return self.sketches.fetch(self.review_id, attachment, dest_dir)

    def _download(self, url: str, target: Path) -> tuple[str, int]:
        """Stream to a temporary file, hashing on the way, then rename: never half a file."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in write_stream(self.api.stream(url), handle):
                    digest.update(chunk)
                    size += len(chunk)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest.hexdigest(), size

    # -- items ---------------------------------------------------------------------------------
    def create_item(self, item: NewItem) -> Item:
        review_id = self.review_id
        if item.media is None:
            body: dict[str, Any] = {
                "reviewId": review_id,
                "name": item.name,
                "metadata": json.dumps({convert.LINK_KEY: item.link}),
            }
            if item.status:
                body["approval_status"] = item.status
            raw = self.api.create_once(
                lambda: self.api.create_item(body, retry=False),
                lambda: self._find_linked_item(item),
            )
            if not (isinstance(raw, dict) and "id" in raw and "name" in raw):
                # an answer that does not show the item (Tastypie's empty 201): find it
                raw = self._find_linked_item(item)
                if raw is None:
                    raise SkippableError(
                        f"{self.name}: the service accepted item {item.name!r} but it cannot "
                        "be found; the next run looks again"
                    )
            raw = self._full(raw, str(raw["id"]))
            if item.status and raw.get("approval_status") != item.status:
                # whether the create call takes the approval status is not documented
                raw = self._full(
                    self.api.patch_item(str(raw["id"]), {"approval_status": item.status}),
                    str(raw["id"]),
                )
            return convert.item(self._remember_item(raw))
        media = item.media
        raw = self._upload_new(
            item.name,
            lambda: self.api.upload(
                review_id, media.path, media.filename, name=item.name, sha256=media.sha256
            ),
        )
        changes: dict[str, Any] = {"metadata": convert.with_link(raw.get("metadata"), item.link)}
        if item.status:
            changes["approval_status"] = item.status
        if media.fps:  # the upload calls take no frame rate; SyncSketch counts frames with it
            changes["fps"] = media.fps
        try:
            raw = self._full(self.api.patch_item(str(raw["id"]), changes), str(raw["id"]))
        except SyncdError:
            self._discard(str(raw["id"]))
            raise
        return convert.item(self._remember_item(raw))

    def set_status(self, item_id: str, status: str) -> Item:
        raw = self.api.patch_item(item_id, {"approval_status": status})
        return convert.item(self._remember_item(self._full(raw, item_id)))

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        """A new version of the item: same id, a new revision (earlier notes stay on theirs)."""
        before = self._items.get(item_id) or self.api.item(item_id)
        review_id = self.review_id

        def landed() -> dict[str, Any] | None:
            now = self.api.item(item_id)
            return now if now.get("revision_id") != before.get("revision_id") else None

        raw = self.api.create_once(
            lambda: self.api.upload(
                review_id, media.path, media.filename, parent_item=item_id, sha256=media.sha256
            ),
            landed,
            attempts=self.media_attempts,
        )
        raw = self._full(raw, item_id)
        if media.fps and raw.get("fps") != media.fps:  # see create_item: set it, then check
            raw = self._full(self.api.patch_item(item_id, {"fps": media.fps}), item_id)
        return convert.item(self._remember_item(raw))

    def set_order(self, item_ids: list[str]) -> list[str]:
        """Listed items first, in that order; items syncd does not know keep their order after.

        The answer only counts what moved, so the order is read back to be checked.
        """
        wanted = set(item_ids)
        rest = [i for i in self._items if i not in wanted]
        order = [(item_id, n) for n, item_id in enumerate([*item_ids, *rest])]
        self.api.sort_items(self.review_id, order)
        raw_items = self.api.items(self.review_id)
        raw_items.sort(key=lambda i: (i.get("sortorder") or 0, int(i["id"])))
        self._items = {str(i["id"]): i for i in raw_items}
        return list(self._items)

    def delete_item(self, item_id: str) -> None:
        self.api.patch_item(item_id, {"active": False})
        self._items.pop(item_id, None)

    def _upload_new(self, name: str, send: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Upload a new item; whatever a failed attempt left behind is deleted before going on."""
        known = self._item_ids_named(name)
        removed: list[str] = []

        def cleanup() -> None:
            for raw in self.api.items(self.review_id, name=name):
                if str(raw["id"]) not in known and convert.link_of(raw) is None and self._mine(raw):
                    self._discard(str(raw["id"]))
                    removed.append(str(raw["id"]))

        try:
            return self.api.create_once(send, cleanup, attempts=self.media_attempts)
        except SyncdError as exc:
            with contextlib.suppress(SyncdError):
                cleanup()
            if removed:
                many = len(removed) > 1
                raise type(exc)(
                    f"{exc}; the item{'s' if many else ''} {', '.join(removed)} the upload "
                    f"left half made {'were' if many else 'was'} deleted"
                ) from exc
            raise

    def _item_ids_named(self, name: str) -> set[str]:
        return {str(raw["id"]) for raw in self.api.items(self.review_id, name=name)}

    def _find_linked_item(self, item: NewItem) -> dict[str, Any] | None:
        for raw in self.api.items(self.review_id, name=item.name):
            if convert.link_of(raw) == item.link:
                return raw
        return None

    def _discard(self, item_id: str) -> None:
        """Best effort: a half-created item is worse than a leftover log line."""
        with contextlib.suppress(SyncdError):
            self.api.patch_item(item_id, {"active": False})
        self._items.pop(item_id, None)

    def _remember_item(self, raw: dict[str, Any]) -> dict[str, Any]:
        self._items[str(raw["id"])] = raw
        return raw

    def _revision(self, item_id: str) -> Any:
        raw = self._items.get(item_id)
        if raw is None or raw.get("revision_id") is None:
            raw = self._remember_item(self.api.item(item_id))
        return raw["revision_id"]

    def _full(self, raw: Any, item_id: str) -> dict[str, Any]:
        """The item as written; a write that answers without a body is read back."""
        if isinstance(raw, dict) and "id" in raw and "revision_id" in raw:
            return raw
        return self.api.item(item_id)

    def request_count(self) -> int:
        return self.api.http.requests

    def close(self) -> None:
        self.api.close()
