"""Taking in what cineSync sends an event script: its live session and the frames it saved.

The live session is what a reviewer sees in cineSync now, not the session file: it may hold
other media (a session opened with ``merge``), and it never shows the markers syncd wrote into
the file after it was opened. So only the notes and drawings of media the file already has (by
syncd's id in their ``userData``) are taken, merged with the file as :mod:`.merge` says; the
frames cineSync saved for them become those frames' images; the file is written; and what came
in is counted for the event's one-line answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from syncd.connectors.cinesync.endpoint import CineSyncEndpoint
from syncd.connectors.cinesync.merge import merge
from syncd.connectors.cinesync.model import Session
from syncd.connectors.cinesync.saved_frames import find_saved_frames
from syncd.connectors.cinesync.sheet import Sheet, read_sheet


@dataclass
class TakenIn:
    """Note ids new, edited and removed by the event, images made, what was left out."""

    new: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    images: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            _count(len(self.new), "new note"),
            _count(len(self.edited), "edit"),
            _count(len(self.removed), "removal"),
            _count(self.images, "frame image"),
        ]
        shown = [p for p in parts if p]
        return ", ".join(shown) if shown else "no change"


def take_in(
    endpoint: CineSyncEndpoint,
    live: Session,
    save_dir: Path | None = None,
    save_format: str | None = None,
) -> TakenIn:
    """Merge ``live`` into the endpoint's session file and write it."""
    sheet = endpoint.current()
    before = _contents(endpoint, sheet)
    images = _images(sheet)
    theirs = read_sheet(live)
    saved = None
    if save_dir is not None:
        names = {e.name for e in theirs.items()}
        saved = {n: find_saved_frames(save_dir, n, save_format=save_format) for n in names}
    merged = merge(theirs, sheet, whole=False)
    endpoint.adopt(merged, saved)
    after = _contents(endpoint, merged)
    return TakenIn(
        new=[k for k in after if k not in before],
        edited=[k for k in after if k in before and after[k] != before[k]],
        removed=[k for k in before if k not in after],
        images=len(_images(merged) - images),
        warnings=list(merged.warnings),
    )


def _contents(endpoint: CineSyncEndpoint, sheet: Sheet) -> dict[str, object]:
    return {n.id: n.content for n in endpoint.notes_of(sheet)}


def _images(sheet: Sheet) -> set[str]:
    return {f.image for e in sheet.items() if e.data for f in e.data.frames.values()}


def _count(n: int, what: str) -> str:
    return "" if n == 0 else f"{n} {what}{'' if n == 1 else 's'}"
