"""Reading the configuration file into checked, typed settings.

Every error names the file, the line, the key and what is allowed, with a "did you mean" for
misspelt keys. ``${VAR}`` and ``${VAR:-default}`` read the environment wherever they are written
(see ``syncd.config.env``); a missing variable is an error naming it. Values under secret keys,
and values that came from the environment, are never echoed in errors.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncd.config.env import substitute
from syncd.config.located import Located, read_yaml
from syncd.config.messages import Path_, did_you_mean, dotted, validate
from syncd.config.schema import ROOT, selector_schema, system_schema
from syncd.connectors import TYPES
from syncd.connectors.spec import parse_size
from syncd.core.policy import BOTH, KEEP_BOTH, LAST_WRITER, OFF
from syncd.errors import ConfigError

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h|d)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
ASPECTS = ("items", "notes", "statuses", "media", "order")
SYNC_DEFAULTS = {"items": BOTH, "notes": BOTH, "statuses": OFF, "media": OFF, "order": OFF}


@dataclass(frozen=True)
class Schedule:
    every: float | None = None
    cron: str | None = None
    jitter: float = 0.0


@dataclass(frozen=True)
class SystemConfig:
    name: str
    type: str
    settings: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class MappingConfig:
    name: str
    schedule: Schedule
    endpoints: dict[str, dict[str, Any]]
    sync: dict[str, str]
    deletes: bool
    conflicts: str
    statuses: list[dict[str, Any]]
    match: dict[str, str]
    max_delete_share: float
    full_sync_every: int
    min_delete_guard: int = 2
    people: list[dict[str, str]] = field(default_factory=list)
    """Who is who across the endpoints: the mapping's rows, then the top-level ones."""


@dataclass(frozen=True)
class MediaSettings:
    cache: Path | None = None
    """The cache's folder; None: the platform's cache folder."""
    cache_size: int = 50 * 10**9
    concurrency: int = 4
    attempts: int = 3


@dataclass(frozen=True)
class Config:
    path: Path
    state_url: str | None
    media_dir: Path | None
    systems: dict[str, SystemConfig]
    mappings: list[MappingConfig]
    service: dict[str, Any]
    media: MediaSettings = field(default_factory=MediaSettings)
    lines: dict[Path_, int] = field(default_factory=dict, repr=False, compare=False)
    """The line of every key path, so later errors can name the place in the file too."""

    def where(self, *path: str | int) -> str:
        """``file:line`` of a key path (or of its nearest parent), for error messages."""
        key: Path_ = tuple(path)
        while key and key not in self.lines:
            key = key[:-1]
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else str(self.path)

    def mapping(self, name: str) -> MappingConfig:
        for mapping in self.mappings:
            if mapping.name == name:
                return mapping
        names = [m.name for m in self.mappings]
        raise ConfigError(
            f"no mapping named {name!r}{did_you_mean(name, names)}; mappings: {', '.join(names)}"
        )


def parse_duration(text: str) -> float:
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


# -- environment -------------------------------------------------------------------------------
def _interpolate(value: Any, path: Path_, loc: Located, env: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _interpolate(v, (*path, k), loc, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, (*path, i), loc, env) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value

    def fail(message: str) -> ConfigError:
        return ConfigError(f"{loc.where(path)}: {dotted(path)}: {message}")

    text, names = substitute(value, env, fail)
    if names:
        loc.substituted[path] = names
    return text


def load_config(path: str | Path, env: dict[str, str] | None = None) -> Config:
    """Read, interpolate and validate a configuration file."""
    from syncd.config.schema import secret_keys

    path = Path(path)
    secrets = secret_keys()
    raw, loc = read_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping with systems and mappings")
    validate(raw, ROOT, loc, (), secrets, later=True)
    for name, spec in (raw["systems"] if isinstance(raw["systems"], dict) else {}).items():
        if isinstance(spec, dict) and spec.get("type") in TYPES:
            schema = system_schema(spec["type"])
            validate(spec, schema, loc, ("systems", name), secrets, later=True)
    doc = _interpolate(raw, (), loc, dict(os.environ if env is None else env))
    validate(doc, ROOT, loc, (), secrets)
    systems: dict[str, SystemConfig] = {}
    for name, spec in doc["systems"].items():
        validate(spec, system_schema(spec["type"]), loc, ("systems", name), secrets)
        settings = {k: v for k, v in spec.items() if k != "type"}
        systems[name] = SystemConfig(name, spec["type"], settings)
    people = doc.get("people") or []
    _people(people, ("people",), list(systems), "a system", loc)
    mappings = [
        _mapping(m, i, systems, loc, secrets, people) for i, m in enumerate(doc["mappings"])
    ]
    seen: set[str] = set()
    for i, mapping in enumerate(mappings):
        if mapping.name in seen:
            shown = loc.shown(("mappings", i, "name"), mapping.name).removeprefix("value ")
            raise ConfigError(
                f"{loc.where(('mappings', i, 'name'))}: mappings[{i}].name: "
                f"{shown} is used twice; names must be unique"
            )
        seen.add(mapping.name)
    state = doc.get("state")
    media = doc.get("media") or {}
    media_dir = media.get("cache") or doc.get("media_dir")
    base = path.parent
    return Config(
        path=path,
        state_url=_resolve_sqlite(state, base) if state else None,
        media_dir=(base / media_dir).resolve() if media_dir else None,
        systems=_resolve_paths(systems, base, loc),
        mappings=mappings,
        service=doc.get("service", {}),
        media=MediaSettings(
            cache=(base / media_dir).resolve() if media_dir else None,
            cache_size=parse_size(str(media.get("cache_size", "50GB"))),
            concurrency=int(media.get("concurrency", 4)),
            attempts=int(media.get("attempts", 3)),
        ),
        lines=loc.lines,
    )


def _resolve_sqlite(url: str, base: Path) -> str:
    """Relative SQLite paths are relative to the configuration file, not to the cwd."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str((base / url.removeprefix(prefix)).resolve())
    return url


_FILES = {"file": "review files", "cinesync": "session files"}


def _resolve_paths(
    systems: dict[str, SystemConfig], base: Path, loc: Located
) -> dict[str, SystemConfig]:
    out = {}
    for name, system in systems.items():
        settings = dict(system.settings)
        if system.type in _FILES:  # a folder of files, named relative to the configuration
            folder = (base / Path(settings["path"]).expanduser()).resolve()
            if folder.exists() and not folder.is_dir():
                at: Path_ = ("systems", name, "path")
                raise ConfigError(
                    f"{loc.where(at)}: {dotted(at)}: {folder} is a file, not a folder; point "
                    f"path: at the folder that holds (or will hold) the {_FILES[system.type]}"
                )
            settings["path"] = str(folder)
        out[name] = SystemConfig(name, system.type, settings)
    return out


def _mapping(
    spec: dict[str, Any],
    index: int,
    systems: dict[str, SystemConfig],
    loc: Located,
    secrets: frozenset[str],
    people: list[dict[str, str]] = (),  # type: ignore[assignment]
) -> MappingConfig:
    at: Path_ = ("mappings", index)

    def fail(sub: Path_, message: str) -> ConfigError:
        path = (*at, *sub)
        return ConfigError(f"{loc.where(path)}: {dotted(path)}: {message}")

    endpoints = spec["endpoints"]
    for name, selector in endpoints.items():
        if name not in systems:
            raise fail(
                ("endpoints", name),
                f"no system named {name!r}"
                f"{did_you_mean(name, list(systems))}; define it under systems:",
            )
        validate(
            selector, selector_schema(systems[name].type), loc, (*at, "endpoints", name), secrets
        )
    names = list(endpoints)
    sync = dict(SYNC_DEFAULTS)
    raw_sync = spec.get("sync", {})
    for aspect in ASPECTS:
        if aspect not in raw_sync:
            continue
        value = raw_sync[aspect]
        # YAML 1.1 reads a bare off/on/no/yes as a boolean; take it as the user meant it
        value = {False: OFF, True: BOTH}[value] if isinstance(value, bool) else str(value)
        if value not in (BOTH, OFF, *names):
            shown = loc.shown((*at, "sync", aspect), value).removeprefix("value ")
            raise fail(
                ("sync", aspect),
                f"{shown} is not allowed; use both, off or one of "
                f"this mapping's endpoints: {', '.join(names)}",
            )
        sync[aspect] = value
    deletes = raw_sync.get("deletes", "off") in (True, "on")
    conflicts = str(spec.get("conflicts", LAST_WRITER))
    if conflicts not in (LAST_WRITER, KEEP_BOTH, *names):
        shown = loc.shown((*at, "conflicts"), conflicts).removeprefix("value ")
        raise fail(
            ("conflicts",),
            f"{shown} is not allowed; use last-writer, keep-both "
            f"or one of this mapping's endpoints: {', '.join(names)}",
        )
    statuses = spec.get("statuses", [])
    for row_index, row in enumerate(statuses):
        for name in row:
            if name not in endpoints:
                raise fail(
                    ("statuses", row_index, name),
                    f"{name!r} is not an endpoint of this "
                    f"mapping{did_you_mean(name, names)}; endpoints: {', '.join(names)}",
                )
    _unique_statuses(statuses, at, loc)
    if sync["statuses"] != OFF and not statuses:
        raise fail(
            ("sync", "statuses"),
            "statuses are synced but the mapping has no statuses: "
            "table; add rows such as {kitsu: wfa, syncsketch: for_review} or set "
            "sync.statuses: off",
        )
    own_people = spec.get("people") or []
    _people(own_people, (*at, "people"), names, "an endpoint of this mapping", loc)
    shared = [{k: v for k, v in row.items() if k in endpoints} for row in people]
    match = spec.get("match", {})
    for name, pattern in match.items():
        if name not in endpoints:
            raise fail(("match", name), f"{name!r} is not an endpoint of this mapping")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise fail(("match", name), f"not a valid regular expression: {exc}") from None
    return MappingConfig(
        name=spec["name"],
        schedule=_schedule(spec.get("schedule", {}), fail, loc.tainted((*at, "schedule"))),
        endpoints=endpoints,
        sync=sync,
        deletes=deletes,
        conflicts=conflicts,
        statuses=statuses,
        match=match,
        max_delete_share=float(spec.get("max_delete_share", 0.5)),
        full_sync_every=int(spec.get("full_sync_every", 20)),
        min_delete_guard=int(spec.get("min_delete_guard", 2)),
        people=[dict(r) for r in own_people] + [r for r in shared if len(r) >= 2],
    )


def _people(
    rows: list[dict[str, Any]], at: Path_, names: list[str], kind: str, loc: Located
) -> None:
    """Each row names one person in two or more systems; a person is in one row only."""
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows):
        here = (*at, index)
        for name, value in row.items():
            where = (*here, name)
            if name not in names:
                raise ConfigError(
                    f"{loc.where(where)}: {dotted(where)}: {name!r} is not {kind}"
                    f"{did_you_mean(name, names)}; use one of: {', '.join(names)}"
                )
            if not value.strip() or any(c.isspace() for c in value.strip()):
                shown = loc.shown(where, value).removeprefix("value ")
                raise ConfigError(
                    f"{loc.where(where)}: {dotted(where)}: {shown} is not an e-mail or a "
                    "login; write how that system knows the person, such as jdoe@studio.com"
                )
            first = seen.setdefault((name, value.strip().casefold()), index)
            if first != index:
                shown = loc.shown(where, value).removeprefix("value ")
                raise ConfigError(
                    f"{loc.where(where)}: {dotted(where)}: {shown} is already in row {first} "
                    f"(line {loc.line((*at, first))}); a person is in one row only: merge the "
                    "two rows"
                )
        if len(row) < 2:
            raise ConfigError(
                f"{loc.where(here)}: {dotted(here)}: a row says who one person is in two or "
                "more systems; add how another system knows them, or remove the row"
            )


def _unique_statuses(rows: list[dict[str, Any]], at: Path_, loc: Located) -> None:
    """A native status in two rows would read as either row: refuse it rather than guess."""
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows):
        for endpoint, values in row.items():
            for value in [values] if isinstance(values, str) else values:
                first = seen.setdefault((endpoint, value.casefold()), index)
                if first == index:
                    continue
                path = (*at, "statuses", index, endpoint)
                shown = loc.shown(path, value).removeprefix("value ")
                raise ConfigError(
                    f"{loc.where(path)}: {dotted(path)}: {shown} is already in row {first} "
                    f"(line {loc.line((*at, 'statuses', first))}); a status may be in one row "
                    "only: remove one of them, or list several values in one row as [a, b]"
                )


def _schedule(spec: dict[str, Any], fail: Any, from_env: bool = False) -> Schedule:
    every = spec.get("every")
    cron = spec.get("cron")
    if every and cron:
        raise fail(("schedule",), "give either every or cron, not both")
    if cron:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(cron)
        except ValueError as exc:
            why = "" if from_env else f": {exc}"
            raise fail(("schedule", "cron"), f"not a valid crontab expression{why}") from None
    jitter = parse_duration(spec["jitter"]) if spec.get("jitter") else 0.0
    if not every and not cron:
        every = "5m"
    return Schedule(every=parse_duration(every) if every else None, cron=cron, jitter=jitter)
