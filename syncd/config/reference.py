"""The configuration reference page, generated from the schema (``docs/configuration.md``).

Like borgmatic's sample configuration, the page is the schema written out: every option with
its type, default and description, each system type's settings and its endpoint keys. A test
compares the committed page with this output, so the documentation cannot drift from what
syncd accepts. Regenerate it with ``syncd config reference > docs/configuration.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from syncd.config.schema import MAPPING, ROOT, SERVICE
from syncd.connectors import TYPES, spec

HEADER = """\
# Configuration reference

<!-- Generated from syncd's configuration schema by `syncd config reference`; do not edit. -->

A configuration file has four parts: `state` (where syncd remembers what it linked), `systems`
(named connections, each of a `type`), `mappings` (which review of which systems are the same
review, and how they are kept in step) and, for the long-running service, `service`. Start from
[`config/example.yaml`](../config/example.yaml); `syncd config schema` prints the same schema as
JSON Schema for editors, and `syncd check` validates a file and tests every connection.

Any value can come from the environment: `${NAME}` (an error naming the variable when it is
unset) or `${NAME:-default}`. Settings marked *secret* are never printed, not even in errors;
give them from the environment.
"""


def reference() -> str:
    parts = [HEADER]
    parts.append(
        _section("Top level", _without(ROOT["properties"], "systems", "mappings", "service"))
    )
    parts.append("## Systems\n\nEach entry of `systems:` is a named connection with a `type`:\n")
    for kind in TYPES:
        found = spec(kind)
        parts.append(f"### `type: {kind}`\n\n{found.description}\n")
        parts.append(_table(found.settings, found.required))
        if found.selector:
            parts.append(
                f"An endpoint of a `{kind}` system (under a mapping's `endpoints:`) selects:\n"
            )
            parts.append(_table(found.selector, found.selector_required))
        if found.example:
            system = {"type": kind, **found.example}
            parts.append(f"```yaml\nsystems:\n  {kind}: {_flow(system)}\n```\n")
    parts.append(_section("Mappings", MAPPING["properties"], MAPPING.get("required", ())))
    parts.append(_section("Service", SERVICE["properties"]))
    return "\n".join(parts).rstrip() + "\n"


def _section(title: str, properties: Mapping[str, Any], required: Any = ()) -> str:
    return f"## {title}\n\n{_table(properties, tuple(required))}"


def _table(properties: Mapping[str, Any], required: tuple[str, ...], prefix: str = "") -> str:
    rows = ["| key | type | default | description |", "|---|---|---|---|"]
    for key, prop in _rows(properties, required, prefix):
        rows.append(key + prop)
    return "\n".join(rows) + "\n"


def _rows(
    properties: Mapping[str, Any], required: tuple[str, ...], prefix: str
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, prop in properties.items():
        name = f"{prefix}{key}"
        kind = _type(prop)
        default = "required" if key in required else _default(prop)
        text = str(prop.get("description", "")).replace("\n", " ").replace("|", "\\|")
        if prop.get("x-secret"):
            text = f"*secret* {text}".strip()
        examples = prop.get("examples")
        if examples and not prop.get("x-secret"):
            text = f"{text} Example: `{_flow(examples[0])}`.".strip()
        out.append((f"| `{name}` ", f"| {kind} | {default} | {text} |"))
        nested = prop.get("properties")
        if nested and prop.get("type") == "object":
            out.extend(_rows(nested, tuple(prop.get("required", ())), f"{name}."))
    return out


def _type(prop: Mapping[str, Any]) -> str:
    if "enum" in prop:
        return " \\| ".join(f"`{_flow(v)}`" for v in prop["enum"])
    kind = prop.get("type", "")
    return " or ".join(kind) if isinstance(kind, list) else str(kind)


def _default(prop: Mapping[str, Any]) -> str:
    if "default" not in prop or prop["default"] in ({}, ""):
        return ""
    return f"`{_flow(prop['default'])}`"


def _flow(value: Any) -> str:
    """A value as YAML flow text (what a user writes in the file)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str):
        plain = value and not value.startswith(("*", "&", "!", "{", "[", "?"))
        return value if plain and ": " not in value and "#" not in value else json.dumps(value)
    return str(value)


def _without(properties: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in properties.items() if k not in keys}
