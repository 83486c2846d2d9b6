"""The connector boundary: a handful of methods and the capabilities that say which of them work.

An ``Endpoint`` is one review in one system (a Kitsu playlist, a SyncSketch review). The engine
asks it for a snapshot, then applies canonical changes object by object (up to
``write_concurrency`` at once, never two writes to one object together); each write returns
the object as the system now holds it (from the system's answer, or read back), never an echo of
what was asked, so the engine can check the write and record exactly what the system shows.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from syncd.core.capabilities import Capabilities
from syncd.core.model import (
    Attachment,
    Item,
    LocalMedia,
    NewItem,
    NewNote,
    Note,
    NoteContent,
    Person,
    Snapshot,
)
from syncd.errors import FatalError

MALFORMED = (KeyError, IndexError, TypeError, AttributeError, ValueError)
"""What reading an answer of the wrong shape raises (a list where an object was expected)."""


def unexpected_answer(endpoint: str, exc: Exception) -> FatalError:
    """A read that broke on the shape of what a server sent: a per-mapping error in words."""
    return FatalError(
        f"{endpoint}: cannot read the review: an answer of the server is not in the shape syncd "
        f"expects ({exc.__class__.__name__}: {str(exc)[:120]}); check the system's url (rerun "
        "with --log-level debug for the details)"
    )


class Endpoint(ABC):
    """One review in one system. Subclasses read top to bottom as "theirs to ours and back"."""

    capabilities: Capabilities = Capabilities()
    media_attempts: int = 3
    """Tries of each upload (``media.attempts``); after the last one the endpoint deletes what
    the upload half made before the failure is reported."""
    write_concurrency: int = 1
    """Writes the engine may have in flight on this endpoint at once (the system's
    ``concurrency``). Connectors that cannot take concurrent writes (a file) keep 1; those that
    raise it guard what their writes share (a playlist's entry list, a client per thread)."""
    note_batch: int = 0
    """Notes the system can create in one request (``create_notes``); 0 when it has no batch
    call that keeps a write checkable (one that fails whole, or says per note what it made)."""
    item_batch: int = 0
    """Items the system can create in one request (``create_items``): items without media,
    each with its status; 0 when it has no such batch call."""
    max_attachment_size: int | None = None
    """The largest file a note may carry there, in bytes (None: no limit syncd knows of)."""
    dry_run: bool = False
    """Set by ``syncd plan`` and ``syncd check`` before anything else is asked of the endpoint:
    it must not change anything, not even housekeeping or creating the review it selects."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.would: list[str] = []
        """What a dry run skipped that a real run would do first ("would create review 'X'")."""
        self.hold_housekeeping = False
        """Set for the engine: what a read must save (a review file's new ids) waits for
        ``settle``, so a run that fails reading another side leaves this one untouched."""
        self.unplaced: list[Person] = []
        """Authors a write could not post as (no such person there): the note carries a
        visible attribution instead, and the engine warns about each in the run's report."""
        self.posters: Callable[[Path, str], Path | None] | None = None
        """Set by the runtime: a still picture (a poster frame) of a local media file whose
        content is the given SHA-256, made once and cached by ``syncd.media``, or None when none
        can be made. A connector that draws over a media's picture (cineSync's drawings) uses
        it; connectors cannot reach ``syncd.media`` themselves."""
        self.warnings: list[str] = []
        """What the last read found and could not sync (a cineSync group movie, a session's own
        notes): the engine reports each as a warning of the run, so nothing is left out
        silently."""

    def settle(self) -> None:  # noqa: B027 - optional hook, most connectors save nothing on read
        """Every endpoint of the mapping was read: save what the reads held back."""

    def expect_creates(self, names: list[str]) -> None:  # noqa: B027 - optional hook
        """The names of the items this run will create here, before any is created: a
        connector that looks up what exists in order to recognise a create whose answer was
        lost may look them all up at once. A failure here must only cost that saving."""

    def flush(self) -> None:  # noqa: B027 - optional hook, most systems save as they go
        """The run's writes are all sent: save what the endpoint kept back.

        Called by the engine once per run, after it has applied the plan (all of it, up to a
        stop between writes, or up to a failure) and before it saves the snapshots; an error
        raised here is reported as the endpoint's failure of the run. A connector that keeps the
        review in one file (a review file, a cineSync session) applies a run's writes in memory
        and saves the file here, once; every write must still be durable when it is answered
        (the engine records it as done), so such a connector logs each one until this is called.
        """

    # -- reading -------------------------------------------------------------------------------
    @abstractmethod
    def snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        """The whole review. With ``previous`` (and ``has_cursor``) it may be built incrementally.

        Must raise rather than return an empty or partial snapshot when the system fails.
        """

    def check(self) -> str:
        """Cheap connectivity and rights check; returns a one-line description of the review."""
        snap = self.snapshot()
        return f"{len(snap.items)} items, {len(snap.notes)} notes"

    def fetch_attachment(self, attachment: Attachment, dest_dir: Path) -> LocalMedia:
        """Download a note's attachment into ``dest_dir`` (streamed, hashed on the way), or
        render it (a drawing) there."""
        raise NotImplementedError(f"{type(self).__name__} cannot download attachments")

    def fetch_media(self, item: Item, dest_dir: Path) -> LocalMedia:
        """Download the item's media into ``dest_dir`` (streamed, never held in memory)."""
        raise NotImplementedError(f"{type(self).__name__} cannot download media")

    # -- writing -------------------------------------------------------------------------------
    def create_item(self, item: NewItem) -> Item:
        raise NotImplementedError(f"{type(self).__name__} cannot create items")

    def create_items(self, items: list[NewItem]) -> list[Item | Exception]:
        """Create several items, none with media, in one request (``item_batch`` of them at
        most), in their order: per item, the item as the system holds it, or why it was not
        made. A request whose answer is lost must be looked for, as ``create_item`` looks for
        one, so that nothing is made twice."""
        raise NotImplementedError(f"{type(self).__name__} cannot create items in batches")

    def set_status(self, item_id: str, status: str) -> Item:
        raise NotImplementedError(f"{type(self).__name__} cannot set statuses")

    def set_media(self, item_id: str, media: LocalMedia) -> Item:
        raise NotImplementedError(f"{type(self).__name__} cannot upload media")

    def set_order(self, item_ids: list[str]) -> list[str]:
        """Put the items in this order; returns the order the system holds now (all its items)."""
        raise NotImplementedError(f"{type(self).__name__} cannot reorder items")

    def delete_item(self, item_id: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} cannot delete items")

    def create_note(self, note: NewNote) -> Note:
        """Create a note; every attachment of ``note`` has a local ``path`` to upload, except
        those the system cannot hold (see ``expected_note``), which it may link to in words.

        The answer lists the files as the system holds them; each uploaded one carries the
        ``sha256`` it was given, so that syncd never hashes or sends those bytes again.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot create notes")

    def create_notes(self, notes: list[NewNote]) -> list[Note | Exception]:
        """Create several notes in one request (``note_batch`` of them at most): per note, the
        note as the system holds it, or why it was not made. A request whose answer is lost
        must be looked for, note by note, as ``create_note`` looks for one."""
        raise NotImplementedError(f"{type(self).__name__} cannot create notes in batches")

    def update_note(self, note_id: str, content: NoteContent) -> Note:
        """Edit a note to ``content``. Of its attachments, one with a ``path`` is new: upload
        it; one without names by its ``token`` a file the note holds: keep it; a file the note
        holds that is not listed is removed. An edit of files is an edit, never a new note."""
        raise NotImplementedError(f"{type(self).__name__} cannot edit notes")

    def delete_note(self, note_id: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} cannot delete notes")

    # -- what a faithful write reads back as ------------------------------------------------
    def expected_note(self, note: NewNote) -> NewNote:
        """The note as this system can hold it, for checking what a create answered.

        A system with no frameless notes or no nested replies cannot hold every canonical
        note as asked; it says here how it holds it, so that the engine can tell a faithful
        write from one that landed differently (a reply as a top-level note, say).
        """
        return note

    def expected_content(self, content: NoteContent, note_id: str | None = None) -> NoteContent:
        """The content as this system can hold it on note ``note_id`` (see ``expected_note``)."""
        return content

    def authorship(self) -> str:
        """How notes written here for other people show who wrote them, and why: for
        ``syncd check`` (the default: a visible ``[by Name <email>]`` header)."""
        return "attribution: notes say who wrote them in a [by Name <email>] header"

    def request_count(self) -> int:
        """Remote requests made so far (for metrics and benchmarks); 0 when not applicable."""
        return 0

    def close(self) -> None:  # noqa: B027 - optional hook, most connectors hold nothing
        """Release connections."""
