"""Files on the stand-in site: the upload forms, Attachments and the bytes behind them.

A hosted site has the client PUT a movie to a signed storage URL (in 20 MB parts above that
size), then link it (``/upload/api_get_upload_link_info``, ``..._for_part``,
``/upload/api_complete_multipart_upload``, ``/upload/api_link_file``); the stand-in plays the
storage too, at ``/storage/<upload>[/part/<n>]``. Other files (thumbnails, a note's
attachments), and every file on a site without direct uploads, come as multipart forms
(``/upload/upload_file``, ``/upload/publish_thumbnail``). All of them stream to disk. Files are
served from ``/file_serve/attachment/<id>``. ``Files`` (mixed into ``ShotGridStore``) stores
the bytes as Attachments linked to their entity; ``Uploads`` (mixed into ``ShotGridStandIn``)
answers the forms and checks the session cookie of downloads.
"""

from __future__ import annotations

import mimetypes
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncd_standins.shotgrid.schema import EntityDef, Link, ShotGridFault

if TYPE_CHECKING:
    from syncd_standins.shotgrid.store import ShotGridStore


class Files:
    """Attachments and their bytes in ``ShotGridStore``."""

    schema: dict[str, EntityDef]
    lock: threading.RLock
    _rows: dict[str, dict[int, dict[str, Any]]]
    _files: dict[int, tuple[Path, str]]
    files_dir: Path
    spool: Path

    def attach_file(
        self,
        entity_type: str,
        entity_id: int,
        source: Path,
        filename: str,
        *,
        field_name: str | None = None,
        display_name: str | None = None,
        content_type: str | None = None,
        tag_list: str | None = None,
        created_at: Any = None,
        user: Any = None,
        thumbnail: bool = False,
    ) -> int:
        """Keep an uploaded file (moved from the spool, copied from elsewhere) as an Attachment
        and link it as ``upload``/``upload_thumbnail`` do."""
        with self.lock:
            owner = self._row(entity_type, entity_id, "upload")
            target_field = (field_name or "image") if thumbnail else field_name
            if target_field is not None:
                fdef = self.field_def(entity_type, target_field, "upload")
                wanted = "image" if thumbnail else "url"
                if fdef.data_type != wanted:
                    raise ShotGridFault(
                        f"API upload() {entity_type}.{target_field} is not a file/link field"
                    )
            ctype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
            link_value = {
                "link_type": "upload",
                "name": display_name or filename,
                "content_type": ctype,
                "type": "Attachment",
            }
            size = Path(source).stat().st_size
            data_fields: dict[str, Any] = {
                "filename": filename,
                "file_size": size,
                "sg_type": "Thumbnail" if thumbnail else "File",
                "attachment_links": [{"type": entity_type, "id": entity_id}],
            }
            if owner.get("project"):
                data_fields["project"] = {"type": "Project", "id": owner["project"][1]}
            if tag_list:
                data_fields["tag_list"] = tag_list
            if created_at:
                data_fields["created_at"] = created_at
            att = self.create("Attachment", data_fields, user=user)
            att_row = self._rows["Attachment"][att["id"]]
            self._touch("Attachment", att["id"])
            att_row["this_file"] = {**link_value, "id": att["id"]}
            kept = self.files_dir / f"{att['id']}-{Path(filename).name or 'file'}"
            if Path(source).parent == self.spool:
                os.replace(source, kept)
            else:
                shutil.copyfile(source, kept)
            self._files[att["id"]] = (kept, ctype)
            if target_field is not None:
                fdef = self.schema[entity_type].fields[target_field]
                old = owner.get(target_field)
                owner[target_field] = att["id"] if thumbnail else dict(att_row["this_file"])
                owner["updated_at"] = self.now()
                owner["updated_by"] = self._principal(user)
                self._change_event(
                    (entity_type, entity_id),
                    fdef,
                    self._principal(user),
                    False,
                    old=old,
                    new=owner[target_field],
                )
            return att["id"]

    def file_path(self, attachment_id: int) -> tuple[Path, str] | None:
        """Where an Attachment's file is kept, and its content type (thumbnails too)."""
        with self.lock:
            return self._files.get(int(attachment_id))

    def file_bytes(self, attachment_id: int) -> tuple[bytes, str] | None:
        """An Attachment's whole file and content type (for tests)."""
        found = self.file_path(attachment_id)
        return None if found is None else (found[0].read_bytes(), found[1])

    def thumbnail_attachment(self, entity_type: str, entity_id: int) -> int | None:
        with self.lock:
            row = self._rows.get(entity_type, {}).get(int(entity_id))
            return row.get("image") if row else None


@dataclass
class DirectUpload:
    """A file being PUT to storage: one part (0) or numbered parts until completed."""

    filename: str
    parts: dict[int, Path] = field(default_factory=dict)


def _true(value: str | None) -> bool:
    return value in ("True", "true", "1")


class Uploads:
    """The upload forms, the direct (storage URL) uploads and the download check of
    ``ShotGridStandIn``."""

    store: ShotGridStore
    _sessions: dict[str, Link]
    _direct: dict[str, DirectUpload]
    _uploads_lock: threading.Lock

    def upload(self, fields: dict[str, str], files: dict[str, Any], thumbnail: bool) -> str:
        """Handle ``/upload/upload_file`` and ``/upload/publish_thumbnail`` forms (their files
        already on disk: ``syncd_standins.bodies.UploadedFile``)."""
        try:
            user = self.authenticate(fields)
            key = "thumb_image" if thumbnail else "file"
            if key not in files:
                raise ShotGridFault(f"missing '{key}' in the upload form")
            return self._link(fields, files[key].path, files[key].filename, user, thumbnail)
        except (ShotGridFault, ValueError) as exc:
            return f"0\n{getattr(exc, 'message', exc)}\n"

    def _link(
        self, fields: dict[str, str], source: Path, filename: str, user: Link, thumbnail: bool
    ) -> str:
        field_name = fields.get("field_name")
        if thumbnail and fields.get("filmstrip") in ("True", "true", "1"):
            field_name = "filmstrip_image"
        attachment_id = self.store.attach_file(
            fields.get("entity_type", ""),
            int(fields.get("entity_id") or 0),
            source,
            filename,
            field_name=field_name,
            display_name=fields.get("display_name"),
            tag_list=fields.get("tag_list"),
            created_at=fields.get("created_at"),
            user=user,
            thumbnail=thumbnail,
        )
        return f"1:{attachment_id}\n"

    # -- direct uploads: a signed storage URL (here on the stand-in itself), then a link ------
    def upload_link_info(self, fields: dict[str, str], base_url: str) -> str:
        """``/upload/api_get_upload_link_info``: where to PUT the file (or its parts)."""
        try:
            self.authenticate(fields)
        except ShotGridFault as exc:
            return f"0\n{exc.message}\n"
        upload_id = secrets.token_hex(8)
        upload_type = fields.get("upload_type") or "Attachment"
        stamp = str(int(time.time()))
        with self._uploads_lock:
            self._direct[upload_id] = DirectUpload(fields.get("filename") or "file")
        url = "" if _true(fields.get("multipart_upload")) else f"{base_url}/storage/{upload_id}"
        return f"1\n{url}\n{stamp}\n{upload_type}\n{upload_id}\n"

    def upload_part_link(self, fields: dict[str, str], base_url: str) -> str:
        """``/upload/api_get_upload_link_for_part``: the URL of part ``part_number``."""
        upload_id, part = fields.get("upload_id", ""), fields.get("part_number", "")
        if upload_id not in self._direct or not part.isdigit():
            return "0\nno such upload\n"
        return f"1\n{base_url}/storage/{upload_id}/part/{int(part)}\n"

    def stored(self, upload_id: str, part: int | None, path: Path) -> str | None:
        """A PUT to a storage URL landed in ``path``: its ETag, or None for no such upload."""
        with self._uploads_lock:
            upload = self._direct.get(upload_id)
            if upload is None:
                return None
            old = upload.parts.pop(part or 0, None)
            upload.parts[part or 0] = path
        if old is not None:
            old.unlink(missing_ok=True)
        return f'"{upload_id}-{part or 0}"'

    def complete_multipart(self, fields: dict[str, str]) -> str:
        """``/upload/api_complete_multipart_upload``: the parts, in order, become the file."""
        with self._uploads_lock:
            upload = self._direct.get(fields.get("upload_id", ""))
        etags = [e for e in (fields.get("etags") or "").split(",") if e]
        if upload is None or not upload.parts or len(etags) != len(upload.parts):
            return "0\nparts missing\n"
        whole = self.store.spool / f"whole-{secrets.token_hex(8)}"
        with whole.open("wb") as out:
            for number in sorted(upload.parts):
                with upload.parts[number].open("rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
                upload.parts[number].unlink()
        upload.parts = {0: whole}
        return "1\n"

    def link_file(self, fields: dict[str, str]) -> str:
        """``/upload/api_link_file``: the stored file becomes an Attachment of the entity."""
        try:
            user = self.authenticate(fields)
            lines = (fields.get("upload_link_info") or "").split("\n")
            upload_id = lines[4] if len(lines) > 4 else ""
            with self._uploads_lock:
                upload = self._direct.pop(upload_id, None)
            if upload is None or 0 not in upload.parts or len(upload.parts) != 1:
                raise ShotGridFault("the file was not uploaded to storage")
            thumbnail = len(lines) > 3 and lines[3] == "Thumbnail"
            return self._link(fields, upload.parts[0], upload.filename, user, thumbnail)
        except (ShotGridFault, ValueError) as exc:
            return f"0\n{getattr(exc, 'message', exc)}\n"

    def session_valid(self, cookie_header: str | None) -> bool:
        """A wrong session cookie is refused; a missing one is let through.

        The client's cookie jar does not send its ``_session_id`` cookie to a ``host:port`` or
        dotless host such as this server's, so requiring it would make downloads impossible.
        """
        match = re.search(r"_session_id=([^;\s]+)", cookie_header or "")
        return match is None or match.group(1).strip('"') in self._sessions
