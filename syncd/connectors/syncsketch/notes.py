"""SyncSketch notes written: comment frames and replies, and who syncd is there.

A comment holds no files: those of a note from elsewhere are named after its words, with where
to open them (``notetext.with_files``), and read back as the words alone. Creating requests are
sent once; after a failure the frame it may have made is looked for first.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from syncd.connectors import notetext
from syncd.connectors.base import Endpoint
from syncd.connectors.syncsketch import convert
from syncd.connectors.syncsketch.api import SyncSketchApi, item_uri, revision_uri
from syncd.core.model import Attachment, NewNote, Note, NoteContent, Person
from syncd.errors import SkippableError


class SyncSketchNotes(Endpoint):
    """The note writes of the SyncSketch endpoint (the endpoint holds the review)."""

    api: SyncSketchApi
    _me: dict[str, Any] | None
    _frames: dict[str, dict[str, Any]]
    sketch_files: dict[str, tuple[Attachment, ...]]
    """Frame id -> the picture of its sketch, as the last snapshot named it."""

    @property
    def review_id(self) -> int:
        raise NotImplementedError

    def _revision(self, item_id: str) -> Any:
        raise NotImplementedError

    # -- notes ---------------------------------------------------------------------------------
    def create_note(self, note: NewNote) -> Note:
        body: dict[str, Any] = {
            "item": item_uri(note.item),
            "revision": revision_uri(self._revision(note.item)),
            "frame": convert.frame_out(note.frame),
            "type": "comment",
            "text": notetext.with_files(
                self._outgoing_text(note.text, note.author), self._named(note.attachments)
            ),
        }
        if note.parent is not None:
            body.update(convert.parent_fields(note.parent))
        raw = self.api.create_once(
            lambda: self.api.create_frame(body, retry=False),
            lambda: self._find_created_frame(note.item, body),
        )
        raw = self._complete_frame(raw, note.item, body)
        created = convert.note(raw)
        if note.parent is not None and created.parent != note.parent:
            # the service kept neither form of the parent: say it once more, by PATCH
            raw = self._complete_frame(
                self.api.patch_frame(str(raw["id"]), convert.parent_fields(note.parent)),
                note.item,
                body,
            )
            created = convert.note(raw)
        self._frames[created.id] = raw
        return created

    def expected_note(self, note: NewNote) -> NewNote:
        """SyncSketch has no frameless notes: those (and frame 1) read back as no frame. Its
        comments hold no files (they are named in the text instead); a sketch holds the
        picture of its drawing."""
        frame = note.frame if note.frame is not None and note.frame > 1 else None
        own = tuple(a for a in note.attachments if convert.is_sketch_file(a))
        return replace(note, frame=frame, attachments=own)

    def expected_content(self, content: NoteContent, note_id: str | None = None) -> NoteContent:
        frame = content.frame if content.frame is not None and content.frame > 1 else None
        own = tuple(a for a in content.attachments if convert.is_sketch_file(a))
        return replace(content, frame=frame, attachments=own)

    @staticmethod
    def _named(files: tuple[Attachment, ...]) -> list[Attachment]:
        """The files a note lists in its text: all but the pictures of SyncSketch's sketches."""
        return [a for a in files if not convert.is_sketch_file(a)]

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        current = self._frames.get(note_id) or self.api.frame(note_id)
        _, attributed, _ = notetext.parse(str(current.get("text") or ""))
        raw_text = notetext.with_files(
            notetext.render(content.text, author=attributed)
            if attributed is not None
            else self._outgoing_text(content.text, None),
            self._named(content.attachments),
        )
        raw = self.api.patch_frame(
            note_id, {"text": raw_text, "frame": convert.frame_out(content.frame)}
        )
        if not (isinstance(raw, dict) and "id" in raw and "text" in raw):
            raw = self.api.frame(note_id)
        self._frames[note_id] = raw
        return convert.note(raw, self.sketch_files.get(note_id, ()))

    def _complete_frame(self, raw: Any, item_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """The frame as the service holds it: an answer that does not show it is read back.

        Tastypie answers a create with an empty body unless told otherwise; a partial answer
        cannot be checked, so the frame is found (by id, or else as the one just written).
        """
        shows = isinstance(raw, dict) and all(k in raw for k in ("id", "text", "frame"))
        if shows and ("parent" not in body or "parent_id" in raw or "parent" in raw):
            return cast(dict[str, Any], raw)
        if isinstance(raw, dict) and raw.get("id") is not None:
            return self.api.frame(str(raw["id"]))
        found = self._find_created_frame(item_id, body)
        if found is None:
            raise SkippableError(
                f"{self.name}: the service accepted the note but its answer does not say which "
                "frame it made, and none could be found; the next run looks again"
            )
        return found

    def delete_note(self, note_id: str) -> None:
        self.api.patch_frame(note_id, {"active": False})
        self._frames.pop(note_id, None)

    def _outgoing_text(self, text: str, author: Person | None) -> str:
        """Attribute the note in its text when syncd's account writes it for someone else.

        Text that merely looks like a header is protected by one naming syncd's own account,
        so reading it back never strips the person's words.
        """
        if author is not None and (author.email or author.name) and not self._is_me(author):
            return notetext.render(text, author=author)
        if notetext.parse(text) != (text, None, None):
            me = self._whoami()
            return notetext.render(text, author=convert.person(me))
        return text

    def _find_created_frame(self, item_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The frame a failed POST may still have created: same item, words and frame, by syncd.

        Not matched on the parent: a service that dropped it still made the frame, and the
        caller repairs or reports the parent; matching on it would write the note twice.
        """
        words = convert.words(body["text"])
        for raw in reversed(self.api.frames(self.review_id, item__id=item_id)):
            if (
                str(raw["id"]) not in self._frames
                and convert.id_of(raw, "item") == str(item_id)
                and convert.words(raw.get("text")) == words
                and convert.frame_number(raw.get("frame")) == body["frame"]
                and self._mine(raw)
            ):
                return raw
        return None

    def authorship(self) -> str:
        return (
            "attribution: SyncSketch posts every comment as the user whose API key syncd uses, "
            "so notes by others say who wrote them in a [by Name <email>] header"
        )

    # -- who syncd is here ---------------------------------------------------------------------
    def _whoami(self) -> dict[str, Any]:
        if self._me is None:
            self._me = self.api.connected()
        return self._me

    def _is_me(self, person: Person) -> bool:
        me = self._whoami()
        if person.email:
            return person.email.casefold() == str(me.get("email") or "").casefold()
        return person.name == me.get("full_name")

    def _mine(self, raw: dict[str, Any]) -> bool:
        """Written by syncd's account; an object that does not say who wrote it may be."""
        creator = raw.get("creator")
        if isinstance(creator, dict) and creator.get("id") is not None:
            return str(creator["id"]) == str(self._whoami().get("id"))
        if creator not in (None, ""):
            return convert.id_of(creator, "person") == str(self._whoami().get("id"))
        return True
