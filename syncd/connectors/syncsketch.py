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
import difflib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from syncd.connectors import notetext
from syncd.connectors.base import Capabilities, Endpoint
from syncd.connectors.syncsketch_api import (
    SyncSketchApi,
    frame_uri,
    item_uri,
    revision_uri,
    write_stream,
)
from syncd.core.fingerprints import normalize_text
from syncd.core.model import (
    Item,
    LocalMedia,
    MediaRef,
    NewItem,
    NewNote,
    Note,
    NoteContent,
    Person,
    Snapshot,
)
from syncd.errors import ConfigError, NotFound, SkippableError, SyncdError

LINK_KEY = "syncd_link"
NOTE_TYPES = frozenset({"comment", "sketch"})


class SyncSketchEndpoint(Endpoint):
    capabilities = Capabilities(stores_links=True, has_cursor=False)

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
        """Resolved on first use (one request), then kept for the endpoint's lifetime."""
        if self._review is None:
            self._review = self._resolve_review()
        return int(self._review["id"])

    def _resolve_review(self) -> dict[str, Any]:
        where = f"{self.name}: project {self.project_id}"
        ref = self.review_ref
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            try:
                review = self.api.review(int(ref))
            except NotFound:
                raise ConfigError(f"{where}: no review with id {ref}") from None
            if _id_of(review.get("project_id") or review.get("project"), "project") != str(
                self.project_id
            ):
                raise ConfigError(f"{where}: review {ref} belongs to another project")
            return review
        reviews = self.api.reviews(self.project_id)
        exact = [r for r in reviews if r.get("name") == ref]
        if not exact:
            exact = [r for r in reviews if str(r.get("name", "")).casefold() == ref.casefold()]
        if len(exact) == 1:
            return exact[0]
        if exact:
            ids = ", ".join(str(r["id"]) for r in exact)
            raise ConfigError(f"{where}: several reviews are named {ref!r} (ids {ids}); use an id")
        if self.create:
            return self._create_review(ref)
        if not reviews:
            try:
                self.api.project(self.project_id)
            except NotFound:
                raise ConfigError(f"{self.name}: no project with id {self.project_id}") from None
        names = [str(r.get("name", "")) for r in reviews]
        close = difflib.get_close_matches(ref, names, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(n) for n in close)}?" if close else ""
        raise ConfigError(f"{where}: no review named {ref!r}{hint} (set create: true to create it)")

    def _create_review(self, name: str) -> dict[str, Any]:
        def named() -> dict[str, Any] | None:
            found = [r for r in self.api.reviews(self.project_id) if r.get("name") == name]
            return min(found, key=lambda r: int(r["id"])) if found else None

        review = self.api.create_once(lambda: self.api.create_review(self.project_id, name), named)
        if not (isinstance(review, dict) and "id" in review):
            review = named()
        if review is None:
            raise SkippableError(f"{self.name}: review {name!r} was created but cannot be found")
        return review

    def check(self) -> str:
        me = self._whoami()
        self.review_id  # noqa: B018 - resolving is the check
        assert self._review is not None
        return f"review {self._review.get('name')!r} (id {self.review_id}) as {me.get('username')}"

    # -- reading -------------------------------------------------------------------------------
    def snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        review_id = self.review_id
        raw_items, raw_frames = self.api.parallel(
            [lambda: self.api.items(review_id), lambda: self.api.frames(review_id)]
        )
        raw_items.sort(key=lambda i: (i.get("sortorder") or 0, int(i["id"])))
        self._items = {str(i["id"]): i for i in raw_items}
        self._frames = {str(f["id"]): f for f in raw_frames}
        items = tuple(_item(i) for i in raw_items)
        frames = sorted(raw_frames, key=lambda f: int(f["id"]))
        notes = tuple(_note(f) for f in frames if _is_note(f) and _id_of(f, "item") in self._items)
        # the review's web address, for the status page's "open in SyncSketch" links
        url = (self._review or {}).get("reviewURL")
        extra = {"review_url": url} if isinstance(url, str) and url.startswith("http") else {}
        return Snapshot(items=items, notes=notes, extra=extra)

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
            raise NotFound(f"{self.name}: item {item_id} has no media")
        filename = _media_filename(raw)
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
                "metadata": json.dumps({LINK_KEY: item.link}),
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
            return _item(self._remember_item(raw))
        media = item.media
        raw = self._upload_new(
            item.name,
            lambda: self.api.upload(review_id, media.path, media.filename, name=item.name),
        )
        changes: dict[str, Any] = {"metadata": _with_link(raw.get("metadata"), item.link)}
        if item.status:
            changes["approval_status"] = item.status
        try:
            raw = self._full(self.api.patch_item(str(raw["id"]), changes), str(raw["id"]))
        except SyncdError:
            self._discard(str(raw["id"]))
            raise
        return _item(self._remember_item(raw))

    def set_status(self, item_id: str, status: str) -> Item:
        raw = self.api.patch_item(item_id, {"approval_status": status})
        return _item(self._remember_item(self._full(raw, item_id)))

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        """A new version of the item: same id, a new revision (earlier notes stay on theirs)."""
        before = self._items.get(item_id) or self.api.item(item_id)
        review_id = self.review_id

        def landed() -> dict[str, Any] | None:
            now = self.api.item(item_id)
            return now if now.get("revision_id") != before.get("revision_id") else None

        raw = self.api.create_once(
            lambda: self.api.upload(review_id, media.path, media.filename, parent_item=item_id),
            landed,
        )
        return _item(self._remember_item(self._full(raw, item_id)))

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

        def cleanup() -> None:
            for raw in self.api.items(self.review_id, name=name):
                if str(raw["id"]) not in known and _link_of(raw) is None and self._mine(raw):
                    self._discard(str(raw["id"]))

        try:
            return self.api.create_once(send, cleanup)
        except SyncdError:
            cleanup()
            raise

    def _item_ids_named(self, name: str) -> set[str]:
        return {str(raw["id"]) for raw in self.api.items(self.review_id, name=name)}

    def _find_linked_item(self, item: NewItem) -> dict[str, Any] | None:
        for raw in self.api.items(self.review_id, name=item.name):
            if _link_of(raw) == item.link:
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
            "frame": _frame_out(note.frame),
            "type": "comment",
            "text": self._outgoing_text(note.text, note.author),
        }
        if note.parent is not None:
            body.update(_parent_fields(note.parent))
        raw = self.api.create_once(
            lambda: self.api.create_frame(body, retry=False),
            lambda: self._find_created_frame(note.item, body),
        )
        raw = self._complete_frame(raw, note.item, body)
        created = _note(raw)
        if note.parent is not None and created.parent != note.parent:
            # the service kept neither form of the parent: say it once more, by PATCH
            raw = self._complete_frame(
                self.api.patch_frame(str(raw["id"]), _parent_fields(note.parent)), note.item, body
            )
            created = _note(raw)
        self._frames[created.id] = raw
        return created

    def expected_note(self, note: NewNote) -> NewNote:
        """SyncSketch has no frameless notes: those (and frame 1) read back as no frame."""
        frame = note.frame if note.frame is not None and note.frame > 1 else None
        return replace(note, frame=frame)

    def expected_content(self, content: NoteContent) -> NoteContent:
        frame = content.frame if content.frame is not None and content.frame > 1 else None
        return replace(content, frame=frame)

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        current = self._frames.get(note_id) or self.api.frame(note_id)
        _, attributed, _ = notetext.parse(str(current.get("text") or ""))
        raw_text = (
            notetext.render(content.text, author=attributed)
            if attributed is not None
            else self._outgoing_text(content.text, None)
        )
        raw = self.api.patch_frame(note_id, {"text": raw_text, "frame": _frame_out(content.frame)})
        if not (isinstance(raw, dict) and "id" in raw and "text" in raw):
            raw = self.api.frame(note_id)
        self._frames[note_id] = raw
        return _note(raw)

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
            return notetext.render(text, author=_person(me))
        return text

    def _find_created_frame(self, item_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The frame a failed POST may still have created: same item, words and frame, by syncd.

        Not matched on the parent: a service that dropped it still made the frame, and the
        caller repairs or reports the parent; matching on it would write the note twice.
        """
        words = _words(body["text"])
        for raw in reversed(self.api.frames(self.review_id, item__id=item_id)):
            if (
                str(raw["id"]) not in self._frames
                and _id_of(raw, "item") == str(item_id)
                and _words(raw.get("text")) == words
                and _frame_number(raw.get("frame")) == body["frame"]
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
            return _id_of(creator, "person") == str(self._whoami().get("id"))
        return True

    def request_count(self) -> int:
        return self.api.http.requests

    def close(self) -> None:
        self.api.close()


# -- their objects to ours -----------------------------------------------------------------------
def _item(raw: dict[str, Any]) -> Item:
    item_id = str(raw["id"])
    media = None
    if raw.get("media_url") and raw.get("revision_id") is not None:
        media = MediaRef(token=f"{item_id}:{raw['revision_id']}", filename=_media_filename(raw))
    return Item(
        id=item_id,
        name=str(raw.get("name") or ""),
        status=raw.get("approval_status") or None,
        media=media,
        link=_link_of(raw),
        token=raw.get("modified"),
        modified=_time(raw.get("modified")),
    )


def _is_note(raw: dict[str, Any]) -> bool:
    return raw.get("type") in NOTE_TYPES and bool(str(raw.get("text") or "").strip())


def _note(raw: dict[str, Any]) -> Note:
    text, attributed, _ = notetext.parse(str(raw.get("text") or ""))
    creator = raw.get("creator") or None
    author = attributed or (_person(creator) if creator else None)
    frame = _frame_number(raw.get("frame"))
    parent = raw.get("parent_id") or raw.get("parent")
    return Note(
        id=str(raw["id"]),
        item=_id_of(raw, "item"),
        text=text,
        parent=_id_of(parent, "frame") if parent else None,
        author=author,
        frame=int(frame) + 1 if frame else None,
        created=_time(raw.get("created")),
        modified=_time(raw.get("modified")),
        token=raw.get("modified"),
    )


def _person(raw: dict[str, Any]) -> Person:
    return Person(email=raw.get("email") or None, name=raw.get("full_name") or None)


def _parent_fields(parent: str) -> dict[str, Any]:
    """A reply's parent in both forms: which one the service reads is not documented
    (Tastypie takes a resource URI in ``parent``; frames read back carry ``parent_id``)."""
    return {"parent": frame_uri(parent), "parent_id": int(parent) if parent.isdigit() else parent}


def _words(text: Any) -> str:
    return normalize_text(notetext.parse(str(text or ""))[0])


def _frame_number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _frame_out(frame: int | None) -> int:
    """Ours are 1-based, theirs 0-based. SyncSketch has no "no frame": such notes go on its first
    frame, and its first frame reads back as no frame. Stills (every comment on frame 0) and
    frameless tracker notes are far more common than notes on the very first frame of a clip."""
    return max(0, frame - 1) if frame is not None else 0


def _link_of(raw: dict[str, Any]) -> str | None:
    try:
        metadata = json.loads(raw.get("metadata") or "{}")
    except (TypeError, ValueError):
        return None
    link = metadata.get(LINK_KEY) if isinstance(metadata, dict) else None
    return link if isinstance(link, str) and link else None


def _with_link(metadata: Any, link: str) -> str:
    """The item's metadata with syncd's link added, keeping whatever else others stored."""
    try:
        current = json.loads(metadata or "{}")
    except (TypeError, ValueError):
        current = {}
    if not isinstance(current, dict):
        current = {}
    return json.dumps({**current, LINK_KEY: link})


def _media_filename(raw: dict[str, Any]) -> str:
    """The uploaded file's name (the media URL's last part), else the item's name."""
    url = str(raw.get("media_url") or "")
    name = unquote(PurePosixPath(urlsplit(url).path).name) if url else ""
    return name or str(raw.get("name") or raw["id"])


def _id_of(value: Any, kind: str) -> str:
    """An id from a bare id, a resource URI or an object holding ``<kind>_id``/``<kind>``."""
    if isinstance(value, dict):
        value = value.get(f"{kind}_id") or value.get(kind)
    text = str(value or "").rstrip("/")
    return text.rsplit("/", 1)[-1]


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


# -- configuration -------------------------------------------------------------------------------
def open_syncsketch_endpoint(
    name: str, system: dict[str, Any], selector: dict[str, Any]
) -> Endpoint:
    """Build the endpoint; the network is first used when the review is first needed."""
    for key in ("url", "username", "api_key"):
        if not system.get(key):
            raise ConfigError(f"systems.{name}.{key} is required for a syncsketch system")
    for key in ("project_id", "review"):
        if selector.get(key) in (None, ""):
            raise ConfigError(f"mappings: endpoint {name}: {key} is required")
    try:
        project_id = int(selector["project_id"])
    except (TypeError, ValueError):
        raise ConfigError(f"mappings: endpoint {name}: project_id must be a number") from None
    retry = system.get("retry") or {}
    api = SyncSketchApi(
        str(system["url"]),
        str(system["username"]),
        str(system["api_key"]),
        timeout=float(system.get("timeout", 60)),
        attempts=int(retry.get("attempts", 5)),
        backoff=float(retry.get("backoff", 0.5)),
        concurrency=int(system.get("concurrency", 1)),
    )
    review = selector["review"]
    return SyncSketchEndpoint(
        name,
        api,
        project_id,
        review if isinstance(review, int) else str(review),
        create=bool(selector.get("create", False)),
    )
