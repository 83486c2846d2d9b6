"""A test's own HTTP server on loopback, serving from a thread while a ``with`` block runs and
remembering each request's method and path."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

from syncd_standins import serve_in_background, shut_down


class LoopbackServer:
    """``with Server(...) as server``: point a client at ``server.url``. A subclass gives the
    request handler (``handler``)."""

    thread_name = "loopback-server"

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = serve_in_background(self._server, self.thread_name)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        shut_down(self._server, self._thread)

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.requests.append((method, path))
