"""In-memory ShotGrid site behind the stand-in server: schema, rows, filters, event log.

The store behaves like a real site where Mockgun does not, because the connector must be tested
against the real behaviour: ``created_at``/``updated_at`` are set and bumped (second precision,
as on the wire), every change writes ``EventLogEntry`` rows, playlists keep their order in
``PlaylistVersionConnection`` rows, links to retired entities disappear, paging really pages and
type errors are faults.  Values are kept in an internal form (links as ``(type, id)`` tuples,
aware UTC datetimes) and rendered to the JSON wire form only on the way out.
"""

from __future__ import annotations

import copy
import datetime as dt
import mimetypes
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Link = tuple[str, int]
UTC = dt.UTC
WIRE_TIME = "%Y-%m-%dT%H:%M:%SZ"

USER_TYPES = ("HumanUser", "ApiUser")
LINKABLE = ("Shot", "Asset", "Sequence", "Version", "Playlist", "Task", "Project", "Note")
NEGATED = {
    "is_not": "is",
    "not_in": "in",
    "not_contains": "contains",
    "not_between": "between",
    "not_in_last": "in_last",
    "not_in_next": "in_next",
    "name_not_contains": "name_contains",
    "type_is_not": "type",
}
TIME_UNITS = {
    "HOUR": 3600,
    "DAY": 86400,
    "WEEK": 7 * 86400,
    "MONTH": 30 * 86400,
    "YEAR": 365 * 86400,
}


class ShotGridFault(Exception):
    """An error the server reports as a JSON fault; the client raises ``Fault`` from it."""

    def __init__(self, message: str, error_code: int = 103) -> None:
        super().__init__(message)
        self.message = message
        self.error_code = error_code


@dataclass(frozen=True)
class Derived:
    """A field computed from other rows, as bidirectional fields are on a real site.

    ``via`` is a connection entity (``self_field`` points back at the owner, ``other_field`` at
    the linked entity), or ``None`` for a plain reverse of ``other_type.other_field``.
    """

    other_type: str
    other_field: str
    via: str | None = None
    self_field: str | None = None


@dataclass
class FieldDef:
    name: str
    data_type: str
    display: str = ""
    valid_types: tuple[str, ...] = ()
    valid_values: tuple[str, ...] = ()
    editable: bool = True
    derived: Derived | None = None


@dataclass
class EntityDef:
    name: str
    name_field: str | None
    fields: dict[str, FieldDef] = field(default_factory=dict)
    # (type, field) whose rows are retired together with an entity of this type.
    dependents: tuple[tuple[str, str], ...] = ()


def _f(
    name: str,
    data_type: str,
    *types: str,
    values: Iterable[str] = (),
    editable: bool = True,
    derived: Derived | None = None,
) -> FieldDef:
    display = name.removeprefix("sg_").replace("_", " ").title()
    return FieldDef(name, data_type, display, tuple(types), tuple(values), editable, derived)


def build_schema() -> dict[str, EntityDef]:
    """The entity types and fields syncd relies on, with the status values of a default site."""
    version_statuses = ("na", "rev", "vwd", "apr", "rej", "ip", "wtg", "fin")
    task_statuses = ("wtg", "rdy", "ip", "rev", "fin", "hld", "omt")
    specs: dict[str, tuple[str | None, bool, list[FieldDef]]] = {
        "Project": (
            "name",
            False,
            [
                _f("name", "text"),
                _f("sg_description", "text"),
                _f("archived", "checkbox"),
                _f("sg_status", "list", values=("Active", "Bidding", "Demo", "Lost")),
                _f("users", "multi_entity", "HumanUser"),
            ],
        ),
        "HumanUser": (
            "name",
            False,
            [
                _f("login", "text"),
                _f("email", "text"),
                _f("name", "text"),
                _f("firstname", "text"),
                _f("lastname", "text"),
                _f("image", "image"),
                _f("sg_status_list", "status_list", values=("act", "dis")),
            ],
        ),
        "ApiUser": (
            "firstname",
            False,
            [
                _f("firstname", "text"),
                _f("lastname", "text"),
                _f("description", "text"),
                _f("email", "text"),
            ],
        ),
        "Group": ("code", False, [_f("code", "text"), _f("users", "multi_entity", "HumanUser")]),
        "Step": (
            "code",
            False,
            [_f("code", "text"), _f("short_name", "text"), _f("entity_type", "text")],
        ),
        "Sequence": (
            "code",
            True,
            [
                _f("code", "text"),
                _f("description", "text"),
                _f("image", "image"),
                _f("sg_status_list", "status_list", values=task_statuses),
            ],
        ),
        "Shot": (
            "code",
            True,
            [
                _f("code", "text"),
                _f("description", "text"),
                _f("image", "image"),
                _f("sg_sequence", "entity", "Sequence"),
                _f("sg_status_list", "status_list", values=task_statuses),
                _f("notes", "multi_entity", "Note", derived=Derived("Note", "note_links")),
            ],
        ),
        "Asset": (
            "code",
            True,
            [
                _f("code", "text"),
                _f("description", "text"),
                _f("image", "image"),
                _f("sg_asset_type", "list", values=("Character", "Prop", "Environment", "Vehicle")),
                _f("sg_status_list", "status_list", values=task_statuses),
                _f("notes", "multi_entity", "Note", derived=Derived("Note", "note_links")),
            ],
        ),
        "Task": (
            "content",
            True,
            [
                _f("content", "text"),
                _f("entity", "entity", "Shot", "Asset", "Sequence"),
                _f("step", "entity", "Step"),
                _f("sg_status_list", "status_list", values=task_statuses),
                _f("task_assignees", "multi_entity", "HumanUser", "Group"),
                _f("notes", "multi_entity", "Note", derived=Derived("Note", "tasks")),
            ],
        ),
        "Version": (
            "code",
            True,
            [
                _f("code", "text"),
                _f("description", "text"),
                _f("entity", "entity", "Shot", "Asset", "Sequence"),
                _f("sg_task", "entity", "Task"),
                _f("sg_status_list", "status_list", values=version_statuses),
                _f("sg_uploaded_movie", "url"),
                _f("image", "image"),
                _f("filmstrip_image", "image"),
                _f("user", "entity", *USER_TYPES),
                _f("sg_path_to_movie", "text"),
                _f("sg_path_to_frames", "text"),
                _f("frame_count", "number"),
                _f(
                    "playlists",
                    "multi_entity",
                    "Playlist",
                    derived=Derived(
                        "Playlist",
                        "playlist",
                        via="PlaylistVersionConnection",
                        self_field="version",
                    ),
                ),
                _f("notes", "multi_entity", "Note", derived=Derived("Note", "note_links")),
            ],
        ),
        "Playlist": (
            "code",
            True,
            [
                _f("code", "text"),
                _f("description", "text"),
                _f("locked", "checkbox"),
                _f("sg_date_and_time", "date_time"),
                _f("image", "image"),
                _f(
                    "versions",
                    "multi_entity",
                    "Version",
                    derived=Derived(
                        "Version", "version", via="PlaylistVersionConnection", self_field="playlist"
                    ),
                ),
                _f("notes", "multi_entity", "Note", derived=Derived("Note", "note_links")),
            ],
        ),
        "PlaylistVersionConnection": (
            None,
            False,
            [
                _f("playlist", "entity", "Playlist"),
                _f("version", "entity", "Version"),
                _f("sg_sort_order", "float"),
            ],
        ),
        "Note": (
            "subject",
            True,
            [
                _f("subject", "text"),
                _f("content", "text"),
                _f("note_links", "multi_entity", *LINKABLE),
                _f("tasks", "multi_entity", "Task"),
                _f("addressings_to", "multi_entity", "HumanUser", "Group"),
                _f("addressings_cc", "multi_entity", "HumanUser", "Group"),
                _f("user", "entity", *USER_TYPES),
                _f("sg_status_list", "status_list", values=("opn", "ip", "clsd")),
                _f("sg_note_type", "list", values=("Client", "Internal", "Producer")),
                _f("client_note", "checkbox"),
                _f("replies", "multi_entity", "Reply", derived=Derived("Reply", "entity")),
                _f(
                    "attachments",
                    "multi_entity",
                    "Attachment",
                    derived=Derived("Attachment", "attachment_links"),
                ),
            ],
        ),
        "Reply": (
            "content",
            False,
            [
                _f("entity", "entity", "Note"),
                _f("content", "text"),
                _f("user", "entity", *USER_TYPES),
            ],
        ),
        "Attachment": (
            "filename",
            True,
            [
                _f("this_file", "url"),
                _f("filename", "text"),
                _f("file_size", "number"),
                _f("attachment_links", "multi_entity", *LINKABLE),
                _f("description", "text"),
                _f("image", "image"),
                _f("tag_list", "tag_list"),
                _f("sg_type", "list", values=("Thumbnail", "Movie", "Image", "File")),
            ],
        ),
        "EventLogEntry": (
            "description",
            True,
            [
                _f("event_type", "text"),
                _f("description", "text"),
                _f("entity", "entity", "*"),
                _f("meta", "serializable"),
                _f("attribute_name", "text"),
                _f("user", "entity", *USER_TYPES),
                _f("session_uuid", "text"),
            ],
        ),
    }
    dependents = {
        "Version": (("PlaylistVersionConnection", "version"),),
        "Playlist": (("PlaylistVersionConnection", "playlist"),),
        "Note": (("Reply", "entity"),),
    }
    schema: dict[str, EntityDef] = {}
    for name, (name_field, has_project, fields) in specs.items():
        edef = EntityDef(name, name_field, dependents=dependents.get(name, ()))
        common = [
            _f("id", "number", editable=False),
            _f("created_at", "date_time"),
            _f("updated_at", "date_time", editable=False),
            _f("created_by", "entity", *USER_TYPES),
            _f("updated_by", "entity", *USER_TYPES, editable=False),
        ]
        if has_project:
            common.append(_f("project", "entity", "Project"))
        for fdef in [*common, *fields]:
            edef.fields[fdef.name] = fdef
        edef.fields["id"].display = "Id"
        schema[name] = edef
    return schema


def to_wire_time(value: dt.datetime) -> str:
    return value.astimezone(UTC).strftime(WIRE_TIME)


def parse_wire_time(value: Any) -> dt.datetime:
    """Accept what the client sends (its own string format) or a datetime from Python callers."""
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(microsecond=0)
    if isinstance(value, str):
        try:
            return dt.datetime.strptime(value, WIRE_TIME).replace(tzinfo=UTC)
        except ValueError:
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError as exc:
                raise ShotGridFault(f"Invalid date_time value {value!r}") from exc
            return parse_wire_time(parsed)
    raise ShotGridFault(f"Invalid date_time value {value!r}")


def as_link(value: Any) -> Link | None:
    """Accept ``{"type", "id"}`` dicts (wire form) or ``(type, id)`` tuples."""
    if value is None:
        return None
    if isinstance(value, dict) and "type" in value and "id" in value:
        return (str(value["type"]), int(value["id"]))
    if isinstance(value, tuple | list) and len(value) == 2 and isinstance(value[0], str):
        return (value[0], int(value[1]))
    raise ShotGridFault(f"Invalid entity link {value!r}: expected {{'type': ..., 'id': ...}}")


def translate_filters(filters: list | dict | None, filter_operator: str = "all") -> dict:
    """Python ``find()`` filter syntax to the wire form, as the client translates it."""
    if filters is None:
        return {"logical_operator": "and", "conditions": []}
    if isinstance(filters, dict) and "logical_operator" in filters:
        return filters
    if isinstance(filters, dict):
        return translate_filters(filters["filters"], filters.get("filter_operator", "all"))
    conditions: list[dict] = []
    for item in filters:
        if isinstance(item, dict):
            conditions.append(translate_filters(item))
            continue
        values = list(item[2:])
        if len(values) == 1 and isinstance(values[0], list | tuple):
            values = list(values[0])
        conditions.append({"path": item[0], "relation": item[1], "values": values})
    logical = "or" if filter_operator in ("any", "or") else "and"
    return {"logical_operator": logical, "conditions": conditions}


class EventHold:
    """Reserves EventLogEntry ids that stay invisible until released (late commits)."""

    def __init__(self) -> None:
        self.remaining = 0
        self.hidden: set[int] = set()
        self.timers: list[threading.Timer] = []


class ShotGridStore:
    """All rows of the stand-in site, guarded by one lock (the server is multi-threaded)."""

    def __init__(self, base_url: str = "http://127.0.0.1") -> None:
        self.schema = build_schema()
        self.base_url = base_url
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC)
        self.lock = threading.RLock()
        self._rows: dict[str, dict[int, dict[str, Any]]] = {t: {} for t in self.schema}
        self._next_id: dict[str, int] = {t: 1 for t in self.schema}
        self._files: dict[int, tuple[bytes, str]] = {}
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

    # ----------------------------------------------------------------- rendering
    def render_value(self, fdef: FieldDef, value: Any, base_url: str | None = None) -> Any:
        base = base_url or self.base_url
        if value is None:
            return [] if fdef.data_type == "multi_entity" else None
        if fdef.data_type == "entity":
            return self.render_link(value)
        if fdef.data_type == "multi_entity":
            return [self.render_link(link) for link in value]
        if fdef.data_type == "date_time":
            return to_wire_time(value)
        if fdef.data_type == "image":
            return f"{base}/thumbnail/api_image/{value}"
        if fdef.data_type == "url":
            out = dict(value)
            if out.get("link_type") == "upload":
                out["url"] = f"{base}/file_serve/attachment/{out['id']}"
            return out
        if fdef.data_type == "serializable":
            return copy.deepcopy(value)
        return value

    def render_link(self, link: Link) -> dict[str, Any]:
        return {"type": link[0], "id": link[1], "name": self.display_name(link)}

    def render(
        self,
        entity_type: str,
        row: dict[str, Any],
        fields: Iterable[str],
        base_url: str | None = None,
    ) -> dict[str, Any]:
        """Unknown return fields are left out silently, as a real site does."""
        out: dict[str, Any] = {"type": entity_type, "id": row["id"]}
        fdefs = self.schema[entity_type].fields
        for name in fields:
            if name in ("id", "type"):
                continue
            if "." in name:
                out[name] = self._render_deep(entity_type, row, name, base_url)
            elif name in fdefs:
                out[name] = self.render_value(
                    fdefs[name], self.value(entity_type, row, name), base_url
                )
        return out

    def _render_deep(
        self, entity_type: str, row: dict[str, Any], path: str, base_url: str | None
    ) -> Any:
        try:
            fdef, cells, multi = self.resolve(entity_type, row, path)
        except ShotGridFault:
            return None
        if multi or not cells:
            return None
        return self.render_value(fdef, cells[0], base_url)

    def resolve(
        self, entity_type: str, row: dict[str, Any], path: str, method: str = "read"
    ) -> tuple[FieldDef, list[Any], bool]:
        """Follow ``link.Type.field`` hops; returns the last field and every value reached."""
        parts = path.split(".")
        if len(parts) % 2 == 0:
            raise ShotGridFault(f"API {method}() invalid field path '{path}'")
        current_type, current, multi = entity_type, [row], False
        for i in range(0, len(parts) - 1, 2):
            hop, target = parts[i], parts[i + 1]
            fdef = self.field_def(current_type, hop, method)
            if fdef.data_type not in ("entity", "multi_entity"):
                raise ShotGridFault(f"API {method}() {current_type}.{hop} is not a link field")
            self.entity_def(target, method)
            is_multi = fdef.data_type == "multi_entity"
            multi = multi or is_multi
            reached = []
            for r in current:
                val = self.value(current_type, r, hop)
                links = val if is_multi else [val] if val else []
                reached.extend(self._rows[target][lk[1]] for lk in links if lk[0] == target)
            current_type, current = target, reached
        fdef = self.field_def(current_type, parts[-1], method)
        if not current:
            return fdef, [None], multi
        return fdef, [self.value(current_type, r, parts[-1]) for r in current], multi

    def check_path(self, entity_type: str, path: str, method: str = "read") -> FieldDef:
        """Validate a ``field`` or ``link.Type.field`` path against the schema alone."""
        parts = path.split(".")
        if len(parts) % 2 == 0:
            raise ShotGridFault(f"API {method}() invalid field path '{path}'")
        current = entity_type
        for i in range(0, len(parts) - 1, 2):
            fdef = self.field_def(current, parts[i], method)
            if fdef.data_type not in ("entity", "multi_entity"):
                raise ShotGridFault(f"API {method}() {current}.{parts[i]} is not a link field")
            current = self.entity_def(parts[i + 1], method).name
        return self.field_def(current, parts[-1], method)

    def check_filters(self, entity_type: str, group: dict[str, Any]) -> None:
        for cond in group.get("conditions", []):
            if "conditions" in cond:
                self.check_filters(entity_type, cond)
            elif isinstance(cond, dict) and isinstance(cond.get("path"), str):
                self.check_path(entity_type, cond["path"])
            else:
                raise ShotGridFault(f"API read() invalid filter {cond!r}")

    # ----------------------------------------------------------------- filters
    def matches(self, entity_type: str, row: dict[str, Any], group: dict[str, Any]) -> bool:
        conditions = group.get("conditions", [])
        results = (self._match_condition(entity_type, row, c) for c in conditions)
        if group.get("logical_operator", "and") == "or":
            return any(results)
        return all(results)

    def _match_condition(self, entity_type: str, row: dict[str, Any], cond: dict) -> bool:
        if "conditions" in cond:
            return self.matches(entity_type, row, cond)
        relation = cond.get("relation")
        path = cond.get("path")
        if not isinstance(path, str) or not isinstance(relation, str):
            raise ShotGridFault(f"API read() invalid filter {cond!r}")
        values = cond.get("values", [])
        if not isinstance(values, list):
            values = [values]
        positive = NEGATED.get(relation, relation)
        if path == "id":
            fdef, cells = self.schema[entity_type].fields["id"], [row["id"]]
        else:
            fdef, cells, _ = self.resolve(entity_type, row, path)
        targets = [self._coerce_target(fdef, v, relation) for v in values]
        hit = any(self._compare(fdef, cell, positive, targets) for cell in cells)
        return not hit if positive != relation else hit

    def _coerce_target(self, fdef: FieldDef, value: Any, relation: str) -> Any:
        if value is None or relation in ("in_last", "not_in_last", "in_next", "not_in_next"):
            return value
        if fdef.data_type in ("entity", "multi_entity") and isinstance(value, dict):
            return as_link(value)
        if fdef.data_type == "date_time" and isinstance(value, str | dt.datetime):
            return parse_wire_time(value)
        return value

    def _compare(self, fdef: FieldDef, cell: Any, relation: str, targets: list[Any]) -> bool:
        first = targets[0] if targets else None
        kind = fdef.data_type
        if kind == "multi_entity":
            links = cell or []
            if relation == "is":
                return not links if first is None else first in links
            if relation == "in":
                return any(t in links for t in targets)
            if relation == "type":
                return any(lk[0] == first for lk in links)
            if relation in ("name_contains", "name_is"):
                return any(self._name_match(lk, relation, first) for lk in links)
            raise ShotGridFault(f"API read() relation '{relation}' is not valid for {kind}")
        if kind == "entity" and relation in ("type", "name_contains", "name_is"):
            if cell is None:
                return False
            return (
                cell[0] == first if relation == "type" else self._name_match(cell, relation, first)
            )
        if kind == "text" and cell == "":
            cell = None
        if relation == "is":
            return cell == first
        if relation == "in":
            return cell in targets
        if cell is None:
            return False
        try:
            if relation == "less_than":
                return cell < first
            if relation == "greater_than":
                return cell > first
            if relation == "between":
                return targets[0] <= cell <= targets[1]
        except TypeError as exc:
            raise ShotGridFault(f"API read() cannot compare {fdef.name} with {first!r}") from exc
        if relation in ("contains", "starts_with", "ends_with"):
            text, needle = str(cell).lower(), str(first).lower()
            return {
                "contains": needle in text,
                "starts_with": text.startswith(needle),
                "ends_with": text.endswith(needle),
            }[relation]
        if relation in ("in_last", "in_next"):
            span = dt.timedelta(seconds=int(targets[0]) * TIME_UNITS[str(targets[1]).upper()])
            now = self.now()
            return now - span <= cell <= now if relation == "in_last" else now <= cell <= now + span
        raise ShotGridFault(f"API read() unknown relation '{relation}'")

    def _name_match(self, link: Link, relation: str, needle: Any) -> bool:
        name = str(self.display_name(link) or "")
        return name == needle if relation == "name_is" else str(needle).lower() in name.lower()

    # ----------------------------------------------------------------- reads
    def query(
        self,
        entity_type: str,
        filters: dict | list | None = None,
        sorts: list[dict] | None = None,
        retired: bool = False,
        include_archived_projects: bool = True,
    ) -> list[tuple[str, dict[str, Any]]]:
        """Matching rows in order, unrendered: the engine under ``read`` and ``find``."""
        with self.lock:
            self.entity_def(entity_type)
            group = translate_filters(filters)
            self.check_filters(entity_type, group)
            for sort in sorts or []:
                self.check_path(entity_type, sort.get("field_name") or sort.get("column") or "")
            rows = [
                r
                for r in self._visible_rows(entity_type, retired)
                if self.matches(entity_type, r, group)
            ]
            if not include_archived_projects and "project" in self.schema[entity_type].fields:
                rows = [r for r in rows if not self._archived(r.get("project"))]
            rows.sort(key=lambda r: r["id"])
            for sort in reversed(sorts or []):
                name = sort.get("field_name") or sort.get("column")
                desc = sort.get("direction", "asc") == "desc"
                rows.sort(key=lambda r, n=name: self._sort_key(entity_type, r, n), reverse=desc)
            return [(entity_type, r) for r in rows]

    def _archived(self, project: Link | None) -> bool:
        return bool(project and self._rows["Project"].get(project[1], {}).get("archived"))

    def _sort_key(self, entity_type: str, row: dict[str, Any], name: str) -> tuple:
        if name == "id":
            return (False, row["id"])
        _, cells, multi = self.resolve(entity_type, row, name)
        cell = None if multi else cells[0]
        if isinstance(cell, tuple):
            cell = str(self.display_name(cell) or "").lower()
        elif isinstance(cell, list | dict):
            cell = len(cell)
        return (cell is None, cell if cell is not None else 0)

    def find(
        self,
        entity_type: str,
        filters: list | dict | None = None,
        fields: Iterable[str] | None = None,
        order: list[dict] | None = None,
        retired_only: bool = False,
    ) -> list[dict[str, Any]]:
        """Inspection helper taking the client's ``find()`` arguments."""
        with self.lock:
            rows = self.query(entity_type, filters, order, retired_only)
            return [self.render(t, r, fields or ()) for t, r in rows]

    def find_one(
        self,
        entity_type: str,
        filters: list | dict | None = None,
        fields: Iterable[str] | None = None,
    ) -> dict[str, Any] | None:
        found = self.find(entity_type, filters, fields)
        return found[0] if found else None

    def get(
        self,
        entity_type: str,
        entity_id: int,
        fields: Iterable[str] | None = None,
        include_retired: bool = False,
    ) -> dict[str, Any]:
        """Every field of one entity (or the named ones), rendered as the client sees it."""
        with self.lock:
            row = self._row(entity_type, entity_id, include_retired=include_retired)
            names = list(fields) if fields is not None else list(self.schema[entity_type].fields)
            out = self.render(entity_type, row, names)
            out["retired"] = row["_retired"]
            return out

    def count(self, entity_type: str, retired: bool = False) -> int:
        with self.lock:
            return len(self._visible_rows(entity_type, retired))

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

    def _check_writable(self, entity_type: str, name: str, method: str) -> None:
        fdef = self.field_def(entity_type, name, method)
        if not fdef.editable or name in ("created_at", "created_by"):
            raise ShotGridFault(f"API {method}() {entity_type}.{name} is not editable")

    def _coerce(self, fdef: FieldDef, value: Any, method: str) -> Any:
        """Wire value to internal value, rejecting the types a real site rejects."""
        kind = fdef.data_type
        where = f"API {method}() {fdef.name}"
        if value is None:
            return [] if kind == "multi_entity" else None
        if kind == "entity":
            link = as_link(value)
            self._check_link(fdef, link, where)
            return link
        if kind == "multi_entity":
            if not isinstance(value, list):
                raise ShotGridFault(f"{where}: multi_entity value must be a list")
            links = [as_link(v) for v in value]
            for link in links:
                self._check_link(fdef, link, where)
            return list(dict.fromkeys(links))
        if kind == "date_time":
            return parse_wire_time(value)
        checks: dict[str, tuple[type, ...]] = {
            "text": (str,),
            "number": (int,),
            "float": (int, float),
            "checkbox": (bool,),
            "status_list": (str,),
            "list": (str,),
            "url": (dict,),
            "tag_list": (list, str),
            "date": (str,),
        }
        allowed = checks.get(kind)
        bad_bool = isinstance(value, bool) and kind in ("number", "float")
        if (allowed and not isinstance(value, allowed)) or bad_bool:
            raise ShotGridFault(f"{where}: {value!r} is not a valid {kind} value")
        if kind in ("status_list", "list") and fdef.valid_values and value not in fdef.valid_values:
            raise ShotGridFault(
                f"{where}: '{value}' is not a valid value (valid: {', '.join(fdef.valid_values)})"
            )
        if kind == "image":
            raise ShotGridFault(f"{where}: image fields are set by uploading a thumbnail")
        if kind == "url":
            return self._coerce_url(value, where)
        return float(value) if kind == "float" else value

    def _coerce_url(self, value: dict[str, Any], where: str) -> dict[str, Any]:
        if value.get("link_type") == "upload" or ("id" in value and "url" not in value):
            att = self._rows["Attachment"].get(int(value.get("id", 0)))
            if att is None:
                raise ShotGridFault(f"{where}: Attachment {value.get('id')} doesn't exist")
            return dict(att["this_file"])
        if "url" in value:
            return {
                "link_type": "web",
                "url": value["url"],
                "name": value.get("name"),
                "content_type": value.get("content_type"),
            }
        if "local_path" in value:
            return {"link_type": "local", **value}
        raise ShotGridFault(f"{where}: invalid file/link value {value!r}")

    def _check_link(self, fdef: FieldDef, link: Link | None, where: str) -> None:
        assert link is not None
        if "*" not in fdef.valid_types and link[0] not in fdef.valid_types:
            raise ShotGridFault(
                f"{where}: entity type {link[0]} is not valid "
                f"(valid types: {', '.join(fdef.valid_types)})"
            )
        if not self._active(link):
            raise ShotGridFault(f"{where}: {link[0]} with id {link[1]} doesn't exist")

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

    # ----------------------------------------------------------------- files
    def attach_file(
        self,
        entity_type: str,
        entity_id: int,
        data: bytes,
        filename: str,
        *,
        field_name: str | None = None,
        display_name: str | None = None,
        content_type: str | None = None,
        tag_list: str | None = None,
        created_at: Any = None,
        user: Any = None,
        thumbnail: bool = False,
    ) -> int:
        """Store uploaded bytes as an Attachment and link it as ``upload``/``upload_thumbnail``."""
        with self.lock:
            owner = self._row(entity_type, entity_id, "upload")
            target_field = (field_name or "image") if thumbnail else field_name
            if target_field is not None:
                fdef = self.field_def(entity_type, target_field, "upload")
                wanted = "image" if thumbnail else "url"
                if fdef.data_type != wanted:
                    raise ShotGridFault(
                        f"API upload() {entity_type}.{target_field} is not a file/link field"
                    )
            ctype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
            link_value = {
                "link_type": "upload",
                "name": display_name or filename,
                "content_type": ctype,
                "type": "Attachment",
            }
            data_fields: dict[str, Any] = {
                "filename": filename,
                "file_size": len(data),
                "sg_type": "Thumbnail" if thumbnail else "File",
                "attachment_links": [{"type": entity_type, "id": entity_id}],
            }
            if owner.get("project"):
                data_fields["project"] = {"type": "Project", "id": owner["project"][1]}
            if tag_list:
                data_fields["tag_list"] = tag_list
            if created_at:
                data_fields["created_at"] = created_at
            att = self.create("Attachment", data_fields, user=user)
            att_row = self._rows["Attachment"][att["id"]]
            att_row["this_file"] = {**link_value, "id": att["id"]}
            self._files[att["id"]] = (data, ctype)
            if target_field is not None:
                fdef = self.schema[entity_type].fields[target_field]
                old = owner.get(target_field)
                owner[target_field] = att["id"] if thumbnail else dict(att_row["this_file"])
                owner["updated_at"] = self.now()
                owner["updated_by"] = self._principal(user)
                self._change_event(
                    (entity_type, entity_id),
                    fdef,
                    self._principal(user),
                    False,
                    old=old,
                    new=owner[target_field],
                )
            return att["id"]

    def file_bytes(self, attachment_id: int) -> tuple[bytes, str] | None:
        """Uploaded bytes and content type of an Attachment (also serves thumbnails)."""
        with self.lock:
            return self._files.get(int(attachment_id))

    def thumbnail_attachment(self, entity_type: str, entity_id: int) -> int | None:
        with self.lock:
            row = self._rows.get(entity_type, {}).get(int(entity_id))
            return row.get("image") if row else None

    # ----------------------------------------------------------------- transactions
    def snapshot(self) -> tuple[Any, ...]:
        with self.lock:
            return (
                copy.deepcopy(self._rows),
                dict(self._next_id),
                set(self.hold.hidden),
                self.hold.remaining,
                dict(self._files),
            )

    def restore(self, snap: tuple[Any, ...]) -> None:
        with self.lock:
            rows, next_id, hidden, remaining, files = snap
            self._rows, self._next_id, self._files = rows, next_id, files
            self.hold.hidden, self.hold.remaining = hidden, remaining
