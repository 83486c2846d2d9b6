"""Values between the wire form and the store's internal form, both ways.

Inside the store, links are ``(type, id)`` tuples and times aware UTC datetimes at second
precision; on the wire they are ``{"type", "id", "name"}`` dicts and ``%Y-%m-%dT%H:%M:%SZ``
strings. ``Values`` (mixed into ``ShotGridStore``) renders rows for answers and checks and
converts incoming values, refusing the types a real site refuses.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from syncd_standins.shotgrid.schema import EntityDef, FieldDef, Link, ShotGridFault

UTC = dt.UTC
WIRE_TIME = "%Y-%m-%dT%H:%M:%SZ"


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


class Values:
    """Rendering and coercion of ``ShotGridStore``; the rows and lookups are the store's."""

    schema: dict[str, EntityDef]
    base_url: str
    _rows: dict[str, dict[int, dict[str, Any]]]

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

    # ----------------------------------------------------------------- coercion
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
