"""Kitsu notes written: comments and replies, their words, their files, and lost answers.

A comment is posted with its files in one multipart request (Zou commits the comment before
it stores each file, so a failure half way leaves a comment with some of them: the answer is
checked, and the files it lacks are added to it); files are added to a comment later through
``add-attachment`` and removed one by one. A reply takes files only when it is posted. Every
creating request is sent once: after a lost answer, the comment or reply is looked for first.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from syncd.connectors import notetext
from syncd.connectors.kitsu.authors import Authorship, persons_by_email
from syncd.connectors.kitsu.drawings import DRAWING_PREFIX, frame_of, is_drawing, split_token
from syncd.connectors.kitsu.files import attachments_of, form_files, hashed
from syncd.connectors.kitsu.read import KitsuReader
from syncd.core.fingerprints import normalize_text
from syncd.core.model import Attachment, LocalMedia, NewNote, Note, NoteContent, Person
from syncd.errors import FatalError, NotFound, SkippableError

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class KitsuComments(KitsuReader):
    """The note writes of the Kitsu endpoint."""

    _authors: Authorship | None = None

    @property
    def authors(self) -> Authorship:
        """Who the account may post as (read once it has logged in)."""
        if self._authors is None:
            self._authors = Authorship(role=self._effective_role())
        if not self._authors.persons:
            self._authors.persons = persons_by_email(self._tables().persons)
        return self._authors

    def _effective_role(self) -> str | None:
        """The account's role on this project: a role set on its team link replaces the
        global one (admin aside), as Zou reads it."""
        me = self.api.user or {}
        role = me.get("role")
        if role == "admin":
            return role
        team = self.api.call("GET", f"/data/projects/{self._tables().project}/team", refused=[])
        for person in team if isinstance(team, list) else []:
            if isinstance(person, dict) and person.get("id") == me.get("id"):
                return person.get("project_role") or role
        return role

    def authorship(self) -> str:
        self._tables()
        return self.authors.describe(self.api.credentials.email)

    def _kitsu_person(self, person: Person) -> str | None:
        """The Kitsu person with that e-mail; the people list is read again once if need be."""
        found = self.authors.person_id(person)
        if found is None and person.email:
            self._tables().persons = self._persons()
            self.authors.persons = persons_by_email(self._tables().persons)
            found = self.authors.person_id(person)
        return found

    def _task_of(self, entity: str) -> str:
        task = self._tables().tasks.get(entity)
        if task is None:
            raise NotFound(f"{self.name}: entity {entity} is not in the playlist")
        return task

    def _entity_of(self, task: str) -> str:
        entity = next((e for e, t in self._tables().tasks.items() if t == task), None)
        if entity is None:
            raise NotFound(f"{self.name}: task {task} is not one of this playlist")
        return entity

    def _post_comment(
        self,
        task: str,
        text: str,
        status_id: str | None = None,
        files: tuple[Attachment, ...] = (),
        author: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """A comment keeps the task's current status unless told otherwise (read fresh, since
        posting a stale status would silently revert someone's change). ``author`` holds the
        ``person_id`` (and ``created_at``) to post it as."""
        if status_id is None:
            status_id = self.api.get(f"/data/tasks/{task}")["task_status_id"]
        body = {"task_status_id": status_id, "comment": text, **(author or {})}
        known = (
            {c["id"] for c in self.api.get(f"/data/tasks/{task}/comments")} if not text else None
        )
        by = (author or {}).get("person_id")

        def landed() -> dict[str, Any] | None:
            return self._find_comment(task, text, status_id, known, by)

        path = f"/actions/tasks/{task}/comment"
        if files:
            return dict(self.api.post_form_once(path, body, form_files(files), landed))
        return self.api.post_once(path, body, landed)

    def _find_comment(
        self,
        task: str,
        text: str,
        status_id: str,
        known: set[str] | None,
        by: str | None = None,
    ) -> dict[str, Any] | None:
        """The comment a POST whose answer was lost may have made: same words, by syncd (or
        by the person ``by`` it was posted as).

        A comment without words (a status change, a preview's carrier) is told apart by the
        ids the task had before it was sent.
        """
        me = (self.api.user or {}).get("id")
        writers = {p for p in (me, by) if p}
        seen = {n.id for n in self.review.notes.get(task, [])}
        for comment in self.api.get(f"/data/tasks/{task}/comments"):
            if comment["id"] in seen or (writers and comment.get("person_id") not in writers):
                continue
            if text and _same_words(comment.get("text"), text):
                return dict(comment)
            fresh = known is not None and comment["id"] not in known
            wordless = not (comment.get("text") or "").strip()
            if not text and fresh and wordless and comment.get("task_status_id") == status_id:
                return dict(comment)
        return None

    def _is_me(self, person: Person) -> bool:
        me = self.api.user or {}
        return (
            bool(person.email)
            and str(person.email).casefold() == str(me.get("email", "")).casefold()
        )

    # -- notes ---------------------------------------------------------------------------------
    def create_note(self, note: NewNote) -> Note:
        task = self._task_of(note.item)
        author = note.author if note.author is not None and not self._is_me(note.author) else None
        person = self._kitsu_person(author) if author is not None else None
        if author is not None and person is None:
            self.unplaced.append(author)  # never guessed: the note says who wrote it
        top = note.parent is None or is_drawing(note.parent)
        as_author = None
        if top and person is not None and self.authors.as_author:
            as_author = self.authors.fields(person, note.created)
        raw = notetext.render(note.text, author=None if as_author else author, frame=note.frame)
        files = tuple(a for a in note.attachments if a.path is not None)
        if as_author and not raw.strip() and not files:
            # a comment with nothing in it is no note in Kitsu: let the header carry it
            as_author = None
            raw = notetext.render(note.text, author=author, frame=note.frame)
        if not raw.strip() and not files:
            raise SkippableError(f"{self.name}: Kitsu cannot hold a note without text or files")
        base = self.api.base_url
        if top:
            # a drawing is no comment: an answer to one is a comment of its own
            attributed = notetext.render(note.text, author=author, frame=note.frame)
            # Until Zou has kept an author once, the comment also says who wrote it: should
            # Zou ignore the author, it is right as it lands, and a run cut short before the
            # header comes off leaves a comment that still reads as its author's.
            probe = as_author is not None and not self.authors.confirmed
            sent = attributed if probe else raw
            comment = self._post_comment(task, sent, files=files, author=as_author)
            if as_author is not None:
                kept = self.authors.held(comment, as_author)
                fix = raw if kept and probe else attributed if not kept and not probe else None
                if fix is not None:
                    comment = {**comment, **self._retext(comment, fix)}
            held = hashed(attachments_of(comment, base), files)
            created = self._note(note.item, comment, comment.get("text") or "", None, held)
        else:
            root = self._reply_root.get(note.parent, note.parent)
            path = f"/data/tasks/{task}/comments/{root}/reply"

            def landed() -> dict[str, Any] | None:
                return self._find_reply(root, raw)

            if files:
                sent = self.api.post_form_once(path, {"text": raw}, form_files(files), landed)
                reply = dict(sent)
            else:
                reply = self.api.post_once(path, {"text": raw}, landed)
            if "text" not in reply:  # an answer that does not show the reply: read it back
                reply = self._find_reply(root, raw) or reply
            answered = attachments_of(reply, base, str(reply.get("id")))
            held = hashed(answered, files)
            created = self._note(note.item, reply, reply.get("text") or "", root, held)
            self._reply_root[created.id] = root
        self.review.notes.setdefault(task, []).append(created)
        return created

    def _retext(self, comment: dict[str, Any], text: str) -> dict[str, Any]:
        """The comment's text made ``text``: the header taken off where Zou kept the author,
        put on where it ignored it."""
        return dict(self.api.put(f"/data/comments/{comment['id']}", {"text": text}))

    def _find_reply(self, root: str, text: str) -> dict[str, Any] | None:
        me = (self.api.user or {}).get("id")
        known = set(self._reply_root)
        comment = self.api.get(f"/data/comments/{root}")
        for reply in reversed(comment.get("replies") or []):
            if reply.get("id") in known or (me and reply.get("person_id") != me):
                continue
            if _same_words(reply.get("text"), text):
                found = dict(reply)
                task = comment.get("object_id")
                if task:  # its files are listed with the thread, not with the reply
                    thread = self._thread(str(task), root)
                    found["attachment_files"] = (thread or {}).get("attachment_files") or []
                return found
        return None

    def expected_note(self, note: NewNote) -> NewNote:
        """Kitsu threads are one level deep: a reply to a reply answers the comment, and an
        answer to a drawing is a comment of its own."""
        if note.parent is None:
            return note
        if is_drawing(note.parent):
            return replace(note, parent=None)
        return replace(note, parent=self._reply_root.get(note.parent, note.parent))

    def _thread(self, task: str, comment_id: str) -> dict[str, Any] | None:
        """The comment as the task's listing shows it: replies and every file of the thread."""
        for comment in self.api.get(f"/data/tasks/{task}/comments"):
            if comment.get("id") == comment_id:
                return dict(comment)
        return None

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        if is_drawing(note_id):
            raise SkippableError(
                f"{self.name}: a drawing on a Kitsu preview is Kitsu's own (syncd reads drawings, "
                "it does not draw): the edit made elsewhere stays there"
            )
        text, frame = content.text, content.frame
        root = self._reply_root.get(note_id)
        comment = self.api.get(f"/data/comments/{root or note_id}")
        task = str(comment["object_id"])
        entity = self._entity_of(task)
        thread = self._thread(task, root or note_id) or comment
        base = self.api.base_url
        held = attachments_of(thread, base, note_id if root else None)
        keep = {a.token for a in content.attachments if a.path is None}
        new = tuple(a for a in content.attachments if a.path is not None)
        gone = [a for a in held if a.token not in keep]
        if root is not None:
            if new or gone:
                raise SkippableError(
                    f"{self.name}: Kitsu cannot change the files of a reply once it is posted; "
                    "the reply keeps the files it has"
                )
            return self._update_reply(entity, root, note_id, text, frame)
        author = notetext.parse(comment.get("text") or "")[1]
        raw = notetext.render(text, author=author, frame=frame)
        self.api.put(f"/data/comments/{note_id}", {"text": raw})
        for att in gone:
            self.api.delete(f"/data/tasks/{task}/comments/{note_id}/attachments/{att.token}")
        sent: tuple[Attachment, ...] = ()
        if new:
            sent = self._add_files(task, note_id, new, {a.token for a in held})
        now = self._thread(task, note_id)
        if now is None:
            raise NotFound(f"{self.name}: note {note_id} no longer exists")
        hashes = {a.token: a.sha256 for a in sent}
        files = tuple(replace(a, sha256=hashes.get(a.token)) for a in attachments_of(now, base))
        updated = self._note(entity, now, now.get("text") or "", None, files)
        self._remember(task, updated)
        return updated

    def _add_files(
        self, task: str, comment_id: str, files: tuple[Attachment, ...], before: set[str | None]
    ) -> tuple[Attachment, ...]:
        """Files added to a comment; their answer (only the new ones) with their hashes."""
        base = self.api.base_url

        def landed() -> list[dict[str, Any]] | None:
            thread = self._thread(task, comment_id) or {}
            rows = [
                r
                for r in thread.get("attachment_files") or []
                if r.get("id") not in before and not r.get("reply_id")
            ]
            return rows if len(rows) >= len(files) else None

        path = f"/actions/tasks/{task}/comments/{comment_id}/add-attachment"
        rows = self.api.post_form_once(path, {}, form_files(files), landed)
        listed = rows if isinstance(rows, list) else []
        answered = attachments_of({"attachment_files": listed}, base)
        return hashed(answered, files)

    def _update_reply(
        self, entity: str, root: str, note_id: str, text: str, frame: int | None
    ) -> Note:
        comment = self.api.get(f"/data/comments/{root}")
        replies = [
            {k: v for k, v in r.items() if k != "person"} for r in comment.get("replies") or []
        ]
        target = next((r for r in replies if r.get("id") == note_id), None)
        if target is None:
            raise NotFound(f"{self.name}: reply {note_id} no longer exists")
        target["text"] = notetext.render(
            text, author=notetext.parse(target.get("text") or "")[1], frame=frame
        )
        answer = self.api.put(f"/data/comments/{root}", {"replies": replies})
        held = answer.get("replies") if isinstance(answer, dict) else None
        if not isinstance(held, list):
            held = self.api.get(f"/data/comments/{root}").get("replies") or []
        stored = next((r for r in held if r.get("id") == note_id), None)
        if stored is None:
            raise NotFound(f"{self.name}: reply {note_id} no longer exists")
        thread = self._thread(str(comment["object_id"]), root) or {}
        files = attachments_of(thread, self.api.base_url, note_id)
        return self._note(entity, stored, stored.get("text") or "", root, files)

    def _remember(self, task: str, note: Note) -> None:
        notes = self.review.notes.get(task)
        if notes is not None:
            self.review.notes[task] = [note if n.id == note.id else n for n in notes]

    def delete_note(self, note_id: str) -> None:
        if is_drawing(note_id):
            raise SkippableError(
                f"{self.name}: a drawing on a Kitsu preview is removed in Kitsu, not by syncd"
            )
        root = self._reply_root.get(note_id)
        if root is None:
            self.api.delete(f"/data/comments/{note_id}")
            return
        comment = self.api.get(f"/data/comments/{root}")
        self.api.delete(f"/data/tasks/{comment['object_id']}/comments/{root}/reply/{note_id}")

    # -- files ---------------------------------------------------------------------------------
    def fetch_attachment(self, attachment: Attachment, dest_dir: Path) -> LocalMedia:
        if is_drawing(attachment.token):
            return self._render(attachment, dest_dir)
        if not attachment.token:
            raise NotFound(f"{self.name}: attachment {attachment.filename!r} has no id")
        name = quote(attachment.filename, safe="")
        path = f"/data/attachment-files/{attachment.token}/file/{name}"
        tmp, sha, size = self.api.download(path, dest_dir)
        final = dest_dir / f"{sha[:16]}-{_SAFE.sub('_', attachment.filename)}"
        os.replace(tmp, final)
        return LocalMedia(final, sha, attachment.filename, size)

    def _render(self, attachment: Attachment, dest_dir: Path) -> LocalMedia:
        """The picture of a drawing: its strokes over that frame of the preview."""
        from syncd.media.drawings import render_drawing
        from syncd.media.hashing import hash_file

        preview_id, when = split_token(str(attachment.token))
        preview = self.api.get(f"/data/preview-files/{preview_id}")
        entry = next((e for e in preview.get("annotations") or [] if e.get("time") == when), None)
        objects = ((entry or {}).get("drawing") or {}).get("objects") or []
        if not objects:
            raise NotFound(f"{self.name}: the drawing {attachment.filename!r} was removed")
        frame = frame_of(when, self._tables().fps)
        background = self._frame_picture(preview, frame, dest_dir)
        size = (int(preview["width"]), int(preview["height"])) if preview.get("width") else None
        out = dest_dir / f"{DRAWING_PREFIX}{frame:04}-{preview_id[:8]}.png"
        try:
            render_drawing(objects, out, background=background, size=size)
        finally:
            if background is not None:
                background.unlink(missing_ok=True)
        digest = hash_file(out)
        return LocalMedia(out, digest.sha256, attachment.filename, digest.size)

    def _frame_picture(self, preview: dict[str, Any], frame: int, dest_dir: Path) -> Path | None:
        """That frame of the preview as a picture: the picture itself, or the movie's frame as
        Zou extracts it (a manager's right); None when neither can be had."""
        extension = str(preview.get("extension") or "").lower()
        if extension in ("png", "jpg", "jpeg"):
            path = f"/pictures/originals/preview-files/{preview['id']}.png"
            params = None
        elif extension == "mp4":
            path = f"/actions/preview-files/{preview['id']}/extract-frame"
            params = {"frame_number": frame}
        else:
            return None
        try:
            tmp, _, _ = self.api.download(path, dest_dir, params=params)
        except (SkippableError, FatalError):
            return None
        return tmp


def _same_words(stored: Any, sent: str) -> bool:
    return normalize_text(str(stored or "")) == normalize_text(sent)
