"""Carrying author and frame inside note text, for systems whose notes lack those fields.

When a note is written by syncd's account on behalf of someone who has no account there, or on a
system with no frame field, a short header goes before the text::

    [by Alice Smith <alice@studio.example>; frame 12] Tighten the arc here.

Reading parses the header back, so the canonical note is the same on every side: same text, same
frame, same author. That symmetry is what keeps an attributed note from echoing back.

A system that cannot hold files (SyncSketch) gets a note's files named after its text instead,
one per line, with where to open each when its system says::

    Tighten the arc.

    [attachment: paintover.png <https://kitsu.example/api/data/attachment-files/…/file/…>]

and reading takes those lines off again, so the words stay the words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from syncd.core.model import Attachment, Person

_PART = r"(?:by [^\];<>]*(?:<[^>\s]+>)?|frame -?\d+)"
_HEADER = re.compile(rf"^\[(?P<parts>{_PART}(?:; {_PART})*)\] ?")
_BY = re.compile(r"^by (?P<name>[^<]*?)\s*(?:<(?P<email>[^>\s]+)>)?$")
_FILE = re.compile(r"^\[attachment: (?P<name>[^\]<>]+?)(?: <(?P<url>[^>\s]+)>)?\]$")


def render(text: str, *, author: Person | None = None, frame: int | None = None) -> str:
    """Text with a header for whatever the target system cannot hold natively."""
    parts = []
    if author is not None and (author.name or author.email):
        who = " ".join(re.sub(r"[\[\];<>]", " ", author.name or "").split())
        email = f"<{author.email}>" if author.email else ""
        parts.append(f"by {who} {email}".strip() if who else f"by {email}")
    if frame is not None:
        parts.append(f"frame {frame}")
    if not parts:
        return text
    return f"[{'; '.join(parts)}] {text}"


def parse(raw: str) -> tuple[str, Person | None, int | None]:
    """(text, author from the header, frame from the header)."""
    match = _HEADER.match(raw)
    if match is None:
        return raw, None, None
    author = None
    frame = None
    for part in match.group("parts").split("; "):
        if part.startswith("frame "):
            frame = int(part.removeprefix("frame "))
            continue
        by = _BY.match(part)
        if by:
            author = Person(email=by.group("email"), name=by.group("name") or None)
    return raw[match.end() :], author, frame


def with_files(text: str, files: Iterable[Attachment]) -> str:
    """Text followed by a line naming each file (for a system that cannot hold them)."""
    lines = []
    for att in files:
        name = " ".join(re.sub(r"[\[\]<>]", " ", att.filename).split()) or "file"
        lines.append(f"[attachment: {name} <{att.url}>]" if att.url else f"[attachment: {name}]")
    if not lines:
        return text
    return f"{text.rstrip()}\n\n" + "\n".join(lines) if text.strip() else "\n".join(lines)


def without_files(text: str) -> str:
    """Text without the lines ``with_files`` added."""
    lines = text.split("\n")
    end = len(lines)
    while end > 0 and _FILE.match(lines[end - 1].strip()):
        end -= 1
    if end == len(lines):
        return text
    return "\n".join(lines[:end]).rstrip()
