"""HTTP for connectors: one session, retries with backoff, errors that say what to do.

Retries 429 (honouring ``Retry-After``), 5xx, timeouts and dropped connections; turns every other
failure into an error a user can act on. A non-JSON answer where JSON was expected is an error,
never an empty result. Credentials never appear in messages: query strings are stripped from
URLs before they are quoted.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.sessions import merge_setting

from syncd.connectors.retry import Retrier, RetryPolicy
from syncd.errors import FatalError, NotFound, RetriableError, SkippableError
from syncd.media.hashing import HashingReader
from syncd.media.multipart import FilePart, MultipartBody

RETRIABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class EnvironmentOnce(requests.Session):
    """A session that reads the environment's proxy and CA settings once per host.

    requests reads them again for every request, walking every variable of the environment
    twice (``HTTPS_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``): a millisecond a request, the
    largest share of a write's local cost. The settings are those of the moment the session
    first talks to a host, as they would be for a process started then.
    """

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[str, str], tuple[dict[str, str], str | None]] = {}

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        if not self.trust_env or (proxies and "no_proxy" in proxies):
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(str(url))
        key = (parts.scheme, parts.netloc)
        found = self._environment.get(key)
        if found is None:
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            found = (requests.utils.get_environ_proxies(str(url)), bundle)
            self._environment[key] = found
        env_proxies, bundle = found
        merged = dict(proxies or {})
        for scheme, proxy in env_proxies.items():
            merged.setdefault(scheme, proxy)
        if (verify is True or verify is None) and bundle:
            verify = bundle
        return {
            "proxies": merge_setting(merged, self.proxies),
            "stream": merge_setting(stream, self.stream),
            "verify": merge_setting(verify, self.verify),
            "cert": merge_setting(cert, self.cert),
        }


RequestListener = Callable[[str, str], None]
_LISTENERS: list[RequestListener] = []


def add_request_listener(listener: RequestListener) -> None:
    """Process-wide: ``listener(system, "request" | "retry")`` for every HTTP attempt.

    The service counts API traffic through this without each connector having to pass hooks.
    """
    _LISTENERS.append(listener)


def remove_request_listener(listener: RequestListener) -> None:
    if listener in _LISTENERS:
        _LISTENERS.remove(listener)


def safe_url(url: str) -> str:
    """The URL without query string or user info, fit for logs and errors."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class FileUpload:
    """A file sent as one part of a multipart form, streamed from disk and hashed as it goes.

    Every attempt builds its body anew (a streamed body can be sent once); the hash of what went
    out is checked against ``expected_sha256``, so a file that changed on disk is never taken
    for the one that was meant.
    """

    field: str
    path: Path
    filename: str
    fields: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/octet-stream"
    expected_sha256: str | None = None


class HttpClient:
    """A ``requests.Session`` that retries what is retriable and reports the rest clearly."""

    def __init__(
        self,
        system: str,
        base_url: str,
        *,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        retrier: Retrier | None = None,
        on_request: Callable[[str], None] | None = None,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.session = EnvironmentOnce()
        self.session.headers["User-Agent"] = "syncd"
        self.timeout = timeout
        self.retrier = retrier or Retrier(retry)
        self.requests = 0
        self.retries = 0
        self._lock = threading.Lock()
        self._on_request = on_request
        self._on_retry = on_retry

    @property
    def attempts(self) -> int:
        return self.retrier.attempts

    @property
    def sleep(self) -> Callable[[float], None]:
        return self.retrier.sleep

    @sleep.setter
    def sleep(self, value: Callable[[float], None]) -> None:
        self.retrier.sleep = value

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Any = None,
        files: Any = None,
        upload: FileUpload | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        expect_json: bool = True,
        retry: bool = True,
        attempts: int | None = None,
        ok_statuses: tuple[int, ...] = (),
    ) -> Any:
        """Send a request; return parsed JSON (or the response when ``expect_json`` is False)."""
        url = self.url(path)
        where = f"{self.system}: {method} {safe_url(url)}"
        attempts = (attempts or self.attempts) if retry else 1
        last: RetriableError | None = None
        for attempt in range(1, attempts + 1):
            self.retrier.wait_turn()
            with self._lock:
                self.requests += 1
            if self._on_request:
                self._on_request(self.system)
            for listener in _LISTENERS:
                listener(self.system, "request")
            reader: HashingReader | None = None
            try:
                if files is not None:
                    for handle in _handles(files):
                        handle.seek(0)
                body, sent_headers = data, headers
                if upload is not None:
                    reader = HashingReader(
                        upload.path, expected_sha256=upload.expected_sha256, label=upload.filename
                    )
                    body = MultipartBody(
                        dict(upload.fields),
                        [FilePart(upload.field, upload.filename, reader, upload.content_type)],
                    )
                    sent_headers = {**(headers or {}), **body.headers}
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=body,
                    files=files,
                    headers=sent_headers,
                    timeout=self.timeout,
                    stream=stream,
                )
                if reader is not None and response.ok:
                    reader.digest()  # the whole file went out, as it was meant to be
            except requests.Timeout:
                last = RetriableError(f"{where}: timed out after {self.timeout:.0f}s")
            except requests.ConnectionError as exc:
                last = RetriableError(f"{where}: cannot connect ({_reason(exc)})")
            else:
                status = response.status_code
                if status in RETRIABLE_STATUS:
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                    last = RetriableError(
                        f"{where}: HTTP {status}{_body_hint(response)}", retry_after=wait
                    )
                    response.close()
                elif status >= 400 and status not in ok_statuses:
                    raise _client_error(where, response)
                elif not expect_json:
                    return response
                else:
                    return decode_json(where, response)
            finally:
                if reader is not None:
                    reader.close()
            if attempt == attempts:
                break
            with self._lock:
                self.retries += 1
            if self._on_retry:
                self._on_retry(self.system)
            for listener in _LISTENERS:
                listener(self.system, "retry")
            self.retrier.pause(attempt, last)
        assert last is not None
        if not retry:
            raise last
        raise RetriableError(
            f"{last} (gave up after {attempts} attempts)", retry_after=last.retry_after
        )

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)

    def close(self) -> None:
        self.session.close()


def _handles(files: Any) -> list[Any]:
    values = files.values() if isinstance(files, Mapping) else [v for _, v in files]
    out = []
    for value in values:
        handle = value[1] if isinstance(value, tuple) else value
        if hasattr(handle, "seek"):
            out.append(handle)
    return out


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "Temporary failure",
        "Connection reset",
        "RemoteDisconnected",
        "timed out",
    ):
        if marker in text:
            return marker.lower()
    return exc.__class__.__name__


def _body_hint(response: requests.Response) -> str:
    ctype = response.headers.get("Content-Type", "")
    if "json" not in ctype:
        return ""
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("message") or body.get("error") if isinstance(body, dict) else None
    return f" ({str(message)[:200]})" if message else ""


def _client_error(where: str, response: requests.Response) -> Exception:
    status = response.status_code
    hint = _body_hint(response)
    if status == 401:
        return FatalError(f"{where}: HTTP 401{hint}: the credentials were refused; check them")
    if status == 403:
        return FatalError(f"{where}: HTTP 403{hint}: the account lacks the rights for this")
    if status == 404:
        return NotFound(f"{where}: HTTP 404{hint}: not found")
    return SkippableError(f"{where}: HTTP {status}{hint}")


def decode_json(where: str, response: requests.Response) -> Any:
    """The JSON body; no body is None; anything else is an error, never an empty result."""
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        ctype = response.headers.get("Content-Type", "?")
        raise FatalError(
            f"{where}: expected JSON but got {ctype} (HTTP {response.status_code}); "
            "is the URL right?"
        ) from None
