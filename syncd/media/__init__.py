"""Media for review sync: hashed once while it streams, cached by content, checked before upload.

* ``hashing``: SHA-256 computed on the bytes as they are written or sent (``HashingWriter``,
  ``copy_hashed``, ``HashingReader``);
* ``cache``: a content-addressed, size-capped local store (``MediaCache``);
* ``probe``: validation of images (pyvips) and movies (ffprobe) into a ``MediaInfo``;
* ``thumbs``: poster frames and thumbnails made once per content (``Thumbnailer``);
* ``multipart``: streaming multipart/form-data uploads with a Content-Length (``MultipartBody``);
* ``transfer``: a bounded concurrent runner with retries and a report (``run_transfers``).

This package depends on nothing of syncd but ``syncd.errors`` and the model's ``LocalMedia``,
so connectors can use it without import cycles.
"""

from __future__ import annotations

from syncd.media.cache import CachedMedia, MediaCache
from syncd.media.hashing import Digest, HashingReader, HashingWriter, copy_hashed, hash_file
from syncd.media.info import MediaInfo
from syncd.media.multipart import FilePart, MultipartBody, SentFile, send_file
from syncd.media.probe import probe, sniff
from syncd.media.thumbs import Thumbnailer
from syncd.media.tools import MediaTools
from syncd.media.transfer import Failed, Moved, TransferJob, TransferReport, run_transfers

__all__ = [
    "CachedMedia",
    "Digest",
    "Failed",
    "FilePart",
    "HashingReader",
    "HashingWriter",
    "MediaCache",
    "MediaInfo",
    "MediaTools",
    "Moved",
    "MultipartBody",
    "SentFile",
    "Thumbnailer",
    "TransferJob",
    "TransferReport",
    "copy_hashed",
    "hash_file",
    "probe",
    "run_transfers",
    "send_file",
    "sniff",
]
