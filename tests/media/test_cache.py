"""The media cache: whole verified files or nothing, a size cap, pins, threads and processes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.errors import SkippableError
from syncd.media.cache import MediaCache, default_root
from tests.media.conftest import ROOT, rchar

MB = 1 << 20


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entries(cache: MediaCache) -> list[Path]:
    return sorted(p for p in (cache.root / "objects").rglob("*") if p.is_file())


def temps(cache: MediaCache) -> list[Path]:
    return sorted((cache.root / "tmp").iterdir())


def test_put_stream_stores_by_content_in_shards(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache", max_bytes=10 * MB)
    data = os.urandom(MB + 5)
    put = cache.put_stream(
        [data[:1000], data[1000:]], expected_sha256=sha(data), expected_size=len(data)
    )
    assert put.sha256 == sha(data) and put.size == len(data)
    assert put.path == tmp_path / "cache" / "objects" / put.sha256[:2] / put.sha256
    assert put.path.read_bytes() == data
    assert cache.get(put.sha256) == put.path and put.sha256 in cache
    assert cache.get(sha(b"other")) is None
    assert temps(cache) == []


def test_an_entry_appears_only_whole(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    data = os.urandom(4 * MB)
    seen: list[tuple[Path | None, int]] = []

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), MB):
            seen.append((cache.get(sha(data)), len(entries(cache))))
            yield data[start : start + MB]

    cache.put_stream(chunks())
    assert seen == [(None, 0)] * 4  # nothing visible while it streams
    assert cache.get(sha(data)) is not None


def test_hash_mismatch_names_expected_and_received_and_leaves_nothing(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    wanted = "0" * 64
    with pytest.raises(SkippableError) as caught:
        cache.put_stream([b"not what was asked"], expected_sha256=wanted, label="sh010.mov")
    message = str(caught.value)
    assert "'sh010.mov' is corrupt" in message and wanted in message
    assert sha(b"not what was asked") in message and "\n" not in message
    assert entries(cache) == [] and temps(cache) == []


def test_truncated_and_overlong_downloads_are_refused(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    with pytest.raises(
        SkippableError, match=r"'sh020\.mov' is truncated: expected 100 bytes, received 60"
    ):
        cache.put_stream([b"x" * 60], expected_size=100, label="sh020.mov")
    read: list[int] = []

    def endless() -> Iterator[bytes]:
        while True:
            read.append(1)
            yield b"y" * 50

    with pytest.raises(SkippableError, match=r"longer than expected: expected 100 bytes"):
        cache.put_stream(endless(), expected_size=100, label="sh020.mov")
    assert len(read) == 3  # stopped as soon as it ran past, not at the end of the stream
    assert entries(cache) == [] and temps(cache) == []


CRASHING_PUT = """
import os, signal, sys
from pathlib import Path
from syncd.media.cache import MediaCache

cache = MediaCache(Path(sys.argv[1]))
def chunks():
    for i in range(8):
        if i == 4:
            os.kill(os.getpid(), signal.SIGKILL)  # killed mid-download
        yield bytes([i]) * (1 << 20)
cache.put_stream(chunks())
"""


def test_a_process_killed_mid_put_leaves_no_entry_and_its_temp_is_swept(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_PUT, str(root)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL
    whole = b"".join(bytes([i]) * MB for i in range(8))
    cache = MediaCache(root)  # a fresh start keeps a temp that may still be growing
    assert entries(cache) == [] and cache.get(sha(whole)) is None
    [left] = temps(cache)
    assert left.suffix == ".part" and left.stat().st_size == 4 * MB
    assert cache.sweep(stale_after=0) == 1 and temps(cache) == []
    assert cache.put_stream([whole]).path.read_bytes() == whole  # and the next try works


def test_least_recently_used_entries_go_first(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache", max_bytes=3 * MB, grace=0)
    a, b, c, d = (os.urandom(MB) for _ in range(4))
    for data in (a, b, c):
        cache.put_stream([data])
    assert cache.get(sha(a)) is not None  # a is used again: b is now the oldest
    cache.put_stream([d])
    assert [cache.get(sha(x)) is not None for x in (a, b, c, d)] == [True, False, True, True]
    assert cache.usage() == 3 * MB


def test_pinned_entries_outlive_the_cap(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache", max_bytes=2 * MB, grace=0)
    a, b, c = (os.urandom(MB) for _ in range(3))
    first = cache.put_stream([a], pin=True)
    with cache.pinned(cache.put_stream([b]).sha256) as path_b:
        assert path_b is not None
        cache.put_stream([c])  # over the cap with a and b in use: the new entry still stays
        assert cache.usage() == 3 * MB
        assert all(cache.get(sha(x)) is not None for x in (a, b, c))
    cache.unpin(first.sha256)
    assert cache.evict() == MB
    assert cache.get(sha(a)) is None and cache.usage() == 2 * MB


def test_threads_putting_the_same_content(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    data = os.urandom(2 * MB)
    results: list[Path] = []
    barrier = threading.Barrier(8)

    def put() -> None:
        barrier.wait()
        results.append(
            cache.put_stream(data[i : i + 65536] for i in range(0, len(data), 65536)).path
        )

    threads = [threading.Thread(target=put) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(results) == 8
    assert entries(cache) == [results[0]] and results[0].read_bytes() == data
    assert temps(cache) == []


CONCURRENT_PUT = """
import sys
from pathlib import Path
from syncd.errors import RetriableError
from syncd.media.cache import MediaCache

cache = MediaCache(Path(sys.argv[1]), max_bytes=3 << 20, grace=float(sys.argv[2]))
lost = 0
for i in range(6):
    try:
        cache.put_stream([bytes([i]) * (1 << 20)])
        cache.get(cache.put_stream([b"shared" * 1000]).sha256)
    except RetriableError:  # evicted by another process as it was added: retried by callers
        lost += 1
print(lost)
"""


@pytest.mark.parametrize("grace", [0.0, 60.0])
def test_processes_sharing_a_cache(tmp_path: Path, grace: float) -> None:
    """Evicting under each other's feet: nobody crashes, and whatever remains is whole.

    With a grace period nothing recently used is taken from another process: the cap gives.
    """
    root = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", CONCURRENT_PUT, str(root), str(grace)]
    children = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    lost = 0
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err.decode()
        lost += int(out)
    cache = MediaCache(root, max_bytes=3 << 20)
    for path in entries(cache):
        assert sha(path.read_bytes()) == path.name
    assert temps(cache) == []
    if grace:
        assert lost == 0 and len(entries(cache)) == 7  # six blocks and the shared one


def test_vanished_files_are_tolerated(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache", max_bytes=MB, grace=0)
    put = cache.put_stream([b"abc"])
    put.path.unlink()  # another process evicted it
    assert cache.get(put.sha256) is None and cache.usage() == 0 and cache.evict() == 0
    cache.discard(put.sha256)


def test_put_file_links_or_copies_reading_once(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    source = tmp_path / "render.mov"
    source.write_bytes(os.urandom(8 * MB))
    before = rchar()
    linked = cache.put_file(source)
    assert rchar() - before < 9 * MB  # hashed once, linked without copying
    assert linked.path.stat().st_ino == source.stat().st_ino
    other = tmp_path / "other.mov"
    other.write_bytes(os.urandom(8 * MB))
    before = rchar()
    copied = cache.put_file(other, link=False, expected_sha256=sha(other.read_bytes()))
    assert rchar() - before < 17 * MB  # one read to copy and hash (plus the test's own read)
    assert copied.path.stat().st_ino != other.stat().st_ino
    assert copied.path.read_bytes() == other.read_bytes()
    with pytest.raises(SkippableError, match=r"'render\.mov' is corrupt: expected sha256 0{64}"):
        cache.put_file(source, expected_sha256="0" * 64, link=False)
    assert cache.put_file(source).path == linked.path  # already there
    assert temps(cache) == []


def test_recency_leaves_modification_times_alone(tmp_path: Path) -> None:
    """A hard-linked entry shares its inode: using it must not look like the source changed."""
    cache = MediaCache(tmp_path / "cache")
    source = tmp_path / "render.mov"
    source.write_bytes(b"frames")
    mtime = source.stat().st_mtime_ns
    put = cache.put_file(source)
    cache.get(put.sha256)
    assert source.stat().st_mtime_ns == mtime


def test_derived_files_sit_beside_their_entry(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache")
    put = cache.put_stream([b"movie"])
    with cache.temp_path(".jpg") as tmp:
        tmp.write_bytes(b"jpeg")
        thumb = cache.put_derived(put.sha256, "thumb-320x180.jpg", tmp)
    assert thumb.name == f"{put.sha256}.thumb-320x180.jpg"
    assert cache.get(put.sha256, "thumb-320x180.jpg") == thumb
    with pytest.raises(ValueError, match="not a safe label"):
        cache.path_for(put.sha256, "../escape")
    cache.discard(put.sha256)
    assert entries(cache) == []


def test_default_root_is_the_platform_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_root() == tmp_path / "xdg" / "syncd" / "media"
    assert MediaCache().root == default_root()
    with pytest.raises(ValueError, match="SHA-256"):
        MediaCache(tmp_path / "c").get("not-a-hash")


def test_old_temps_are_swept_at_start(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    (root / "tmp").mkdir(parents=True)
    stale, fresh = root / "tmp" / "1-aa.part", root / "tmp" / "2-bb.part"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(stale, (1, 1))
    MediaCache(root, stale_after=60)
    assert not stale.exists() and fresh.exists()
