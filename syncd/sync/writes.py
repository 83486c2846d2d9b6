"""Each planned action as remote writes, checked against what the system answers.

``Writes.prepare`` resolves an action's native ids and returns what the journal must know
before the write is sent (the intent) and the call that sends it. Sending returns the state
facts the write established, computed from the system's answer, never from what was asked:

* a create or an edit that the system holds differently from what was asked (a reply that
  landed as a top-level note, a status the create call ignored) is repaired with one follow-up
  write where that can help, and otherwise taken back (a note) or recorded as not yet in
  agreement (an item's status, an order), and reported: ``LandedWrong``;
* the journal's intent lets the next run recognise a note whose answer never arrived (a lost
  answer, a killed process) even if the system put it somewhere other than asked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from syncd.connectors.base import Endpoint
from syncd.core.actions import (
    Action,
    Bind,
    CreateItem,
    CreateNote,
    DeleteItem,
    DeleteNote,
    Record,
    SetMedia,
    SetOrder,
    SetStatus,
    StateChange,
    Unbind,
    UpdateNote,
)
from syncd.core.fingerprints import (
    media_fingerprint,
    note_fingerprint,
    status_fingerprint,
    words_fingerprint,
)
from syncd.core.model import Attachment, Item, LocalMedia, NewItem, NewNote, Note, NoteContent
from syncd.core.people import PeopleTable
from syncd.core.policy import Policy
from syncd.core.recorded import ORDER_LINK
from syncd.core.statuses import StatusTable
from syncd.core.verify import content_mismatch, note_mismatch, order_mismatch
from syncd.errors import NotFound, SkippableError, SyncdError
from syncd.sync.media import MediaBroker
from syncd.sync.natives import Natives
from syncd.sync.notefiles import NoteFiles, same_words
from syncd.sync.prepared import LandedWrong, Prepared


@dataclass
class Writes:
    """The handlers of one run: they know the mapping's endpoints, status table and ids, and
    the run's media broker (which knows media by content)."""

    endpoints: dict[str, Endpoint]
    statuses: StatusTable
    policy: Policy
    natives: Natives
    media: MediaBroker
    people: PeopleTable = field(default_factory=PeopleTable)
    _handlers: dict[type, Callable[..., Prepared]] = field(init=False, repr=False)
    files: NoteFiles = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.files = NoteFiles(self.media)
        self._handlers = {
            CreateItem: self._create_item,
            SetStatus: self._set_status,
            SetMedia: self._set_media,
            UpdateNote: self._update_note,
            DeleteNote: self._delete,
            DeleteItem: self._delete,
            SetOrder: self._set_order,
        }

    def prepare(self, action: Action, riding: Mapping[str, str | None] | None = None) -> Prepared:
        """``action`` ready to send; ``riding``: the notes going before it in the same batch
        (link -> parent link), whose ids a reply on flat threads does not need."""
        endpoint = self.endpoints[action.endpoint]
        if isinstance(action, CreateNote):
            return self._create_note(endpoint, action, riding or {})
        return self._handlers[type(action)](endpoint, action)

    # -- items ---------------------------------------------------------------------------------
    def _status_record(self, ep: str, link: str, item: Item, gen: int) -> Record:
        canonical = self.statuses.to_canonical(ep, item.status)
        return Record(link, ep, "status", status_fingerprint(canonical), gen)

    def _status_holds(self, ep: str, item: Item, canonical: str) -> bool:
        return self.statuses.to_canonical(ep, item.status) == canonical

    def _create_item(self, endpoint: Endpoint, action: CreateItem) -> Prepared:
        ep = action.endpoint
        status = None
        if action.status is not None:
            status = self.statuses.to_native(ep, action.status)
        fetched = bool(action.media_source and action.media_item is not None)

        def checked(created: Item, media: LocalMedia | None) -> list[StateChange]:
            """The state facts of the item the system made, checked against what was asked."""
            changes: list[StateChange] = [Bind(action.link, "item", ep, created.id)]
            problems = []
            if media is not None:
                if created.media is None:
                    problems.append("the new item shows no media")
                else:
                    what = f"media of {action.item.name!r}"
                    self.media.uploaded(ep, created.media.token, media, what)
                    fp = media_fingerprint(ep, replace(created.media, sha256=media.sha256))
                    changes.append(Record(action.link, ep, "media", fp, action.media_gen))
            if status is not None and action.status is not None:
                if not self._status_holds(ep, created, action.status):
                    # the create call did not take the status: one follow-up write
                    with contextlib.suppress(SkippableError):
                        created = endpoint.set_status(created.id, status)
                if self._status_holds(ep, created, action.status):
                    changes.append(self._status_record(ep, action.link, created, action.status_gen))
                else:
                    stale = max(0, action.status_gen - 1)
                    changes.append(self._status_record(ep, action.link, created, stale))
                    problems.append(
                        f"its status is {created.status!r}, not {status!r}, even after setting "
                        "it again"
                    )
            if problems:
                raise LandedWrong(
                    f"{ep}: item {action.item.name!r} was created, but {'; '.join(problems)}; "
                    "the next run tries again",
                    changes,
                )
            return changes

        def send() -> list[StateChange]:
            media = None
            what = f"media of {action.item.name!r}"
            if fetched and action.media_source and action.media_item is not None:
                media = self._fetch(ep, action.media_source, action.media_item, what)
            new = NewItem(name=action.item.name, link=action.link, status=status, media=media)
            with self._upload_reported(ep, what, media is not None):
                created = endpoint.create_item(new)
            return checked(created, media)

        if fetched:  # its media is fetched and uploaded on its own
            return Prepared(send)
        new = NewItem(name=action.item.name, link=action.link, status=status)
        return Prepared(send, item=new, made=lambda created: checked(created, None))

    def _set_status(self, endpoint: Endpoint, action: SetStatus) -> Prepared:
        ep = action.endpoint
        native_status = self.statuses.to_native(ep, action.status)
        if native_status is None:
            raise SkippableError(
                f"the status table has no {ep} value in the row "
                f"{self.statuses.label(action.status)}; add one to sync this status"
            )
        item_id = self.natives.require(action.link, ep, "item")

        def send() -> list[StateChange]:
            item = endpoint.set_status(item_id, native_status)
            if not self._status_holds(ep, item, action.status):
                stale = self._status_record(ep, action.link, item, max(0, action.gen - 1))
                raise LandedWrong(
                    f"{ep}: the status of item {item_id} reads {item.status!r} after setting it "
                    f"to {native_status!r}; the next run tries again",
                    [stale],
                )
            return [self._status_record(ep, action.link, item, action.gen)]

        return Prepared(send)

    def _set_media(self, endpoint: Endpoint, action: SetMedia) -> Prepared:
        ep = action.endpoint
        item_id = self.natives.require(action.link, ep, "item")

        def send() -> list[StateChange]:
            what = f"media of {action.source_item.name!r}"
            media = self._fetch(ep, action.source, action.source_item, what)
            with self._upload_reported(ep, what):
                item = endpoint.set_media(item_id, media)
            if item.media is None:
                self.media.refused(ep, what, "the item shows no media after the upload")
                raise LandedWrong(f"{ep}: item {item_id} shows no media after the upload")
            self.media.uploaded(ep, item.media.token, media, what)
            fp = media_fingerprint(ep, replace(item.media, sha256=media.sha256))
            return [Record(action.link, ep, "media", fp, action.gen)]

        return Prepared(send)

    def _fetch(self, ep: str, source: str, item: Item, what: str) -> LocalMedia:
        """The source's media, checked; a refusal is in the transfer report of ``ep``."""
        try:
            return self.media.fetch(source, item)
        except SkippableError as exc:
            message = f"{what}: {exc}"
            self.media.refused(ep, what, message)
            raise SkippableError(message) from exc

    @contextlib.contextmanager
    def _upload_reported(self, ep: str, what: str, uploading: bool = True) -> Iterator[None]:
        """A failed upload (after its last attempt, and the connector's clean-up) is in the
        transfer report, with the reason."""
        try:
            yield
        except (SyncdError, NotImplementedError) as exc:
            if uploading:
                self.media.refused(ep, what, str(exc))
            raise

    def _set_order(self, endpoint: Endpoint, action: SetOrder) -> Prepared:
        ep = action.endpoint
        pairs = [(link, self.natives.get(link, ep)) for link in action.links]
        present = [(link, native) for link, native in pairs if native is not None]
        asked = [native for _, native in present]
        link_of = {native: link for link, native in present}

        def send() -> list[StateChange]:
            held = endpoint.set_order(asked)
            order = [link_of[n] for n in held if n in link_of]
            fp = "\n".join(order)
            mismatch = order_mismatch(asked, held)
            if mismatch:
                stale = Record(ORDER_LINK, ep, "order", fp, max(0, action.gen - 1))
                raise LandedWrong(f"{ep}: reordering did not hold ({mismatch})", [stale])
            return [Record(ORDER_LINK, ep, "order", fp, action.gen)]

        return Prepared(send)

    def _answered(
        self, endpoint: Endpoint, action: CreateNote, riding: Mapping[str, str | None]
    ) -> str | None:
        """The link of the note a reply goes under: its parent, or where threads are flat and
        the parent rides in the same batch, not yet made, the note that one goes under (the
        thread's first note has landed: the schedule waits for it)."""
        link = action.parent_link
        if not endpoint.capabilities.flat_threads:
            return link
        while (
            link is not None and link in riding and self.natives.get(link, action.endpoint) is None
        ):
            link = riding[link]
        return link

    def _delete(self, endpoint: Endpoint, action: DeleteNote | DeleteItem) -> Prepared:
        """Already gone counts as deleted: a tombstone only has to make sure of it."""
        native = self.natives.get(action.link, action.endpoint)
        remove = endpoint.delete_note if isinstance(action, DeleteNote) else endpoint.delete_item

        def send() -> list[StateChange]:
            if native is not None:
                with contextlib.suppress(NotFound):
                    remove(native)
            return [Unbind(action.link, action.endpoint)]

        return Prepared(send)

    # -- notes ---------------------------------------------------------------------------------
    def _create_note(
        self, endpoint: Endpoint, action: CreateNote, riding: Mapping[str, str | None]
    ) -> Prepared:
        ep = action.endpoint
        item = self.natives.require(action.item_link, ep, "item")
        parent = None
        if action.parent_link is not None:
            parent = self.natives.require(self._answered(endpoint, action, riding), ep, "note")
        asked = NewNote.from_note(action.note, item=item, link=action.link, parent=parent)
        asked = replace(asked, author=self.people.translate(asked.author, action.source, ep))
        expected = endpoint.expected_note(asked)
        intent = {
            "item": expected.item,
            "parent": expected.parent,
            "fp": note_fingerprint(expected.content),
            "words": words_fingerprint(expected.content),
            "gen": action.gen,
        }

        def finish(answer: Note) -> list[StateChange]:
            note = self.files.landed(ep, answer)
            bind = Bind(
                action.link, "note", ep, note.id, item=action.item_link, parent=action.parent_link
            )
            mismatch = note_mismatch(expected, note)
            files_only = mismatch is not None and _only_files_differ(expected, note)
            if files_only and endpoint.capabilities.can_edit_notes:
                # the note landed, some of its files did not: send those once more
                note = self._rewrite(endpoint, note, expected.content, action.source)
                mismatch = note_mismatch(expected, note)
            if mismatch is None:
                fp = note_fingerprint(note.content)
                return [bind, Record(action.link, ep, "content", fp, action.gen)]
            if files_only:
                # Its words are there, its files are not, and it could not be repaired: keep
                # it linked but behind, so the next run sends the files, never the note again.
                stale = Record(
                    action.link, ep, "content", note_fingerprint(note.content), action.gen - 1
                )
                raise LandedWrong(
                    f"{ep}: the note was written but {mismatch}; the next run sends its files "
                    "again",
                    [bind, stale],
                )
            try:
                endpoint.delete_note(note.id)
            except SyncdError as exc:
                # It cannot be taken back: keep it linked so that it is never written twice.
                stale = Record(
                    action.link, ep, "content", note_fingerprint(note.content), action.gen - 1
                )
                raise LandedWrong(
                    f"{ep}: the note landed differently from what was written ({mismatch}) "
                    f"and could not be removed again ({exc}); fix it by hand",
                    [bind, stale],
                ) from None
            raise LandedWrong(
                f"{ep}: the note landed differently from what was written ({mismatch}); "
                "it was removed again so that nothing wrong stays there"
            )

        def send() -> list[StateChange]:
            files = self.files.outgoing(
                endpoint, action.source, asked.attachments, expected.attachments
            )
            return finish(endpoint.create_note(replace(asked, attachments=files)))

        # a note with files has them fetched and sent on its own; one without may ride in a batch
        return Prepared(send, intent, None if asked.attachments else asked, finish)

    def _rewrite(self, endpoint: Endpoint, note: Note, content: NoteContent, source: str) -> Note:
        """Edit ``note`` (as held, files hashed) to ``content``, sending only the files it
        lacks; the answer as written, files hashed."""
        return self._edit(endpoint, note.id, content, note.attachments, source)

    def _edit(
        self,
        endpoint: Endpoint,
        note_id: str,
        content: NoteContent,
        held: tuple[Attachment, ...],
        source: str,
    ) -> Note:
        holdable = endpoint.expected_content(content, note_id).attachments
        files = self.files.outgoing(endpoint, source, content.attachments, holdable, held)
        written = endpoint.update_note(note_id, replace(content, attachments=files))
        return self.files.landed(endpoint.name, written, held)

    def _update_note(self, endpoint: Endpoint, action: UpdateNote) -> Prepared:
        ep = action.endpoint
        note_id = self.natives.require(action.link, ep, "note")
        expected = endpoint.expected_content(action.content, note_id)

        def send() -> list[StateChange]:
            note = self._edit(endpoint, note_id, action.content, action.held, action.source)
            fp = note_fingerprint(note.content)
            mismatch = content_mismatch(expected, note.content)
            if mismatch:
                stale = Record(action.link, ep, "content", fp, max(0, action.gen - 1))
                raise LandedWrong(
                    f"{ep}: the edit did not hold ({mismatch}); the next run tries again", [stale]
                )
            return [Record(action.link, ep, "content", fp, action.gen)]

        return Prepared(send)


def _only_files_differ(expected: NewNote, note: Note) -> bool:
    return (
        note.item == expected.item
        and note.parent == expected.parent
        and same_words(expected.content, note.content)
    )
