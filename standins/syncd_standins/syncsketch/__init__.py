"""A local SyncSketch server that speaks the wire format of the real service.

No public SyncSketch test server exists, so syncd's connector, the demo and the tests talk
to this stand-in instead. Its shapes follow what the official ``syncsketch`` client sends
and reads (the conformance tests drive it with that client); its failure modes (429 with
``Retry-After``, 5xx, HTML error pages, dropped connections, latency) can be switched on
at runtime so retry and back-off logic is tested against the behaviour it must survive.

Run it alone with ``python -m syncd_standins.syncsketch --port 8081 --user alice:KEY``.

Modules: ``server`` (HTTP layer and routing), ``handlers`` (one method per endpoint),
``faults`` (faults, quirks, request log), ``store`` (objects and changes), ``query``
(filters, paging, resource URIs), ``resources`` (the per-resource tables) and ``flatten``
(flattened sketches: the polled task and the pictures).

Endpoints (all paths end with ``/``; JSON unless noted):

* ``GET /api/v1/person/connected/``, ``GET /api/v1/simpleperson/currentUser/``
* ``GET /api/v1/account/``; ``GET|POST /api/v1/project/``; ``GET|PATCH /api/v1/project/N/``
* ``GET|POST /api/v1/review/``; ``GET|PATCH /api/v1/review/N/``
* ``GET|POST /api/v1/item/``; ``GET|PATCH /api/v1/item/N/`` (``active: false`` = delete)
* ``GET|POST /api/v1/frame/``; ``GET|PATCH|DELETE /api/v1/frame/N/``
* ``PUT /api/v2/review/R/sort_items/``, ``POST /api/v2/bulk-delete-items/``
* ``POST /items/uploadToReview/R/`` (multipart ``reviewFile`` or form ``media_url``)
* ``POST /api/v2/downloads/flattenedSketches/R/I/`` and ``GET .../flattenedSketches/TASK/``
  (a task polled until ``done``; ``quirks.flatten_seconds``, ``flatten_stuck``, ``flatten_failed``)
* ``GET /media/...`` serves uploaded bytes without credentials, like signed storage URLs.

Status codes follow Tastypie: list POST 201, PATCH 202, DELETE 204, 400 ``{"error": ...}``,
404 and 405 with an empty body. Bad or missing credentials give 401 ``{"error": ...}``.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from syncd_standins import serve_in_background, shut_down
from syncd_standins.served import ServiceTime
from syncd_standins.syncsketch.faults import Fault, Faults, Quirks, RequestLog, RequestRecord
from syncd_standins.syncsketch.handlers import PLACEHOLDER_PNG, Handlers
from syncd_standins.syncsketch.query import DEFAULT_LIMIT, ApiError
from syncd_standins.syncsketch.server import Router, _Handler, _Server
from syncd_standins.syncsketch.store import Media, SyncSketchStore

__all__ = [
    "DEFAULT_LIMIT",
    "PLACEHOLDER_PNG",
    "ApiError",
    "Fault",
    "Faults",
    "Media",
    "Quirks",
    "RequestLog",
    "RequestRecord",
    "SyncSketchStandIn",
    "SyncSketchStore",
    "main",
]


class SyncSketchStandIn(Router, Handlers):
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
        self.served = ServiceTime()
        """The time spent answering, the injected latency left out (see ``served``)."""
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


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m syncd_standins.syncsketch",
        description="Serve a local SyncSketch stand-in.",
    )
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
    parser.add_argument(
        "--media-dir", default=None, help="keep uploads here (default: a temporary folder)"
    )
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
