"""Kitsu's REST API (Zou) as syncd needs it: one login, tokens kept fresh, errors in plain words.

Zou answers at the root of its own port, while a Kitsu install serves it under ``/api`` behind
nginx; users paste either, so the base URL is found by asking ``GET /`` for ``{"api": "Zou"}``
when the first login does not reach a Zou. Logging in costs a bcrypt check (about 0.3 s), so it
happens once per connector: an expired access token is refreshed, and a refused one triggers a
single fresh login, never a login per request. No secret ever reaches a message.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import requests

from syncd.connectors.http import FileUpload, HttpClient, decode_json, safe_url
from syncd.connectors.retry import RetryPolicy
from syncd.errors import ConfigError, FatalError, SkippableError

SYSTEM = "kitsu"
CHUNK = 1 << 20
MOVIE_EXTENSIONS = frozenset({"mp4", "mov", "avi", "mkv", "webm", "m4v", "wmv", "mpg", "mpeg"})


@dataclass(frozen=True, slots=True)
class Credentials:
    email: str | None
    password: str | None = None
    token: str | None = None

    def __repr__(self) -> str:  # never show secrets, even in a debugger or a traceback
        return f"Credentials(email={self.email!r}, password=***, token=***)"


class KitsuApi:
    """An authenticated Zou client; every call goes through ``HttpClient`` (retries, errors)."""

    def __init__(
        self,
        url: str,
        credentials: Credentials,
        *,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.http = HttpClient(SYSTEM, url.rstrip("/"), timeout=timeout, retry=retry)
        self.credentials = credentials
        self._access: str | None = credentials.token
        self._refresh: str | None = None
        self.user: dict[str, Any] | None = None
        self._detected = False

    @property
    def requests(self) -> int:
        return self.http.requests

    @property
    def base_url(self) -> str:
        return self.http.base_url

    # -- authentication ----------------------------------------------------------------------
    def login(self) -> None:
        """Log in with the password, finding the API's base URL on the way if need be."""
        creds = self.credentials
        if creds.password is None:
            if self._access is None:
                raise FatalError(f"{SYSTEM}: set a password or a token for {creds.email}")
            return
        body = {"email": creds.email, "password": creds.password}
        response = self.http.post(
            "/auth/login", json=body, expect_json=False, ok_statuses=(400, 401, 404, 405)
        )
        if response.status_code in (404, 405) or not _is_json(response):
            self._detect_base_url()
            response = self.http.post(
                "/auth/login", json=body, expect_json=False, ok_statuses=(400, 401)
            )
        if response.status_code in (400, 401):
            raise FatalError(
                f"{SYSTEM}: login refused for {creds.email} at {safe_url(self.base_url)}: "
                "check the e-mail and password"
            )
        answer = decode_json(f"{SYSTEM}: POST {safe_url(response.url)}", response)
        if not isinstance(answer, dict) or not answer.get("access_token"):
            raise FatalError(
                f"{SYSTEM}: the login answer of {safe_url(self.base_url)} has no token"
            )
        self._access = answer["access_token"]
        self._refresh = answer.get("refresh_token")
        self.user = answer.get("user")

    def _detect_base_url(self) -> None:
        """Try the URL as given, then with or without ``/api``; keep the one where Zou answers."""
        if self._detected:
            return
        self._detected = True
        base = self.base_url
        candidates = [base, base[: -len("/api")] if base.endswith("/api") else f"{base}/api"]
        for candidate in candidates:
            response = self.http.get(
                f"{candidate}/", expect_json=False, ok_statuses=(400, 401, 403, 404, 405)
            )
            if response.ok and _is_json(response):
                body = response.json()
                if isinstance(body, dict) and body.get("api") == "Zou":
                    self.http.base_url = candidate
                    return
        tried = ", ".join(safe_url(c) for c in candidates)
        raise FatalError(
            f"{SYSTEM}: no Kitsu API found at {tried}; set url to the Kitsu address "
            "(https://kitsu.example/api) or to Zou's own address"
        )

    def access_token(self) -> str:
        """A valid access token (logging in first if need be), for the event stream."""
        if self._access is None:
            self.login()
        assert self._access is not None
        return self._access

    def _refresh_access(self) -> bool:
        if not self._refresh:
            return False
        response = self.http.get(
            "/auth/refresh-token",
            headers={"Authorization": f"Bearer {self._refresh}"},
            expect_json=False,
            ok_statuses=(401, 422),
        )
        if response.status_code != 200 or not _is_json(response):
            return False
        token = response.json().get("access_token")
        if not token:
            return False
        self._access = token
        return True

    def _reauthenticate(self) -> None:
        if not self._refresh_access():
            if self.credentials.password is None:
                raise FatalError(f"{SYSTEM}: the token was refused; issue a new one")
            self.login()

    # -- requests ----------------------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        *,
        denied: str | None = None,
        raw: bool = False,
        **kw: Any,
    ) -> Any:
        """One authenticated request; JSON back (or the response with ``raw``).

        ``denied`` replaces the generic message of a 403 with one that says what to do.
        """
        if self._access is None:
            self.login()
        ok = (401, 422, 403) if denied else (401, 422)
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._access}"}
            response = self.http.request(
                method, path, headers=headers, expect_json=False, ok_statuses=ok, **kw
            )
            status = response.status_code
            if status == 403 and denied:
                response.close()
                raise FatalError(f"{SYSTEM}: {denied}")
            if status in (401, 422) and _is_token_error(response):
                response.close()
                if attempt == 2:
                    raise FatalError(
                        f"{SYSTEM}: {method} {safe_url(response.url)}: HTTP {status}: "
                        "the credentials were refused after a fresh login; check them"
                    )
                self._reauthenticate()
                continue
            if status >= 400:
                response.close()
                raise SkippableError(f"{SYSTEM}: {method} {safe_url(response.url)}: HTTP {status}")
            return (
                response
                if raw
                else decode_json(f"{SYSTEM}: {method} {safe_url(response.url)}", response)
            )
        raise AssertionError("unreachable")

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, params=params or None)

    def post_once(
        self, path: str, body: Any, landed: Callable[[], dict[str, Any] | None]
    ) -> dict[str, Any]:
        """A creating POST that is never resent blindly: Zou commits a comment before it
        answers, so after a lost answer ``landed`` looks for it first (``Retrier.once``)."""
        return cast(
            dict[str, Any],
            self.http.retrier.once(
                lambda: self.call("POST", path, json=body if body is not None else {}, retry=False),
                landed,
            ),
        )

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, json=body if body is not None else {})

    def put(self, path: str, body: Any) -> Any:
        return self.call("PUT", path, json=body)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)

    # -- files -------------------------------------------------------------------------------
    def upload_preview(
        self,
        preview_id: str,
        path: Path,
        filename: str,
        sha256: str | None = None,
        attempts: int | None = None,
    ) -> dict[str, Any]:
        """Send a preview's file, streamed from disk; ``no_job`` makes Zou build its variants
        within the request."""
        return cast(
            dict[str, Any],
            self.call(
                "POST",
                f"/pictures/preview-files/{preview_id}",
                params={"no_job": "true"},
                upload=FileUpload("file", path, filename, expected_sha256=sha256),
                attempts=attempts,
            ),
        )

    def download_preview(
        self, preview_id: str, extension: str, dest_dir: Path
    ) -> tuple[Path, str, int]:
        """Stream a preview's original into ``dest_dir``, hashing on the way: (path, sha, size)."""
        ext = extension.lower()
        if ext in MOVIE_EXTENSIONS:
            path = f"/movies/originals/preview-files/{preview_id}.mp4"
        elif ext == "png":
            path = f"/pictures/originals/preview-files/{preview_id}.png"
        else:
            path = f"/pictures/originals/preview-files/{preview_id}/download"
        response = self.call("GET", path, raw=True, stream=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=".kitsu-", suffix=".part")
        try:
            with response, os.fdopen(fd, "wb") as out:
                for chunk in response.iter_content(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Path(tmp), digest.hexdigest(), size

    def close(self) -> None:
        self.http.close()


# -- selector resolution --------------------------------------------------------------------
def pick(kind: str, wanted: str, rows: Iterable[Mapping[str, Any]], where: str) -> dict[str, Any]:
    """The row whose id or name (case-insensitive) is ``wanted``; a ConfigError offering close
    matches otherwise, because a typo in a playlist name is the commonest configuration error."""
    rows = list(rows)
    for row in rows:
        if row.get("id") == wanted:
            return dict(row)
    folded = wanted.casefold().strip()
    found = [row for row in rows if str(row.get("name", "")).casefold().strip() == folded]
    if len(found) == 1:
        return dict(found[0])
    if len(found) > 1:
        raise ConfigError(
            f"{SYSTEM}: {len(found)} {kind}s are named {wanted!r} {where}; use the id instead"
        )
    names = sorted({str(row.get("name", "")) for row in rows})
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    if not close:
        close = [n for n in names if folded in n.casefold()][:3]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return _raise_unknown(kind, wanted, where, hint, len(names))


def _raise_unknown(kind: str, wanted: str, where: str, hint: str, count: int) -> dict[str, Any]:
    raise ConfigError(f"{SYSTEM}: no {kind} {wanted!r} {where} ({count} known){hint}")


# -- responses ------------------------------------------------------------------------------
def _is_json(response: requests.Response) -> bool:
    if "json" not in response.headers.get("Content-Type", ""):
        return False
    try:
        response.json()
    except ValueError:
        return False
    return True


def _is_token_error(response: requests.Response) -> bool:
    """Zou (flask-jwt) says ``{"msg": ...}`` for missing, expired or malformed tokens."""
    if response.status_code == 401:
        return True
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and "msg" in body
