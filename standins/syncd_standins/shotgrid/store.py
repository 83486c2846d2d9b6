"""In-memory ShotGrid site behind the stand-in server: its rows and every change to them.

The store behaves like a real site where Mockgun does not, because the connector must be tested
against the real behaviour: ``created_at``/``updated_at`` are set and bumped (second precision,
as on the wire), every change writes ``EventLogEntry`` rows, playlists keep their order in
``PlaylistVersionConnection`` rows, links to retired entities disappear, paging really pages and
type errors are faults.  Values are kept in an internal form (links as ``(type, id)`` tuples,
aware UTC datetimes) and rendered to the JSON wire form only on the way out.

The store is one class, ``ShotGridStore``, assembled from its parts: ``values`` (rendering and
coercion), ``filters`` (selection, paths, sorting), ``events`` (retirement, revival, the event
log) and ``files`` (Attachments). This module holds the rows themselves: ids, row access,
derived fields, creates and updates, and whole-store snapshots for ``batch``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from syncd_standins.shotgrid.events import EventHold, Events
from syncd_standins.shotgrid.files import Files
from syncd_standins.shotgrid.filters import Filters
from syncd_standins.shotgrid.schema import (
    Derived,
    EntityDef,
    FieldDef,
    Link,
    ShotGridFault,
    build_schema,
)
from syncd_standins.shotgrid.values import UTC, Values, as_link, parse_wire_time


class ShotGridStore(Values, Filters, Events, Files):
    """All rows of the stand-in site, guarded by one lock (the server is multi-threaded)."""

    def __init__(self, base_url: str = "http://127.0.0.1") -> None:
        self.schema = build_schema()
        self.base_url = base_url
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC)
        self.lock = threading.RLock()
        self._rows: dict[str, dict[int, dict[str, Any]]] = {t: {} for t in self.schema}
        self._next_id: dict[str, int] = {t: 1 for t in self.schema}
        self._files: dict[int, tuple[Path, str]] = {}
        self._undo: dict[tuple[str, int], dict[str, Any] | None] | None = None
        """Rows as they were before the batch under way changed them (None: it made them)."""
        self.files_dir = Path(tempfile.mkdtemp(prefix="shotgrid-standin-"))
        """Where uploaded files are kept (removed with the store); ``spool`` takes uploads
        while they stream in."""
        self.spool = self.files_dir / ".incoming"
        self.spool.mkdir()
        weakref.finalize(self, shutil.rmtree, self.files_dir, True)
        self.hold = EventHold()
        self.auto_sort_order = False

    # ----------------------------------------------------------------- schema helpers
    def entity_def(self, entity_type: str, method: str = "read") -> EntityDef:
        edef = self.schema.get(entity_type)
        if edef is None:
            raise ShotGridFault(f"API {method}() Entity type '{entity_type}' doesn't exist")
        return edef

    def field_def(self, entity_type: str, name: str, method: str = "read") -> FieldDef:
        fdef = self.entity_def(entity_type, method).fields.get(name)
        if fdef is None:
            raise ShotGridFault(f"API {method}() {entity_type}.{name} doesn't exist")
        return fdef

    def add_field(
        self,
        entity_type: str,
        name: str,
        data_type: str,
        *,
        valid_types: Iterable[str] = (),
        valid_values: Iterable[str] = (),
        display_name: str | None = None,
    ) -> FieldDef:
        """Add a custom field, as a site admin (or ``schema_field_create``) would."""
        with self.lock:
            fdef = FieldDef(
                name, data_type, display_name or name, tuple(valid_types), tuple(valid_values)
            )
            self.entity_def(entity_type).fields[name] = fdef
            return fdef

    def set_valid_values(self, entity_type: str, name: str, values: Iterable[str]) -> None:
        self.field_def(entity_type, name).valid_values = tuple(values)

    # ----------------------------------------------------------------- time and ids
    def now(self) -> dt.datetime:
        return parse_wire_time(self.clock())

    def _allocate(self, entity_type: str) -> int:
        new_id = self._next_id[entity_type]
        self._next_id[entity_type] = new_id + 1
        return new_id

    # ----------------------------------------------------------------- row access
    def _row(
        self, entity_type: str, entity_id: int, method: str = "read", include_retired: bool = False
    ) -> dict[str, Any]:
        row = self._rows[self.entity_def(entity_type, method).name].get(int(entity_id))
        if row is None or (row["_retired"] and not include_retired):
            raise ShotGridFault(f"API {method}() {entity_type} with id {entity_id} doesn't exist")
        return row

    def _active(self, link: Link | None) -> bool:
        if link is None or link[0] not in self._rows:
            return False
        row = self._rows[link[0]].get(link[1])
        if row is None or row["_retired"]:
            return False
        return not (link[0] == "EventLogEntry" and link[1] in self.hold.hidden)

    def _visible_rows(self, entity_type: str, retired: bool = False) -> list[dict[str, Any]]:
        rows = [r for r in self._rows[entity_type].values() if r["_retired"] == retired]
        if entity_type == "EventLogEntry" and self.hold.hidden:
            rows = [r for r in rows if r["id"] not in self.hold.hidden]
        return rows

    def display_name(self, link: Link) -> Any:
        edef = self.schema.get(link[0])
        row = self._rows.get(link[0], {}).get(link[1])
        if edef is None or row is None:
            return None
        if edef.name_field is None:
            return f"{link[0]}_{link[1]}"
        return row.get(edef.name_field)

    def value(self, entity_type: str, row: dict[str, Any], name: str) -> Any:
        """A field's current internal value; derived fields are computed, dead links hidden."""
        fdef = self.schema[entity_type].fields[name]
        if fdef.derived is not None:
            return self._derived_links((entity_type, row["id"]), fdef.derived)
        raw = row.get(name)
        if fdef.data_type == "entity":
            return raw if self._active(raw) else None
        if fdef.data_type == "multi_entity":
            return [link for link in raw or [] if self._active(link)]
        return raw

    def _derived_links(self, owner: Link, derived: Derived) -> list[Link]:
        if derived.via is None:
            out = []
            ofdef = self.schema[derived.other_type].fields[derived.other_field]
            for row in self._visible_rows(derived.other_type):
                raw = row.get(derived.other_field)
                hit = owner in (raw or []) if ofdef.data_type == "multi_entity" else raw == owner
                if hit:
                    out.append((derived.other_type, row["id"]))
            return out
        rows = [r for r in self._visible_rows(derived.via) if r.get(derived.self_field) == owner]
        rows.sort(
            key=lambda r: (r.get("sg_sort_order") is None, r.get("sg_sort_order") or 0, r["id"])
        )
        links = [r.get(derived.other_field) for r in rows]
        return [link for link in links if self._active(link)]

    # ----------------------------------------------------------------- writes
    def _principal(self, user: Any) -> Link | None:
        return as_link(user) if user is not None else None

    def create(
        self,
        entity_type: str,
        data: dict[str, Any],
        *,
        user: Any = None,
        return_fields: Iterable[str] = (),
        base_url: str | None = None,
        emit_events: bool = True,
    ) -> dict[str, Any]:
        """Create a row like the ``create`` RPC: New event plus in-create Change events."""
        with self.lock:
            edef = self.entity_def(entity_type, "create")
            principal = self._principal(user)
            now = self.now()
            row: dict[str, Any] = {
                "id": self._allocate(entity_type),
                "_retired": False,
                "created_at": now,
                "updated_at": now,
                "created_by": principal,
                "updated_by": principal,
            }
            for name, fdef in edef.fields.items():
                if fdef.data_type == "multi_entity" and fdef.derived is None:
                    row.setdefault(name, [])
            pending = [(k, v, "set") for k, v in data.items()]
            for name, value, _ in pending:  # validate before the row exists: no half-creates
                if name not in ("created_at", "created_by"):
                    self._check_writable(entity_type, name, "create")
                self._coerce(self.field_def(entity_type, name, "create"), value, "create")
            self._touch(entity_type, row["id"])
            self._rows[entity_type][row["id"]] = row
            link = (entity_type, row["id"])
            if emit_events and entity_type != "EventLogEntry":
                self._log(link, "New", principal, {"type": "new_entity"})
            self._apply(
                entity_type,
                row,
                pending,
                principal,
                in_create=True,
                emit_events=emit_events and entity_type != "EventLogEntry",
            )
            if entity_type == "PlaylistVersionConnection":
                self._connection_event(row, True, principal, emit_events)
            names = [*data.keys(), *return_fields]
            return self.render(entity_type, row, names, base_url)

    def update(
        self,
        entity_type: str,
        entity_id: int,
        data: dict[str, Any],
        *,
        modes: dict[str, str] | None = None,
        user: Any = None,
        base_url: str | None = None,
    ) -> dict[str, Any]:
        """Update fields; ``modes`` maps multi-entity fields to ``set``/``add``/``remove``."""
        with self.lock:
            row = self._row(entity_type, entity_id, "update")
            self._touch(entity_type, row["id"])
            principal = self._principal(user)
            pending = [(k, v, (modes or {}).get(k, "set")) for k, v in data.items()]
            for name, value, _ in pending:
                self._check_writable(entity_type, name, "update")
                self._coerce(self.field_def(entity_type, name, "update"), value, "update")
            is_pvc = entity_type == "PlaylistVersionConnection" and bool(
                {"playlist", "version"} & set(data)
            )
            if is_pvc:
                self._connection_event(row, False, principal, True)
            self._apply(entity_type, row, pending, principal, in_create=False, emit_events=True)
            if is_pvc:
                self._connection_event(row, True, principal, True)
            if pending:
                row["updated_at"] = self.now()
                row["updated_by"] = principal
            return self.render(entity_type, row, list(data), base_url)

    def _apply(
        self,
        entity_type: str,
        row: dict[str, Any],
        pending: list[tuple[str, Any, str]],
        principal: Link | None,
        *,
        in_create: bool,
        emit_events: bool,
    ) -> bool:
        changed = False
        link = (entity_type, row["id"])
        for name, raw, mode in pending:
            fdef = self.schema[entity_type].fields[name]
            new = self._coerce(fdef, raw, "create" if in_create else "update")
            if fdef.data_type == "multi_entity":
                old = self.value(entity_type, row, name)
                if mode == "add":
                    new = old + [lk for lk in new if lk not in old]
                elif mode == "remove":
                    new = [lk for lk in old if lk not in new]
                elif mode != "set":
                    raise ShotGridFault(f"Invalid multi_entity_update_mode '{mode}'")
                added = [lk for lk in new if lk not in old]
                removed = [lk for lk in old if lk not in new]
                if not added and not removed:
                    continue
                if fdef.derived is not None:
                    self._write_derived(link, fdef.derived, added, removed, principal)
                else:
                    row[name] = new
                    self._reverse_events(link, name, added, removed, principal, emit_events)
                changed = True
                # Derived fields are logged by the rows they write (both sides).
                if emit_events and fdef.derived is None:
                    self._change_event(
                        link, fdef, principal, in_create, added=added, removed=removed
                    )
                continue
            old = row.get(name)
            if old == new:
                continue
            row[name] = new
            changed = True
            if emit_events and name not in ("created_at", "created_by"):
                self._change_event(link, fdef, principal, in_create, old=old, new=new)
        return changed

    def _write_derived(
        self,
        owner: Link,
        derived: Derived,
        added: list[Link],
        removed: list[Link],
        principal: Link | None,
    ) -> None:
        if derived.via is not None:
            conn_rows = [
                r for r in self._visible_rows(derived.via) if r.get(derived.self_field) == owner
            ]
            for row in conn_rows:
                if row.get(derived.other_field) in removed:
                    self._retire(derived.via, row, principal, cascade_of=None)
            for target in added:
                data: dict[str, Any] = {derived.self_field: owner, derived.other_field: target}
                if self.auto_sort_order:
                    orders = [r.get("sg_sort_order") or 0.0 for r in conn_rows]
                    data["sg_sort_order"] = float(max(orders, default=0.0) + 1)
                self.create(derived.via, data, user=principal)
            return
        ofdef = self.schema[derived.other_type].fields[derived.other_field]
        for target, adding in [(t, True) for t in added] + [(t, False) for t in removed]:
            row = self._rows[derived.other_type][target[1]]
            current = self.value(derived.other_type, row, derived.other_field)
            if ofdef.data_type == "multi_entity":
                self.update(
                    derived.other_type,
                    target[1],
                    {derived.other_field: [{"type": owner[0], "id": owner[1]}]},
                    modes={derived.other_field: "add" if adding else "remove"},
                    user=principal,
                )
            elif adding or current == owner:
                value = {"type": owner[0], "id": owner[1]} if adding else None
                self.update(
                    derived.other_type, target[1], {derived.other_field: value}, user=principal
                )

    # ----------------------------------------------------------------- transactions
    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """Run a batch: on any error, rows, ids, held events and files are as they were.

        Each row is saved the first time the batch changes it (``_touch``), so a batch costs
        what it writes, not the size of the site."""
        with self.lock:
            saved = (dict(self._next_id), set(self.hold.hidden), self.hold.remaining)
            files = dict(self._files)
            self._undo = {}
            try:
                yield
            except BaseException:
                for (entity_type, entity_id), row in self._undo.items():
                    if row is None:
                        self._rows[entity_type].pop(entity_id, None)
                    else:
                        self._rows[entity_type][entity_id] = row
                self._next_id, self.hold.hidden, self.hold.remaining = saved
                self._files = files
                raise
            finally:
                self._undo = None

    def _touch(self, entity_type: str, entity_id: int) -> None:
        """Keep the row as it is now (or its absence) for the batch under way to put back."""
        if self._undo is None or (entity_type, entity_id) in self._undo:
            return
        row = self._rows[entity_type].get(entity_id)
        # one level deep: a write replaces a field's value, never changes one in place
        self._undo[(entity_type, entity_id)] = None if row is None else dict(row)
