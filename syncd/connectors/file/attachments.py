"""The files of a review file's notes: listed under ``attachments:`` by their path from the
review file's folder; files from other systems are copied to ``attachments/``, named by the
start of their content hash, and a copy no note lists any more is deleted once the file is
saved without it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from syncd.connectors.file.document import Doc, attachment_name, sha256_file
from syncd.core.model import Attachment, LocalMedia
from syncd.errors import SkippableError

SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class NoteFiles:
    def __init__(self, folder: Path, review_file: Path) -> None:
        self.folder = folder
        self.copies = folder / "attachments"
        self.review_file = review_file
        self._dropped: set[str] = set()
        """Copies a note dropped this run (deleted once saved, if no note lists them)."""

    def read(self, entry: Any) -> Attachment:
        """The attachment an ``attachments:`` entry (a path, or a mapping) names."""
        data = entry if isinstance(entry, dict) else {"file": entry}
        rel = str(data["file"])
        sha = data.get("sha256")
        size = None
        if not sha:
            sha, size = sha256_file(self.folder / rel)
        name = data.get("name") or attachment_name(rel, str(sha))
        return Attachment(str(name), str(sha), rel, size)

    def entries(self, held_note: dict[str, Any], wanted: tuple[Attachment, ...]) -> list[Any]:
        """A note's ``attachments:`` entries: new files copied in, held ones kept by path."""
        held = {self.read(e).token: e for e in listed(held_note)}
        out = []
        for att in wanted:
            if att.path is not None:
                out.append(self._copy(att))
            elif att.token in held:
                out.append(held.pop(att.token))
        self._dropped.update(str(gone) for gone in held)
        return out

    def _copy(self, att: Attachment) -> dict[str, Any]:
        """A file from elsewhere, copied beside the review under the start of its hash."""
        assert att.path is not None and att.sha256
        self.copies.mkdir(parents=True, exist_ok=True)
        target = self.copies / f"{att.sha256[:12]}-{SAFE.sub('_', att.filename)}"
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".part")
            shutil.copyfile(att.path, tmp)
            os.replace(tmp, target)
        entry: dict[str, Any] = {"file": str(target.relative_to(self.folder))}
        if attachment_name(entry["file"], att.sha256) != att.filename:
            entry["name"] = att.filename
        entry["sha256"] = att.sha256
        return entry

    def saved(self, doc: Doc) -> None:
        """The file is saved as ``doc``: delete the copies syncd made that no note lists."""
        kept = {str(self.read(e).token) for _, n, _ in doc.walk_notes() for e in listed(n)}
        for gone in self._dropped - kept:
            path = self.folder / gone
            if path.parent == self.copies:
                path.unlink(missing_ok=True)
        self._dropped.clear()

    def fetch(self, attachment: Attachment) -> LocalMedia:
        source = self.folder / str(attachment.token)
        if not source.is_file():
            raise SkippableError(f"{self.review_file}: attachment file {source} is missing")
        sha, size = sha256_file(source)
        return LocalMedia(source, sha, attachment.filename, size)


def listed(note: dict[str, Any]) -> list[Any]:
    files = note.get("attachments")
    return files if isinstance(files, list) else []
