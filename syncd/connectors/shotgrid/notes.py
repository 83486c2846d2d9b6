"""ShotGrid notes written: Notes, Replies and the files of a Note.

A Note's files are Attachments linked to it (``upload("Note", id, path)``, read back through
``Note.attachments``); a Reply holds none, so a reply's files stay with it elsewhere. The Note
goes first and each file after it, every create sent once (after a lost answer the Note, or the
Attachment, is looked for before anything is sent again); a file taken off a note is deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from syncd.connectors import notetext
from syncd.connectors.base import Endpoint
from syncd.connectors.shotgrid import ShotGridSettings
from syncd.connectors.shotgrid.authors import SUDO_REFUSED, Authors
from syncd.connectors.shotgrid.batch import CREATED_FIELDS, NoteRequest, create_batch
from syncd.connectors.shotgrid.client import Fields, ShotGridCalls
from syncd.connectors.shotgrid.connection import Connector
from syncd.connectors.shotgrid.review import Review
from syncd.connectors.shotgrid.rows import (
    NOTE,
    NOTE_FIELDS,
    REPLY,
    REPLY_FIELDS,
    Queries,
    as_read,
    files_of,
    link,
    note_from_row,
    note_id,
    note_item,
    split_note_id,
    subject_for,
)
from syncd.core.model import Attachment, LocalMedia, NewNote, Note, NoteContent, Person
from syncd.errors import NotFound, SkippableError, SyncdError


class ShotGridNotes(Endpoint):
    """The note writes of the ShotGrid endpoint (the endpoint holds the connection)."""

    calls: ShotGridCalls
    queries: Queries
    fields: Fields
    project_id: int
    _known: Review | None
    _users: dict[str, dict[str, Any] | None]
    _versions: dict[str, tuple[str, dict[str, Any] | None]]
    _sudo: dict[str, ShotGridCalls]
    _threads: dict[str, str]
    """Reply id -> the id of the Note it hangs on, for Replies this endpoint wrote or looked up."""
    authors: Authors
    settings: ShotGridSettings
    connector: Connector
    sleep: Any

    def playlist_id(self) -> int:
        raise NotImplementedError

    def _item(self, version_id: int) -> Any:
        raise NotImplementedError

    # -- creating ------------------------------------------------------------------------------
    def create_note(self, note: NewNote) -> Note:
        user = self._author(note.author)
        content = notetext.render(note.text, author=None if user else note.author, frame=note.frame)
        if note.parent is not None:
            return self._create_reply(note, content, user)
        code, task = self._version(note.item)
        data: dict[str, Any] = {
            "project": link("Project", self.project_id),
            "subject": subject_for(code, note.text),
            "content": content,
            "note_links": [link("Version", note.item), link("Playlist", self.playlist_id())],
        }
        if task:
            data["tasks"] = [link("Task", task["id"])]
        where = ["note_links", "is", link("Version", note.item)]
        row = self._create(
            NOTE, data, user, note, lambda: self._find_created(NOTE, content, where, user)
        )
        files = tuple(self._attach(int(row["id"]), a) for a in note.attachments if a.path)
        return note_from_row(as_read(row, data, user), NOTE, note.item, files=files)

    def _create_reply(self, note: NewNote, content: str, user: dict[str, Any] | None) -> Note:
        assert note.parent is not None
        _, parent = split_note_id(self._thread_note(note.parent))
        data: dict[str, Any] = {"entity": link(NOTE, parent), "content": content}
        where = ["entity", "is", link(NOTE, parent)]
        row = self._create(
            REPLY, data, user, note, lambda: self._find_created(REPLY, content, where, user)
        )
        made = note_from_row(as_read(row, data, user), REPLY, note.item, f"{NOTE}:{parent}")
        return self._threaded(made)

    def _create(
        self,
        kind: str,
        data: dict[str, Any],
        user: dict[str, Any] | None,
        note: NewNote,
        landed: Any,
    ) -> dict[str, Any]:
        """Create a Note or Reply as its author where the mode says so (see ``authors``)."""
        if user is None:
            return dict(self.calls.create(kind, data, CREATED_FIELDS, landed=landed))
        author = link("HumanUser", user["id"])
        data["user"] = author
        if note.created is not None:
            data["created_at"] = note.created
        if self.authors.sudo and user.get("login"):
            try:
                return dict(
                    self._sudo_calls(str(user["login"])).create(
                        kind, data, CREATED_FIELDS, landed=landed
                    )
                )
            except SkippableError as exc:
                if SUDO_REFUSED not in str(exc):
                    raise
                self.authors.give_up_sudo(str(exc).split(": ", 1)[-1])
        data["created_by"] = author
        return dict(self.calls.create(kind, data, CREATED_FIELDS, landed=landed))

    def create_notes(self, notes: list[NewNote]) -> list[Note | Exception]:
        """Notes and Replies in one ``batch`` request (see ``batch``). A note with files, or
        one posted as its author through ``sudo_as_login``, cannot ride in a batch: it goes on
        its own, as ``create_note`` sends it."""
        out: list[Note | Exception | None] = [None] * len(notes)
        asks: list[NoteRequest | Exception] = []
        batched: list[int] = []
        for n, note in enumerate(notes):
            try:
                if note.attachments or self._needs_sudo(note):
                    out[n] = self.create_note(note)
                    continue
                asks.append(self._request(note))
            except SyncdError as exc:
                out[n] = exc
                continue
            batched.append(n)
        for n, made in zip(batched, create_batch(self.calls, asks, self.name), strict=True):
            out[n] = made
        return [m if m is not None else SkippableError(f"{self.name}: not written") for m in out]

    def _needs_sudo(self, note: NewNote) -> bool:
        user = self._author(note.author)
        return bool(user and self.authors.sudo and user.get("login"))

    def _request(self, note: NewNote) -> NoteRequest:
        """What ``create_note`` would send for ``note`` on the script's own connection, as a
        request a batch can carry."""
        user = self._author(note.author)
        content = notetext.render(note.text, author=None if user else note.author, frame=note.frame)
        if note.parent is not None:
            _, parent = split_note_id(self._thread_note(note.parent))
            data: dict[str, Any] = {"entity": link(NOTE, parent), "content": content}
            kind, where = REPLY, ["entity", "is", link(NOTE, parent)]
            thread: str | None = f"{NOTE}:{parent}"
        else:
            code, task = self._version(note.item)
            data = {
                "project": link("Project", self.project_id),
                "subject": subject_for(code, note.text),
                "content": content,
                "note_links": [link("Version", note.item), link("Playlist", self.playlist_id())],
            }
            if task:
                data["tasks"] = [link("Task", task["id"])]
            kind, where, thread = NOTE, ["note_links", "is", link("Version", note.item)], None
        if user is not None:
            author = link("HumanUser", user["id"])
            data["user"] = data["created_by"] = author
            if note.created is not None:
                data["created_at"] = note.created
        return NoteRequest(
            kind,
            data,
            lambda: self._find_created(kind, content, where, user),
            lambda row: self._threaded(
                note_from_row(as_read(row, data, user), kind, note.item, thread)
            ),
        )

    def _sudo_calls(self, login: str) -> ShotGridCalls:
        """A connection that acts as ``login`` (``sudo_as_login``), one per person."""
        calls = self._sudo.get(login)
        if calls is None:
            calls = self._sudo[login] = ShotGridCalls(
                self.name,
                f"systems.{self.name}",
                Connector(self.settings, sudo_as_login=login, site=self.connector),
                retry=self.settings.retry,
                fields=self.fields,
                secrets=self.settings.secrets,
                sleep=self.sleep,
            )
        return calls

    def _find_created(
        self, kind: str, content: str, where: list[Any], user: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        known = self._known.notes if self._known else {}
        by = int(user["id"]) if user else None
        return self.queries.find_created(kind, content, where, known, by)

    def authorship(self) -> str:
        return self.authors.describe(f"systems.{self.name}")

    def _author(self, author: Person | None) -> dict[str, Any] | None:
        """The HumanUser to post as, or None: the note is then attributed in its text (and a
        person ShotGrid has not is reported, never guessed)."""
        if author is None or not self.authors.as_author:
            return None
        user = self._human(author)
        if user is None:
            self.unplaced.append(author)
        return user

    def expected_note(self, note: NewNote) -> NewNote:
        """ShotGrid threads are one level deep (a reply to a Reply answers its Note), and a
        Reply holds no files."""
        if note.parent is None:
            return note
        note = replace(note, attachments=())
        if not note.parent.startswith(REPLY + ":"):
            return note
        return replace(note, parent=self._thread_note(note.parent))

    def expected_content(self, content: NoteContent, note_id: str | None = None) -> NoteContent:
        if note_id is not None and note_id.startswith(REPLY + ":"):
            return replace(content, attachments=())
        return content

    def _thread_note(self, parent: str) -> str:
        """The Note a reply goes under: replies are flat in ShotGrid, so a reply to a Reply
        answers that Reply's Note."""
        kind, native = split_note_id(parent)
        if kind == NOTE:
            return parent
        known = self._known.notes.get(parent) if self._known else None
        if known is not None and known.parent is not None:
            return known.parent
        if parent in self._threads:
            return self._threads[parent]
        rows = self.queries.by_ids(REPLY, [native], ["entity"])
        if not rows or not rows[0].get("entity"):
            raise NotFound(f"{self.name}: Reply {native} does not exist")
        self._threads[parent] = note_id(NOTE, int(rows[0]["entity"]["id"]))
        return self._threads[parent]

    def _threaded(self, note: Note) -> Note:
        """A Reply just written: the Note it hangs on is remembered (a Reply never moves)."""
        if note.id.startswith(REPLY + ":") and note.parent is not None:
            self._threads[note.id] = note.parent
        return note

    def _human(self, author: Person | None) -> dict[str, Any] | None:
        """The HumanUser with the author's login (a people: row may give one) or e-mail."""
        if author is None or not (author.email or author.login):
            return None
        field, value = ("login", author.login) if author.login else ("email", author.email)
        key = f"{field}:{str(value).casefold()}"
        if key not in self._users:
            rows = self.queries.find(
                "HumanUser", [[field, "is", value]], ["email", "name", "login"]
            )
            self._users[key] = min(rows, key=lambda r: r["id"]) if rows else None
        return self._users[key]

    def _version(self, item_id: str) -> tuple[str, dict[str, Any] | None]:
        if item_id not in self._versions:
            self._item(int(item_id))
        return self._versions[item_id]

    # -- files ---------------------------------------------------------------------------------
    def _attach(self, native: int, att: Attachment) -> Attachment:
        """Upload one file onto Note ``native``, once: a lost answer is looked for first."""
        assert att.path is not None and att.sha256
        before = {a.token for a in self._files_on(native)}

        def landed() -> int | None:
            for held in self._files_on(native):
                if held.token not in before and (held.filename, held.size) == (
                    att.filename,
                    att.size,
                ):
                    return int(held.token or 0)
            return None

        attachment_id = self.calls.upload_once(
            NOTE,
            native,
            str(att.path),
            landed=landed,
            attempts=self.media_attempts,
            display_name=att.filename,
        )
        return Attachment(att.filename, att.sha256, str(attachment_id), att.size, att.mime)

    def _files_on(self, native: int) -> tuple[Attachment, ...]:
        rows = self.queries.by_ids(NOTE, [native], ["attachments"])
        if not rows:
            raise NotFound(f"{self.name}: Note {native} does not exist")
        return files_of(rows[0], self.queries.files(rows))

    def fetch_attachment(self, attachment: Attachment, dest_dir: Path) -> LocalMedia:
        token = str(attachment.token or "")
        if not token.isdigit():
            raise NotFound(f"{self.name}: attachment {attachment.filename!r} has no id")
        return self._download(token, attachment.filename, dest_dir)

    def _download(self, token: str, filename: str, dest_dir: Path) -> LocalMedia:
        name = Path(filename or f"attachment-{token}").name
        # the attachment's id first: two downloads into one folder never meet
        path = dest_dir / f"{token}-{name}"
        self.calls.download_attachment({"type": "Attachment", "id": int(token)}, str(path))
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        return LocalMedia(path, digest.hexdigest(), name, path.stat().st_size)

    # -- editing -------------------------------------------------------------------------------
    def update_note(self, note_id: str, content: NoteContent) -> Note:
        text, frame = content.text, content.frame
        kind, native = split_note_id(note_id)
        names = NOTE_FIELDS if kind == NOTE else REPLY_FIELDS
        rows = self.queries.by_ids(kind, [native], ["content"])
        if not rows:
            raise NotFound(f"{self.name}: {kind} {native} does not exist")
        _, author, _ = notetext.parse(rows[0].get("content") or "")
        body = notetext.render(text, author=author, frame=frame)
        self.calls.update(kind, native, {"content": body})
        sent: dict[str, str | None] = {}
        if kind == NOTE:
            keep = {a.token for a in content.attachments if a.path is None}
            for held in self._files_on(native):
                if held.token not in keep:
                    self.calls.delete("Attachment", int(held.token or 0))
            for att in content.attachments:
                if att.path is not None:
                    uploaded = self._attach(native, att)
                    sent[str(uploaded.token)] = uploaded.sha256
        rows = self.queries.by_ids(kind, [native], names)
        if not rows:
            raise NotFound(f"{self.name}: {kind} {native} does not exist")
        note = self._note(kind, rows[0], note_id)
        files = tuple(replace(a, sha256=sent.get(str(a.token))) for a in note.attachments)
        return replace(note, attachments=files)

    def _note(self, kind: str, row: dict[str, Any], note_id: str) -> Note:
        known = self._known.notes.get(note_id) if self._known else None
        if kind == REPLY:
            parent = f"{NOTE}:{row['entity']['id']}"
            item = known.item if known else self._known_item(parent)
            return note_from_row(row, REPLY, item, parent)
        versions = self._known.items if self._known else {}
        item = note_item(row, versions) or (known.item if known else "")
        return note_from_row(row, NOTE, item, files=files_of(row, self.queries.files([row])))

    def _known_item(self, parent: str) -> str:
        note = self._known.notes.get(parent) if self._known else None
        if note is None:
            raise SkippableError(f"{self.name}: {parent} is not in the review any more")
        return note.item

    def delete_note(self, note_id: str) -> None:
        kind, native = split_note_id(note_id)
        self.calls.delete(kind, native)
