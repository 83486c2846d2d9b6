"""What an endpoint can do, as the planner needs to know it.

Every write defaults to "can't": an endpoint says what it can, and the connector contract
(``tests/connectors/contract.py``) checks that what it says matches the methods it implements,
so a forgotten flag fails a test, never a user's run.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Capabilities:
    can_create_items: bool = False
    can_create_notes: bool = False
    can_edit_notes: bool = False
    can_delete: bool = False
    """Items and notes alike (as tombstones propagate)."""
    can_reorder: bool = False
    has_statuses: bool = False
    """Items carry a review status that syncd reads and sets."""
    has_media: bool = False
    """Items carry media that syncd downloads and uploads."""
    has_attachments: bool = False
    """Notes carry files (paint-overs, flattened sketches) that syncd downloads and writes."""
    reply_attachments: bool = False
    """Replies carry files too (ShotGrid hangs files on the Note, never on a Reply)."""
    flat_threads: bool = False
    """A reply to a reply goes under the thread's first note (ShotGrid's Replies hang on a
    Note): a reply needs only that note's id, not its parent's."""
    has_cursor: bool = False
    """Snapshots can be incremental: built from the previous one plus a change feed."""
    stores_links: bool = False
    """Created objects carry syncd's link id, so a crash between write and record is harmless."""
    drawings: str = ""
    """The name prefix of the pictures the endpoint makes of its own drawings (SyncSketch's
    flattened sketches, Kitsu's annotations), which are all it says about attachments when it
    cannot hold files: an edit from it replaces those and keeps every other file elsewhere."""

    @property
    def read_only(self) -> bool:
        """Nothing can be written there."""
        return not (
            self.can_create_items
            or self.can_create_notes
            or self.can_edit_notes
            or self.can_delete
            or self.can_reorder
            or self.has_statuses
            or self.has_media
        )

    def holds_attachments(self, reply: bool) -> bool:
        """Whether a note (a reply when ``reply``) written there keeps its files."""
        return self.has_attachments and (self.reply_attachments or not reply)

    @classmethod
    def everything(cls, **overrides: bool | str) -> Capabilities:
        """Every capability a review can have (the change feed, stored links and flat
        threads aside)."""
        flags: dict[str, bool | str] = {
            f.name: True
            for f in fields(cls)
            if f.type == "bool" and f.name not in ("has_cursor", "stores_links", "flat_threads")
        }
        return cls(**{**flags, **overrides})  # type: ignore[arg-type]
