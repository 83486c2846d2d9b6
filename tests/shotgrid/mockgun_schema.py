"""A ShotGrid schema built in code, so Mockgun runs without a live site to copy one from.

Only the entities and fields syncd touches are declared, in the shape ``schema_read`` returns:
each field has ``data_type.value`` and ``properties.default_value.value``; link fields also list
``properties.valid_types.value``. ``status_field`` lets a test play a studio whose Versions keep
their review status in a differently named field.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from shotgun_api3.lib import mockgun

USERS = ("HumanUser", "ApiUser")
LINKABLE = ("Version", "Playlist", "Shot", "Task", "Project")

FieldSpec = tuple[str, str, tuple[str, ...]]


def _field(data_type: str, valid_types: tuple[str, ...] = ()) -> dict[str, Any]:
    properties: dict[str, Any] = {"default_value": {"value": None, "editable": False}}
    if data_type in ("entity", "multi_entity"):
        properties["valid_types"] = {"value": list(valid_types), "editable": True}
    return {
        "data_type": {"value": data_type, "editable": False},
        "editable": {"value": True, "editable": False},
        "properties": properties,
    }


def entity_fields(status_field: str = "sg_status_list") -> dict[str, list[FieldSpec]]:
    return {
        "Project": [("name", "text", ())],
        "HumanUser": [("login", "text", ()), ("email", "text", ()), ("name", "text", ())],
        "ApiUser": [("firstname", "text", ())],
        "Shot": [("code", "text", ()), ("project", "entity", ("Project",))],
        "Task": [
            ("content", "text", ()),
            ("entity", "entity", ("Shot",)),
            ("project", "entity", ("Project",)),
        ],
        "Version": [
            ("code", "text", ()),
            ("project", "entity", ("Project",)),
            ("entity", "entity", ("Shot",)),
            ("sg_task", "entity", ("Task",)),
            (status_field, "status_list", ()),
            ("sg_uploaded_movie", "url", ()),
            ("image", "image", ()),
            ("user", "entity", USERS),
        ],
        "Playlist": [("code", "text", ()), ("project", "entity", ("Project",))],
        "PlaylistVersionConnection": [
            ("playlist", "entity", ("Playlist",)),
            ("version", "entity", ("Version",)),
            ("sg_sort_order", "float", ()),
        ],
        "Note": [
            ("subject", "text", ()),
            ("content", "text", ()),
            ("project", "entity", ("Project",)),
            ("note_links", "multi_entity", LINKABLE),
            ("tasks", "multi_entity", ("Task",)),
            ("user", "entity", USERS),
            ("attachments", "multi_entity", ("Attachment",)),
        ],
        "Reply": [
            ("entity", "entity", ("Note",)),
            ("content", "text", ()),
            ("user", "entity", USERS),
        ],
        "Attachment": [
            ("this_file", "url", ()),
            ("attachment_links", "multi_entity", LINKABLE),
            ("filename", "text", ()),
            ("file_size", "number", ()),
        ],
        "EventLogEntry": [
            ("event_type", "text", ()),
            ("description", "text", ()),
            ("entity", "entity", ("Version", "Note", "Reply", "Playlist")),
            ("meta", "serializable", ()),
            ("attribute_name", "text", ()),
            ("project", "entity", ("Project",)),
        ],
    }


def build(status_field: str = "sg_status_list") -> tuple[dict[str, Any], dict[str, Any]]:
    """(field schema, entity schema) as ``schema_read`` and ``schema_entity_read`` give them."""
    schema: dict[str, Any] = {}
    for entity, specs in entity_fields(status_field).items():
        common: list[FieldSpec] = [
            ("id", "number", ()),
            ("created_at", "date_time", ()),
            ("updated_at", "date_time", ()),
            ("created_by", "entity", USERS),
        ]
        schema[entity] = {name: _field(kind, types) for name, kind, types in [*common, *specs]}
    entities = {name: {"name": {"value": name, "editable": False}} for name in schema}
    return schema, entities


def install(directory: Path, status_field: str = "sg_status_list") -> None:
    """Write the schema pickles under ``directory`` and point Mockgun at them."""
    schema, entities = build(status_field)
    directory.mkdir(parents=True, exist_ok=True)
    schema_path = directory / f"schema-{status_field}.pickle"
    entity_path = directory / f"entities-{status_field}.pickle"
    schema_path.write_bytes(pickle.dumps(schema, protocol=2))
    entity_path.write_bytes(pickle.dumps(entities, protocol=2))
    mockgun.Shotgun.set_schema_paths(str(schema_path), str(entity_path))


def mockgun_site(directory: Path, status_field: str = "sg_status_list") -> mockgun.Shotgun:
    install(directory, status_field)
    return mockgun.Shotgun("https://mock.shotgrid.test", script_name="syncd", api_key="KEY")
