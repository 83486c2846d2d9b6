"""ShotGrid stand-in: an HTTP server answering the calls the official ``shotgun_api3`` client makes.

The end-to-end tests of ``syncd`` and ``syncd demo`` need a ShotGrid reachable over HTTP, and
Mockgun is in-process only.  This server speaks the client's wire protocol: JSON-RPC POSTs to
``/api3/json`` (``{"method_name": ..., "params": [auth, payload]}``), direct uploads of movies to
storage as a hosted site takes them (``direct_uploads``, on by default), the multipart upload
forms (``/upload/upload_file``, ``/upload/publish_thumbnail``) and attachment downloads
(``/file_serve/attachment/<id>`` behind the session cookie), every file streamed to and from
disk.  Faults go
back as HTTP 200 with ``{"exception": true, "message": ..., "error_code": ...}`` as a real site
does, so the client raises ``Fault``/``AuthenticationFault`` itself.  Switchable latency and
HTTP failures let tests exercise the connector's retry paths.

Run it alone with ``python -m syncd_standins.shotgrid --port 8082 --script syncd:KEY``.

Modules: ``server`` (HTTP handler and RPC methods), ``store`` (the site's rows), ``schema``
(entity types and fields), ``values`` (wire and internal forms), ``filters`` (selection and
sorting), ``events`` (the event log) and ``files`` (uploads and Attachments).
"""

from __future__ import annotations

import argparse
import random
import secrets
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any

from syncd_standins import serve_in_background, shut_down
from syncd_standins.served import ServiceTime
from syncd_standins.shotgrid.files import DirectUpload, Uploads
from syncd_standins.shotgrid.schema import ERR_AUTH, Link, ShotGridFault
from syncd_standins.shotgrid.server import Rpc, _make_handler
from syncd_standins.shotgrid.store import ShotGridStore

__all__ = ["ShotGridFault", "ShotGridStandIn", "ShotGridStore"]


class ShotGridStandIn(Rpc, Uploads):
    """A ShotGrid site on localhost, with switches for latency and failures.

    ``scripts`` maps script names to API keys and ``users`` maps logins to passwords; each gets
    an ``ApiUser``/``HumanUser`` row so ``created_by`` and the event log name who did what.
    ``sudo_scripts`` names the scripts whose permission role allows "sudo" (acting as a person
    with ``sudo_as_login``); None lets every script, as the default API Admin role does.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        scripts: dict[str, str] | None = None,
        users: dict[str, str] | None = None,
        *,
        server_version: tuple[int, int, int] = (8, 44, 0),
        max_entities_per_page: int = 500,
        seed: int | None = None,
        direct_uploads: bool = True,
        sudo_scripts: set[str] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.store = ShotGridStore()
        self.server_version = server_version
        self.max_entities_per_page = max_entities_per_page
        self.direct_uploads = direct_uploads
        """Movies go to (stand-in) cloud storage first, as on a hosted site; False: every
        file comes as a multipart form, as on a site without direct uploads."""
        self._direct: dict[str, DirectUpload] = {}
        self._uploads_lock = threading.Lock()
        self.latency = 0.0
        self.served = ServiceTime()
        """The time spent answering, ``latency`` left out (see ``served``)."""
        self.fail_rate = 0.0
        self.fail_status = 503
        self.requests: list[str] = []
        self._scripts: dict[str, str] = {}
        self.sudo_scripts = sudo_scripts
        self._passwords: dict[str, str] = {}
        self._sessions: dict[str, Link] = {}
        self._fail_queue: list[tuple[int, str | None]] = []
        self._fail_after: list[tuple[int, str | None]] = []
        self._fault_queue: list[tuple[str, str | None]] = []
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        for name, key in (scripts if scripts is not None else {"syncd": "KEY"}).items():
            self.add_script(name, key)
        for login, password in (users or {}).items():
            self.add_user(login, password)

    # ----------------------------------------------------------------- lifecycle
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("ShotGridStandIn is not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> ShotGridStandIn:
        self._server = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.store.base_url = self.url
        self._thread = serve_in_background(self._server, "shotgrid-standin")
        return self

    def stop(self) -> None:
        shut_down(self._server, self._thread)
        self._server = None
        self._thread = None
        for timer in self.store.hold.timers:
            timer.cancel()

    def __enter__(self) -> ShotGridStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- accounts
    def add_script(self, name: str, key: str) -> dict[str, Any]:
        """Register an API script; returns its ``ApiUser`` link."""
        self._scripts[name] = key
        found = self.store.find_one("ApiUser", [["firstname", "is", name]])
        return found or self.store.create("ApiUser", {"firstname": name}, emit_events=False)

    def add_user(
        self, login: str, password: str, *, name: str | None = None, email: str | None = None
    ) -> dict[str, Any]:
        """Register a person who can log in; returns their ``HumanUser`` link."""
        self._passwords[login] = password
        found = self.store.find_one("HumanUser", [["login", "is", login]])
        return found or self.store.create(
            "HumanUser",
            {
                "login": login,
                "name": name or login.title(),
                "email": email or f"{login}@example.com",
                "sg_status_list": "act",
            },
            emit_events=False,
        )

    def authenticate(self, auth: dict[str, Any]) -> Link:
        """The principal for an auth dict, or an ``AuthenticationFault``-shaped fault."""
        principal: Link | None = None
        if "script_name" in auth:
            name = auth["script_name"]
            if self._scripts.get(name) != auth.get("script_key"):
                raise ShotGridFault(f"Can't authenticate script '{name}'", ERR_AUTH)
            principal = self._lookup("ApiUser", "firstname", name)
        elif "user_login" in auth:
            login = auth["user_login"]
            if self._passwords.get(login) != auth.get("user_password"):
                raise ShotGridFault(f"Can't authenticate user '{login}'", ERR_AUTH)
            principal = self._lookup("HumanUser", "login", login)
        elif "session_token" in auth:
            principal = self._sessions.get(str(auth["session_token"]))
            if principal is None:
                raise ShotGridFault("Session token is invalid or has expired", ERR_AUTH)
        if principal is None:
            raise ShotGridFault("No credentials given", ERR_AUTH)
        if auth.get("sudo_as_login"):
            script = auth.get("script_name")
            if script and self.sudo_scripts is not None and script not in self.sudo_scripts:
                # what a site answers a script whose permission role lacks "sudo"
                raise ShotGridFault(
                    f"The user does not have permission to 'sudo': {script} may not act as "
                    f"{auth['sudo_as_login']}"
                )
            sudo = self._lookup("HumanUser", "login", auth["sudo_as_login"])
            if sudo is None:
                raise ShotGridFault(f"sudo_as_login: no user '{auth['sudo_as_login']}'", ERR_AUTH)
            principal = sudo
        return principal

    def _lookup(self, entity_type: str, field: str, value: str) -> Link | None:
        found = self.store.find_one(entity_type, [[field, "is", value]])
        return (entity_type, found["id"]) if found else None

    # ----------------------------------------------------------------- switches and log
    def fail_next(
        self,
        count: int = 1,
        status: int = 503,
        method: str | None = None,
        *,
        after_commit: bool = False,
    ) -> None:
        """Answer the next ``count`` requests (of ``method``, if given) with HTTP ``status``;
        ``after_commit``: the request (an RPC call or an upload) is handled first, then its
        answer is lost in that error."""
        with self._lock:
            queue = self._fail_after if after_commit else self._fail_queue
            queue.extend([(status, method)] * count)

    def fault_next(
        self, count: int = 1, message: str = "Simulated server error", method: str | None = None
    ) -> None:
        """Answer the next ``count`` RPC calls with a JSON fault (the client raises ``Fault``)."""
        with self._lock:
            self._fault_queue.extend([(message, method)] * count)

    def count(self, method_name: str | None = None) -> int:
        with self._lock:
            if method_name is None:
                return len(self.requests)
            return self.requests.count(method_name)

    def reset(self) -> None:
        """Clear the request log and every switched-on failure."""
        with self._lock:
            self.requests.clear()
            self._fail_queue.clear()
            self._fail_after.clear()
            self._fault_queue.clear()
            self.latency = 0.0
            self.fail_rate = 0.0

    def _record(self, name: str) -> int | None:
        """Log a request; return the HTTP status to fail it with, if a switch says so."""
        with self._lock:
            self.requests.append(name)
            for i, (status, method) in enumerate(self._fail_queue):
                if method is None or method == name:
                    del self._fail_queue[i]
                    return status
            if self.fail_rate and self._random.random() < self.fail_rate:
                return self.fail_status
        return None

    def _failed_after(self, name: str) -> int | None:
        """The error status that replaces the answer to a request already handled, if any."""
        with self._lock:
            for i, (status, method) in enumerate(self._fail_after):
                if method is None or method == name:
                    del self._fail_after[i]
                    return status
        return None

    def _take_fault(self, name: str) -> str | None:
        with self._lock:
            for i, (message, method) in enumerate(self._fault_queue):
                if method is None or method == name:
                    del self._fault_queue[i]
                    return message
        return None

    # ----------------------------------------------------------------- RPC
    def info(self) -> dict[str, Any]:
        return {
            "version": list(self.server_version),
            "full_version": [*self.server_version, 0],
            "s3_uploads_enabled": self.direct_uploads,
            "s3_direct_uploads_enabled": self.direct_uploads,
            "s3_enabled_upload_types": {"Version": ["sg_uploaded_movie"]}
            if self.direct_uploads
            else {},
            "api_max_entities_per_page": self.max_entities_per_page,
            "user_authentication_method": "default",
        }

    def call(self, method: str, params: list[Any], base_url: str | None = None) -> Any:
        """Run one RPC call; returns the response body (before JSON encoding)."""
        if method == "info":
            return self.info()
        principal = self.authenticate(params[0] if params else {})
        payload = params[1] if len(params) > 1 else None
        message = self._take_fault(method)
        if message is not None:
            raise ShotGridFault(message)
        if method == "get_session_token":
            token = secrets.token_hex(16)
            self._sessions[token] = principal
            return {"session_id": token}
        handler = getattr(self, f"_rpc_{method}", None)
        if handler is None:
            raise ShotGridFault(f"Unknown method '{method}' (not implemented by the stand-in)")
        return {"results": handler(payload or {}, principal, base_url)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m syncd_standins.shotgrid", description="Serve a local ShotGrid stand-in."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--script", action="append", default=[], metavar="NAME:KEY")
    parser.add_argument("--user", action="append", default=[], metavar="LOGIN:PASSWORD")
    args = parser.parse_args(argv)
    scripts = dict(s.split(":", 1) for s in args.script) or {"syncd": "KEY"}
    users = dict(u.split(":", 1) for u in args.user)
    standin = ShotGridStandIn(args.host, args.port, scripts=scripts, users=users).start()
    print(f"ShotGrid stand-in serving {standin.url}/api3/json (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
    return 0
