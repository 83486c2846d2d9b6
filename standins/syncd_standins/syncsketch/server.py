"""The HTTP layer of the SyncSketch stand-in: parsing, faults, authentication, routing.

``_Handler`` reads a request (a form's files stream to disk, ``syncd_standins.bodies``),
records it, applies the switched-on faults and sends the answer (a stored file streamed);
``Router`` (mixed into ``SyncSketchStandIn``) matches the path against the endpoint table,
authenticates and calls the endpoint's handler. Answers up to 64 KiB go out in a single write,
and Nagle's algorithm is off: a keep-alive client otherwise waits ~40 ms for each answer.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from syncd_standins.bodies import CHUNK, BodyError, Form, is_form, read_form, read_small
from syncd_standins.syncsketch.faults import Fault, RequestRecord
from syncd_standins.syncsketch.query import ApiError

if TYPE_CHECKING:
    from syncd_standins.syncsketch import SyncSketchStandIn

log = logging.getLogger(__name__)

SERVER_ERROR_JSON = {
    "error_message": "Sorry, this request could not be processed. Please try again later."
}


Reply = tuple[int, Any, dict[str, str]]
Route = tuple[str, re.Pattern[str], Callable[..., Reply], bool]


def _json_body(body: bytes) -> Any:
    if not body:
        return {}
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ApiError(400, f"Malformed JSON in request body: {exc}") from exc


def _parse_urlencoded(content_type: str, body: bytes) -> dict[str, str]:
    """The fields of a urlencoded form (the official client's upload by URL)."""
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise ApiError(400, f"Unsupported upload content type '{content_type}'.")
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, applies faults and authentication, and dispatches to a route."""

    protocol_version = "HTTP/1.1"
    server_version = "SyncSketchStandIn/1.0"
    timeout = 30
    # headers and body go out in separate writes: without this, Nagle's algorithm and the
    # client's delayed ACK stall every keep-alive answer by ~40 ms
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("syncsketch stand-in: " + format, *args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        with self.server.standin.served.answering():
            self._serve(method)

    def _serve(self, method: str) -> None:
        standin = self.server.standin
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        form: Form | None = None
        body = b""
        try:  # a form's files stream to disk; any other body is small (JSON)
            if is_form(self.headers.get("Content-Type") or ""):
                form = read_form(self.rfile, self.headers, standin.store.spool)
            else:
                body = read_small(self.rfile, self.headers)
        except BodyError as exc:
            standin.requests.add(RequestRecord(method, parts.path, query, None, exc.status))
            self.close_connection = True
            self._send(exc.status, {"error": str(exc)})
            return
        try:
            self._answer(method, parts.path, query, body, form)
        finally:
            if form is not None:
                form.discard()

    def _answer(
        self, method: str, path: str, query: dict[str, str], body: bytes, form: Form | None
    ) -> None:
        standin = self.server.standin
        logged = form.summary() if form is not None else self._loggable(body)
        record = RequestRecord(method, path, query, logged)
        standin.requests.add(record)
        faults = standin.faults
        if faults.latency:
            standin.served.sleep(faults.latency)
        fault = faults.decide(method, path)
        if fault is not None and not fault.after_commit:
            self._send_fault(fault, record)
            return
        try:
            status, payload, headers = standin.dispatch(
                method, path, query, body, self.headers, record, form
            )
        except ApiError as exc:
            payload = None if exc.message is None else {"error": exc.message}
            status, headers = exc.status, {}
        except Exception:
            log.exception("syncsketch stand-in failed on %s %s", method, self.path)
            status, payload, headers = 500, SERVER_ERROR_JSON, {}
        if fault is not None:
            self._send_fault(fault, record)
            return
        record.status = status
        self._send(status, payload, headers)

    @staticmethod
    def _loggable(body: bytes) -> Any:
        try:
            return json.loads(body) if body else None
        except ValueError:
            return body

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        headers = dict(headers or {})
        if isinstance(payload, Path):  # a stored file: streamed, never read whole
            self._send_file(status, payload, headers)
            return
        if payload is None:
            data = b""
        elif isinstance(payload, bytes):
            data = payload
        elif isinstance(payload, str) and headers.get("Content-Type", "").startswith("text/"):
            data = payload.encode("utf-8")
        else:
            data = json.dumps(payload).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        if self.command != "HEAD" and len(data) < 65536:
            # one write for headers and a small body: one segment, no wait for an ACK
            self._headers_buffer.append(b"\r\n" + data)
            self.flush_headers()
            return
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _send_file(self, status: int, path: Path, headers: dict[str, str]) -> None:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            if self.command != "HEAD":
                shutil.copyfileobj(handle, self.wfile, CHUNK)

    def _send_fault(self, fault: Fault, record: RequestRecord) -> None:
        faults = self.server.standin.faults
        if fault.kind == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        record.status = fault.status
        phrase = HTTPStatus(fault.status).phrase
        html = (
            f"<html><head><title>{fault.status} {phrase}</title></head><body>"
            f"<center><h1>{fault.status} {phrase}</h1></center><hr><center>nginx</center>"
            "</body></html>\n"
        )
        html_headers = {"Content-Type": "text/html; charset=utf-8"}
        if fault.kind == "rate_limit":
            headers = {"Retry-After": str(faults.retry_after)}
            if faults.rate_limit_body == "json":
                wait = faults.retry_after
                body: Any = {
                    "detail": f"Request was throttled. Expected available in {wait} seconds."
                }
            elif faults.rate_limit_body == "empty":
                body = b""
            else:
                body, headers = html, {**headers, **html_headers}
            self._send(429, body, headers)
        elif faults.non_json_errors:
            self._send(fault.status, html, html_headers)
        else:
            self._send(fault.status, SERVER_ERROR_JSON)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    standin: SyncSketchStandIn


@dataclass
class _Request:
    query: dict[str, str]
    body: bytes
    content_type: str
    user: dict[str, Any] | None
    form: Form | None = None
    """A multipart body, its files already on disk (``body`` is then empty)."""

    def json(self) -> Any:
        return _json_body(self.body)


class Router:
    """Dispatch of ``SyncSketchStandIn``: ``_routes`` is the endpoint table of ``Handlers``."""

    _routes: list[Route]

    def dispatch(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        headers: Any,
        record: RequestRecord,
        form: Form | None = None,
    ) -> Reply:
        """Route one request; raises ``ApiError`` for every client-visible failure."""
        allowed = False
        for route_method, pattern, handler, needs_auth in self._routes:
            match = pattern.match(path)
            if not match:
                continue
            allowed = True
            if route_method != method:
                continue
            user = self.authenticate(query, headers) if needs_auth else None
            record.user = user["username"] if user else None
            request = _Request(query, body, headers.get("Content-Type") or "", user, form)
            return handler(request, *match.groups())
        if allowed:
            raise ApiError(405)
        return 404, "<h1>Not Found</h1>", {"Content-Type": "text/html; charset=utf-8"}
