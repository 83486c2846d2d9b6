"""A tiny HTTP proxy that forwards every request to a server and remembers its method and path.

Tests put it in front of a real Zou to see exactly which requests syncd sent, for instance that
a dry run sent no write at all.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from tests.support.loopback import LoopbackServer

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length", "host"}
)


class RecordingProxy(LoopbackServer):
    thread_name = "recording-proxy"

    """``with RecordingProxy(target) as proxy``: point a client at ``proxy.url``."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target.rstrip("/")

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler(self)


def _handler(proxy: RecordingProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``proxy.requests``."""

        def _forward(self) -> None:
            proxy.record(self.command, self.path.split("?", 1)[0])
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            answer = requests.request(
                self.command,
                proxy.target + self.path,
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=120,
            )
            self.send_response(answer.status_code)
            for key, value in answer.headers.items():
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

    return Handler
