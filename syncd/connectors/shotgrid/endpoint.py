"""ShotGrid: a Playlist's Versions, their statuses, movies and Notes, as one canonical review.

Items are the Versions connected to the Playlist, in ``PlaylistVersionConnection`` sort order;
notes are Notes linked to those Versions and the Replies under them. Snapshots are incremental:
the event log (see ``shotgrid_events``) names the Versions, Notes, Replies and connections that
changed, and only those are read again, so a cycle where nothing happened costs one request.
The lookup tables an incremental snapshot needs travel in ``Snapshot.extra``.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from syncd.connectors.shotgrid import ShotGridSettings
from syncd.connectors.shotgrid.authors import FIELDS, SUDO, Authors
from syncd.connectors.shotgrid.client import Fields, ShotGridCalls, playlist_key, project_id
from syncd.connectors.shotgrid.coded import CodedVersions
from syncd.connectors.shotgrid.connection import Connector
from syncd.connectors.shotgrid.feed import EVENT_FIELDS, EventCursor, Scope, touched_by
from syncd.connectors.shotgrid.membership import Membership
from syncd.connectors.shotgrid.movies import VersionMovies
from syncd.connectors.shotgrid.notes import ShotGridNotes
from syncd.connectors.shotgrid.order import Places, top_of
from syncd.connectors.shotgrid.playlist import NotCreatedYet, resolve_playlist
from syncd.connectors.shotgrid.review import Review
from syncd.connectors.shotgrid.rows import (
    REPLY,
    Queries,
    item_from_row,
    link,
    split_note_id,
    version_fields,
)
from syncd.core.capabilities import Capabilities
from syncd.core.model import (
    Item,
    LocalMedia,
    NewItem,
    Snapshot,
)
from syncd.errors import FatalError, NotFound, RetriableError, SkippableError, SyncdError


class ShotGridEndpoint(ShotGridNotes):
    capabilities = Capabilities.everything(has_cursor=True, flat_threads=True)
    note_batch = 50
    """Notes and Replies created per ``batch`` request (one transaction on the site)."""
    item_batch = 50
    """Versions created per ``batch`` request; their connections to the playlist go in a
    second one."""

    def __init__(
        self,
        name: str,
        settings: ShotGridSettings | Mapping[str, Any],
        selector: Mapping[str, Any],
        *,
        client: Any = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``client`` is a ready ``shotgun_api3.Shotgun``-like object (Mockgun in tests)."""
        super().__init__(name)
        where = f"systems.{name}"
        if not isinstance(settings, ShotGridSettings):
            settings = ShotGridSettings.from_config(name, settings, need_auth=client is None)
        self.fields = Fields.from_options(settings.fields, where)
        self.backlog_seconds = settings.backlog_seconds
        self.max_attachment_size = settings.max_attachment_size
        self.project_id = project_id(selector, name)
        self.playlist_key: str | int = playlist_key(selector, name)
        self.create_playlist = bool(selector.get("create", False))
        self.connector = Connector(settings)
        connect = (lambda: client) if client is not None else self.connector
        self.settings = settings
        mode = settings.authors
        self.authors = Authors(FIELDS if client is not None and mode == SUDO else mode)
        self._sudo: dict[str, ShotGridCalls] = {}
        self.calls = ShotGridCalls(
            name,
            where,
            connect,
            retry=settings.retry,
            fields=self.fields,
            secrets=settings.secrets,
            sleep=sleep,
            client=client,
        )
        self.queries = Queries(self.calls)
        self.movies = VersionMovies(self.calls, self.fields)
        self.coded = CodedVersions(name, self.queries, self.project_id)
        self.places = Places(
            lambda: top_of(self.queries.connections(self.playlist_id()), self.fields.sort_order)
        )
        self.membership = Membership(
            name, self.calls, self.queries, self.fields, self.places, self.playlist_id
        )
        self.sleep = sleep
        self.clock = clock
        self._playlist_id: int | None = None
        self._versions: dict[str, tuple[str, dict[str, Any] | None]] = {}
        """Version id -> (code, task link), from the latest reads; used to write notes."""
        self._users: dict[str, dict[str, Any] | None] = {}
        self._threads: dict[str, str] = {}
        self._known: Review | None = None

    # -- reading -------------------------------------------------------------------------------
    def snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        self.places.reset()  # the playlist may have changed since the last run
        self.coded.forget()  # and the project's Versions
        cursor = (
            None
            if previous is None
            else EventCursor.load(previous.cursor, previous.extra.get("backlog"))
        )
        stale = previous is not None and previous.extra.get("selector") != self._selector()
        if previous is None or cursor is None or stale or "playlist" not in previous.extra:
            return self._full_snapshot()
        self._playlist_id = int(previous.extra["playlist"])
        review = Review.from_snapshot(previous)
        events = self.calls.find("EventLogEntry", cursor.filters(), EVENT_FIELDS)
        cursor.advance([e["id"] for e in events], self.clock(), self.backlog_seconds, self.name)
        touched = touched_by(events, self._scope(review))
        if touched:
            review.refresh(self.queries, self._playlist_id, touched, self._remember)
            self.places.reset(review.top_order)
        self._known = review
        return self._stamped(review.snapshot(cursor, self._playlist_id))

    def _full_snapshot(self) -> Snapshot:
        """The event log's end, then the whole review. Finding (or creating) the playlist
        leaves nothing for a later read to miss, so it goes beside the event log's read, once
        connected (the other thread's client takes this one's answer to ``info``)."""
        self.calls.connect()
        with ThreadPoolExecutor(1, thread_name_prefix=f"syncd-{self.name}") as beside:
            last_event = beside.submit(self.queries.last_event_id)
            try:
                playlist_id = self.playlist_id()
            except NotCreatedYet:
                return Snapshot()  # a dry run with ``create: true``: the playlist would be empty
            cursor = EventCursor(last_event.result())
        review = Review()
        review.load(self.queries, playlist_id, self._remember)
        self.places.reset(review.top_order)
        self._known = review
        return self._stamped(review.snapshot(cursor, playlist_id))

    def _selector(self) -> str:
        return json.dumps([self.project_id, self.playlist_key])

    def _stamped(self, snap: Snapshot) -> Snapshot:
        """A cached snapshot is only built upon for the playlist it was read from."""
        snap.extra["selector"] = self._selector()
        return snap

    def _scope(self, review: Review) -> Scope:
        assert self._playlist_id is not None
        return Scope(
            project_id=self.project_id,
            playlist_id=self._playlist_id,
            versions=frozenset(int(i) for i in review.items),
            connections=frozenset(review.connections.values()),
            replies=frozenset(
                split_note_id(n)[1] for n in review.notes if n.startswith(REPLY + ":")
            ),
            version_fields=frozenset(version_fields(self.fields)),
        )

    def _remember(self, row: dict[str, Any]) -> None:
        self._versions[str(row["id"])] = (row.get("code") or "", row.get(self.fields.task))

    def playlist_id(self) -> int:
        """Resolve the selector's playlist once (creating it when the selector says so)."""
        if self._playlist_id is None:
            self._playlist_id = resolve_playlist(
                self.calls,
                self.queries,
                self.name,
                self.project_id,
                self.playlist_key,
                create=self.create_playlist,
                dry_run=self.dry_run,
                would=self.would,
            )
        return self._playlist_id

    def fetch_media(self, item: Item, dest_dir: Path) -> LocalMedia:
        if item.media is None:
            raise NotFound(f"{self.name}: Version {item.id} has no uploaded movie")
        return self._download(item.media.token, item.media.filename or "", dest_dir)

    def request_count(self) -> int:
        return self.calls.requests

    # -- writing: items ------------------------------------------------------------------------
    def create_item(self, item: NewItem) -> Item:
        known = self.coded.before(item.name)
        names = version_fields(self.fields)
        version = self.calls.create(
            "Version",
            self._version_data(item),
            names,
            landed=lambda: self.coded.landed(item.name, known),
        )
        self.coded.made(item.name, version["id"])
        try:
            if item.media is not None:
                self.movies.upload(version["id"], item.media, self.media_attempts)
            self.membership.connect(version["id"], item.name)
        except Exception:
            # No half-created Version: one without its movie or outside the playlist is litter.
            self._drop_version(version["id"])
            raise
        if item.media is None:
            return self._made(version)
        return self._item(version["id"])

    def create_items(self, items: list[NewItem]) -> list[Item | Exception]:
        """Versions in one ``batch`` (one transaction), then their connections in another.

        A batch whose answer is lost is looked for as a single create is (the project's
        Versions of its codes that were not there before it was sent); a batch the site
        refuses goes item by item, so that the one at fault fails alone. A Version whose
        connection to the playlist cannot be made is deleted again and reported."""
        codes = [item.name for item in items]
        if len(items) < 2 or len(set(codes)) < len(codes) or any(i.media for i in items):
            return [self._one_item(item) for item in items]
        known = {code: self.coded.before(code) for code in codes}
        names = version_fields(self.fields)
        requests = [
            {
                "request_type": "create",
                "entity_type": "Version",
                "data": self._version_data(item),
                "return_fields": names,
            }
            for item in items
        ]

        def landed() -> list[dict[str, Any] | None] | None:
            found = self.coded.landed_all(codes, known, names)
            return found if any(row is not None for row in found) else None

        try:
            rows: list[dict[str, Any] | None] = list(
                self.calls.batch_create(requests, landed=landed)
            )
        except SkippableError:
            return [self._one_item(item) for item in items]
        if len(rows) != len(items):
            raise SkippableError(
                f"{self.name}: a batch of {len(items)} Versions answered {len(rows)} rows"
            )
        made: dict[int, Item | Exception] = {}
        versions: list[tuple[int, NewItem, dict[str, Any]]] = []
        for n, (item, row) in enumerate(zip(items, rows, strict=True)):
            if row is None:
                made[n] = RetriableError(
                    f"{self.name}: the batch's answer was lost and Version {item.name!r} is "
                    "not there"
                )
                continue
            self.coded.made(item.name, row["id"])
            versions.append((n, item, row))
        connected = self._connect_versions([(item, row) for _, item, row in versions])
        for (n, _, _), result in zip(versions, connected, strict=True):
            made[n] = result
        return [made[n] for n in range(len(items))]

    def _one_item(self, item: NewItem) -> Item | Exception:
        try:
            return self.create_item(item)
        except SyncdError as exc:
            return exc

    def _version_data(self, item: NewItem) -> dict[str, Any]:
        data: dict[str, Any] = {"code": item.name, "project": link("Project", self.project_id)}
        if item.status is not None:
            data[self.fields.status] = item.status
        return data

    def _made(self, version: dict[str, Any]) -> Item:
        """The item a created Version is: the site's answer to the create is the Version as
        it holds it, unless it left out a field asked for (then it is read back)."""
        if all(name in version for name in version_fields(self.fields)):
            self._remember(version)
            return item_from_row(version, self.fields)
        return self._item(version["id"])

    def _drop_version(self, version_id: int) -> None:
        with contextlib.suppress(SyncdError):
            self.calls.delete("Version", version_id)

    def expect_creates(self, names: list[str]) -> None:
        self.places.announce(names)
        self.coded.expect(names)

    def _connect_versions(
        self, versions: list[tuple[NewItem, dict[str, Any]]]
    ) -> list[Item | Exception]:
        """Connect new Versions to the playlist in one ``batch``: the items they are, or why
        one is not (its Version then deleted again)."""
        try:
            failed = self.membership.connect_all([(row["id"], item.name) for item, row in versions])
        except FatalError:
            for _, row in versions:
                self._drop_version(row["id"])
            raise
        out: list[Item | Exception] = []
        for (_, row), error in zip(versions, failed, strict=True):
            if error is None:
                out.append(self._made(row))
            else:
                self._drop_version(row["id"])
                out.append(error)
        return out

    def set_status(self, item_id: str, status: str) -> Item:
        self.calls.update("Version", int(item_id), {self.fields.status: status})
        return self._item(int(item_id))

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        self.movies.upload(int(item_id), media, self.media_attempts)
        return self._item(int(item_id))

    def _item(self, version_id: int) -> Item:
        rows = self.queries.versions([version_id])
        if not rows:
            raise NotFound(f"{self.name}: Version {version_id} does not exist")
        self._remember(rows[0])
        return item_from_row(rows[0], self.fields)

    def set_order(self, item_ids: list[str]) -> list[str]:
        return self.membership.set_order(item_ids)

    def delete_item(self, item_id: str) -> None:
        self.membership.remove(item_id)
