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
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from syncd.connectors import notetext
from syncd.connectors.base import Endpoint
from syncd.connectors.syncsketch import convert
from syncd.connectors.syncsketch.api import (
    SyncSketchApi,
    item_uri,
    revision_uri,
    write_stream,
)
from syncd.connectors.syncsketch.review import NotCreatedYet, resolve_review
from syncd.core.capabilities import Capabilities
from syncd.core.model import (
    Item,
    LocalMedia,
    NewItem,
    NewNote,
    Note,
    NoteContent,
    Person,
    Snapshot,
)
from syncd.errors import NotFound, SkippableError, SyncdError


class SyncSketchEndpoint(Endpoint):
    capabilities = Capabilities.everything(stores_links=True)

    def __init__(
        self,
        name: str,
        api: SyncSketchApi,
        project_id: int,
        review: str | int,
        *,
        create: bool = False,
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
        notes = tuple(
            convert.note(f)
            for f in frames
            if convert.is_note(f) and convert.id_of(f, "item") in self._items
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

    # -- notes ---------------------------------------------------------------------------------
    def create_note(self, note: NewNote) -> Note:
        body: dict[str, Any] = {
            "item": item_uri(note.item),
            "revision": revision_uri(self._revision(note.item)),
            "frame": convert.frame_out(note.frame),
            "type": "comment",
            "text": self._outgoing_text(note.text, note.author),
        }
        if note.parent is not None:
            body.update(convert.parent_fields(note.parent))
        raw = self.api.create_once(
            lambda: self.api.create_frame(body, retry=False),
            lambda: self._find_created_frame(note.item, body),
        )
        raw = self._complete_frame(raw, note.item, body)
        created = convert.note(raw)
        if note.parent is not None and created.parent != note.parent:
            # the service kept neither form of the parent: say it once more, by PATCH
            raw = self._complete_frame(
                self.api.patch_frame(str(raw["id"]), convert.parent_fields(note.parent)),
                note.item,
                body,
            )
            created = convert.note(raw)
        self._frames[created.id] = raw
        return created

    def expected_note(self, note: NewNote) -> NewNote:
        """SyncSketch has no frameless notes: those (and frame 1) read back as no frame. Notes
        hold no attachments here yet: a note arrives without them."""
        frame = note.frame if note.frame is not None and note.frame > 1 else None
        return replace(note, frame=frame, attachments=())

    def expected_content(self, content: NoteContent) -> NoteContent:
        frame = content.frame if content.frame is not None and content.frame > 1 else None
        return replace(content, frame=frame, attachments=())

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        current = self._frames.get(note_id) or self.api.frame(note_id)
        _, attributed, _ = notetext.parse(str(current.get("text") or ""))
        raw_text = (
            notetext.render(content.text, author=attributed)
            if attributed is not None
            else self._outgoing_text(content.text, None)
        )
        raw = self.api.patch_frame(
            note_id, {"text": raw_text, "frame": convert.frame_out(content.frame)}
        )
        if not (isinstance(raw, dict) and "id" in raw and "text" in raw):
            raw = self.api.frame(note_id)
        self._frames[note_id] = raw
        return convert.note(raw)

    def _complete_frame(self, raw: Any, item_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """The frame as the service holds it: an answer that does not show it is read back.

        Tastypie answers a create with an empty body unless told otherwise; a partial answer
        cannot be checked, so the frame is found (by id, or else as the one just written).
        """
        shows = isinstance(raw, dict) and all(k in raw for k in ("id", "text", "frame"))
        if shows and ("parent" not in body or "parent_id" in raw or "parent" in raw):
            return cast(dict[str, Any], raw)
        if isinstance(raw, dict) and raw.get("id") is not None:
            return self.api.frame(str(raw["id"]))
        found = self._find_created_frame(item_id, body)
        if found is None:
            raise SkippableError(
                f"{self.name}: the service accepted the note but its answer does not say which "
                "frame it made, and none could be found; the next run looks again"
            )
        return found

    def delete_note(self, note_id: str) -> None:
        self.api.patch_frame(note_id, {"active": False})
        self._frames.pop(note_id, None)

    def _outgoing_text(self, text: str, author: Person | None) -> str:
        """Attribute the note in its text when syncd's account writes it for someone else.

        Text that merely looks like a header is protected by one naming syncd's own account,
        so reading it back never strips the person's words.
        """
        if author is not None and (author.email or author.name) and not self._is_me(author):
            return notetext.render(text, author=author)
        if notetext.parse(text) != (text, None, None):
            me = self._whoami()
            return notetext.render(text, author=convert.person(me))
        return text

    def _find_created_frame(self, item_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The frame a failed POST may still have created: same item, words and frame, by syncd.

        Not matched on the parent: a service that dropped it still made the frame, and the
        caller repairs or reports the parent; matching on it would write the note twice.
        """
        words = convert.words(body["text"])
        for raw in reversed(self.api.frames(self.review_id, item__id=item_id)):
            if (
                str(raw["id"]) not in self._frames
                and convert.id_of(raw, "item") == str(item_id)
                and convert.words(raw.get("text")) == words
                and convert.frame_number(raw.get("frame")) == body["frame"]
                and self._mine(raw)
            ):
                return raw
        return None

    # -- who syncd is here ---------------------------------------------------------------------
    def _whoami(self) -> dict[str, Any]:
        if self._me is None:
            self._me = self.api.connected()
        return self._me

    def _is_me(self, person: Person) -> bool:
        me = self._whoami()
        if person.email:
            return person.email.casefold() == str(me.get("email") or "").casefold()
        return person.name == me.get("full_name")

    def _mine(self, raw: dict[str, Any]) -> bool:
        """Written by syncd's account; an object that does not say who wrote it may be."""
        creator = raw.get("creator")
        if isinstance(creator, dict) and creator.get("id") is not None:
            return str(creator["id"]) == str(self._whoami().get("id"))
        if creator not in (None, ""):
            return convert.id_of(creator, "person") == str(self._whoami().get("id"))
        return True

    def request_count(self) -> int:
        return self.api.http.requests

    def close(self) -> None:
        self.api.close()
