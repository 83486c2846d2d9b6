"""Filters, field paths and sorting of the stand-in site: what ``read`` and ``find`` select.

Filters arrive in the wire form (``{"logical_operator", "conditions"}``); ``translate_filters``
turns the Python ``find()`` syntax into it as the client does. Paths may hop links
(``entity.Shot.code``); every path is checked against the schema before a row is looked at, so
a bad filter is a fault even on an empty table. ``Filters`` is mixed into ``ShotGridStore``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from syncd_standins.shotgrid.schema import EntityDef, FieldDef, Link, ShotGridFault
from syncd_standins.shotgrid.values import as_link, parse_wire_time

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


class Filters:
    """Selecting, following and ordering the rows of ``ShotGridStore``."""

    schema: dict[str, EntityDef]
    _rows: dict[str, dict[int, dict[str, Any]]]

    # ----------------------------------------------------------------- field paths
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
