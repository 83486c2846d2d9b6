"""Validation errors in words: the file and line, the dotted key, what is allowed, a "did you
mean" for a misspelt key; never a secret, never a value that came from the environment."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from syncd.errors import ConfigError

if TYPE_CHECKING:
    from syncd.config.located import Located

Path_ = tuple[str | int, ...]


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


VALUE_CHECKS = frozenset(
    {"type", "pattern", "enum", "const", "minimum", "maximum", "anyOf", "oneOf", "minLength"}
)


def expected(schema: dict[str, Any]) -> str:
    """The JSON type(s) a schema wants, readable: "string or array of string"."""
    if "anyOf" in schema or "oneOf" in schema:
        return " or ".join(expected(s) for s in schema.get("anyOf") or schema["oneOf"])
    kinds = as_list(schema.get("type"))
    if kinds == ["array"] and isinstance(schema.get("items"), dict):
        return f"array of {expected(schema['items'])}"
    return " or ".join(kinds) or "something else"


def examples(schema: dict[str, Any]) -> str:
    examples = [e for e in schema.get("examples", []) if not isinstance(e, dict | list)]
    return f" (for example {', '.join(map(str, examples))})" if examples else ""


def describe(error: ValidationError, loc: Located, base: Path_, secrets: frozenset[str]) -> str:
    path: Path_ = (*base, *error.absolute_path)
    key = dotted(path)
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
            f"{where}: {dotted((*path, name))}: unknown key{did_you_mean(name, allowed)}{listing}"
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
        hint = examples(schema)
        if path in loc.substituted and set(as_list(schema.get("type"))) - {"string"}:
            hint += "; a value from the environment is text, so write this one in the file"
        return f"{where}: {key}: {value} should be of type {expected(schema)}{hint}"
    if validator in ("anyOf", "oneOf"):
        return f"{where}: {key}: {value} should be of type {expected(schema)}"
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


def as_list(kinds: Any) -> list[Any]:
    return [kinds] if isinstance(kinds, str) else list(kinds or [])


def validate(
    doc: Any,
    schema: dict[str, Any],
    loc: Located,
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
            if not (later and e.validator in VALUE_CHECKS and holds_reference(e.instance))
        ),
        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))),
    )
    if errors:
        raise ConfigError(describe(errors[0], loc, base, secrets))


def holds_reference(value: Any) -> bool:
    return isinstance(value, str) and "${" in value
