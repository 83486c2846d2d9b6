"""Checking a write against what the system answered.

Every write returns the object as the system now holds it. What it should hold is what was
asked, as that system can hold it (``Endpoint.expected_note``: a system without frameless notes
or without nested replies says how it keeps those). A difference means the write did something
else than asked: a reply that landed as a top-level comment, a status the create call ignored.
Such a write is never recorded as done; the engine repairs or reports it.
"""

from __future__ import annotations

from collections.abc import Sequence

from syncd.core.fingerprints import normalize_text, note_fingerprint
from syncd.core.model import NewNote, Note, NoteContent


def note_mismatch(expected: NewNote, got: Note) -> str | None:
    """Why ``got`` is not the note that was asked for, or None when it is."""
    problems = []
    if got.item != expected.item:
        problems.append(f"it is on item {got.item}, not {expected.item}")
    if got.parent != expected.parent:
        if got.parent is None:
            problems.append(f"it is a top-level note, not a reply to {expected.parent}")
        elif expected.parent is None:
            problems.append(f"it is a reply to {got.parent}, not a top-level note")
        else:
            problems.append(f"it answers {got.parent}, not {expected.parent}")
    content = content_mismatch(expected.content, got.content)
    if content:
        problems.append(content)
    return "; ".join(problems) or None


def content_mismatch(expected: NoteContent, got: NoteContent) -> str | None:
    if note_fingerprint(expected) == note_fingerprint(got):
        return None
    if normalize_text(expected.text) != normalize_text(got.text):
        return f"its text reads {_short(got.text)}, not {_short(expected.text)}"
    if expected.frame != got.frame:
        return f"it is on frame {got.frame}, not {expected.frame}"
    want = sorted(a.filename for a in expected.attachments)
    held = sorted(a.filename for a in got.attachments)
    return f"it carries the attachments {held or 'none'}, not {want or 'none'}"


def order_mismatch(asked: Sequence[str], got: Sequence[str]) -> str | None:
    """The system's order must list the asked items in the asked order (others may follow)."""
    wanted = set(asked)
    held = [item for item in got if item in wanted]
    if held == list(asked):
        return None
    missing = wanted - set(held)
    if missing:
        return f"{len(missing)} of the items are not in the system's order"
    return "the system kept another order"


def _short(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")
