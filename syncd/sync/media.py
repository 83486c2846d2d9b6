"""Media for one run: known by content, downloaded once, checked before it goes anywhere.

Systems name a media revision by their own token (a preview id, an item's revision, an
attachment id). Before planning, every revision the planner will compare is given its content
hash: from the state (per system and token, remembered the first time it was seen), else by
downloading it once into the content-addressed cache, hashed while it streams. The planner then
compares bytes, not tokens: identical bytes under a new token are not a change, and the same
bytes are never uploaded to a side that holds them. A revision syncd uploads is remembered under
the token the system gave it, with the hash of what was sent (Kitsu re-encodes what it is sent,
so its bytes would never match). Downloads run side by side (``media.concurrency``); each file
is probed (ffprobe for movies, pyvips for images) once, before its first upload.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import structlog

from syncd.connectors.base import Endpoint
from syncd.core.actions import Problem
from syncd.core.model import Attachment, Item, LocalMedia, MediaRef, Note, Snapshot
from syncd.errors import SkippableError, SyncdError
from syncd.media.cache import MediaCache
from syncd.media.info import MediaInfo
from syncd.media.probe import probe
from syncd.media.thumbs import Thumbnailer
from syncd.media.tools import MediaTools
from syncd.state.store import StateStore

log = structlog.get_logger("syncd.media")


@dataclass
class TransferLog:
    """What moved in a run: the report a run's result, its history and ``--json`` carry."""

    downloads: int = 0
    uploads: int = 0
    reused: int = 0
    """Revisions taken from the cache instead of being downloaded again."""
    bytes_down: int = 0
    bytes_up: int = 0
    succeeded: list[dict[str, Any]] = field(default_factory=list)
    errored: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for key, value in counts.items():
                setattr(self, key, getattr(self, key) + value)

    def moved(self, direction: str, system: str, what: str, sha256: str, size: int) -> None:
        with self._lock:
            self.succeeded.append(
                {
                    "direction": direction,
                    "system": system,
                    "what": what,
                    "sha256": sha256,
                    "bytes": size,
                }
            )

    def failed(self, system: str, what: str, error: str) -> None:
        with self._lock:
            self.errored.append({"system": system, "what": what, "error": error})

    def to_dict(self) -> dict[str, Any]:
        return {
            "downloads": self.downloads,
            "uploads": self.uploads,
            "reused": self.reused,
            "bytes_down": self.bytes_down,
            "bytes_up": self.bytes_up,
            "succeeded": self.succeeded[:100],
            "errored": self.errored[:100],
        }

    def __bool__(self) -> bool:
        return bool(self.downloads or self.uploads or self.reused or self.errored)


@dataclass
class MediaBroker:
    """One run's media: content hashes before planning, checked local copies for uploads.

    ``tools`` (ffprobe, ffmpeg) are looked up once per run and warn once per run when absent;
    ``thumbnailer`` makes the small picture a system shows beside the media (None: no
    thumbnails, as in tests that do not care).
    """

    mapping: str
    endpoints: dict[str, Endpoint]
    store: StateStore
    cache: MediaCache
    concurrency: int = 4
    log: TransferLog = field(default_factory=TransferLog)
    thumbnailer: Thumbnailer | None = None
    tools: MediaTools = field(default_factory=MediaTools.for_run)
    _probed: dict[str, MediaInfo | SkippableError] = field(default_factory=dict)
    _unreadable: dict[tuple[str, str], SkippableError] = field(default_factory=dict)
    """Downloads that failed in this run: tried once, reported once, never again."""
    _fetched: dict[tuple[str, str], Any] = field(default_factory=dict)
    _turns: dict[tuple[str, str], threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- content hashes before planning ---------------------------------------------------------
    def hash_snapshots(
        self,
        snapshots: dict[str, Snapshot],
        *,
        media: Iterable[str] = (),
        attachments: Iterable[str] = (),
    ) -> tuple[dict[str, Snapshot], list[Problem]]:
        """The snapshots with the content hash of each media revision (``media`` endpoints)
        and note attachment (``attachments`` endpoints) filled in; what cannot be read is
        reported and stays known by its token only."""
        jobs: list[tuple[str, MediaRef | Attachment, str]] = []
        known: dict[tuple[str, str], str] = {}
        recorded = self.store.media_hashes(self.mapping)
        for ep in media:
            for item in snapshots[ep].items:
                ref = item.media
                if ref is not None and not ref.sha256:
                    what = f"media of {item.name!r}"
                    self._lookup(ep, ref.token, recorded, known, jobs, ref, what)
        for ep in attachments:
            for note in snapshots[ep].notes:
                for att in note.attachments:
                    if not att.sha256 and att.token:
                        what = f"attachment {att.filename!r}"
                        self._lookup(ep, att.token, recorded, known, jobs, att, what)
        problems: list[Problem] = []
        for (ep, token), outcome in self._run(self._hash_one, jobs).items():
            if isinstance(outcome, str):
                known[(ep, token)] = outcome
            else:
                problems.append(Problem(ep, None, f"{outcome}; compared by its {ep} id only"))
        if not known:
            return snapshots, problems
        out = dict(snapshots)
        for ep in {*media, *attachments}:
            out[ep] = _with_hashes(ep, snapshots[ep], known)
        return out, problems

    def _lookup(
        self,
        ep: str,
        token: str,
        recorded: dict[tuple[str, str], str],
        known: dict[tuple[str, str], str],
        jobs: list[tuple[str, MediaRef | Attachment, str]],
        ref: MediaRef | Attachment,
        what: str,
    ) -> None:
        if (ep, token) in known or any(j[0] == ep and _token(j[1]) == token for j in jobs):
            return
        found = recorded.get((ep, token))
        if found is not None:
            known[(ep, token)] = found
        else:
            jobs.append((ep, ref, what))

    def _hash_one(self, ep: str, ref: MediaRef | Attachment, what: str) -> str:
        return self._download(ep, ref, what).sha256

    # -- fetching for uploads ----------------------------------------------------------------------
    def fetch(self, ep: str, item: Item) -> LocalMedia:
        """An item's media as a checked local file: from the cache when its bytes are there."""
        assert item.media is not None
        return self._local(ep, item.media, f"media of {item.name!r}")

    def fetch_attachment(self, ep: str, att: Attachment) -> Attachment:
        """The attachment with a local, checked copy (``path``) and its content hash."""
        if att.path is not None and att.sha256:
            return att
        local = self._local(ep, att, f"attachment {att.filename!r}", thumbnail=False)
        return replace(att, sha256=local.sha256, size=local.size, path=local.path)

    def prefetch(self, wanted: Iterable[tuple[str, Item]]) -> None:
        """Download what a run is about to upload, side by side, before the writes start."""
        jobs = list(
            {
                (ep, item.media.token): (ep, item.media, f"media of {item.name!r}")
                for ep, item in wanted
                if item.media
            }.values()
        )
        self._run(lambda ep, ref, what: self._local(ep, ref, what), jobs)

    def refused(self, ep: str, what: str, error: str) -> None:
        """An upload to ``ep`` did not happen or did not finish: part of the transfer report."""
        self.log.failed(ep, what, error)

    def uploaded(self, ep: str, token: str, media: LocalMedia, what: str) -> None:
        """The system holds ``media`` under ``token`` now: never hash or send it again."""
        self.store.remember_media(self.mapping, ep, token, media.sha256, media.size)
        self.log.add(uploads=1, bytes_up=media.size)
        self.log.moved("up", ep, what, media.sha256, media.size)

    def _local(
        self, ep: str, ref: MediaRef | Attachment, what: str, *, thumbnail: bool = True
    ) -> LocalMedia:
        sha = ref.sha256
        if sha is None and _token(ref):
            found = self.store.media_hash(self.mapping, ep, _token(ref))
            sha = found[0] if found else None
        path = self.cache.get(sha) if sha else None
        if path is not None:
            self.log.add(reused=1)
            size = path.stat().st_size
        else:
            cached = self._download(ep, ref, what, expected=sha)
            sha, path, size = cached.sha256, cached.path, cached.size
        info = self._probe(sha, path, ref.filename or what, ref.filename)
        thumb = None
        if thumbnail and self.thumbnailer is not None:  # made once per content, then cached
            thumb = self.thumbnailer.thumbnail(sha, path, info)
        return LocalMedia(
            path,
            sha,
            ref.filename or path.name,
            size,
            fps=info.fps,
            frames=info.frames,
            thumbnail=thumb,
        )

    def _download(
        self, ep: str, ref: MediaRef | Attachment, what: str, *, expected: str | None = None
    ) -> Any:
        """Download once per run: a failure is kept and given again, never tried twice.

        ``expected`` is the content the system (or the state) says the token holds: bytes
        that differ from it are refused, never passed on.
        """
        key = (ep, _token(ref))
        with self._lock:
            turn = self._turns.setdefault(key, threading.Lock())
        with turn:  # two targets asking for one revision side by side: one download
            return self._download_turn(key, ref, what, expected)

    def _download_turn(
        self, key: tuple[str, str], ref: MediaRef | Attachment, what: str, expected: str | None
    ) -> Any:
        ep = key[0]
        with self._lock:
            failed = self._unreadable.get(key) if key[1] else None
            done = self._fetched.get(key) if key[1] else None
        if failed is not None:
            raise failed
        if done is not None and done.path.exists():
            self.log.add(reused=1)
            return done
        try:
            cached = self._download_once(ep, ref, what)
            if expected and cached.sha256 != expected:
                message = (
                    f"{ep}: {what}: the download does not match the content recorded for it "
                    f"(sha256 {cached.sha256[:12]}…, expected {expected[:12]}…); not uploaded"
                )
                self.log.failed(ep, what, message)
                raise SkippableError(message)
            with self._lock:
                self._fetched[key] = cached
            return cached
        except SkippableError as exc:
            with self._lock:
                self._unreadable[key] = exc
            raise

    def _download_once(self, ep: str, ref: MediaRef | Attachment, what: str) -> Any:
        endpoint = self.endpoints[ep]
        # a folder of its own: two downloads of one file side by side never meet
        scratch = Path(tempfile.mkdtemp(dir=self.cache.scratch, prefix="dl-"))
        try:
            try:
                if isinstance(ref, Attachment):
                    local = endpoint.fetch_attachment(ref, scratch)
                else:
                    local = endpoint.fetch_media(Item(id="", name=what, media=ref), scratch)
            except SyncdError as exc:
                self.log.failed(ep, what, str(exc))
                raise SkippableError(f"{ep}: {what} could not be downloaded: {exc}") from exc
            try:
                if local.path.is_relative_to(scratch):
                    cached = self.cache.adopt(local.path, local.sha256, local.size)
                else:  # a file the system keeps locally (a review file's media)
                    cached = self.cache.put_file(local.path, expected_sha256=local.sha256)
            except SyncdError as exc:  # a file that changed while read, a short download
                self.log.failed(ep, what, str(exc))
                raise SkippableError(f"{ep}: {what} could not be downloaded: {exc}") from exc
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        token = _token(ref)
        if token:
            self.store.remember_media(self.mapping, ep, token, cached.sha256, cached.size)
        self.log.add(downloads=1, bytes_down=cached.size)
        self.log.moved("down", ep, what, cached.sha256, cached.size)
        return cached

    def _probe(self, sha: str, path: Path, label: str, filename: str | None) -> MediaInfo:
        """Checked once per content in a run; a refusal (a ``SkippableError`` naming the file
        and what is wrong with it) is kept and given again to every target."""
        with self._lock:
            info = self._probed.get(sha)
        if info is None:
            try:
                info = probe(path, label=label, tools=self.tools, filename=filename)
            except SkippableError as exc:
                info = exc
            with self._lock:
                self._probed[sha] = info
        if isinstance(info, SkippableError):
            raise info
        return info

    def _run(
        self, fn: Callable[..., Any], jobs: list[tuple[str, Any, str]]
    ) -> dict[tuple[str, str], Any]:
        """``fn(ep, ref, what)`` for each job, ``concurrency`` at a time; failures as text."""
        results: dict[tuple[str, str], Any] = {}

        def one(job: tuple[str, Any, str]) -> None:
            ep, ref, what = job
            try:
                results[(ep, _token(ref))] = fn(ep, ref, what)
            except SyncdError as exc:
                results[(ep, _token(ref))] = exc

        if len(jobs) <= 1 or self.concurrency <= 1:
            for job in jobs:
                one(job)
            return results
        with ThreadPoolExecutor(min(self.concurrency, len(jobs)), "syncd-media") as pool:
            list(pool.map(one, jobs))
        return results


def _token(ref: MediaRef | Attachment) -> str:
    return ref.token or ""


def _with_hashes(ep: str, snap: Snapshot, known: dict[tuple[str, str], str]) -> Snapshot:
    def item(it: Item) -> Item:
        ref = it.media
        if ref is None or ref.sha256 or (ep, ref.token) not in known:
            return it
        return replace(it, media=replace(ref, sha256=known[(ep, ref.token)]))

    def note(n: Note) -> Note:
        if not n.attachments:
            return n
        atts = tuple(
            replace(a, sha256=known.get((ep, a.token or ""), a.sha256)) if not a.sha256 else a
            for a in n.attachments
        )
        return replace(n, attachments=atts)

    return replace(snap, items=tuple(map(item, snap.items)), notes=tuple(map(note, snap.notes)))
