"""The served status page: routes, authentication and the response headers of every page.

``StatusSite.handle`` knows nothing of sockets, so the listener, the tests and the benchmark
call it alike. It answers the page routes and leaves every other path (``/healthz``,
``/metrics``, ``/hooks/…``) to the listener by returning None.

Routes: ``/`` (every mapping), ``/mappings/<name>``, ``/mappings/<name>/items/<link>``,
``/thumbs/<sha256>.jpg``, and ``/login`` and ``/logout`` for browsers. Every one of them except
the login form answers 401 without the token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape as html_escape
from urllib.parse import parse_qs, unquote, urlsplit

import structlog

from syncd.statuspage.auth import UiAuth, clear_cookie, safe_next
from syncd.statuspage.context import PageContext, secret_values
from syncd.statuspage.data import mapping_detail, summaries
from syncd.statuspage.html import Markup, el, join
from syncd.statuspage.itempage import item_page
from syncd.statuspage.items import item_detail
from syncd.statuspage.layout import crumbs, document
from syncd.statuspage.links import ServedLinks
from syncd.statuspage.pages import mapping_page, overview

log = structlog.get_logger("syncd.service.http")
HTML = "text/html; charset=utf-8"
SECURITY_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)
MAX_FORM = 4096
_MAPPING = re.compile(r"^/mappings/([^/]+)/?$")
_ITEM = re.compile(r"^/mappings/([^/]+)/items/([^/]+)/?$")
_THUMB = re.compile(r"^/thumbs/([0-9a-f]{64})\.jpg$")
PREFIXES = ("/mappings/", "/thumbs/")
PATHS = frozenset({"/", "/login", "/logout", "/index.html"})


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)


def scrub(text: str, secrets: list[str]) -> str:
    """Every configured secret out of a page, raw or HTML-escaped, whatever put it there."""
    for secret in secrets:
        for form in {secret, html_escape(secret, quote=True), html_escape(secret, quote=False)}:
            text = text.replace(form, "••••••")
    return text


def login_form(next_path: str, message: str | None = None) -> Markup:
    return el(
        "form",
        el("h1", "syncd status"),
        el("p", "This page shows review names, notes and thumbnails. Enter the status token."),
        el("p", message, class_="badge bad") if message else "",
        el(
            "input",
            type="password",
            name="token",
            autocomplete="current-password",
            aria_label="token",
            required=True,
            autofocus=True,
        ),
        el("input", type="hidden", name="next", value=next_path),
        el("button", "Log in", type="submit"),
        method="post",
        action="/login",
        class_="login",
    )


class StatusSite:
    def __init__(self, context: Callable[[], PageContext], auth: UiAuth) -> None:
        self.context = context
        self.auth = auth
        self.links = ServedLinks()

    @staticmethod
    def handles(path: str) -> bool:
        return path in PATHS or path.startswith(PREFIXES)

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Response | None:
        parts = urlsplit(target)
        path = parts.path
        if not self.handles(path):
            return None
        secure = (headers.get("X-Forwarded-Proto") or "").lower() == "https"
        if path == "/login":
            if method == "POST":
                return self._login(body, secure)
            query = parse_qs(parts.query)
            return self._page(200, "log in", login_form(safe_next(query.get("next", ["/"])[0])))
        if path == "/logout":
            return self._redirect("/login", [("Set-Cookie", clear_cookie())])
        if method != "GET":
            return Response(405, b'{"error": "method not allowed"}\n', "application/json")
        if not self.auth.allowed(headers):
            return self._refused(headers, target)
        try:
            return self._route(path)
        except Exception as exc:  # a page that cannot render is a 500 with words, not a crash
            log.error("status page failed", path=path, exc_info=True)
            body_text = join(
                [el("h1", "This page cannot be shown"), el("p", f"{type(exc).__name__}: {exc}")]
            )
            return self._page(500, "error", body_text)

    # -- answers -------------------------------------------------------------------------------
    def _page(
        self, status: int, title: str, body: Markup, context: PageContext | None = None
    ) -> Response:
        context = context or self.context()
        text = document(f"{title} · syncd", body, context.now)
        page = scrub(str(text), secret_values(context.config)).encode()
        return Response(status, page, HTML, list(SECURITY_HEADERS))

    def _redirect(self, where: str, extra: list[tuple[str, str]] | None = None) -> Response:
        headers = [("Location", where), *SECURITY_HEADERS, *(extra or [])]
        return Response(303, b"", "text/plain", headers)

    def _refused(self, headers: Mapping[str, str], target: str) -> Response:
        if "text/html" in (headers.get("Accept") or ""):
            response = self._page(401, "log in", login_form(safe_next(target)))
        else:
            response = Response(
                401, b'{"error": "unauthorized"}\n', "application/json", list(SECURITY_HEADERS)
            )
        response.headers.append(("WWW-Authenticate", 'Bearer realm="syncd"'))
        return response

    def _login(self, body: bytes, secure: bool) -> Response:
        form = parse_qs(body[:MAX_FORM].decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0]
        where = safe_next((form.get("next") or ["/"])[0])
        if token and self.auth.token_ok(token):
            return self._redirect(where, [("Set-Cookie", self.auth.set_cookie(secure))])
        log.warning("status page login refused: wrong token")
        self.auth.failed()
        return self._page(401, "log in", login_form(where, "That token is not right."))

    def _not_found(self, context: PageContext, what: str) -> Response:
        body = join(
            [crumbs(("mappings", self.links.overview())), el("h1", "Not found"), el("p", what)]
        )
        return self._page(404, "not found", body, context)

    # -- routes --------------------------------------------------------------------------------
    def _route(self, path: str) -> Response:
        if (thumb := _THUMB.match(path)) is not None:
            data = self.context().thumbnails.jpeg(thumb.group(1))
            if data is None:
                return Response(404, b'{"error": "no thumbnail"}\n', "application/json")
            return Response(200, data, "image/jpeg", list(SECURITY_HEADERS))
        context = self.context()
        if path in ("/", "/index.html"):
            return self._page(
                200, "mappings", overview(summaries(context), self.links, context.now), context
            )
        if (match := _ITEM.match(path)) is not None:
            name, link = unquote(match.group(1)), unquote(match.group(2))
            item = item_detail(context, name, link)
            if item is None:
                return self._not_found(context, f"no item {link!r} in mapping {name!r}")
            return self._page(200, item.name, item_page(item, self.links, context.now), context)
        if (match := _MAPPING.match(path)) is not None:
            name = unquote(match.group(1))
            detail = mapping_detail(context, name)
            if detail is None:
                return self._not_found(context, f"no mapping named {name!r}")
            return self._page(200, name, mapping_page(detail, self.links, context.now), context)
        return self._not_found(context, "no such page")
