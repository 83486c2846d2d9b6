"""Carrying author and frame inside note text, for systems whose notes lack those fields.

When a note is written by syncd's account on behalf of someone who has no account there, or on a
system with no frame field, a short header goes before the text::

    [by Alice Smith <alice@studio.example>; frame 12] Tighten the arc here.

Reading parses the header back, so the canonical note is the same on every side: same text, same
frame, same author. That symmetry is what keeps an attributed note from echoing back.
"""

from __future__ import annotations

import re

from syncd.core.model import Person

_PART = r"(?:by [^\];<>]*(?:<[^>\s]+>)?|frame -?\d+)"
_HEADER = re.compile(rf"^\[(?P<parts>{_PART}(?:; {_PART})*)\] ?")
_BY = re.compile(r"^by (?P<name>[^<]*?)\s*(?:<(?P<email>[^>\s]+)>)?$")


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
