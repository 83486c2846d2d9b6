"""A tiny HTTP server answering with whatever a test asks for: the wrong payloads a real server
(or a proxy in front of it) may send, such as an HTML page where JSON was expected.

``PayloadServer({"/api/v1/review/": (200, "application/json", b"[]")})`` answers a request whose
path starts with a key with that reply (the longest key wins), anything else with ``default``.
Every request is recorded as ``(method, path)``.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.loopback import LoopbackServer

Reply = tuple[int, str, bytes]
HTML = (200, "text/html", b"<html><body><h1>Welcome to nginx!</h1></body></html>")


class PayloadServer(LoopbackServer):
    thread_name = "payload-server"

    def __init__(self, routes: dict[str, Reply] | None = None, default: Reply = HTML) -> None:
        super().__init__()
        self.routes = dict(routes or {})
        self.default = default

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler(self)

    def reply(self, method: str, path: str) -> Reply:
        self.record(method, path)
        matches = [key for key in self.routes if path.startswith(key)]
        return self.routes[max(matches, key=len)] if matches else self.default


def _handler(server: PayloadServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, content_type, body = server.reply(self.command, self.path.split("?", 1)[0])
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    return Handler
