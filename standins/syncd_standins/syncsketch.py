"""A local SyncSketch server that speaks the wire format of the real service.

No public SyncSketch test server exists, so syncd's connector, the demo and the tests talk
to this stand-in instead. Its shapes follow what the official ``syncsketch`` client sends
and reads (the conformance tests drive it with that client); its failure modes (429 with
``Retry-After``, 5xx, HTML error pages, dropped connections, latency) can be switched on
at runtime so retry and back-off logic is tested against the behaviour it must survive.

Run it alone with ``python -m syncd_standins.syncsketch --port 8081 --user alice:KEY``.

Endpoints (all paths end with ``/``; JSON unless noted):

* ``GET /api/v1/person/connected/``, ``GET /api/v1/simpleperson/currentUser/``
* ``GET /api/v1/account/``; ``GET|POST /api/v1/project/``; ``GET|PATCH /api/v1/project/N/``
* ``GET|POST /api/v1/review/``; ``GET|PATCH /api/v1/review/N/``
* ``GET|POST /api/v1/item/``; ``GET|PATCH /api/v1/item/N/`` (``active: false`` = delete)
* ``GET|POST /api/v1/frame/``; ``GET|PATCH|DELETE /api/v1/frame/N/``
* ``PUT /api/v2/review/R/sort_items/``, ``POST /api/v2/bulk-delete-items/``
* ``POST /items/uploadToReview/R/`` (multipart ``reviewFile`` or form ``media_url``)
* ``POST /api/v2/downloads/flattenedSketches/R/I/`` and ``GET .../flattenedSketches/TASK/``
* ``GET /media/...`` serves uploaded bytes without credentials, like signed storage URLs.

Status codes follow Tastypie: list POST 201, PATCH 202, DELETE 204, 400 ``{"error": ...}``,
404 and 405 with an empty body. Bad or missing credentials give 401 ``{"error": ...}``.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import email.policy
import json
import logging
import mimetypes
import random
import re
import socket
import struct
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from syncd_standins import serve_in_background, shut_down
from syncd_standins.syncsketch_store import (
    DEFAULT_LIMIT,
    WRITABLE,
    ApiError,
    SyncSketchStore,
    id_from_uri,
    paginate,
)

log = logging.getLogger(__name__)

SERVER_ERROR_JSON = {
    "error_message": "Sorry, this request could not be processed. Please try again later."
}


def _tiny_png() -> bytes:
    """A 1x1 transparent PNG: the placeholder for thumbnails and flattened sketches."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PLACEHOLDER_PNG = _tiny_png()


# --------------------------------------------------------------------------- request log


@dataclass
class RequestRecord:
    """One request as the server saw it; ``status`` is None for a dropped connection."""

    method: str
    path: str
    query: dict[str, str]
    body: Any = None
    status: int | None = None
    user: str | None = None


class RequestLog:
    """Thread-safe list of requests; iterating yields ``(method, path, query)`` tuples."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def __iter__(self) -> Iterator[tuple[str, str, dict[str, str]]]:
        return iter([(r.method, r.path, r.query) for r in self.records()])

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __getitem__(self, index: int) -> tuple[str, str, dict[str, str]]:
        record = self.records()[index]
        return (record.method, record.path, record.query)

    def matching(
        self, method: str | None = None, path_prefix: str | None = None
    ) -> list[RequestRecord]:
        return [
            r
            for r in self.records()
            if (method is None or r.method == method.upper())
            and (path_prefix is None or r.path.startswith(path_prefix))
        ]

    def count(self, method: str | None = None, path_prefix: str | None = None) -> int:
        return len(self.matching(method, path_prefix))

    def reset(self) -> None:
        with self._lock:
            self._records.clear()


# --------------------------------------------------------------------------- faults


@dataclass
class Fault:
    """What to do to one request instead of (or after) serving it."""

    kind: str  # "error" | "rate_limit" | "drop"
    status: int = 500
    after_commit: bool = False


@dataclass
class _Queued:
    fault: Fault
    remaining: int
    method: str | None
    path_prefix: str | None


@dataclass
class Faults:
    """Switchable failure modes, safe to change from a test while requests are in flight.

    Random faults draw from a seeded generator (three draws per request, always), so a
    given seed and request sequence fail the same way on every run. ``fail_next`` queues
    exact failures, optionally *after* the write was applied, which is how a lost response
    to a successful POST is simulated.
    """

    latency: float = 0.0
    fail_rate: float = 0.0
    fail_status: int = 500
    rate_limit: float = 0.0
    retry_after: int = 1
    rate_limit_body: str = "html"  # "json" | "html" | "empty"
    non_json_errors: bool = False
    drop_connection_rate: float = 0.0
    path_prefix: str | None = None  # random faults only hit paths under this prefix
    seed: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _queue: collections.deque[_Queued] = field(default_factory=collections.deque, repr=False)
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def set(self, **changes: Any) -> None:
        """Change several settings at once (``seed=`` also restarts the generator)."""
        with self._lock:
            for name, value in changes.items():
                if name.startswith("_") or not hasattr(self, name):
                    raise AttributeError(f"unknown fault setting {name!r}")
                setattr(self, name, value)
            if "seed" in changes:
                self._rng.seed(self.seed)

    def reset(self) -> None:
        """Back to a healthy server; the seed is kept and the generator restarted."""
        defaults = Faults()
        with self._lock:
            for name in (
                "latency",
                "fail_rate",
                "fail_status",
                "rate_limit",
                "retry_after",
                "rate_limit_body",
                "non_json_errors",
                "drop_connection_rate",
                "path_prefix",
            ):
                setattr(self, name, getattr(defaults, name))
            self._queue.clear()
            self._rng.seed(self.seed)

    def fail_next(
        self,
        n: int = 1,
        kind: str = "error",
        *,
        status: int = 500,
        after_commit: bool = False,
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Fail the next ``n`` requests matching ``method``/``path_prefix`` with ``kind``."""
        if kind not in ("error", "rate_limit", "drop"):
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(kind, 429 if kind == "rate_limit" else status, after_commit)
        with self._lock:
            self._queue.append(_Queued(fault, n, method and method.upper(), path_prefix))

    def decide(self, method: str, path: str) -> Fault | None:
        with self._lock:
            draws = [self._rng.random() for _ in range(3)]
            for queued in self._queue:
                if queued.method in (None, method) and (
                    queued.path_prefix is None or path.startswith(queued.path_prefix)
                ):
                    queued.remaining -= 1
                    if queued.remaining <= 0:
                        self._queue.remove(queued)
                    return queued.fault
            if self.path_prefix and not path.startswith(self.path_prefix):
                return None
            if draws[0] < self.drop_connection_rate:
                return Fault("drop")
            if draws[1] < self.rate_limit:
                return Fault("rate_limit", 429)
            if draws[2] < self.fail_rate:
                return Fault("error", self.fail_status)
            return None


# --------------------------------------------------------------------------- HTTP layer

Reply = tuple[int, Any, dict[str, str]]
Route = tuple[str, re.Pattern[str], Callable[..., Reply], bool]


def _json_body(body: bytes) -> Any:
    if not body:
        return {}
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ApiError(400, f"Malformed JSON in request body: {exc}") from exc


def _parse_form(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
    """Form fields and files of a multipart or urlencoded body, without ``cgi``."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(400, f"Unsupported upload content type '{content_type}'.")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            declared = part.get_content_type() if part.get("Content-Type") else None
            guessed = mimetypes.guess_type(filename)[0]
            files[str(name)] = (
                filename,
                declared or guessed or "application/octet-stream",
                payload,
            )
        else:
            fields[str(name)] = payload.decode("utf-8")
    return fields, files


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
        standin = self.server.standin
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        record = RequestRecord(method, parts.path, query, self._loggable(body))
        standin.requests.add(record)
        faults = standin.faults
        if faults.latency:
            time.sleep(faults.latency)
        fault = faults.decide(method, parts.path)
        if fault is not None and not fault.after_commit:
            self._send_fault(fault, record)
            return
        try:
            status, payload, headers = standin.dispatch(
                method, parts.path, query, body, self.headers, record
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


@dataclass
class Quirks:
    """Where public facts leave the real service's behaviour open, the stand-in can take
    either side, so that the connector is tested against each answer it may meet."""

    reply_parent: tuple[str, ...] = ("parent", "parent_id")
    """Create fields read as a reply's parent (the resource URI ``parent``, ``parent_id``)."""
    create_ignores: frozenset[str] = frozenset()
    """Item fields the create call drops (``approval_status``, ``fps``)."""
    empty_create_answer: bool = False
    """Creates answer 201 with an empty body and a ``Location`` (Tastypie's default)."""
    empty_frames: bool = False
    """Frame listings answer no objects (a proxy's or an API's bad day)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    standin: SyncSketchStandIn


# --------------------------------------------------------------------------- the stand-in


class SyncSketchStandIn:
    """A SyncSketch look-alike on a local port; use as a context manager or start/stop.

    ``users`` maps usernames to API keys (e-mail is ``<username>@example.com``);
    ``tokens`` maps e-mails to accepted expiring tokens. The first user is the default
    creator of seeded objects. ``default_limit`` is the page size when a list request
    sends no ``limit`` (Tastypie's default of 20).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        users: dict[str, str] | None = None,
        media_dir: str | Path | None = None,
        *,
        tokens: dict[str, str] | None = None,
        default_limit: int = DEFAULT_LIMIT,
        seed: int | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.api_keys = dict(users if users is not None else {"alice": "key"})
        self.tokens = dict(tokens or {})
        self.default_limit = default_limit
        self.store = SyncSketchStore(media_dir)
        self.faults = Faults(seed=seed)
        self.quirks = Quirks()
        self.requests = RequestLog()
        self.url = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tasks: dict[str, Any] = {}
        for username in self.api_keys:
            self.store.add_user(username)
        self._routes = self._build_routes()

    # ----- lifecycle
    def start(self) -> SyncSketchStandIn:
        self._server = _Server((self.host, self.port), _Handler)
        self._server.standin = self
        self.port = self._server.server_port
        self.url = f"http://{self.host}:{self.port}"
        self.store.base_url = self.url
        self._thread = serve_in_background(self._server, "syncsketch-standin")
        return self

    def stop(self) -> None:
        shut_down(self._server, self._thread)
        self._server = None
        self._thread = None

    def __enter__(self) -> SyncSketchStandIn:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def add_user(
        self,
        username: str,
        api_key: str,
        email: str = "",
        first_name: str = "",
        last_name: str = "",
    ) -> dict[str, Any]:
        """Create a person who can also log in with ``api_key`` (``store.add_user`` cannot)."""
        self.api_keys[username] = api_key
        return self.store.add_user(username, email, first_name, last_name)

    # ----- auth
    def authenticate(self, query: dict[str, str], headers: Any) -> dict[str, Any]:
        """The user behind a request's credentials, or ``ApiError(401)``."""
        header = headers.get("Authorization") or ""
        if header:
            scheme, _, credentials = header.partition(" ")
            login, _, secret = credentials.strip().partition(":")
            scheme = scheme.lower()
        elif "api_key" in query:
            scheme, login, secret = "apikey", query.get("username", ""), query["api_key"]
        elif "token" in query:
            scheme, login, secret = "token", query.get("email", ""), query["token"]
        else:
            raise ApiError(401, "Authentication credentials were not provided.")
        user = self.store.user_by_login(login)
        if user is not None:
            if scheme == "apikey" and self.api_keys.get(user["username"]) == secret:
                return user
            if scheme == "token" and self.tokens.get(user["email"]) == secret:
                return user
        raise ApiError(401, "Invalid credentials.")

    # ----- routing
    def _build_routes(self) -> list[Route]:
        n = r"(\d+)"
        table: list[tuple[str, str, Callable[..., Reply], bool]] = [
            ("GET", r"/api/v1/person/connected/", self._connected, True),
            ("GET", r"/api/v1/simpleperson/currentUser/", self._connected, True),
            ("GET", r"/api/v1/(account|project|review|item|frame)/", self._list, True),
            ("GET", rf"/api/v1/(project|review|item|frame)/{n}/", self._detail, True),
            ("PATCH", rf"/api/v1/(project|review|item|frame)/{n}/", self._patch, True),
            ("POST", r"/api/v1/project/", self._create_project, True),
            ("POST", r"/api/v1/review/", self._create_review, True),
            ("POST", r"/api/v1/item/", self._create_item, True),
            ("POST", r"/api/v1/frame/", self._create_frame, True),
            ("DELETE", rf"/api/v1/frame/{n}/", self._delete_frame, True),
            ("PUT", rf"/api/v2/review/{n}/sort_items/", self._sort_items, True),
            ("POST", r"/api/v2/bulk-delete-items/", self._bulk_delete, True),
            ("POST", rf"/items/uploadToReview/{n}/", self._upload, True),
            ("POST", rf"/api/v2/downloads/flattenedSketches/{n}/{n}/", self._flatten, True),
            ("GET", r"/api/v2/downloads/flattenedSketches/([\w-]+)/", self._flat_task, True),
            ("GET", r"/media/flattened/(\d+)\.png", self._placeholder, False),
            ("GET", rf"/media/{n}/thumbnail\.png", self._thumbnail, False),
            ("GET", rf"/media/{n}/([^/]+)", self._media, False),
        ]
        return [(m, re.compile(p + r"\Z"), h, auth) for m, p, h, auth in table]

    def dispatch(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        headers: Any,
        record: RequestRecord,
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
            request = _Request(query, body, headers.get("Content-Type") or "", user)
            return handler(request, *match.groups())
        if allowed:
            raise ApiError(405)
        return 404, "<h1>Not Found</h1>", {"Content-Type": "text/html; charset=utf-8"}

    # ----- handlers
    def _connected(self, req: _Request) -> Reply:
        return 200, self.store.person(req.user), {}

    def _list(self, req: _Request, kind: str) -> Reply:
        if kind == "account":
            with self.store.lock:
                objects = [dict(a) for a in self.store.accounts.values()]
        else:
            objects = self.store.query(kind, req.query)
        if kind == "frame" and self.quirks.empty_frames:
            objects = []
        objects = [_only_fields(o, req.query) for o in objects]
        page = paginate(objects, req.query, f"/api/v1/{kind}/", self.default_limit)
        return 200, page, {}

    def _detail(self, req: _Request, kind: str, object_id: str) -> Reply:
        obj = getattr(self.store, kind)(int(object_id))
        return 200, _only_fields(obj, req.query), {}

    def _patch(self, req: _Request, kind: str, object_id: str) -> Reply:
        changes = req.json()
        if not isinstance(changes, dict):
            raise ApiError(400, "PATCH body must be a JSON object.")
        return 202, self.store.patch(kind, int(object_id), changes), {}

    def _create_project(self, req: _Request) -> Reply:
        data = req.json()
        account_id = data.get("account_id") or data.get("account")
        project_id = self.store.add_project(
            _required(data, "name"),
            id_from_uri(account_id, "account") if account_id else None,
            data.get("description", ""),
        )
        return 201, self.store.project(project_id), {}

    def _create_review(self, req: _Request) -> Reply:
        data = req.json()
        project_id = id_from_uri(_required(data, "project"), "project")
        if project_id not in self.store.projects:
            raise ApiError(
                400,
                f"Could not find the provided project object via resource URI '{data['project']}'.",
            )
        review = self.store.add_review(
            project_id, _required(data, "name"), data.get("description", "")
        )
        return 201, review, {}

    def _create_item(self, req: _Request) -> Reply:
        data = dict(req.json())
        review_id = int(_required(data, "reviewId"))
        if review_id not in self.store.reviews:
            raise ApiError(400, f"Review {review_id} does not exist.")
        metadata = data.get("metadata")
        if metadata is not None and not isinstance(metadata, str):
            raise ApiError(400, "metadata must be a JSON encoded string.")
        known = {
            k: v
            for k, v in data.items()
            if k in WRITABLE["item"]
            and k not in ("name", "active")
            and k not in self.quirks.create_ignores
        }
        item = self.store.add_item(review_id, data.get("name", ""), creator=req.user, **known)
        return self._created(item, "item")

    def _create_frame(self, req: _Request) -> Reply:
        data = req.json()
        item_id = id_from_uri(_required(data, "item"), "item")
        revision_id = id_from_uri(_required(data, "revision"), "revision")
        parent = next((data[k] for k in self.quirks.reply_parent if data.get(k)), None)
        if item_id not in self.store.items:
            raise ApiError(
                400, f"Could not find the provided item object via resource URI '{data['item']}'."
            )
        frame = self.store.add_frame(
            item_id,
            data.get("text", ""),
            data.get("frame", 0),
            data.get("type", "comment"),
            parent_id=id_from_uri(parent, "frame") if parent else None,
            creator=req.user,
            revision_id=revision_id,
            data=data.get("data"),
        )
        return self._created(frame, "frame")

    def _created(self, obj: dict[str, Any], kind: str) -> Reply:
        if self.quirks.empty_create_answer:
            return 201, None, {"Location": f"{self.url}/api/v1/{kind}/{obj['id']}/"}
        return 201, obj, {}

    def _delete_frame(self, req: _Request, frame_id: str) -> Reply:
        self.store.delete_frame(int(frame_id))
        return 204, None, {}

    def _sort_items(self, req: _Request, review_id: str) -> Reply:
        entries = req.json().get("items")
        if not isinstance(entries, list):
            raise ApiError(400, "'items' must be a list of {id, sortorder}.")
        return 200, {"updated_items": self.store.sort_items(int(review_id), entries)}, {}

    def _bulk_delete(self, req: _Request) -> Reply:
        item_ids = req.json().get("item_ids")
        if not isinstance(item_ids, list):
            raise ApiError(400, "'item_ids' must be a list.")
        deleted = 0
        for item_id in item_ids:
            if int(item_id) in self.store.items:
                self.store.patch("item", int(item_id), {"active": False})
                deleted += 1
        return 200, {"deleted_items": deleted}, {}

    def _upload(self, req: _Request, review_id: str) -> Reply:
        review = self.store.review(int(review_id))
        fields, files = _parse_form(req.content_type, req.body)
        name, artist = fields.get("name", ""), fields.get("artist", "")
        if "reviewFile" in files:
            filename, content_type, data = files["reviewFile"]
            parent = req.query.get("itemParentId")
            if parent:
                item = self.store.item(int(parent))
                if item["reviews"] != [review["resource_uri"]]:
                    raise ApiError(400, f"Item {parent} is not in review {review_id}.")
                item_id = item["id"]
            else:
                item_id = self.store.add_item(review["id"], name or filename, creator=req.user)[
                    "id"
                ]
            return (
                200,
                self.store.store_media(
                    item_id,
                    filename,
                    content_type,
                    data,
                    new_version=bool(parent),
                    name=name,
                    artist=artist,
                ),
                {},
            )
        if fields.get("media_url"):
            url = fields["media_url"]
            item = self.store.add_item(
                review["id"],
                name or url.rstrip("/").rsplit("/", 1)[-1],
                creator=req.user,
                external_url=url,
                artist=artist,
            )
            return 200, item, {}
        raise ApiError(400, "No reviewFile or media_url in the upload.")

    def _flatten(self, req: _Request, review_id: str, item_id: str) -> Reply:
        self.store.review(int(review_id))
        as_base64 = req.query.get("base64") == "1"
        sketches = [f for f in self.store.item_frames(int(item_id)) if f["type"] == "sketch"]
        data = []
        for sketch in sketches:
            entry: dict[str, Any] = {
                "frame": sketch["frame"],
                "sketch_id": sketch["id"],
                "revision_id": sketch["revision_id"],
            }
            if as_base64:
                entry["data"] = base64.b64encode(PLACEHOLDER_PNG).decode("ascii")
            else:
                entry["url"] = f"{self.url}/media/flattened/{sketch['id']}.png"
            data.append(entry)
        task_id = str(uuid.uuid4())
        self._tasks[task_id] = {"status": "done", "data": data}
        return 200, task_id, {}

    def _flat_task(self, req: _Request, task_id: str) -> Reply:
        return 200, self._tasks.get(task_id, {"status": "failed"}), {}

    def _placeholder(self, req: _Request, frame_id: str) -> Reply:
        return 200, PLACEHOLDER_PNG, {"Content-Type": "image/png"}

    def _thumbnail(self, req: _Request, revision_id: str) -> Reply:
        media = self.store.media.get(int(revision_id))
        if media is not None and media.content_type.startswith("image/"):
            return 200, media.read(), {"Content-Type": media.content_type}
        return self._placeholder(req, revision_id)

    def _media(self, req: _Request, revision_id: str, filename: str) -> Reply:
        media = self.store.media.get(int(revision_id))
        if media is None or media.filename != filename:
            raise ApiError(404)
        return 200, media.read(), {"Content-Type": media.content_type}


@dataclass
class _Request:
    query: dict[str, str]
    body: bytes
    content_type: str
    user: dict[str, Any] | None

    def json(self) -> Any:
        return _json_body(self.body)


def _required(data: dict[str, Any], key: str) -> Any:
    if data.get(key) in (None, ""):
        raise ApiError(
            400, f"The '{key}' field has no data and doesn't allow a default or null value."
        )
    return data[key]


def _only_fields(obj: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    """Honour ``fields=a,b``: the service returns only the requested keys."""
    wanted = [f for f in query.get("fields", "").split(",") if f]
    return {k: obj[k] for k in wanted if k in obj} if wanted else obj


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a local SyncSketch stand-in.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME:KEY",
        help="API user (repeatable); default alice:key",
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="EMAIL:TOKEN",
        help="accepted expiring token (repeatable)",
    )
    parser.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="NAME",
        help="create a project at start (repeatable)",
    )
    parser.add_argument("--media-dir", default=None, help="keep uploads here, not in memory")
    args = parser.parse_args(argv)
    users = dict(u.split(":", 1) for u in args.user) or {"alice": "key"}
    tokens = dict(t.split(":", 1) for t in args.token)
    standin = SyncSketchStandIn(args.host, args.port, users, args.media_dir, tokens=tokens)
    for name in args.project:
        print(f"project {name!r}: id {standin.store.add_project(name)}", flush=True)
    with standin:
        print(f"SyncSketch stand-in serving at {standin.url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
