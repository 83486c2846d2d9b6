"""Content fingerprints shared by the planner and the engine.

A fingerprint is a short stable hash of the part of an object that syncd propagates. The planner
compares fingerprints three ways (current, recorded, other sides); the engine records the
fingerprint of what a system holds after each write, which is what suppresses echoes.
"""

from __future__ import annotations

from dataclasses import fields
from hashlib import blake2b

from syncd.core.model import MediaRef, NoteContent

_SEP = "\x1f"
_EXTRA = tuple(f.name for f in fields(NoteContent)[2:])
"""The fields of a note's content past its text and frame, in their declared order."""


def _digest(text: str) -> str:
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def normalize_text(text: str) -> str:
    """Line endings and trailing blanks differ between systems without meaning anything."""
    if "\n" not in text and "\r" not in text:
        return text.strip()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def note_fingerprint(content: NoteContent) -> str:
    """Every field of the content, text normalised; an unset field counts as empty.

    Written so that a field added to ``NoteContent`` is covered without a change here, while the
    fingerprints of notes recorded before it existed (the field unset) stay the same.
    """
    parts = [normalize_text(content.text), "" if content.frame is None else str(content.frame)]
    for name in _EXTRA:
        value = getattr(content, name)
        if value in (None, (), ""):
            continue
        if name == "attachments":  # by content: names and each system's tokens aside
            value = sorted(a.sha256 or f"?{a.token or a.filename}" for a in value)
        parts.append(f"{name}={value!r}")
    return _digest(_SEP.join(parts))


def words_fingerprint(content: NoteContent) -> str:
    """The text and frame alone: what a note written in several steps (the note, then its
    files) holds once its first step landed, by which a create cut short is recognised."""
    return note_fingerprint(NoteContent(content.text, content.frame))


def status_fingerprint(canonical: str | None) -> str:
    return "" if canonical is None else canonical


def media_fingerprint(endpoint: str, media: MediaRef | None) -> str:
    """Content hash when known (comparable across systems), else the endpoint's own token."""
    if media is None:
        return ""
    if media.sha256:
        return f"sha256:{media.sha256}"
    return f"tok:{endpoint}:{media.token}"
