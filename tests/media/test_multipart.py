"""Uploads stream: a 300 MB form body costs the client a few MB, and arrives byte for byte."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from requests_toolbelt.multipart.decoder import MultipartDecoder

from syncd.errors import RetriableError, SkippableError
from syncd.media.hashing import Digest, HashingReader, hash_file
from syncd.media.multipart import FilePart, MultipartBody, send_file
from syncd.media.transfer import TransferJob, run_transfers
from tests.media.conftest import run_measured

MB = 1 << 20


@dataclass
class Received:
    """What the local server got: each request's headers and its body, on disk."""

    folder: Path
    headers: list[dict[str, str]] = field(default_factory=list)
    bodies: list[Path] = field(default_factory=list)
    status: int = 201


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Received]]:
    received = Received(tmp_path / "received")
    received.folder.mkdir()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            body = received.folder / f"body-{len(received.bodies)}"
            with body.open("wb") as out:  # read in chunks, to disk: the server stays small too
                left = length
                while left:
                    chunk = self.rfile.read(min(left, MB))
                    if not chunk:
                        break
                    out.write(chunk)
                    left -= len(chunk)
            received.headers.append(dict(self.headers))
            received.bodies.append(body)
            self.send_response(received.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def do_GET(self) -> None:
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/upload", received
    finally:
        httpd.shutdown()
        httpd.server_close()


def file_part_sha(body: Path, boundary: bytes) -> str:
    """The hash of the last part's content in a multipart body on disk, read in chunks."""
    size = body.stat().st_size
    with body.open("rb") as handle:
        head = handle.read(64 * 1024)
        start = head.rindex(b"\r\n\r\n") + 4  # the file part is last: its headers end here
        tail = b"\r\n--" + boundary + b"--\r\n"
        handle.seek(size - len(tail))
        assert handle.read() == tail
        handle.seek(start)
        digest, left = hashlib.sha256(), size - len(tail) - start
        while left:
            chunk = handle.read(min(left, MB))
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def test_body_carries_fields_file_and_its_length(tmp_path: Path) -> None:
    path = tmp_path / "sh010.mov"
    path.write_bytes(os.urandom(300_000))
    with HashingReader(path) as reader:
        body = MultipartBody(
            {"name": "sh010", "fps": "24"},
            [FilePart("file", "sh010.mov", reader, "video/quicktime")],
        )
        raw = b"".join(iter(lambda: body.read(8192), b""))
        digest = reader.digest()
    assert len(raw) == body.content_length == int(body.headers["Content-Length"])
    parts = MultipartDecoder(raw, body.content_type).parts
    assert [p.content for p in parts] == [b"sh010", b"24", path.read_bytes()]
    assert b'filename="sh010.mov"' in parts[2].headers[b"Content-Disposition"]
    assert parts[2].headers[b"Content-Type"] == b"video/quicktime"
    assert digest.sha256 == hash_file(path).sha256


def test_send_file_returns_what_was_sent(server: tuple[str, Received], tmp_path: Path) -> None:
    url, received = server
    path = tmp_path / "sh010.mov"
    path.write_bytes(os.urandom(2 * MB))
    with requests.Session() as session:
        sent = send_file(session, "POST", url, path, fields={"name": "sh010"}, timeout=30)
    assert sent.response.status_code == 201 and sent.digest is not None
    assert sent.digest.sha256 == hash_file(path).sha256 and sent.digest.size == 2 * MB
    [headers] = received.headers
    assert "Transfer-Encoding" not in headers
    boundary = headers["Content-Type"].split("boundary=")[1].encode()
    assert file_part_sha(received.bodies[0], boundary) == sent.digest.sha256


def test_a_refused_upload_has_no_digest_and_a_wrong_hash_is_caught(
    server: tuple[str, Received], tmp_path: Path
) -> None:
    url, received = server
    path = tmp_path / "sh010.mov"
    path.write_bytes(b"frames" * 1000)
    with requests.Session() as session:
        received.status = 500
        assert send_file(session, "POST", url, path, timeout=30).digest is None
        received.status = 201
        with pytest.raises(SkippableError, match=r"'sh010\.mov' does not hold the expected"):
            send_file(session, "POST", url, path, expected_sha256="0" * 64, timeout=30)


UPLOAD = """
import requests
from pathlib import Path
from syncd.media.multipart import send_file

def setup(url, path):
    session = requests.Session()
    session.get(url.replace("/upload", "/warm-up"))  # connection pool and imports settled
    return session, url, Path(path)

def work(state):
    session, url, path = state
    sent = send_file(session, "POST", url, path, fields={"name": "sh010"}, timeout=120)
    return {"status": sent.response.status_code, "sha256": sent.digest.sha256}
"""


@pytest.mark.slow
def test_a_300_mb_upload_streams_in_bounded_memory(
    server: tuple[str, Received], tmp_path: Path
) -> None:
    url, received = server
    path = tmp_path / "dailies.mov"
    with path.open("wb") as handle:  # sparse, with real data at its start, middle and end
        handle.truncate(300 * MB)
        for offset in (0, 150 * MB, 299 * MB):
            handle.seek(offset)
            handle.write(os.urandom(MB))
    expected = hash_file(path).sha256
    measured = run_measured(UPLOAD, url, str(path))
    assert measured["status"] == 201 and measured["sha256"] == expected
    assert measured["growth_mb"] < 50, measured
    headers = received.headers[-1]
    boundary = headers["Content-Type"].split("boundary=")[1].encode()
    assert int(headers["Content-Length"]) == received.bodies[-1].stat().st_size > 300 * MB
    assert file_part_sha(received.bodies[-1], boundary) == expected
    received.bodies[-1].unlink()  # pytest keeps recent temp folders: leave no 600 MB behind
    path.unlink()


def test_uploads_through_the_transfer_runner(server: tuple[str, Received], tmp_path: Path) -> None:
    """How a connector wires it: one job per file, a fresh body per attempt, 5xx retried."""
    url, received = server
    files = []
    for i in range(4):
        files.append(tmp_path / f"sh{i:03d}.mov")
        files[-1].write_bytes(os.urandom(MB + i))
    received.status = 503
    with requests.Session() as session:

        def upload(path: Path) -> Digest:
            sent = send_file(session, "POST", url, path, timeout=30)
            received.status = 201  # the system recovers after the first refusal
            if sent.digest is None:
                raise RetriableError(f"HTTP {sent.response.status_code} for {path.name}")
            return sent.digest

        jobs = [TransferJob("kitsu", p.stem, lambda p=p: upload(p)) for p in files]
        report = run_transfers(jobs, concurrency=2, backoff=0)
    assert not report.errored
    assert {m.item: m.sha256 for m in report.success} == {
        p.stem: hash_file(p).sha256 for p in files
    }
    assert report.bytes_moved == sum(p.stat().st_size for p in files)
    assert len(received.bodies) >= 5  # four uploads and at least one refused


def test_a_file_shrinking_mid_upload_fails_the_upload_instead_of_hanging(
    server: tuple[str, Received], tmp_path: Path
) -> None:
    url, _ = server
    path = tmp_path / "sh010.mov"
    path.write_bytes(os.urandom(4 * MB))
    with HashingReader(path) as reader, requests.Session() as session:
        body = MultipartBody({}, [FilePart("file", path.name, reader)])
        os.truncate(path, MB)  # the render is being rewritten
        with pytest.raises(SkippableError, match=r"'sh010\.mov' shrank while it was being sent"):
            session.post(url, data=body, headers=body.headers, timeout=30)
