"""Kitsu comment attachments: how Zou lists them, names them, takes and serves them.

Zou lists a task's comments with every attachment of the thread in ``attachment_files``, a
reply's ones marked with its ``reply_id``. Files go up as multipart parts, one field each, with
the comment or reply that carries them, or later onto a comment (never onto a reply) through
``add-attachment``; they come down from ``/data/attachment-files/<id>/file/<name>``. Zou keeps
an extension of at most 6 characters (a longer one fails half way through the request), so such
a file is sent with ``.bin`` added; its bytes, by which syncd knows it, do not change.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Sequence
from typing import Any

from syncd.connectors.kitsu.api import FormFile
from syncd.core.model import Attachment

MAX_EXTENSION = 6
MAX_NAME = 250


def attachments_of(
    comment: dict[str, Any], base_url: str, reply: str | None = None
) -> tuple[Attachment, ...]:
    """The files of a comment (``reply`` None) or of one of its replies, in Zou's order."""
    out = []
    for row in comment.get("attachment_files") or []:
        if not isinstance(row, dict) or not row.get("id"):
            continue
        if (row.get("reply_id") or None) != reply:
            continue
        name = str(row.get("name") or row["id"])
        out.append(
            Attachment(
                filename=name,
                token=str(row["id"]),
                size=row.get("size"),
                mime=row.get("mimetype"),
                url=f"{base_url}/data/attachment-files/{row['id']}/file/{name}",
            )
        )
    return tuple(out)


def upload_name(filename: str) -> str:
    """A name Zou stores whole: an extension of at most 6 characters, 250 in all."""
    name = filename.replace("/", "_").replace("\\", "_") or "file"
    _, dot, ext = name.rpartition(".")
    if not dot or len(ext) > MAX_EXTENSION or not ext:
        name = f"{name}.bin"
    if len(name) > MAX_NAME:
        stem, _, ext = name.rpartition(".")
        name = f"{stem[: MAX_NAME - len(ext) - 1]}.{ext}"
    return name


def form_files(files: Iterable[Attachment]) -> list[FormFile]:
    out = []
    for att in files:
        assert att.path is not None, "a file to upload has a local copy"
        name = upload_name(att.filename)
        kind = att.mime or mimetypes.guess_type(name)[0] or "application/octet-stream"
        out.append(FormFile(att.path, name, att.sha256, kind))
    return out


def hashed(answered: Sequence[Attachment], sent: Sequence[Attachment]) -> tuple[Attachment, ...]:
    """The files Zou answered, those syncd just sent given their hash (matched by the name
    they were sent under, then by size), so they are never hashed or sent again."""
    waiting = list(sent)
    out = []
    for att in answered:
        match = next(
            (s for s in waiting if upload_name(s.filename) == att.filename),
            None,
        ) or next((s for s in waiting if s.size is not None and s.size == att.size), None)
        if match is None:
            out.append(att)
            continue
        waiting.remove(match)
        out.append(
            Attachment(
                filename=att.filename,
                sha256=match.sha256,
                token=att.token,
                size=att.size if att.size is not None else match.size,
                mime=att.mime,
                url=att.url,
            )
        )
    return tuple(out)
