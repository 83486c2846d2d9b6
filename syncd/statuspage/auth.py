"""Who may see the status page: the holder of ``service.ui.token``, and nobody else.

Scripts send ``Authorization: Bearer <token>``. A browser gets a small login form instead; the
token typed there is exchanged for a session cookie that holds no token, only an expiry signed
with a key derived from it (so changing the token ends every session, and a stolen cookie
expires). Every comparison is constant-time. There is no script on any page, and the cookie is
``HttpOnly`` and ``SameSite=Strict``; it is marked ``Secure`` when the request came over HTTPS
through a reverse proxy.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from http.cookies import CookieError, SimpleCookie

COOKIE = "syncd_ui"
SESSION_SECONDS = 12 * 3600


class UiAuth:
    def __init__(
        self,
        token: str,
        *,
        session_seconds: int = SESSION_SECONDS,
        clock: Callable[[], float] = time.time,
        failure_delay: float = 0.3,
    ) -> None:
        self._token = token.encode()
        self._key = hashlib.sha256(b"syncd-ui-session\0" + self._token).digest()
        self.session_seconds = session_seconds
        self.clock = clock
        self.failure_delay = failure_delay

    def token_ok(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode(), self._token)

    def _sign(self, expiry: int) -> str:
        return hmac.new(self._key, str(expiry).encode(), hashlib.sha256).hexdigest()

    def session_value(self) -> str:
        expiry = int(self.clock()) + self.session_seconds
        return f"{expiry}.{self._sign(expiry)}"

    def session_ok(self, value: str) -> bool:
        expiry_text, _, signature = value.partition(".")
        if not expiry_text.isdigit() or not signature:
            return False
        good = hmac.compare_digest(signature.encode(), self._sign(int(expiry_text)).encode())
        return good and int(expiry_text) > self.clock()

    def allowed(self, headers: Mapping[str, str]) -> bool:
        """A request with the right bearer token or a live session cookie."""
        header = headers.get("Authorization") or ""
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "bearer" and credential and self.token_ok(credential.strip()):
            return True
        value = session_cookie(headers.get("Cookie"))
        return value is not None and self.session_ok(value)

    def set_cookie(self, secure: bool) -> str:
        flags = "; Secure" if secure else ""
        return (
            f"{COOKIE}={self.session_value()}; Max-Age={self.session_seconds}; Path=/; "
            f"HttpOnly; SameSite=Strict{flags}"
        )

    def failed(self) -> None:
        """A wrong token: a short pause makes guessing slow (the server is threaded)."""
        if self.failure_delay:
            time.sleep(self.failure_delay)


def clear_cookie() -> str:
    return f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict"


def session_cookie(header: str | None) -> str | None:
    if not header:
        return None
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(header)
    except CookieError:
        return None
    morsel = cookies.get(COOKIE)
    return morsel.value if morsel is not None else None


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a path on this site only, never another host."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 0x20 for c in value):
        return "/"
    return value
