"""Reading the configuration file into checked, typed settings.

Every error names the file, the line, the key and what is allowed, with a "did you mean" for
misspelt keys. ``${VAR}`` and ``${VAR:-default}`` read the environment wherever they are written
(see ``syncd.config.env``); a missing variable is an error naming it. Values under secret keys,
and values that came from the environment, are never echoed in errors.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from syncd.config.env import References, described, malformed, substitute
from syncd.config.schema import ROOT, selector_schema, system_schema
from syncd.connectors import TYPES
from syncd.core.policy import BOTH, KEEP_BOTH, LAST_WRITER, OFF
from syncd.errors import ConfigError

Path_ = tuple[str | int, ...]
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


@dataclass(frozen=True)
class Config:
    path: Path
    state_url: str | None
    media_dir: Path | None
    systems: dict[str, SystemConfig]
    mappings: list[MappingConfig]
    service: dict[str, Any]
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
            f"no mapping named {name!r}{_did_you_mean(name, names)}; mappings: {', '.join(names)}"
        )


def parse_duration(text: str) -> float:
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


# -- YAML with line numbers --------------------------------------------------------------------
class _Located:
    """The parsed document plus the line of every key path."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[Path_, int] = {}
        self.scalars = yaml.SafeLoader("")  # constructs scalars by PyYAML's own rules
        self.references = References()
        self.substituted: dict[Path_, list[str]] = {}
        """Paths whose value came (partly) from the environment, and from which variables."""

    def shown(self, path: Path_, value: Any, secrets: frozenset[str] = frozenset()) -> str:
        """How an error may show a value: never a secret, never one from the environment."""
        if path in self.substituted:
            return described(self.substituted[path])
        if path and str(path[-1]) in secrets:
            return "the value"
        return f"value {value!r}" if isinstance(value, str) else f"value {value}"

    def tainted(self, path: Path_) -> bool:
        """True when something at or under ``path`` came from the environment."""
        return any(p[: len(path)] == path for p in self.substituted)

    def line(self, path: Path_) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def where(self, path: Path_) -> str:
        line = self.line(path)
        return f"{self.source}:{line}" if line else self.source


def _build(node: yaml.Node, path: Path_, loc: _Located) -> Any:
    loc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loc.scalars.construct_object(key_node)
            if isinstance(key, str):
                key = loc.references.restore(key)
            if not isinstance(key, str | int | bool):
                raise ConfigError(f"{loc.source}:{key_node.start_mark.line + 1}: keys must be text")
            key = str(key).lower() if isinstance(key, bool) else str(key)
            child = (*path, key)
            if key in out:
                raise ConfigError(
                    f"{loc.source}:{key_node.start_mark.line + 1}: {_dotted(child)}: duplicate key"
                )
            loc.lines[child] = key_node.start_mark.line + 1
            out[key] = _build(value_node, child, loc)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), loc) for i, item in enumerate(node.value)]
    value = loc.scalars.construct_object(node)
    return loc.references.restore(value) if isinstance(value, str) else value


def _read_yaml(path: Path) -> tuple[Any, _Located]:
    loc = _Located(str(path))
    text = _read_text(path)
    try:
        node = yaml.compose(loc.references.protect(text, str(path)), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(path, text, exc) from None
    except yaml.YAMLError as exc:  # the reader: a character YAML does not allow
        position = getattr(exc, "position", None)
        line = f":{text.count(chr(10), 0, position) + 1}" if isinstance(position, int) else ""
        raise ConfigError(
            f"{path}{line}: not valid YAML: a control character is not allowed "
            "(is this the right file?); remove it"
        ) from None
    if node is None:
        raise ConfigError(f"{path}: the configuration file is empty")
    try:
        return _build(node, (), loc), loc
    except yaml.MarkedYAMLError as exc:  # a tag no plain YAML value has (!python/..., <<)
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        merge = "tag:yaml.org,2002:merge" in str(exc.problem)
        what = (
            "merge keys (<<) are not supported; write the keys out"
            if merge
            else (f"{exc.problem}; remove the tag")
        )
        raise ConfigError(f"{path}{line}: {what}") from None


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: configuration file not found; pass -c FILE, set SYNCD_CONFIG, or start "
            "from config/example.yaml"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a configuration file; pass -c FILE") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}:{line}: not a text file (byte 0x{data[exc.start]:02x} is not UTF-8); "
            "the configuration must be YAML saved as UTF-8 text"
        ) from None


def _yaml_error(path: Path, text: str, exc: yaml.MarkedYAMLError) -> ConfigError:
    """The parser's complaint, or the unclosed ``${`` that caused it when there is one."""
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()
    if mark is not None:
        for number in (mark.line, *(range(mark.line - 1, -1, -1))):
            if number < len(lines) and (problem := malformed(lines[number].split(" #")[0])):
                return ConfigError(f"{path}:{number + 1}: {problem}")
            if number < mark.line - 3:
                break
    line = f":{mark.line + 1}" if mark else ""
    return ConfigError(f"{path}{line}: not valid YAML: {exc.problem}")


# -- environment -------------------------------------------------------------------------------
def _interpolate(value: Any, path: Path_, loc: _Located, env: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _interpolate(v, (*path, k), loc, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, (*path, i), loc, env) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value

    def fail(message: str) -> ConfigError:
        return ConfigError(f"{loc.where(path)}: {_dotted(path)}: {message}")

    text, names = substitute(value, env, fail)
    if names:
        loc.substituted[path] = names
    return text


# -- validation --------------------------------------------------------------------------------
def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


_VALUE_CHECKS = frozenset(
    {"type", "pattern", "enum", "const", "minimum", "maximum", "anyOf", "oneOf", "minLength"}
)


def _expected(schema: dict[str, Any]) -> str:
    """The JSON type(s) a schema wants, readable: "string or array of string"."""
    if "anyOf" in schema or "oneOf" in schema:
        return " or ".join(_expected(s) for s in schema.get("anyOf") or schema["oneOf"])
    kinds = _as_list(schema.get("type"))
    if kinds == ["array"] and isinstance(schema.get("items"), dict):
        return f"array of {_expected(schema['items'])}"
    return " or ".join(kinds) or "something else"


def _examples(schema: dict[str, Any]) -> str:
    examples = [e for e in schema.get("examples", []) if not isinstance(e, dict | list)]
    return f" (for example {', '.join(map(str, examples))})" if examples else ""


def _describe(error: ValidationError, loc: _Located, base: Path_, secrets: frozenset[str]) -> str:
    path: Path_ = (*base, *error.absolute_path)
    key = _dotted(path)
    where = loc.where(path)
    validator = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        instance = error.instance if isinstance(error.instance, dict) else {}
        extra = [k for k in instance if k not in allowed]
        name = extra[0] if extra else "?"
        where = loc.where((*path, name))
        listing = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return (
            f"{where}: {_dotted((*path, name))}: unknown key{_did_you_mean(name, allowed)}{listing}"
        )
    if validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        name = missing[0] if missing else error.message
        return f"{where}: {key}: missing required key {name!r}"
    if isinstance(error.instance, dict | list):
        value = "the value"  # never a container's repr: it may hold secrets
    else:
        value = loc.shown(path, error.instance, secrets)
    if validator in ("enum", "const"):
        options = schema.get("enum") or [schema.get("const")]
        return f"{where}: {key}: {value} is not allowed; use one of: " + ", ".join(
            str(o) for o in options
        )
    if validator == "type":
        hint = _examples(schema)
        if path in loc.substituted and set(_as_list(schema.get("type"))) - {"string"}:
            hint += "; a value from the environment is text, so write this one in the file"
        return f"{where}: {key}: {value} should be of type {_expected(schema)}{hint}"
    if validator in ("anyOf", "oneOf"):
        return f"{where}: {key}: {value} should be of type {_expected(schema)}"
    if validator == "pattern":
        example = (schema.get("examples") or [""])[0]
        hint = f" such as {example!r}" if example else ""
        return f"{where}: {key}: {value} is not in the expected form{hint}"
    if validator in ("minProperties", "minItems"):
        return f"{where}: {key}: needs at least {error.validator_value} entries"
    if validator in ("minimum", "maximum"):
        return f"{where}: {key}: {value} must be {validator} {error.validator_value}"
    if loc.tainted(path) or isinstance(error.instance, dict | list):
        return f"{where}: {key}: {value} is not allowed here ({validator})"
    return f"{where}: {key}: {error.message}"


def _as_list(kinds: Any) -> list[Any]:
    return [kinds] if isinstance(kinds, str) else list(kinds or [])


def _validate(
    doc: Any,
    schema: dict[str, Any],
    loc: _Located,
    base: Path_,
    secrets: frozenset[str],
    *,
    later: bool = False,
) -> None:
    """Raise the first schema error. ``later``: values still holding a ``${...}`` are checked
    after substitution, so skip them now (the structure is checked first either way)."""
    errors = sorted(
        (
            e
            for e in Draft202012Validator(schema).iter_errors(doc)
            if not (later and e.validator in _VALUE_CHECKS and _holds_reference(e.instance))
        ),
        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))),
    )
    if errors:
        raise ConfigError(_describe(errors[0], loc, base, secrets))


def _holds_reference(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def load_config(path: str | Path, env: dict[str, str] | None = None) -> Config:
    """Read, interpolate and validate a configuration file."""
    from syncd.config.schema import secret_keys

    path = Path(path)
    secrets = secret_keys()
    raw, loc = _read_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping with systems and mappings")
    _validate(raw, ROOT, loc, (), secrets, later=True)
    for name, spec in (raw["systems"] if isinstance(raw["systems"], dict) else {}).items():
        if isinstance(spec, dict) and spec.get("type") in TYPES:
            schema = system_schema(spec["type"])
            _validate(spec, schema, loc, ("systems", name), secrets, later=True)
    doc = _interpolate(raw, (), loc, dict(os.environ if env is None else env))
    _validate(doc, ROOT, loc, (), secrets)
    systems: dict[str, SystemConfig] = {}
    for name, spec in doc["systems"].items():
        _validate(spec, system_schema(spec["type"]), loc, ("systems", name), secrets)
        settings = {k: v for k, v in spec.items() if k != "type"}
        systems[name] = SystemConfig(name, spec["type"], settings)
    mappings = [_mapping(m, i, systems, loc, secrets) for i, m in enumerate(doc["mappings"])]
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
    media_dir = doc.get("media_dir")
    base = path.parent
    return Config(
        path=path,
        state_url=_resolve_sqlite(state, base) if state else None,
        media_dir=(base / media_dir).resolve() if media_dir else None,
        systems=_resolve_paths(systems, base, loc),
        mappings=mappings,
        service=doc.get("service", {}),
        lines=loc.lines,
    )


def _resolve_sqlite(url: str, base: Path) -> str:
    """Relative SQLite paths are relative to the configuration file, not to the cwd."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str((base / url.removeprefix(prefix)).resolve())
    return url


def _resolve_paths(
    systems: dict[str, SystemConfig], base: Path, loc: _Located
) -> dict[str, SystemConfig]:
    out = {}
    for name, system in systems.items():
        settings = dict(system.settings)
        if system.type == "file":
            folder = (base / Path(settings["path"]).expanduser()).resolve()
            if folder.exists() and not folder.is_dir():
                at: Path_ = ("systems", name, "path")
                raise ConfigError(
                    f"{loc.where(at)}: {_dotted(at)}: {folder} is a file, not a folder; point "
                    "path: at the folder that holds (or will hold) the review files"
                )
            settings["path"] = str(folder)
        out[name] = SystemConfig(name, system.type, settings)
    return out


def _mapping(
    spec: dict[str, Any],
    index: int,
    systems: dict[str, SystemConfig],
    loc: _Located,
    secrets: frozenset[str],
) -> MappingConfig:
    at: Path_ = ("mappings", index)

    def fail(sub: Path_, message: str) -> ConfigError:
        path = (*at, *sub)
        return ConfigError(f"{loc.where(path)}: {_dotted(path)}: {message}")

    endpoints = spec["endpoints"]
    for name, selector in endpoints.items():
        if name not in systems:
            raise fail(
                ("endpoints", name),
                f"no system named {name!r}"
                f"{_did_you_mean(name, list(systems))}; define it under systems:",
            )
        _validate(
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
                    f"mapping{_did_you_mean(name, names)}; endpoints: {', '.join(names)}",
                )
    _unique_statuses(statuses, at, loc)
    if sync["statuses"] != OFF and not statuses:
        raise fail(
            ("sync", "statuses"),
            "statuses are synced but the mapping has no statuses: "
            "table; add rows such as {kitsu: wfa, syncsketch: for_review} or set "
            "sync.statuses: off",
        )
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
    )


def _unique_statuses(rows: list[dict[str, Any]], at: Path_, loc: _Located) -> None:
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
                    f"{loc.where(path)}: {_dotted(path)}: {shown} is already in row {first} "
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
