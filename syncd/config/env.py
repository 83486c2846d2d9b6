"""``${VAR}`` references: written anywhere a value goes, read without touching the YAML structure.

A reference belongs to the scalar it sits in, whatever the context: block or flow, quoted or not
(``{email: ${KITSU_EMAIL}}`` is a flow mapping whose value is the reference, not a nested
mapping). Before parsing, each well-formed reference is swapped for a placeholder of characters
YAML reads as plain text, on the same line, so every line number stays exact; after parsing each
scalar gets its references back. Values are substituted only then, into parsed strings, so an
environment value can never change the document's structure: a value holding ``": "``, ``{`` or
a newline stays text. The names substituted into each value are returned, so that errors can say
"the value from ${VAR}" instead of echoing what the environment held.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from syncd.errors import ConfigError

REFERENCE = re.compile(r"\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}\n]*))?\}")
"""``${NAME}``, ``${NAME:-default}`` and the escape ``$${...}`` for a literal ``${``."""
_OPENING = re.compile(r"\$\$\{|\$\{")
_NAME_START = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)?")
_OPEN_MARK, _CLOSE_MARK = "\ue000", "\ue001"  # private-use characters: plain text to YAML
_PLACEHOLDER = re.compile(f"{_OPEN_MARK}(\\d+){_CLOSE_MARK}")
HOW = "write ${NAME} or ${NAME:-default} ($${ for a literal ${)"


class References:
    """The references of one file, swapped out of its text before parsing and back after."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def protect(self, text: str, source: str) -> str:
        if _OPEN_MARK in text or _CLOSE_MARK in text:
            line = text[: max(text.find(_OPEN_MARK), text.find(_CLOSE_MARK))].count("\n") + 1
            raise ConfigError(
                f"{source}:{line}: the file holds a private-use character (U+E000 or U+E001) "
                "syncd needs for itself; remove it"
            )

        def swap(match: re.Match[str]) -> str:
            self.tokens.append(match.group(0))
            return f"{_OPEN_MARK}{len(self.tokens) - 1}{_CLOSE_MARK}"

        return REFERENCE.sub(swap, text)

    def restore(self, value: str) -> str:
        if _OPEN_MARK not in value:
            return value
        return _PLACEHOLDER.sub(lambda m: self.tokens[int(m.group(1))], value)


def malformed(text: str) -> str | None:
    """Why the first ``${`` in ``text`` that starts no valid reference is wrong, or None."""
    for opening in _OPENING.finditer(text):
        start = opening.start()
        if opening.group(0) == "$${" or REFERENCE.match(text, start):
            continue  # the escape (a literal ${), or a good reference
        return _why(text, start)
    return None


def _why(text: str, start: int) -> str:
    found = _NAME_START.match(text, start)
    name = found.group(1) if found else None
    if not name:
        return f"${{ must be followed by a variable name; {HOW}"
    rest = text[found.end() :]
    if rest.startswith("-"):
        return f"${{{name}-... is not a valid reference; write ${{{name}:-default}} for a default"
    if rest.startswith(":-"):
        return f"${{{name}:-... has no closing }} on its line; write ${{{name}:-default}}"
    return f"${{{name} has no closing }}; write ${{{name}}}"


def substitute(
    value: str, env: Mapping[str, str], fail: Callable[[str], ConfigError]
) -> tuple[str, list[str]]:
    """``value`` with its references replaced, and the names whose value went into it."""
    problem = malformed(value)
    if problem is not None:
        raise fail(problem)
    used: list[str] = []

    def replace(match: re.Match[str]) -> str:
        escaped, name, default = match.groups()
        if escaped:
            return match.group(0)[1:]
        if name in env:
            used.append(name)
            return env[name]
        if default is not None:
            used.append(name)
            return default
        raise fail(
            f"environment variable {name} is not set; export it (or write ${{{name}:-default}})"
        )

    return REFERENCE.sub(replace, value), used


def described(names: list[str]) -> str:
    """How an error names a value it must not show."""
    listed = ", ".join(f"${{{n}}}" for n in dict.fromkeys(names))
    return f"the value from {listed}"
