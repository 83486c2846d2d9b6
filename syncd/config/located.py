"""YAML with the line of every key path, so that every error can name the place.

The document is composed node by node (PyYAML's own scalar rules), each key path remembered
with its line; duplicate keys and non-text keys are errors there and then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from syncd.config.env import References, described, malformed
from syncd.config.messages import Path_, dotted
from syncd.errors import ConfigError


class Located:
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


def build(node: yaml.Node, path: Path_, loc: Located) -> Any:
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
                    f"{loc.source}:{key_node.start_mark.line + 1}: {dotted(child)}: duplicate key"
                )
            loc.lines[child] = key_node.start_mark.line + 1
            out[key] = build(value_node, child, loc)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [build(item, (*path, i), loc) for i, item in enumerate(node.value)]
    value = loc.scalars.construct_object(node)
    return loc.references.restore(value) if isinstance(value, str) else value


def read_yaml(path: Path) -> tuple[Any, Located]:
    loc = Located(str(path))
    text = read_text(path)
    try:
        node = yaml.compose(loc.references.protect(text, str(path)), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise yaml_error(path, text, exc) from None
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
        return build(node, (), loc), loc
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


def read_text(path: Path) -> str:
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


def yaml_error(path: Path, text: str, exc: yaml.MarkedYAMLError) -> ConfigError:
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
