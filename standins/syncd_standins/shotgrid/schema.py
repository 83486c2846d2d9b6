"""The stand-in site's schema: entity types, their fields, and the basic types of values.

``build_schema`` holds the entity types and fields syncd relies on, with the status values of a
default site; bidirectional fields (a Version's ``playlists``, a Note's ``replies``) are
``Derived`` from the rows that hold the other side, as on a real site. ``field_schema`` is one
field as ``schema_field_read`` returns it. Links are ``(type, id)`` tuples inside the store and
``{"type", "id"}`` dicts on the wire; a ``ShotGridFault`` is any error a real site reports as a
JSON fault.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Link = tuple[str, int]
ERR_AUTH = 102  # the error_code for which the client raises AuthenticationFault

USER_TYPES = ("HumanUser", "ApiUser")
LINKABLE = ("Shot", "Asset", "Sequence", "Version", "Playlist", "Task", "Project", "Note")


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


def _schema_prop(value: Any, editable: bool = False) -> dict[str, Any]:
    return {"editable": editable, "value": value}


def field_schema(entity_type: str, fdef: FieldDef) -> dict[str, Any]:
    """One field in the shape ``schema_field_read`` returns on a real site."""
    properties: dict[str, Any] = {
        "default_value": _schema_prop(None),
        "summary_default": _schema_prop("none", True),
    }
    if fdef.data_type in ("entity", "multi_entity"):
        properties["valid_types"] = _schema_prop(list(fdef.valid_types), True)
    if fdef.data_type in ("status_list", "list"):
        properties["valid_values"] = _schema_prop(list(fdef.valid_values), True)
        properties["display_values"] = _schema_prop({v: v for v in fdef.valid_values})
    return {
        "data_type": _schema_prop(fdef.data_type),
        "description": _schema_prop("", True),
        "editable": _schema_prop(fdef.editable and fdef.name != "id"),
        "entity_type": _schema_prop(entity_type),
        "mandatory": _schema_prop(False),
        "name": _schema_prop(fdef.display or fdef.name, True),
        "properties": properties,
        "ui_value_displayable": _schema_prop(True),
        "unique": _schema_prop(fdef.name == "id"),
        "visible": _schema_prop(True),
    }
