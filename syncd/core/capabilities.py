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
    has_cursor: bool = False
    """Snapshots can be incremental: built from the previous one plus a change feed."""
    stores_links: bool = False
    """Created objects carry syncd's link id, so a crash between write and record is harmless."""

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

    @classmethod
    def everything(cls, **overrides: bool) -> Capabilities:
        """Every capability a review can have (the change feed and stored links aside)."""
        flags = {f.name: True for f in fields(cls) if f.name not in ("has_cursor", "stores_links")}
        return cls(**{**flags, **overrides})
