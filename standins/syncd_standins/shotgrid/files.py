"""Files on the stand-in site: the upload forms, Attachments and the bytes behind them.

A site without direct cloud uploads takes files as multipart forms (``/upload/upload_file``,
``/upload/publish_thumbnail``) and serves them from ``/file_serve/attachment/<id>``; this is
the path the client takes against the stand-in. ``Files`` (mixed into ``ShotGridStore``) stores
the bytes as Attachments linked to their entity; ``Uploads`` (mixed into ``ShotGridStandIn``)
answers the forms and checks the session cookie of downloads.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from typing import TYPE_CHECKING, Any

from syncd_standins.shotgrid.schema import EntityDef, Link, ShotGridFault

if TYPE_CHECKING:
    from syncd_standins.shotgrid.store import ShotGridStore


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Split a ``multipart/form-data`` body into text fields and ``(filename, bytes)`` files."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return {}, {}
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in body.split(b"--" + match.group(1).encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        disposition = next(
            (
                line
                for line in head.decode("utf-8").split("\r\n")
                if line.lower().startswith("content-disposition")
            ),
            "",
        )
        name = re.search(r'name="([^"]*)"', disposition)
        filename = re.search(r'filename="([^"]*)"', disposition)
        if not name:
            continue
        if filename:
            files[name.group(1)] = (filename.group(1), content)
        else:
            fields[name.group(1)] = content.decode("utf-8")
    return fields, files


class Files:
    """Attachments and their bytes in ``ShotGridStore``."""

    schema: dict[str, EntityDef]
    lock: threading.RLock
    _rows: dict[str, dict[int, dict[str, Any]]]
    _files: dict[int, tuple[bytes, str]]

    def attach_file(
        self,
        entity_type: str,
        entity_id: int,
        data: bytes,
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
        """Store uploaded bytes as an Attachment and link it as ``upload``/``upload_thumbnail``."""
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
            data_fields: dict[str, Any] = {
                "filename": filename,
                "file_size": len(data),
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
            att_row["this_file"] = {**link_value, "id": att["id"]}
            self._files[att["id"]] = (data, ctype)
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

    def file_bytes(self, attachment_id: int) -> tuple[bytes, str] | None:
        """Uploaded bytes and content type of an Attachment (also serves thumbnails)."""
        with self.lock:
            return self._files.get(int(attachment_id))

    def thumbnail_attachment(self, entity_type: str, entity_id: int) -> int | None:
        with self.lock:
            row = self._rows.get(entity_type, {}).get(int(entity_id))
            return row.get("image") if row else None


class Uploads:
    """The upload forms and the download check of ``ShotGridStandIn``."""

    store: ShotGridStore
    _sessions: dict[str, Link]

    def upload(self, fields: dict[str, str], files: dict[str, Any], thumbnail: bool) -> str:
        """Handle ``/upload/upload_file`` and ``/upload/publish_thumbnail`` forms."""
        try:
            user = self.authenticate(fields)
            key = "thumb_image" if thumbnail else "file"
            if key not in files:
                raise ShotGridFault(f"missing '{key}' in the upload form")
            filename, data = files[key]
            field_name = fields.get("field_name")
            if thumbnail and fields.get("filmstrip") in ("True", "true", "1"):
                field_name = "filmstrip_image"
            attachment_id = self.store.attach_file(
                fields.get("entity_type", ""),
                int(fields.get("entity_id") or 0),
                data,
                filename,
                field_name=field_name,
                display_name=fields.get("display_name"),
                tag_list=fields.get("tag_list"),
                created_at=fields.get("created_at"),
                user=user,
                thumbnail=thumbnail,
            )
        except (ShotGridFault, ValueError) as exc:
            return f"0\n{getattr(exc, 'message', exc)}\n"
        return f"1:{attachment_id}\n"

    def session_valid(self, cookie_header: str | None) -> bool:
        """A wrong session cookie is refused; a missing one is let through.

        The client's cookie jar does not send its ``_session_id`` cookie to a ``host:port`` or
        dotless host such as this server's, so requiring it would make downloads impossible.
        """
        match = re.search(r"_session_id=([^;\s]+)", cookie_header or "")
        return match is None or match.group(1).strip('"') in self._sessions
