"""Connectors: one module per system, each turning that system's review into the canonical model.

Connectors know nothing of each other or of the state database. ``open_endpoint`` builds the one
a system's ``type`` names.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from syncd.connectors.base import Endpoint
from syncd.errors import ConfigError

# type name -> "module:factory". Modules are imported on demand so that a mapping between two
# file endpoints does not import the ShotGrid client.
CONNECTOR_TYPES: dict[str, str] = {
    "file": "syncd.connectors.file.endpoint:open_file_endpoint",
    "memory": "syncd.connectors.memory.endpoint:open_memory_endpoint",
    "kitsu": "syncd.connectors.kitsu.endpoint:open_kitsu_endpoint",
    "syncsketch": "syncd.connectors.syncsketch.endpoint:open_syncsketch_endpoint",
    "shotgrid": "syncd.connectors.shotgrid.endpoint:open_shotgrid_endpoint",
}


def open_endpoint(
    system_type: str, name: str, system: dict[str, Any], selector: dict[str, Any]
) -> Endpoint:
    """Connect to one review (``selector``) in one configured system."""
    target = CONNECTOR_TYPES.get(system_type)
    if target is None:
        allowed = ", ".join(sorted(CONNECTOR_TYPES))
        raise ConfigError(
            f"systems.{name}.type: unknown type {system_type!r}; use one of {allowed}"
        )
    module_name, factory = target.split(":")
    return getattr(import_module(module_name), factory)(name, system, selector)
