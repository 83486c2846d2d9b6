"""A fault-injecting HTTP proxy to put in front of any server the tests talk to.

It forwards every request to the server behind it and, for the requests it counts as writes,
can make the answer go wrong the way real networks and SaaS APIs do:

* ``lost``: the write is forwarded and applied, then the client gets a 502 page instead of
  the answer (the case that duplicates notes when a client retries blindly);
* ``rate_limited``: a 429 with ``Retry-After`` before anything is forwarded;
* ``dropped``: the connection closes without an answer, before or after forwarding;
* ``kill_at``: once the N-th write has been applied upstream, ``on_kill`` runs (the tests
  SIGKILL the syncd process there) before any answer leaves: the crash window between a remote
  write and its record;
* ``latency``: seconds added to every request before it is forwarded (a SaaS far away); the
  time the server behind took is kept apart from it in ``served``.

Faults are drawn from a seeded generator, so a failing run can be replayed.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from syncd_standins.served import ServiceTime

WriteTest = Callable[[str, str, bytes], bool]

SHOTGRID_WRITES = frozenset(
    {"create", "update", "delete", "revive", "batch", "upload", "share_thumbnail"}
)


def rest_writes(method: str, path: str, body: bytes) -> bool:
    """REST (SyncSketch, Zou): every mutating method except logging in."""
    if path.startswith(("/auth/", "/api/auth/")):
        return False
    return method in ("POST", "PUT", "PATCH", "DELETE")


def shotgrid_writes(method: str, path: str, body: bytes) -> bool:
    """ShotGrid's JSON-RPC: the RPC's name says whether it writes; uploads always do."""
    if path.startswith("/upload/"):
        return True
    if method != "POST" or not path.startswith("/api3/json"):
        return False
    try:
        name = json.loads(body or b"{}").get("method_name")
    except (ValueError, AttributeError):
        return False
    return name in SHOTGRID_WRITES


@dataclass
class Faults:
    lost: float = 0.0
    rate_limited: float = 0.0
    dropped: float = 0.0
    retry_after: str = "0"
    seed: int = 0
    kill_at: int | None = None
    on_kill: Callable[[], None] | None = None
    reads_too: bool = False
    """Rate limits and drops hit reads as well (lost answers only make sense for writes)."""
    latency: float = 0.0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def draw(self) -> float:
        return self._rng.random()


class WriteCount:
    """Writes applied behind one or several proxies: a kill index spans systems."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value = 0
        self.killed = False

    def reset(self) -> None:
        with self.lock:
            self.value = 0
            self.killed = False


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        *,
        is_write: WriteTest = rest_writes,
        faults: Faults | None = None,
        count: WriteCount | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.upstream_prefix = parts.path.rstrip("/")
        self.is_write = is_write
        self.faults = faults or Faults()
        self.lock = threading.Lock()
        self.count = count or WriteCount()
        """Writes the servers behind the proxies sharing it applied."""
        self.injected: dict[str, int] = {"lost": 0, "rate_limited": 0, "dropped": 0}
        self.served = ServiceTime()
        """Each request's time through the proxy (``latency`` left out): the server's."""
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FaultProxy:
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}{self.upstream_prefix}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def writes(self) -> int:
        return self.count.value

    def reset(self, faults: Faults | None = None) -> None:
        with self.lock:
            self.faults = faults or Faults()
            self.injected = dict.fromkeys(self.injected, 0)
        self.count.reset()

    # -- one request -----------------------------------------------------------------------
    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=300)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, response.getheaders(), data
        finally:
            conn.close()


_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "proxy-connection", "host"})


class _Handler(BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # an answer's headers and body leave at once

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        proxy = self.owner
        with proxy.served.answering():
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if proxy.faults.latency:
                proxy.served.sleep(proxy.faults.latency)
            self._pass(method, body)

    def _pass(self, method: str, body: bytes) -> None:
        proxy = self.owner
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        headers["Host"] = f"{proxy.upstream_host}:{proxy.upstream_port}"
        path = self.path
        write = proxy.is_write(method, urlsplit(path).path, body)
        faults = proxy.faults
        if proxy.count.killed:
            self._drop()
            return
        with proxy.lock:
            verdict = None
            if write or faults.reads_too:
                draw = faults.draw()
                if draw < faults.rate_limited:
                    verdict = "rate_limited"
                elif draw < faults.rate_limited + faults.dropped / 2:
                    verdict = "dropped"
                elif write and draw < faults.rate_limited + faults.dropped / 2 + faults.lost:
                    verdict = "lost"
                elif write and draw < faults.rate_limited + faults.dropped + faults.lost:
                    verdict = "dropped_after"
        if verdict == "rate_limited":
            proxy.injected["rate_limited"] += 1
            self._reply(429, [("Retry-After", faults.retry_after)], b"slow down")
            return
        if verdict == "dropped":
            proxy.injected["dropped"] += 1
            self._drop()
            return
        status, answer_headers, data = proxy.forward(method, path, headers, body)
        if write and status < 400:
            count = proxy.count
            with count.lock:
                count.value += 1
                kill = faults.kill_at is not None and count.value == faults.kill_at
                if kill:
                    count.killed = True
            if kill:
                if faults.on_kill is not None:
                    faults.on_kill()
                self._drop()
                return
        if verdict == "lost":
            proxy.injected["lost"] += 1
            page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            self._reply(502, [("Content-Type", "text/html")], page)
            return
        if verdict == "dropped_after":
            proxy.injected["dropped"] += 1
            self._drop()
            return
        kept = [(k, v) for k, v in answer_headers if k.lower() not in _HOP | {"content-length"}]
        self._reply(status, kept, data)

    def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)
