"""A Version's movie and thumbnail, uploaded so that no half-made Attachment stays behind."""

from __future__ import annotations

from typing import Any

from syncd.connectors.shotgrid.client import Fields, ShotGridCalls
from syncd.connectors.shotgrid.rows import link
from syncd.core.model import LocalMedia
from syncd.errors import SyncdError

THUMBNAIL_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".webp"})
"""Pictures that are their own thumbnail when no poster frame was made for them."""


class VersionMovies:
    def __init__(self, calls: ShotGridCalls, fields: Fields) -> None:
        self.calls = calls
        self.fields = fields

    def upload(self, version_id: int, media: LocalMedia, attempts: int) -> None:
        """The movie into the media field, then its thumbnail into ``image``.

        An upload is tried up to ``attempts`` times; after a failed attempt the field is read
        before sending again (an attempt whose answer was lost counts as done). Any other
        Attachment the upload made (a lost answer's copy) is deleted afterwards, all of them
        when the upload failed, so that no half-made file stays on the Version.
        """
        before = self.attachments_of(version_id)

        def landed() -> int | None:
            row = self.calls.find_one("Version", [["id", "is", version_id]], [self.fields.media])
            held = (row or {}).get(self.fields.media)
            held_id = held.get("id") if isinstance(held, dict) else None
            known = before or set()
            return int(held_id) if held_id is not None and int(held_id) not in known else None

        try:
            held = self.calls.upload(
                "Version",
                version_id,
                str(media.path),
                landed=landed,
                attempts=attempts,
                field_name=self.fields.media,
                display_name=media.filename,
            )
        except SyncdError as exc:
            dropped = self.drop_attachments(version_id, before)
            if dropped:
                many = len(dropped) > 1
                raise type(exc)(
                    f"{exc}; the Attachment{'s' if many else ''} "
                    f"{', '.join(map(str, dropped))} it left half made "
                    f"{'were' if many else 'was'} deleted"
                ) from exc
            raise
        if before is not None:
            self.drop_attachments(version_id, before | {int(held)})
        # ShotGrid's ``image``: the small picture made once for the media (a movie's poster
        # frame), never the whole file
        thumbnail = media.thumbnail
        if thumbnail is None and media.path.suffix.lower() in THUMBNAIL_SUFFIXES:
            thumbnail = media.path
        if thumbnail is not None:
            self.calls.upload_thumbnail("Version", version_id, str(thumbnail))

    def attachments_of(self, version_id: int) -> set[int] | None:
        """Ids of the Attachments linked to a Version (None when the site cannot say)."""
        try:
            rows: list[dict[str, Any]] = self.calls.find(
                "Attachment", [["attachment_links", "is", link("Version", version_id)]], ["id"]
            )
        except SyncdError:
            return None
        return {int(r["id"]) for r in rows}

    def drop_attachments(self, version_id: int, keep: set[int] | None) -> list[int]:
        """Delete the Attachments of a Version that are not in ``keep``; the ids deleted."""
        if keep is None:
            return []
        extra = sorted((self.attachments_of(version_id) or set()) - keep)
        dropped = []
        for attachment_id in extra:
            try:
                self.calls.delete("Attachment", attachment_id)
            except SyncdError:
                continue  # best effort: the upload's own failure is what gets reported
            dropped.append(attachment_id)
        return dropped
