"""SyncSketch sketches as pictures: each sketched frame flattened by the service, fetched once.

A sketch frame is a note whose file is the picture of that frame with every sketch on it drawn
over the item's image, named ``sketch-frame-0042`` by the frame people see (``.jpg`` or
``.png`` as the picture is). The service
makes those pictures in a background task (``get_flattened_annotations`` in the official
client: a POST that answers a task id, then a GET polled until it says ``done``); syncd starts
one task per item whose sketches it has not seen yet, polls it once a second for at most
``sketch_timeout`` seconds, and reports a task that does not finish against the item's sketch
notes, which wait for the next run. A picture's token names the sketches it shows (their ids
and change stamps), so an edited sketch is fetched again and an untouched one never.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from syncd.connectors.syncsketch import convert
from syncd.connectors.syncsketch.api import SyncSketchApi, write_stream
from syncd.core.model import Attachment, LocalMedia
from syncd.errors import NotFound, SkippableError

POLL_SECONDS = 1.0


class Sketches:
    def __init__(
        self,
        name: str,
        api: SyncSketchApi,
        timeout: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = name
        self.api = api
        self.timeout = timeout
        self.clock = clock
        self.sleep = sleep
        self._done: dict[str, dict[int, dict[str, Any]]] = {}
        self._stuck: str | None = None
        """Why an earlier task of this run did not finish: the others are not waited for."""

    def files(
        self, frames: Iterable[dict[str, Any]], items: dict[str, dict[str, Any]]
    ) -> dict[str, tuple[Attachment, ...]]:
        """Frame id -> the picture of its sketched frame, for sketches on an item's current
        version (the service flattens those). A new reading: earlier tasks are forgotten."""
        self._done.clear()
        self._stuck = None
        groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for raw in frames:
            if raw.get("type") != "sketch":
                continue
            item_id = convert.id_of(raw, "item")
            item = items.get(item_id)
            revision = convert.id_of(raw.get("revision_id") or raw.get("revision"), "revision")
            if item is None or str(item.get("revision_id")) != revision:
                continue
            frame = convert.frame_number(raw.get("frame")) or 0
            groups.setdefault((item_id, frame), []).append(raw)
        out: dict[str, tuple[Attachment, ...]] = {}
        for (item_id, frame), sketches in groups.items():
            picture = convert.sketch_file(item_id, frame, sketches)
            for raw in sketches:
                out[str(raw["id"])] = (picture,)
        return out

    def fetch(self, review_id: int, att: Attachment, dest_dir: Path) -> LocalMedia:
        kind, item_id, frame, *_ = [*str(att.token or "").split(":"), "", "", ""]
        if kind != "sketch" or not frame.isdigit():
            raise NotFound(f"{self.name}: {att.filename!r} is not a sketch of this review")
        entry = self._flattened(review_id, item_id).get(int(frame))
        if entry is None:
            raise NotFound(
                f"{self.name}: the service made no picture of the sketch on frame "
                f"{int(frame) + 1} of item {item_id}"
            )
        dest_dir.mkdir(parents=True, exist_ok=True)
        if entry.get("url"):
            return self._download(str(entry["url"]), att, dest_dir)
        try:
            data = base64.b64decode(str(entry.get("data") or ""), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if not data:
            raise SkippableError(f"{self.name}: the picture of {att.filename!r} came empty")
        path = dest_dir / f"{hashlib.sha256(data).hexdigest()[:16]}-{_named(att, data)}"
        path.write_bytes(data)
        return LocalMedia(path, hashlib.sha256(data).hexdigest(), _named(att, data), len(data))

    def _flattened(self, review_id: int, item_id: str) -> dict[int, dict[str, Any]]:
        """The finished task's pictures by frame (0-based), one task per item and run."""
        if item_id in self._done:
            return self._done[item_id]
        if self._stuck is not None:
            raise SkippableError(self._stuck)
        task = self.api.flatten(review_id, item_id)
        deadline = self.clock() + self.timeout
        while True:
            answer = self.api.flatten_status(task)
            status = answer.get("status")
            if status == "done":
                data = answer.get("data") or []
                pictures = {
                    int(e["frame"]): e
                    for e in data
                    if isinstance(e, dict) and convert.frame_number(e.get("frame")) is not None
                }
                self._done[item_id] = pictures
                return pictures
            if status == "failed":
                raise SkippableError(
                    f"{self.name}: the service failed to flatten the sketches of item "
                    f"{item_id}; its sketch notes wait for the next run"
                )
            left = deadline - self.clock()
            if left <= 0:
                self._stuck = (
                    f"{self.name}: the flattened sketches of item {item_id} were not ready after "
                    f"{self.timeout:g} s (systems.{self.name}.sketch_timeout); the sketch notes "
                    "of its items wait for the next run"
                )
                raise SkippableError(self._stuck)
            self.sleep(min(POLL_SECONDS, left))

    def _download(self, url: str, att: Attachment, dest_dir: Path) -> LocalMedia:
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=".sketch-")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in write_stream(self.api.stream(url), handle):
                    head = head or chunk[:16]
                    digest.update(chunk)
                    size += len(chunk)
            name = _named(att, head)
            final = dest_dir / f"{digest.hexdigest()[:16]}-{name}"
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return LocalMedia(final, digest.hexdigest(), name, size)


def _named(att: Attachment, head: bytes) -> str:
    """The picture's name with the extension its bytes call for (PNG or JPEG)."""
    stem = att.filename if "." not in att.filename else att.filename.rsplit(".", 1)[0]
    if head.startswith(b"\x89PNG"):
        return f"{stem}.png"
    return f"{stem}.jpg"
