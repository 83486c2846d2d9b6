"""The HTTP side of the ShotGrid stand-in: the request handler and the RPC methods.

The handler speaks HTTP/1.1 with keep-alive (the client's connection pool reuses sockets) and
Nagle's algorithm off; it routes ``/api3/json`` to the RPC methods, the upload forms, the direct
uploads (PUT to ``/storage/...``) and file downloads to ``files.Uploads``, and applies the
stand-in's latency and injected failures first. Uploads stream to disk and downloads stream
from it, in pieces of at most 1 MiB.
``Rpc`` (mixed into ``ShotGridStandIn``) holds one ``_rpc_<name>`` method per RPC call the
client makes; ``ShotGridStandIn.call`` finds them by name.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from syncd_standins.bodies import CHUNK, BodyError, Form, chunks, is_form, read_form, read_small
from syncd_standins.shotgrid.schema import Link, ShotGridFault, _schema_prop, field_schema

if TYPE_CHECKING:
    from syncd_standins.shotgrid import ShotGridStandIn
    from syncd_standins.shotgrid.store import ShotGridStore

JSON_TYPE = "application/json; charset=utf-8"

DIRECT: dict[str, Callable[..., str]] = {
    "/upload/api_get_upload_link_info": lambda s, f, base: s.upload_link_info(f, base),
    "/upload/api_get_upload_link_for_part": lambda s, f, base: s.upload_part_link(f, base),
    "/upload/api_complete_multipart_upload": lambda s, f, base: s.complete_multipart(f),
    "/upload/api_link_file": lambda s, f, base: s.link_file(f),
}
"""The forms of a direct upload (urlencoded, no file), by path."""


class Rpc:
    """The RPC methods of ``ShotGridStandIn``: ``params[1]`` of the call, on its store."""

    store: ShotGridStore
    max_entities_per_page: int

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
        out = []
        with self.store.all_or_nothing():
            for request in p or []:
                kind = request.get("request_type")
                if kind not in handlers:
                    raise ShotGridFault(f"API batch() invalid request_type '{kind}'")
                out.append(handlers[kind](request, user, base))
        return out

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
                standin.served.sleep(standin.latency)
            if status is not None:
                self._send(status, f"Simulated HTTP {status}".encode(), "text/plain")
                return False
            return True

        def do_POST(self) -> None:
            with standin.served.answering():
                self._post()

        def _post(self) -> None:
            path = self.path.split("?", 1)[0]
            try:
                if path in ("/upload/upload_file", "/upload/publish_thumbnail"):
                    self._upload_form(path)
                    return
                body = read_small(self.rfile, self.headers)
            except BodyError as exc:
                self.close_connection = True
                self._send(exc.status, str(exc).encode(), "text/plain")
                return
            if path == "/api3/json":
                self._rpc(body)
            elif path in DIRECT:
                if not self._gate(path.rsplit("/", 1)[1]):
                    return
                fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                text = DIRECT[path](standin, fields, self._base_url())
                self._answer(path.rsplit("/", 1)[1], text)
            else:
                self._send(404, b"not found", "text/plain")

        def _answer(self, name: str, text: str) -> None:
            """An upload form's answer, unless a failure after the commit was switched on."""
            status = standin._failed_after(name)
            if status is not None:
                self._send(status, f"Simulated HTTP {status}".encode(), "text/plain")
                return
            self._send(200, text.encode(), "text/plain; charset=utf-8")

        def _upload_form(self, path: str) -> None:
            """A form whose file streams to disk as it arrives (``syncd_standins.bodies``)."""
            if is_form(self.headers.get("Content-Type") or ""):
                form = read_form(self.rfile, self.headers, standin.store.spool)
            else:  # a form without a file: the client sends it urlencoded
                body = read_small(self.rfile, self.headers).decode("utf-8")
                form = Form(dict(parse_qsl(body, keep_blank_values=True)))
            try:
                if not self._gate(path.rsplit("/", 1)[1]):
                    return
                text = standin.upload(form.fields, form.files, thumbnail=path.endswith("thumbnail"))
                self._answer(path.rsplit("/", 1)[1], text)
            finally:
                form.discard()

        def do_PUT(self) -> None:
            with standin.served.answering():
                self._put()

        def _put(self) -> None:
            """The storage side of a direct upload: the body streams to a file."""
            match = re.fullmatch(r"/storage/(\w+)(?:/part/(\d+))?", self.path.split("?", 1)[0])
            if not match:
                self._send(404, b"not found", "text/plain")
                return
            fd, tmp = tempfile.mkstemp(dir=standin.store.spool, prefix="put-")
            target = Path(tmp)
            try:
                with os.fdopen(fd, "wb") as out:
                    for piece in chunks(self.rfile, self.headers):
                        out.write(piece)
            except BodyError as exc:
                target.unlink(missing_ok=True)
                self.close_connection = True
                self._send(exc.status, str(exc).encode(), "text/plain")
                return
            if not self._gate("storage"):
                target.unlink(missing_ok=True)
                return
            part = int(match.group(2)) if match.group(2) else None
            etag = standin.stored(match.group(1), part, target)
            if etag is None:
                target.unlink(missing_ok=True)
                self._send(404, b"NoSuchUpload", "text/plain")
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()

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
            lost = standin._failed_after(method)
            if lost is not None:  # handled, its answer lost on the way back
                self._send(lost, f"Simulated HTTP {lost}".encode(), "text/plain")
                return
            self._send(200, json.dumps(result).encode("utf-8"))

        def do_GET(self) -> None:
            with standin.served.answering():
                self._get()

        def _get(self) -> None:
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
            found = standin.store.file_path(int(match.group(2)))
            if found is None:
                self._send(400, b"Attachment id doesn't exist", "text/plain")
                return
            with found[0].open("rb") as handle:  # streamed, never read whole
                self.send_response(200)
                self.send_header("Content-Type", found[1])
                self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
                self.end_headers()
                shutil.copyfileobj(handle, self.wfile, CHUNK)

    return Handler
