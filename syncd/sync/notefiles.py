"""The files of the notes a run writes: fetched from where they come from, kept where they are.

A note's attachments are known by their content. Before a note is written, each file it must
carry is matched by hash against what the target already holds (``UpdateNote.held``): a file
held there is named by its token there and never sent again; a new one is fetched once from its
source (the content-addressed cache first) and checked against the target's size limit. A file
the target cannot hold (SyncSketch holds none; a ShotGrid Reply neither) travels without bytes,
for the connector to mention in words. After the write, each uploaded file is remembered under
the token the target gave it, and every file of the answer gets its hash, so the answer can be
checked against what was asked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from syncd.connectors.base import Endpoint
from syncd.core.fingerprints import words_fingerprint
from syncd.core.model import Attachment, Note, NoteContent
from syncd.errors import SkippableError
from syncd.sync.media import MediaBroker


@dataclass
class NoteFiles:
    media: MediaBroker

    def outgoing(
        self,
        endpoint: Endpoint,
        source: str,
        wanted: Iterable[Attachment],
        holdable: Iterable[Attachment],
        held: Iterable[Attachment] = (),
    ) -> tuple[Attachment, ...]:
        """The files to hand the connector: held ones by their token there, new ones with a
        local copy, ones it cannot hold (not in ``holdable``) as they are."""
        pool: dict[str, list[Attachment]] = {}
        for att in held:
            if att.sha256:
                pool.setdefault(att.sha256, []).append(att)
        room = Counter(a.sha256 or a.token for a in holdable)
        out: list[Attachment] = []
        for att in wanted:
            key = att.sha256 or att.token
            if room[key] <= 0:
                out.append(replace(att, path=None))  # cannot be held there: mentioned in words
                continue
            room[key] -= 1
            kept = pool.get(att.sha256 or "")
            if kept:
                out.append(replace(kept.pop(), path=None))
                continue
            local = named_by_content(self.media.fetch_attachment(source, att))
            self._check_size(endpoint, local)
            out.append(local)
        return tuple(out)

    def landed(self, ep: str, note: Note, held: Iterable[Attachment] = ()) -> Note:
        """The note as written: uploads remembered, every file with its hash where known."""
        if not note.attachments:
            return note
        before = {a.token for a in held}
        files = []
        for att in note.attachments:
            if att.sha256 and att.token and att.token not in before:
                self.media.attached(ep, att)
            files.append(self.media.known(ep, att))
        return replace(note, attachments=tuple(files))

    @staticmethod
    def _check_size(endpoint: Endpoint, att: Attachment) -> None:
        limit = endpoint.max_attachment_size
        if limit is None or att.size is None or att.size <= limit:
            return
        raise SkippableError(
            f"{endpoint.name}: attachment {att.filename!r} is {human_size(att.size)}, over the "
            f"{human_size(limit)} a file may be there (systems.{endpoint.name}."
            "max_attachment_size); the note waits until the file is smaller or the limit raised"
        )


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF8", "gif"),
    (b"%PDF", "pdf"),
)


def named_by_content(att: Attachment) -> Attachment:
    """A file whose name has no extension (a picture syncd made of a drawing) gets the one
    its first bytes call for, so every system shows it for what it is."""
    if "." in att.filename or att.path is None:
        return att
    with att.path.open("rb") as handle:
        head = handle.read(16)
    ext = next((e for magic, e in _MAGIC if head.startswith(magic)), None)
    return replace(att, filename=f"{att.filename}.{ext}") if ext else att


def same_words(expected: NoteContent, got: NoteContent) -> bool:
    """The same text and frame: whatever differs is the files."""
    return words_fingerprint(expected) == words_fingerprint(got)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")
