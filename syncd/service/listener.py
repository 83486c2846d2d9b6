"""The service's HTTP door: ``/healthz``, ``/metrics``, ``POST /hooks/<mapping>`` and, when
``service.ui.token`` is set, the status page at ``/``.

The standard library's threading server is enough for a handful of probes, webhooks and page
views and adds no dependency. It binds to loopback unless ``service.listen`` names another host:
put a reverse proxy with TLS in front when webhooks or page views come from outside.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Protocol

import structlog

from syncd.errors import ConfigError
from syncd.service.health import Health
from syncd.service.metrics import CONTENT_TYPE
from syncd.service.webhook import WebhookAuth

if TYPE_CHECKING:
    from syncd.statuspage.site import Response, StatusSite

log = structlog.get_logger("syncd.service.http")
MAX_BODY = 1 << 20


class Service(Protocol):
    """What the listener needs from the daemon."""

    def health(self) -> Health: ...

    def metrics_text(self) -> bytes: ...

    def webhook_auth(self) -> WebhookAuth: ...

    def trigger(self, mapping: str, source: str) -> bool:
        """Queue an immediate run; False when there is no such mapping."""
        ...

    def status_site(self) -> StatusSite | None:
        """The status page, or None when it is off (its paths then answer 404)."""
        ...


def parse_listen(value: str) -> tuple[str, int]:
    """``host:port``, ``[v6]:port``, ``:port`` or ``port``; a missing host means loopback."""
    text = value.strip()
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    try:
        number = int(port)
    except ValueError:
        raise ConfigError(
            f"service.listen: {value!r} is not host:port (such as 127.0.0.1:9107)"
        ) from None
    if not 0 <= number < 65536:
        raise ConfigError(f"service.listen: port {number} is out of range")
    return host, number


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http", request=self.requestline, detail=format % args)

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, default=str).encode() + b"\n")

    def _answer(self, answer: Response) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for key, value in answer.headers:
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _page(self, method: str, body: bytes = b"") -> bool:
        """Answer from the status page when it is on and the path is one of its own."""
        site = self.server.service.status_site()
        if site is None:
            return False
        headers = {key.title(): value for key, value in self.headers.items()}
        answer = site.handle(method, self.path, headers, body)
        if answer is None:
            return False
        self._answer(answer)
        return True

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        service = self.server.service
        if path == "/healthz":
            health = service.health()
            self._json(200 if health.ok else 503, health.detail)
        elif path == "/metrics":
            self._send(200, service.metrics_text(), CONTENT_TYPE)
        elif not self._page("GET"):
            self._json(404, {"error": "not found"})

    do_HEAD = do_GET

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        hook = path.startswith("/hooks/")
        if not hook and path not in ("/login", "/logout"):
            self._json(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"error": "body too large"})
            return
        body = self.rfile.read(length) if length else b""
        if not hook:
            if not self._page("POST", body):
                self._json(404, {"error": "not found"})
            return
        mapping = path.removeprefix("/hooks/").strip("/")
        accepted, reason = self.server.service.webhook_auth().check(self.headers, body)
        if not accepted:
            log.warning(
                "webhook refused", mapping=mapping, reason=reason, peer=self.client_address[0]
            )
            self._json(401, {"error": "unauthorized"})
            return
        if not self.server.service.trigger(mapping, "webhook"):
            self._json(404, {"error": f"no mapping named {mapping!r}"})
            return
        log.info("webhook accepted", mapping=mapping, auth=reason)
        self._json(202, {"mapping": mapping, "queued": True})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    service: Service


class _Server6(_Server):
    address_family = socket.AF_INET6


class Listener:
    def __init__(self, listen: str, service: Service) -> None:
        host, port = parse_listen(listen)
        server_class = _Server6 if ":" in host else _Server
        try:
            self.server = server_class((host, port), _Handler)
        except OSError as exc:
            raise ConfigError(
                f"service.listen: cannot listen on {listen}: {exc.strerror}"
            ) from None
        self.server.service = service
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="syncd-http", daemon=True
        )

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.server.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()
        log.info("listening", address=f"{self.address[0]}:{self.address[1]}")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
