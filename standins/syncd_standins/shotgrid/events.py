"""Retirement, revival and the event log of the stand-in site, as a real site writes them.

Every create, change, retirement and revival logs an ``EventLogEntry`` with the ``meta`` a real
site gives it; a change to a bidirectional field is logged on both sides, and so is a
``PlaylistVersionConnection`` row coming or going (on its playlist and on its version).
Retiring an entity retires its dependent rows, and reviving it brings back those it took along.
``hold_events`` keeps new events invisible for a while, the way a long transaction makes later
events with higher ids appear first. ``Events`` is mixed into ``ShotGridStore``.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from syncd_standins.shotgrid.schema import EntityDef, FieldDef, Link
from syncd_standins.shotgrid.values import to_wire_time


class EventHold:
    """Reserves EventLogEntry ids that stay invisible until released (late commits)."""

    def __init__(self) -> None:
        self.remaining = 0
        self.hidden: set[int] = set()
        self.timers: list[threading.Timer] = []


class Events:
    """Retirement, revival and the event log of ``ShotGridStore``."""

    schema: dict[str, EntityDef]
    hold: EventHold
    lock: threading.RLock
    _rows: dict[str, dict[int, dict[str, Any]]]

    # ----------------------------------------------------------------- both sides of a link
    def _reverse_events(
        self,
        link: Link,
        name: str,
        added: list[Link],
        removed: list[Link],
        principal: Link | None,
        emit: bool,
    ) -> None:
        """A real site logs the other side of a bidirectional field changing too."""
        if not emit:
            return
        for target in {*added, *removed}:
            edef = self.schema.get(target[0])
            for fdef in edef.fields.values() if edef else ():
                d = fdef.derived
                if d and d.via is None and d.other_type == link[0] and d.other_field == name:
                    self._change_event(
                        target,
                        fdef,
                        principal,
                        False,
                        added=[link] if target in added else [],
                        removed=[link] if target in removed else [],
                    )

    def _connection_event(
        self, row: dict[str, Any], added: bool, principal: Link | None, emit: bool
    ) -> None:
        playlist, version = row.get("playlist"), row.get("version")
        if not emit or not self._active(playlist) or not self._active(version):
            return
        for owner, name, other in (
            (playlist, "versions", version),
            (version, "playlists", playlist),
        ):
            fdef = self.schema[owner[0]].fields[name]
            self._change_event(
                owner,
                fdef,
                principal,
                False,
                added=[other] if added else [],
                removed=[] if added else [other],
            )

    # ----------------------------------------------------------------- retire / revive
    def delete(self, entity_type: str, entity_id: int, *, user: Any = None) -> bool:
        with self.lock:
            row = self._row(entity_type, entity_id, "delete", include_retired=True)
            if row["_retired"]:
                return False
            self._retire(entity_type, row, self._principal(user), cascade_of=None)
            return True

    def _retire(
        self, entity_type: str, row: dict[str, Any], principal: Link | None, cascade_of: Link | None
    ) -> None:
        link = (entity_type, row["id"])
        if entity_type == "PlaylistVersionConnection" and cascade_of is None:
            self._connection_event(row, False, principal, True)
        for dep_type, dep_field in self.schema[entity_type].dependents:
            for dep in self._visible_rows(dep_type):
                if dep.get(dep_field) == link:
                    self._retire(dep_type, dep, principal, cascade_of=link)
        self._touch(entity_type, row["id"])
        row["_retired"] = True
        row["_cascade_of"] = cascade_of
        self._log(
            link,
            "Retirement",
            principal,
            {
                "type": "entity_retirement",
                "class_name": entity_type,
                "display_name": self.display_name(link),
                "retirement_date": to_wire_time(self.now()),
            },
        )

    def revive(self, entity_type: str, entity_id: int, *, user: Any = None) -> bool:
        with self.lock:
            row = self._row(entity_type, entity_id, "revive", include_retired=True)
            if not row["_retired"]:
                return False
            self._revive(entity_type, row, self._principal(user))
            return True

    def _revive(self, entity_type: str, row: dict[str, Any], principal: Link | None) -> None:
        link = (entity_type, row["id"])
        self._touch(entity_type, row["id"])
        row["_retired"] = False
        row["_cascade_of"] = None
        self._log(
            link,
            "Revival",
            principal,
            {
                "type": "entity_revival",
                "class_name": entity_type,
                "display_name": self.display_name(link),
            },
        )
        for dep_type, _ in self.schema[entity_type].dependents:
            for dep in list(self._rows[dep_type].values()):
                if dep["_retired"] and dep.get("_cascade_of") == link:
                    self._revive(dep_type, dep, principal)

    # ----------------------------------------------------------------- event log
    def _change_event(
        self, link: Link, fdef: FieldDef, principal: Link | None, in_create: bool, **values: Any
    ) -> None:
        meta: dict[str, Any] = {
            "type": "attribute_change",
            "attribute_name": fdef.name,
            "field_data_type": fdef.data_type,
        }
        for key, val in values.items():
            if key in ("added", "removed"):
                meta[key] = [self.render_link(lk) for lk in val]
            else:
                meta[key + "_value"] = self._meta_value(fdef, val)
        if in_create:
            meta["in_create"] = True
        self._log(link, "Change", principal, meta, attribute_name=fdef.name)

    def _meta_value(self, fdef: FieldDef, value: Any) -> Any:
        if value is None:
            return None
        if fdef.data_type == "entity":
            return self.render_link(value)
        if fdef.data_type == "date_time":
            return to_wire_time(value)
        if fdef.data_type == "image":
            return value
        return copy.deepcopy(value)

    def _log(
        self,
        link: Link,
        kind: str,
        principal: Link | None,
        meta: dict[str, Any],
        attribute_name: str | None = None,
    ) -> None:
        entity_type, entity_id = link
        meta = {**meta, "entity_type": entity_type, "entity_id": entity_id}
        row = self._rows[entity_type].get(entity_id, {})
        who = self.display_name(principal) if principal else "Stand-in"
        name = self.display_name(link)
        text = {
            "New": f"{who} created new {entity_type} {name}",
            "Change": f"{who} changed '{attribute_name}' on {entity_type} {name}",
            "Retirement": f"{who} retired {entity_type} {name}",
            "Revival": f"{who} revived {entity_type} {name}",
        }[kind]
        event_id = self._allocate("EventLogEntry")
        now = self.now()
        project = row.get("project") if entity_type != "Project" else link
        self._touch("EventLogEntry", event_id)
        self._rows["EventLogEntry"][event_id] = {
            "id": event_id,
            "_retired": False,
            "created_at": now,
            "updated_at": now,
            "created_by": principal,
            "updated_by": principal,
            "event_type": f"Shotgun_{entity_type}_{kind}",
            "description": text,
            "entity": link,
            "meta": meta,
            "attribute_name": attribute_name,
            "project": project,
            "user": principal,
            "session_uuid": None,
        }
        if self.hold.remaining > 0:
            self.hold.remaining -= 1
            self.hold.hidden.add(event_id)

    def hold_events(self, count: int = 1, release_after: float | None = None) -> None:
        """Give the next ``count`` EventLogEntry rows their ids now but show them only later.

        This is what a long transaction does on a real site: later events with higher ids
        become visible first.  Release by hand with ``release_events()`` or after a delay.
        """
        with self.lock:
            self.hold.remaining += count
            if release_after is not None:
                timer = threading.Timer(release_after, self.release_events)
                timer.daemon = True
                self.hold.timers.append(timer)
                timer.start()

    def release_events(self) -> list[int]:
        """Make every held EventLogEntry visible; returns their ids."""
        with self.lock:
            released = sorted(self.hold.hidden)
            self.hold.hidden.clear()
            self.hold.remaining = 0
            return released

    def events(self, after_id: int = 0, include_held: bool = False) -> list[dict[str, Any]]:
        """EventLogEntry rows above ``after_id`` in id order (held ones only if asked)."""
        with self.lock:
            names = list(self.schema["EventLogEntry"].fields)
            rows = sorted(self._rows["EventLogEntry"].values(), key=lambda r: r["id"])
            return [
                self.render("EventLogEntry", r, names)
                for r in rows
                if r["id"] > after_id and (include_held or r["id"] not in self.hold.hidden)
            ]
