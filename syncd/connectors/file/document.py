"""A review file as plain data, and its values to ours and back (authors, times, hashes).

The file is kept as the parsed document so that a rewrite preserves what a person wrote; only
the keys syncd owns (``id``, ``syncd``, ``at``, ``edited``) and the values a sync changes move.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from syncd.core.model import Person
from syncd.errors import SkippableError

_AUTHOR = re.compile(r"^\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]+)>)?\s*$")
_HASHED = re.compile(r"^(?P<prefix>[0-9a-f]{12})-(?P<name>.+)$")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def author_text(person: Person | None) -> str | None:
    if person is None:
        return None
    if person.name and person.email:
        return f"{person.name} <{person.email}>"
    return person.name or (f"<{person.email}>" if person.email else None)


def author(value: Any) -> Person | None:
    if not value:
        return None
    match = _AUTHOR.match(str(value))
    if match is None:
        return Person(name=str(value))
    return Person(email=match.group("email"), name=match.group("name") or None)


def attachment_name(rel: str, sha256: str) -> str:
    """A file's name as people gave it: the copies syncd keeps start with their hash."""
    base = Path(rel).name
    match = _HASHED.match(base)
    if match and sha256.startswith(match.group("prefix")):
        return match.group("name")
    return base


def stamp(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@dataclass
class Doc:
    """The parsed file, kept as plain data so a rewrite preserves what a person wrote."""

    data: dict[str, Any]

    @property
    def items(self) -> list[dict[str, Any]]:
        items = self.data.setdefault("items", [])
        if not isinstance(items, list):
            raise SkippableError("items: must be a list")
        return items

    def walk_notes(self) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]:
        """(item, note, parent note) for every note and reply, depth first."""
        out: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]] = []

        def visit(item: dict[str, Any], notes: Any, parent: dict[str, Any] | None) -> None:
            for note in notes or []:
                if isinstance(note, dict):
                    out.append((item, note, parent))
                    visit(item, note.get("replies"), note)

        for item in self.items:
            if isinstance(item, dict):
                visit(item, item.get("notes"), None)
        return out
