"""Connectors: one package per system, each turning that system's review into the canonical model.

Connectors know nothing of each other or of the state database. Each package declares itself in
a light ``SPEC`` (settings, selector, factory); the heavy modules (a system's client) are only
imported when an endpoint of that type is opened, so a mapping between two review files never
imports the ShotGrid client. The registry checks that each package is the connector it is named
for.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from typing import Any

from syncd.connectors.base import Endpoint
from syncd.connectors.spec import ConnectorSpec, with_defaults
from syncd.errors import ConfigError

TYPES: tuple[str, ...] = ("kitsu", "syncsketch", "shotgrid", "cinesync", "file", "memory")
"""System types, in the order the documentation lists them."""


@cache
def spec(system_type: str) -> ConnectorSpec:
    """The declaration of the connector for ``system_type`` (a ConfigError if there is none)."""
    if system_type not in TYPES:
        raise ConfigError(f"unknown system type {system_type!r}; use one of {', '.join(TYPES)}")
    found = import_module(f"syncd.connectors.{system_type}").SPEC
    if not isinstance(found, ConnectorSpec) or found.type != system_type:
        raise AssertionError(f"syncd.connectors.{system_type} declares {found!r}")
    return found


def specs() -> list[ConnectorSpec]:
    return [spec(t) for t in TYPES]


def _load(target: str) -> Any:
    module, _, function = target.partition(":")
    return getattr(import_module(module), function)


def open_endpoint(
    system_type: str, name: str, system: Mapping[str, Any], selector: Mapping[str, Any]
) -> Endpoint:
    """Connect to one review (``selector``) in one configured system; defaults come from the
    connector's schema, filled in here once."""
    found = spec(system_type)
    settings = with_defaults(found.settings, system)
    chosen = with_defaults(found.selector, selector)
    endpoint = _load(found.factory)(name, settings, chosen)
    assert isinstance(endpoint, Endpoint), found.factory
    return endpoint


def open_live(system_type: str, name: str, system: Mapping[str, Any]) -> Any:
    """The system's push trigger for the service (None when it has none)."""
    found = spec(system_type)
    if found.live is None:
        return None
    return _load(found.live)(name, with_defaults(found.settings, system))
