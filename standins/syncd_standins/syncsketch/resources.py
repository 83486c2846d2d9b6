"""What the SyncSketch API exposes per resource: fields, filters, ordering, writable fields.

These are the tables Tastypie builds from its resource classes: which names are fields at all
(anything else in a query string is ignored), which lookups each filterable path allows, which
fields ``order_by`` accepts and which ones a PATCH may change. Kept as data, apart from the code
that applies them (``query``) and the objects they describe (``store``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from syncd_standins.syncsketch.store import SyncSketchStore

Getter = Callable[["SyncSketchStore", dict[str, Any]], Any]
EQ = frozenset({"exact", "in"})
CMP = frozenset({"exact", "in", "gt", "gte", "lt", "lte"})
TEXT = frozenset({"exact", "in", "istartswith", "icontains", "iexact"})


@dataclass(frozen=True)
class Filter:
    """One filterable path: how to read it from an object, its lookups and value type."""

    get: Getter
    lookups: frozenset[str]
    kind: str  # "int" | "bool" | "str" | "time"


def _field(name: str) -> Getter:
    return lambda _store, obj: obj.get(name)


def _plain(name: str, kind: str, lookups: frozenset[str] = EQ) -> Filter:
    return Filter(_field(name), lookups, kind)


TIMES = {
    "created": _plain("created", "time", CMP),
    "modified": _plain("modified", "time", CMP),
}


@dataclass(frozen=True)
class Resource:
    """A Tastypie resource: its fields (for "is this a field?") and allowed filters."""

    name: str
    fields: frozenset[str]
    filters: dict[str, Filter]
    ordering: frozenset[str]


def _fields(*names: str) -> frozenset[str]:
    """Every field a resource shows; only these names are checked against its filters."""
    return frozenset({"id", "active", "created", "modified", "resource_uri", *names})


RESOURCES: dict[str, Resource] = {
    "project": Resource(
        "project",
        _fields("name", "description", "is_archived", "account"),
        {
            "id": _plain("id", "int", CMP),
            "name": _plain("name", "str", TEXT),
            "active": _plain("active", "bool"),
            "is_archived": _plain("is_archived", "bool"),
            "account__id": Filter(lambda s, o: o["_account_id"], EQ, "int"),
            "account__active": Filter(
                lambda s, o: s.accounts[o["_account_id"]]["active"], EQ, "bool"
            ),
            **TIMES,
        },
        frozenset({"id", "name", "created", "modified"}),
    ),
    "review": Resource(
        "review",
        _fields("name", "description", "uuid", "project", "project_id", "is_archived", "reviewURL"),
        {
            "id": _plain("id", "int", CMP),
            "name": _plain("name", "str", TEXT),
            "uuid": _plain("uuid", "str"),
            "active": _plain("active", "bool"),
            "project__id": Filter(lambda s, o: o["_project_id"], EQ, "int"),
            "project__active": Filter(
                lambda s, o: s.projects[o["_project_id"]]["active"], EQ, "bool"
            ),
            "project__is_archived": Filter(
                lambda s, o: s.projects[o["_project_id"]]["is_archived"], EQ, "bool"
            ),
            **TIMES,
        },
        frozenset({"id", "name", "created", "modified"}),
    ),
    "item": Resource(
        "item",
        _fields(
            "uuid",
            "name",
            "description",
            "fps",
            "status",
            "type",
            "sortorder",
            "approval_status",
            "metadata",
            "artist",
            "width",
            "height",
            "duration",
            "size",
            "external_url",
            "external_thumbnail_url",
            "revision_id",
            "creator",
            "reviews",
            "revisions",
            "thumbnail_url",
            "media_url",
        ),
        {
            "id": _plain("id", "int", CMP),
            "name": _plain("name", "str", TEXT),
            "uuid": _plain("uuid", "str"),
            "status": _plain("status", "str"),
            "active": _plain("active", "bool"),
            "approval_status": _plain("approval_status", "str"),
            "reviews__id": Filter(lambda s, o: [o["_review_id"]], EQ, "int"),
            "reviews__name": Filter(lambda s, o: [s.reviews[o["_review_id"]]["name"]], TEXT, "str"),
            "reviews__project__id": Filter(
                lambda s, o: [s.reviews[o["_review_id"]]["_project_id"]], EQ, "int"
            ),
            **TIMES,
        },
        frozenset({"id", "name", "sortorder", "created", "modified"}),
    ),
    "frame": Resource(
        "frame",
        _fields(
            "type",
            "text",
            "frame",
            "item",
            "item_id",
            "revision",
            "revision_id",
            "parent",
            "parent_id",
            "creator",
            "data",
            "loadTime",
        ),
        {
            "id": _plain("id", "int", CMP),
            "type": _plain("type", "str"),
            "active": _plain("active", "bool"),
            "frame": _plain("frame", "int", CMP),
            "item__id": _plain("item_id", "int"),
            "revision__id": _plain("revision_id", "int"),
            "revision__review_id": Filter(
                lambda s, o: s.revisions[o["revision_id"]]["review_id"], EQ, "int"
            ),
            "parent__id": _plain("parent_id", "int"),
            **TIMES,
        },
        frozenset({"id", "frame", "created", "modified"}),
    ),
}


ITEM_WRITABLE = frozenset(
    {
        "name",
        "description",
        "active",
        "fps",
        "status",
        "type",
        "sortorder",
        "approval_status",
        "metadata",
        "artist",
        "width",
        "height",
        "duration",
        "size",
        "external_url",
        "external_thumbnail_url",
    }
)
WRITABLE = {
    "project": frozenset({"name", "description", "active", "is_archived"}),
    "review": frozenset({"name", "description", "active", "is_archived"}),
    "item": ITEM_WRITABLE,
    "frame": frozenset({"text", "frame", "data", "active"}),
}
