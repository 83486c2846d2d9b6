"""ShotGrid stand-in: an HTTP server answering the calls the official ``shotgun_api3`` client makes.

The end-to-end tests of ``syncd`` and ``syncd demo`` need a ShotGrid reachable over HTTP, and
Mockgun is in-process only.  This server speaks the client's wire protocol: JSON-RPC POSTs to
``/api3/json`` (``{"method_name": ..., "params": [auth, payload]}``), the multipart upload forms
of a site without direct cloud uploads (``/upload/upload_file``, ``/upload/publish_thumbnail``)
and attachment downloads (``/file_serve/attachment/<id>`` behind the session cookie).  Faults go
back as HTTP 200 with ``{"exception": true, "message": ..., "error_code": ...}`` as a real site
does, so the client raises ``Fault``/``AuthenticationFault`` itself.  Switchable latency and
HTTP failures let tests exercise the connector's retry paths.

Run it alone with ``python -m syncd_standins.shotgrid --port 8082 --script syncd:KEY``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from syncd_standins import serve_in_background, shut_down
from syncd_standins.shotgrid_store import FieldDef, Link, ShotGridFault, ShotGridStore

__all__ = ["ShotGridFault", "ShotGridStandIn", "ShotGridStore"]

ERR_AUTH = 102
JSON_TYPE = "application/json; charset=utf-8"


def _schema_prop(value: Any, editable: bool = False) -> dict[str, Any]:
    return {"editable": editable, "value": value}


def field_schema(entity_type: str, fdef: FieldDef) -> dict[str, Any]:
    """One field in the shape ``schema_field_read`` returns on a real site."""
    properties: dict[str, Any] = {
        "default_value": _schema_prop(None),
        "summary_default": _schema_prop("none", True),
    }
    if fdef.data_type in ("entity", "multi_entity"):
        properties["valid_types"] = _schema_prop(list(fdef.valid_types), True)
    if fdef.data_type in ("status_list", "list"):
        properties["valid_values"] = _schema_prop(list(fdef.valid_values), True)
        properties["display_values"] = _schema_prop({v: v for v in fdef.valid_values})
    return {
        "data_type": _schema_prop(fdef.data_type),
        "description": _schema_prop("", True),
        "editable": _schema_prop(fdef.editable and fdef.name != "id"),
        "entity_type": _schema_prop(entity_type),
        "mandatory": _schema_prop(False),
        "name": _schema_prop(fdef.display or fdef.name, True),
        "properties": properties,
        "ui_value_displayable": _schema_prop(True),
        "unique": _schema_prop(fdef.name == "id"),
        "visible": _schema_prop(True),
    }


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Split a ``multipart/form-data`` body into text fields and ``(filename, bytes)`` files."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return {}, {}
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in body.split(b"--" + match.group(1).encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        disposition = next(
            (
                line
                for line in head.decode("utf-8").split("\r\n")
                if line.lower().startswith("content-disposition")
            ),
            "",
        )
        name = re.search(r'name="([^"]*)"', disposition)
        filename = re.search(r'filename="([^"]*)"', disposition)
        if not name:
            continue
        if filename:
            files[name.group(1)] = (filename.group(1), content)
        else:
            fields[name.group(1)] = content.decode("utf-8")
    return fields, files


class ShotGridStandIn:
    """A ShotGrid site on localhost, with switches for latency and failures.

    ``scripts`` maps script names to API keys and ``users`` maps logins to passwords; each gets
    an ``ApiUser``/``HumanUser`` row so ``created_by`` and the event log name who did what.
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
    ) -> None:
        self.host, self.port = host, port
        self.store = ShotGridStore()
        self.server_version = server_version
        self.max_entities_per_page = max_entities_per_page
        self.latency = 0.0
        self.fail_rate = 0.0
        self.fail_status = 503
        self.requests: list[str] = []
        self._scripts: dict[str, str] = {}
        self._passwords: dict[str, str] = {}
        self._sessions: dict[str, Link] = {}
        self._fail_queue: list[tuple[int, str | None]] = []
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
            sudo = self._lookup("HumanUser", "login", auth["sudo_as_login"])
            if sudo is None:
                raise ShotGridFault(f"sudo_as_login: no user '{auth['sudo_as_login']}'", ERR_AUTH)
            principal = sudo
        return principal

    def _lookup(self, entity_type: str, field: str, value: str) -> Link | None:
        found = self.store.find_one(entity_type, [[field, "is", value]])
        return (entity_type, found["id"]) if found else None

    # ----------------------------------------------------------------- switches and log
    def fail_next(self, count: int = 1, status: int = 503, method: str | None = None) -> None:
        """Answer the next ``count`` requests (of ``method``, if given) with HTTP ``status``."""
        with self._lock:
            self._fail_queue.extend([(status, method)] * count)

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
            "s3_uploads_enabled": False,
            "s3_direct_uploads_enabled": False,
            "s3_enabled_upload_types": {},
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

    def _rpc_read(self, p: dict[str, Any], user: Link, base: str | None) -> dict[str, Any]:
        if p.get("additional_filter_presets"):
            raise ShotGridFault("API read() additional_filter_presets is not supported here")
        entity_type = p.get("type", "")
        fields = p.get("return_fields") or ["id"]
        with self.store.lock:
            rows = self.store.query(
                entity_type,
                p.get("filters"),
                p.get("sorts"),
                retired=p.get("return_only") == "retired",
                include_archived_projects=p.get("include_archived_projects", True),
            )
            paging = p.get("paging") or {}
            per_page = max(
                1,
                min(
                    int(paging.get("entities_per_page") or self.max_entities_per_page),
                    self.max_entities_per_page,
                ),
            )
            page = max(1, int(paging.get("current_page") or 1))
            chunk = rows[(page - 1) * per_page : page * per_page]
            entities = [self.store.render(t, r, fields, base) for t, r in chunk]
        result: dict[str, Any] = {"entities": entities}
        info: dict[str, Any] = {}
        if p.get("return_paging_info"):
            info.update(
                entity_count=len(rows),
                current_page=page,
                entities_per_page=per_page,
                page_count=-(-len(rows) // per_page),
            )
        if p.get("return_paging_info_without_counts"):
            info.update(
                has_next_page=page * per_page < len(rows),
                current_page=page,
                entities_per_page=per_page,
            )
        if info:
            result["paging_info"] = info
        return result

    def _rpc_create(self, p: dict[str, Any], user: Link, base: str | None) -> dict[str, Any]:
        data = {f["field_name"]: f.get("value") for f in p.get("fields", [])}
        return self.store.create(
            p.get("type", ""),
            data,
            user=user,
            return_fields=p.get("return_fields") or [],
            base_url=base,
        )

    def _rpc_update(self, p: dict[str, Any], user: Link, base: str | None) -> dict[str, Any]:
        fields = p.get("fields", [])
        data = {f["field_name"]: f.get("value") for f in fields}
        modes = {
            f["field_name"]: f["multi_entity_update_mode"]
            for f in fields
            if "multi_entity_update_mode" in f
        }
        if "multi_entity_update_mode" in p:  # batch form: one mode for every field
            modes = {name: modes.get(name, p["multi_entity_update_mode"]) for name in data}
        return self.store.update(
            p.get("type", ""), int(p.get("id", 0)), data, modes=modes, user=user, base_url=base
        )

    def _rpc_delete(self, p: dict[str, Any], user: Link, base: str | None) -> bool:
        return self.store.delete(p.get("type", ""), int(p.get("id", 0)), user=user)

    def _rpc_revive(self, p: dict[str, Any], user: Link, base: str | None) -> bool:
        return self.store.revive(p.get("type", ""), int(p.get("id", 0)), user=user)

    def _rpc_batch(self, p: list[dict[str, Any]], user: Link, base: str | None) -> list[Any]:
        """All or nothing, as on a real site: a fault rolls back rows and event log alike."""
        handlers = {
            "create": self._rpc_create,
            "update": self._rpc_update,
            "delete": self._rpc_delete,
        }
        with self.store.lock:
            snapshot = self.store.snapshot()
            try:
                out = []
                for request in p or []:
                    kind = request.get("request_type")
                    if kind not in handlers:
                        raise ShotGridFault(f"API batch() invalid request_type '{kind}'")
                    out.append(handlers[kind](request, user, base))
                return out
            except ShotGridFault:
                self.store.restore(snapshot)
                raise

    def _rpc_schema_read(self, p: dict[str, Any], user: Link, base: str | None) -> dict:
        return {
            name: {f: field_schema(name, fdef) for f, fdef in edef.fields.items()}
            for name, edef in self.store.schema.items()
        }

    def _rpc_schema_entity_read(self, p: dict[str, Any], user: Link, base: str | None) -> dict:
        return {
            name: {"name": _schema_prop(name), "visible": _schema_prop(True)}
            for name in self.store.schema
        }

    def _rpc_schema_field_read(self, p: dict[str, Any], user: Link, base: str | None) -> dict:
        entity_type = p.get("type", "")
        edef = self.store.entity_def(entity_type, "schema_field_read")
        if p.get("field_name"):
            fdef = self.store.field_def(entity_type, p["field_name"], "schema_field_read")
            return {fdef.name: field_schema(entity_type, fdef)}
        return {name: field_schema(entity_type, fdef) for name, fdef in edef.fields.items()}

    def _rpc_schema_field_create(self, p: dict[str, Any], user: Link, base: str | None) -> str:
        props = {prop["property_name"]: prop["value"] for prop in p.get("properties", [])}
        display = str(props.get("name") or "field")
        name = "sg_" + re.sub(r"[^a-z0-9]+", "_", display.lower()).strip("_")
        self.store.add_field(
            p.get("type", ""),
            name,
            p.get("data_type", "text"),
            valid_types=props.get("valid_types") or (),
            valid_values=props.get("valid_values") or (),
            display_name=display,
        )
        return name

    def _rpc_note_thread_contents(
        self, p: dict[str, Any], user: Link, base: str | None
    ) -> list[dict]:
        """The note, then its replies and attachments oldest first, as ``note_thread_read``."""
        extra = p.get("entity_fields") or {}
        defaults = {
            "Note": [
                "content",
                "created_at",
                "created_by",
                "subject",
                "user",
                "note_links",
                "addressings_to",
            ],
            "Reply": ["content", "created_at", "user"],
            "Attachment": ["created_at", "created_by", "this_file", "image", "filename"],
        }
        store = self.store
        with store.lock:
            note_id = int(p.get("note_id", 0))
            note = store.get("Note", note_id, [*defaults["Note"], *extra.get("Note", [])])
            note.pop("retired", None)
            related = [
                ("Reply", r)
                for r in store.query("Reply", [["entity", "is", {"type": "Note", "id": note_id}]])
            ]
            related += [
                ("Attachment", r)
                for r in store.query(
                    "Attachment", [["attachment_links", "is", {"type": "Note", "id": note_id}]]
                )
            ]
            items = sorted(related, key=lambda item: (item[1][1]["created_at"], item[1][1]["id"]))
            out = [note]
            for kind, (_, row) in items:
                out.append(store.render(kind, row, [*defaults[kind], *extra.get(kind, [])], base))
            return out

    # ----------------------------------------------------------------- uploads
    def upload(self, fields: dict[str, str], files: dict[str, Any], thumbnail: bool) -> str:
        """Handle ``/upload/upload_file`` and ``/upload/publish_thumbnail`` forms."""
        try:
            user = self.authenticate(fields)
            key = "thumb_image" if thumbnail else "file"
            if key not in files:
                raise ShotGridFault(f"missing '{key}' in the upload form")
            filename, data = files[key]
            field_name = fields.get("field_name")
            if thumbnail and fields.get("filmstrip") in ("True", "true", "1"):
                field_name = "filmstrip_image"
            attachment_id = self.store.attach_file(
                fields.get("entity_type", ""),
                int(fields.get("entity_id") or 0),
                data,
                filename,
                field_name=field_name,
                display_name=fields.get("display_name"),
                tag_list=fields.get("tag_list"),
                created_at=fields.get("created_at"),
                user=user,
                thumbnail=thumbnail,
            )
        except (ShotGridFault, ValueError) as exc:
            return f"0\n{getattr(exc, 'message', exc)}\n"
        return f"1:{attachment_id}\n"

    def session_valid(self, cookie_header: str | None) -> bool:
        """A wrong session cookie is refused; a missing one is let through.

        The client's cookie jar does not send its ``_session_id`` cookie to a ``host:port`` or
        dotless host such as this server's, so requiring it would make downloads impossible.
        """
        match = re.search(r"_session_id=([^;\s]+)", cookie_header or "")
        return match is None or match.group(1).strip('"') in self._sessions


def _make_handler(standin: ShotGridStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """HTTP/1.1 with keep-alive, because the client's connection pool reuses sockets."""

        protocol_version = "HTTP/1.1"
        server_version = "ShotGridStandIn/1"
        disable_nagle_algorithm = True  # headers and body go out separately: no 40 ms stalls

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``standin.requests`` instead."""

        def _send(self, status: int, body: bytes, content_type: str = JSON_TYPE) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _base_url(self) -> str:
            return f"http://{self.headers.get('Host') or standin.url.split('//', 1)[1]}"

        def _gate(self, name: str) -> bool:
            """Apply latency and injected failures; False when the request was answered."""
            status = standin._record(name)
            if standin.latency:
                time.sleep(standin.latency)
            if status is not None:
                self._send(status, f"Simulated HTTP {status}".encode(), "text/plain")
                return False
            return True

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = self.path.split("?", 1)[0]
            if path == "/api3/json":
                self._rpc(body)
            elif path in ("/upload/upload_file", "/upload/publish_thumbnail"):
                if not self._gate(path.rsplit("/", 1)[1]):
                    return
                fields, files = parse_multipart(body, self.headers.get("Content-Type", ""))
                text = standin.upload(fields, files, thumbnail=path.endswith("thumbnail"))
                self._send(200, text.encode(), "text/plain; charset=utf-8")
            else:
                self._send(404, b"not found", "text/plain")

        def _rpc(self, body: bytes) -> None:
            try:
                payload = json.loads(body or b"{}")
                method = str(payload.get("method_name"))
            except (ValueError, AttributeError):
                self._send(400, b"invalid JSON-RPC payload", "text/plain")
                return
            if not self._gate(method):
                return
            try:
                result = standin.call(method, payload.get("params") or [], self._base_url())
            except ShotGridFault as exc:
                result = {"exception": True, "message": exc.message, "error_code": exc.error_code}
            except Exception as exc:  # a stand-in bug must still reach the test as a fault
                result = {
                    "exception": True,
                    "message": f"Stand-in error: {exc!r}",
                    "error_code": 100,
                }
            self._send(200, json.dumps(result).encode("utf-8"))

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            match = re.fullmatch(r"/(file_serve/attachment|thumbnail/api_image)/(\d+)", path)
            if not match:
                self._send(404, b"not found", "text/plain")
                return
            if not self._gate(match.group(1).split("/")[0]):
                return
            if match.group(1) == "file_serve/attachment" and not standin.session_valid(
                self.headers.get("Cookie")
            ):
                self._send(403, b"login required", "text/plain")
                return
            found = standin.store.file_bytes(int(match.group(2)))
            if found is None:
                self._send(400, b"Attachment id doesn't exist", "text/plain")
                return
            self._send(200, found[0], found[1])

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a local ShotGrid stand-in.")
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


if __name__ == "__main__":
    raise SystemExit(main())
