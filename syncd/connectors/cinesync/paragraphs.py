"""Many tracker notes in cineSync's one free-text block per media and per frame.

cineSync keeps a single block of text for each media and each frame: no authors, ids or dates. So
each tracker note becomes a paragraph of the block, closed by a marker that carries its syncd link
id, optionally led by the author's name::

    Alice Smith: Tighten the arc here. [syncd:n3f2a9c01d2e3f4a5b6c7:by]

    The horizon tilts; level it. [syncd:n8e1d0c4b3a29f8e7d6c5]

    a line the supervisor typed in cineSync

**Paragraphs** are separated by one or more blank lines (lines that are empty or hold only
whitespace). **The marker** is ``[syncd:<link id>]``, plus ``:by`` when the paragraph starts with
an attribution ``<author>: ``. It is plain ASCII because cineSync's notes box, its exports and the
scripts and mail clients notes travel through may lack fonts for, or mangle, anything fancier;
brackets and a colon survive every editor and are not changed by autocorrection (unlike quotes
and dashes). No one types ``[syncd:`` by accident, and the marker is short and at the end of the
paragraph, out of the way of reading. The ``:by`` flag says that the text before the first colon
is a name, so that a note such as ``TODO: fix the matte`` never loses its first word to an author.

Reading (:func:`split_paragraphs`): a note ends at its marker. Text a user adds without a marker is
a paragraph of its own with no link (a new note); a paragraph whose text a user edited keeps its
marker (an edit of that note); a paragraph a user deleted is simply absent. Two paragraphs whose
blank line was deleted still split at the first one's marker; text typed after a marker on its
line is a new paragraph.

Writing (:func:`join_paragraphs`) normalises predictably (:func:`normalize_paragraph`): line
endings become ``\\n``, characters XML cannot hold are dropped, trailing whitespace and blank lines
inside a note are removed (the lines of a multi-paragraph tracker note stay together), anything
that looks like a marker is removed from text and author, and an author loses colons and line
breaks. So ``join(split(x)) == x`` for every block syncd wrote, and ``split(join(ps))`` gives the
normalised ``ps`` back; compare tracker text with :func:`normalize_text` applied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from syncd.connectors.cinesync.text import xml_safe

_LINK = r"[A-Za-z0-9_-]{1,64}"
_MARKER = re.compile(rf"\[syncd:(?P<link>{_LINK})(?P<by>:by)?\]")
_VALID_LINK = re.compile(rf"^{_LINK}$")
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One note in a block: its text, the syncd link id of its marker, its shown author."""

    text: str
    link: str | None = None
    author: str | None = None


def split_paragraphs(block: str) -> list[Paragraph]:
    """The notes in a cineSync notes block, in order."""
    found: list[Paragraph] = []
    for chunk in _BLANK_LINES.split(_newlines(xml_safe(block))):
        start = 0
        for match in _MARKER.finditer(chunk):
            found.append(_paragraph(chunk[start : match.start()], start > 0, match))
            start = match.end()
        rest = _lines(chunk[start:].lstrip() if start else chunk[start:])
        if rest:
            found.append(Paragraph(rest))
    return found


def join_paragraphs(paragraphs: Iterable[Paragraph]) -> str:
    """The block for ``paragraphs``, each normalised; empty ones without a link are left out."""
    parts = []
    for paragraph in paragraphs:
        p = normalize_paragraph(paragraph)
        if p.link is None:
            if p.text:
                parts.append(p.text)
            continue
        body = p.text
        if p.author is not None:
            body = f"{p.author}:" + (f" {p.text}" if p.text else "")
        marker = f"[syncd:{p.link}{':by' if p.author is not None else ''}]"
        parts.append(f"{body} {marker}" if body else marker)
    return "\n\n".join(parts)


def normalize_paragraph(paragraph: Paragraph) -> Paragraph:
    """The paragraph as :func:`split_paragraphs` will read it back after :func:`join_paragraphs`.

    An author needs a link (the marker's ``:by`` is what marks the name): without one, the name
    becomes part of the text, as a reader sees it.
    """
    link = paragraph.link
    if link is not None and not _VALID_LINK.match(link):
        raise ValueError(f"{link!r} cannot be a marker's link id (letters, digits, - and _)")
    text = normalize_text(paragraph.text)
    author = normalize_author(paragraph.author)
    if author is not None and link is None:
        return Paragraph(normalize_text(f"{author}: {text}"))
    return Paragraph(text, link, author)


def normalize_text(text: str) -> str:
    """Note text as a paragraph carries it (see the module's documentation)."""
    return _lines(_without_markers(_newlines(xml_safe(text))))


def normalize_author(author: str | None) -> str | None:
    """A name as an attribution carries it: one line, no colon, no marker; None when empty."""
    if author is None:
        return None
    name = " ".join(_without_markers(xml_safe(author)).replace(":", " ").split())
    return name or None


def _paragraph(segment: str, after_marker: bool, marker: re.Match[str]) -> Paragraph:
    text = _lines(segment.lstrip() if after_marker else segment)
    if not marker.group("by"):
        return Paragraph(text, marker.group("link"))
    head, colon, rest = text.partition(":")
    if not colon or "\n" in head:
        return Paragraph(text, marker.group("link"))
    rest = rest[1:] if rest.startswith(" ") else rest
    return Paragraph(rest, marker.group("link"), normalize_author(head))


def _lines(text: str) -> str:
    """Trailing whitespace and blank lines removed; the first line's indentation kept."""
    return "\n".join(line.rstrip() for line in text.split("\n") if line.strip())


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _without_markers(text: str) -> str:
    while True:
        cleaned = _MARKER.sub("", text)
        if cleaned == text:
            return text
        text = cleaned
