"""Which Versions stand in the playlist: its ``PlaylistVersionConnection`` rows, made one at a
time or many to a ``batch``, reordered and removed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syncd.connectors.shotgrid.client import Fields, ShotGridCalls
from syncd.connectors.shotgrid.order import Places, reorder
from syncd.connectors.shotgrid.rows import Queries, link
from syncd.errors import FatalError, NotFound, SkippableError, SyncdError


class Membership:
    def __init__(
        self,
        name: str,
        calls: ShotGridCalls,
        queries: Queries,
        fields: Fields,
        places: Places,
        playlist_id: Callable[[], int],
    ) -> None:
        self.name = name
        self.calls = calls
        self.queries = queries
        self.fields = fields
        self.places = places
        self.playlist_id = playlist_id

    def _data(self, version_id: int, code: str) -> dict[str, Any]:
        return {
            "playlist": link("Playlist", self.playlist_id()),
            "version": link("Version", version_id),
            self.fields.sort_order: self.places.next(code),
        }

    def connected(self, version_ids: list[int]) -> list[dict[str, Any] | None]:
        """The playlist's connection of each Version, or None where it has none."""
        rows = self.queries.connections(self.playlist_id())
        by_version = {r["version"]["id"]: r for r in rows}
        return [by_version.get(version_id) for version_id in version_ids]

    def connect(self, version_id: int, code: str) -> None:
        def landed() -> dict[str, Any] | None:
            return self.connected([version_id])[0]

        self.calls.create("PlaylistVersionConnection", self._data(version_id, code), landed=landed)

    def connect_all(self, versions: list[tuple[int, str]]) -> list[SyncdError | None]:
        """Connect (Version id, code) pairs in one ``batch``: None for each one connected, or
        why it is not. What a failed batch made is read before any connection is sent again;
        a refused one goes one by one. A fatal error (the site refusing syncd) is raised."""
        if not versions:
            return []
        ids = [version_id for version_id, _ in versions]
        requests = [
            {
                "request_type": "create",
                "entity_type": "PlaylistVersionConnection",
                "data": self._data(version_id, code),
            }
            for version_id, code in versions
        ]

        def landed() -> list[dict[str, Any] | None] | None:
            found = self.connected(ids)
            return found if any(row is not None for row in found) else None

        made: list[dict[str, Any] | None]
        try:
            made = list(self.calls.batch_create(requests, landed=landed))
            if len(made) != len(versions):
                raise SkippableError(f"{self.name}: a batch of connections answered wrongly")
        except FatalError:
            raise
        except SyncdError:
            try:
                made = self.connected(ids)
            except SyncdError as exc:
                return [exc for _ in versions]
        out: list[SyncdError | None] = []
        for (version_id, code), connection in zip(versions, made, strict=True):
            try:
                if connection is None:
                    self.connect(version_id, code)
            except SyncdError as exc:
                out.append(exc)
                continue
            out.append(None)
        return out

    def set_order(self, item_ids: list[str]) -> list[str]:
        """Write the sort orders that differ, then read the order back; a playlist already in
        the asked order costs the one read."""
        field = self.fields.sort_order
        rows = self.queries.connections(self.playlist_id())
        requests = [
            {
                "request_type": "update",
                "entity_type": "PlaylistVersionConnection",
                "entity_id": row["id"],
                "data": {field: sort_order},
            }
            for row, sort_order in reorder(rows, item_ids, field)
        ]
        if requests:
            self.calls.batch(requests)
            self.places.reset()
            rows = self.queries.connections(self.playlist_id())
        held: list[str] = []
        for row in rows:
            version = str(row["version"]["id"])
            if version not in held:
                held.append(version)
        return held

    def remove(self, item_id: str) -> None:
        rows = self.queries.connections(self.playlist_id())
        doomed = [r for r in rows if str(r["version"]["id"]) == item_id]
        if not doomed:
            raise NotFound(f"{self.name}: Version {item_id} is not in the playlist")
        self.calls.batch(
            [
                {
                    "request_type": "delete",
                    "entity_type": "PlaylistVersionConnection",
                    "entity_id": r["id"],
                }
                for r in doomed
            ],
        )
