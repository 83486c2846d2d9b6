"""Every ShotGrid call goes through here: one retry policy, one request counter, one vocabulary.

``shotgun_api3`` retries only HTTP 502/504 itself; a 503, a dropped connection or a timeout raises
at once, and its exceptions say nothing about what a user should do. ``ShotGridCalls.call`` adds
retries with exponential backoff (honouring ``Retry-After``) and turns the client's exceptions
into syncd's error groups, with secrets scrubbed from every message.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeVar

import shotgun_api3
import structlog
from shotgun_api3.lib import httplib2

from syncd.connectors.retry import Retrier, RetryPolicy

if TYPE_CHECKING:
    pass
from syncd.errors import (
    ConfigError,
    FatalError,
    NotFound,
    RetriableError,
    SkippableError,
    SyncdError,
)

log = structlog.get_logger("syncd.shotgrid")

T = TypeVar("T")

_MISSING_FIELD = re.compile(r"\b([A-Z]\w*)\.(\w+) doesn't exist")
_MISSING_ENTITY = re.compile(r"\b\w+ with id \d+ doesn't exist|No entity of type")
_TRANSIENT = (OSError, http.client.HTTPException, httplib2.HttpLib2Error)


@dataclass(frozen=True, slots=True)
class Fields:
    """Field names that differ between studio schemas, keyed by their ``fields:`` option."""

    status: str = "sg_status_list"
    media: str = "sg_uploaded_movie"
    sort_order: str = "sg_sort_order"
    task: str = "sg_task"

    @classmethod
    def from_options(cls, options: dict[str, Any] | None, where: str) -> Fields:
        options = options or {}
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ConfigError(
                f"{where}.fields: unknown option {unknown[0]!r}; use {', '.join(sorted(known))}"
            )
        for key, value in options.items():
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}.fields.{key}: give a ShotGrid field name")
        return cls(**options)

    def option_for(self, field_name: str) -> str | None:
        for f in fields(self):
            if getattr(self, f.name) == field_name:
                return f.name
        return None


class ShotGridCalls:
    """Wraps a ``shotgun_api3.Shotgun`` (or a Mockgun) with retries and error translation."""

    def __init__(
        self,
        name: str,
        where: str,
        connect: Callable[[], Any],
        *,
        retry: RetryPolicy,
        fields: Fields,
        secrets: tuple[str, ...] = (),
        sleep: Callable[[float], None] = time.sleep,
        client: Any = None,
    ) -> None:
        self.retrier = Retrier(retry, sleep=sleep)
        self.name = name
        self.where = where
        self._connect = connect
        self._client: Any = client
        self._local = threading.local()
        self.retry = retry
        self.fields = fields
        self._secrets = tuple(s for s in secrets if s)
        self.requests = 0
        self._count = threading.Lock()

    @property
    def client(self) -> Any:
        """The client, connected on first use (a real client asks the site for ``info``).

        ``shotgun_api3.Shotgun`` holds one HTTP connection and is not safe to share between
        threads: each thread that writes gets its own, all behind the same retry policy (and
        the same ``Retry-After`` hold). A client given at construction (Mockgun) is shared.
        """
        if self._client is not None:
            return self._client
        mine = getattr(self._local, "client", None)
        if mine is None:
            asks = getattr(self._connect, "asks", None)  # a ``Connector`` may know the site
            if asks is None or asks():
                mine = self.call("connect", self._connect)
            else:
                mine = self._connect()  # no request: nothing to count or retry
            self._local.client = mine
        return mine

    def connect(self) -> None:
        """Connect this thread's client now, if it is not yet."""
        self.client  # noqa: B018 - the property connects

    # -- the client's calls, each by name (reads and idempotent writes are retried) ----------
    def find(self, entity: str, filters: list[Any], names: list[str], **kw: Any) -> Any:
        return self.call("find", lambda: self.client.find(entity, filters, names, **kw))

    def find_one(self, entity: str, filters: list[Any], names: list[str], **kw: Any) -> Any:
        return self.call("find_one", lambda: self.client.find_one(entity, filters, names, **kw))

    def create(
        self,
        entity: str,
        data: dict[str, Any],
        names: list[str] | None = None,
        *,
        landed: Callable[[], Any],
    ) -> Any:
        """A create is never resent blindly: ``landed`` looks for what a lost answer made."""
        return self.once("create", lambda: self.client.create(entity, data, names), landed)

    def update(self, entity: str, entity_id: int, data: dict[str, Any]) -> Any:
        return self.call("update", lambda: self.client.update(entity, entity_id, data))

    def delete(self, entity: str, entity_id: int) -> Any:
        return self.call("delete", lambda: self.client.delete(entity, entity_id))

    def batch(self, requests: list[dict[str, Any]]) -> Any:
        """Updates and deletes only (retried as they are); creates go by ``batch_create``."""
        return self.call("batch", lambda: self.client.batch(requests))

    def batch_create(self, requests: list[dict[str, Any]], *, landed: Callable[[], Any]) -> Any:
        """Creates in one transaction, never resent blindly: after a transient failure
        ``landed`` looks for what the batch made (its rows, in order, or None)."""
        return self.once("batch", lambda: self.client.batch(requests), landed)

    def upload(
        self,
        entity: str,
        entity_id: int,
        path: str,
        *,
        landed: Callable[[], Any],
        attempts: int | None = None,
        **kw: Any,
    ) -> Any:
        """An upload makes an Attachment: after a failed attempt ``landed`` looks for the one
        it may have made before the upload is sent again."""
        return self.once(
            "upload",
            lambda: self.client.upload(entity, entity_id, path, **kw),
            landed,
            attempts=attempts,
        )

    def upload_once(
        self,
        entity: str,
        entity_id: int,
        path: str,
        *,
        landed: Callable[[], Any],
        attempts: int | None = None,
        **kw: Any,
    ) -> Any:
        """An upload that makes an Attachment (a Note's file), never sent twice blindly:
        after a transient failure ``landed`` looks for the Attachment it may have made."""
        last: list[str] = []
        try:
            return self.retrier.once(
                lambda: self._attempt(
                    "upload", lambda: self.client.upload(entity, entity_id, path, **kw), last
                ),
                landed,
                attempts=attempts,
            )
        except RetriableError as exc:
            raise self._gave_up("upload", last, exc) from None

    def upload_thumbnail(self, entity: str, entity_id: int, path: str) -> Any:
        return self.call(
            "upload_thumbnail", lambda: self.client.upload_thumbnail(entity, entity_id, path)
        )

    def download_attachment(self, attachment: dict[str, Any], file_path: str) -> Any:
        return self.call(
            "download_attachment",
            lambda: self.client.download_attachment(attachment, file_path=file_path),
        )

    def call(self, what: str, fn: Callable[[], T], *, attempts: int | None = None) -> T:
        """``fn()`` with retries of what is transient; other failures in syncd's words."""
        last: list[str] = []
        try:
            return self.retrier.retrying(lambda: self._attempt(what, fn, last), attempts=attempts)
        except RetriableError as exc:
            raise self._gave_up(what, last, exc) from None

    def once(
        self,
        what: str,
        fn: Callable[[], T],
        landed: Callable[[], T | None],
        *,
        attempts: int | None = None,
    ) -> T:
        """A create that is never sent twice blindly: after a transient failure ``landed``
        says whether the failed attempt took effect (see ``Retrier.once``)."""
        last: list[str] = []
        try:
            return self.retrier.once(
                lambda: self._attempt(what, fn, last), landed, attempts=attempts
            )
        except RetriableError as exc:
            raise self._gave_up(what, last, exc, attempts) from None

    def _gave_up(
        self, what: str, last: list[str], exc: RetriableError, attempts: int | None = None
    ) -> RetriableError:
        if not last:  # the lookup after a failed attempt is what failed
            return exc
        tries = attempts or self.retrier.attempts
        return RetriableError(
            f"{self.name}: ShotGrid {what} failed {tries} times: {last[-1]}",
            retry_after=exc.retry_after,
        )

    def _attempt(self, what: str, fn: Callable[[], T], last: list[str]) -> T:
        with self._count:
            self.requests += 1
        try:
            return fn()
        except SyncdError:
            raise  # already in syncd's words (connecting failed on a first call, say)
        except Exception as exc:
            error = self.translate(exc, what)
            if error is not None:
                raise error from exc
            detail = self.scrub(_describe(exc))
            last.append(detail)
            log.info("transient failure", endpoint=self.name, call=what, error=detail)
            raise RetriableError(
                f"{self.name}: ShotGrid {what} failed: {detail}", retry_after=_retry_after(exc)
            ) from exc

    def translate(self, exc: Exception, what: str) -> SyncdError | None:
        """The syncd error for ``exc``, or None when it is transient and worth retrying."""
        message = self.scrub(_describe(exc))
        if isinstance(exc, shotgun_api3.AuthenticationFault):
            return FatalError(
                f"{self.name}: ShotGrid refused the credentials ({message}); check "
                f"{self.where}.script_name and api_key (or login and password)"
            )
        if isinstance(exc, shotgun_api3.ProtocolError):
            code = int(getattr(exc, "errcode", 0) or 0)
            if code == 429 or code >= 500:
                return None
            if code in (401, 403):
                return FatalError(f"{self.name}: ShotGrid denied access (HTTP {code}): {message}")
            return FatalError(
                f"{self.name}: ShotGrid answered HTTP {code} to {what}; check {self.where}.url"
            )
        if what == "connect" and isinstance(exc, shotgun_api3.ShotgunError | ValueError):
            # the client's first call, ``info``, got an answer no ShotGrid site sends
            return FatalError(
                f"{self.name}: the server does not answer like a ShotGrid site "
                f"({type(exc).__name__} on its first call, info); check {self.where}.url"
            )
        missing = self.missing_field(message)
        if missing is not None:
            return missing
        if isinstance(exc, shotgun_api3.ShotgunFileDownloadError):
            if "may not exist" in message:
                return NotFound(f"{self.name}: ShotGrid has no such attachment: {message}")
            return None
        if isinstance(exc, shotgun_api3.Fault):
            if _MISSING_ENTITY.search(message):
                return NotFound(f"{self.name}: {message}")
            return SkippableError(f"{self.name}: ShotGrid refused {what}: {message}")
        if isinstance(exc, shotgun_api3.ShotgunError):
            # Mockgun raises plain ShotgunError for bad data; the real client for upload trouble.
            if _MISSING_ENTITY.search(message):
                return NotFound(f"{self.name}: {message}")
            return None if what.startswith("upload") else SkippableError(f"{self.name}: {message}")
        if isinstance(exc, _TRANSIENT):
            return None
        return SkippableError(f"{self.name}: ShotGrid {what} failed: {message}")

    def missing_field(self, message: str) -> FatalError | None:
        match = _MISSING_FIELD.search(message)
        if match is None:
            return None
        entity, field_name = match.groups()
        return self.no_field(entity, field_name)

    def no_field(self, entity: str, field_name: str) -> FatalError:
        option = self.fields.option_for(field_name)
        hint = (
            f"set {self.where}.fields.{option} to the field your site uses"
            if option
            else "syncd needs it; ask a ShotGrid admin to add it"
        )
        return FatalError(f"{self.name}: ShotGrid has no field {entity}.{field_name}: {hint}")

    def require(self, entity: str, rows: list[dict[str, Any]], names: list[str]) -> None:
        """A site leaves unknown return fields out of rows silently; say so instead."""
        for row in rows[:1]:
            for field_name in names:
                if "." not in field_name and field_name not in row:
                    raise self.no_field(entity, field_name)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def project_id(selector: dict[str, Any], name: str) -> int:
    value = selector.get("project_id")
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ConfigError(f"{name}: the ShotGrid selector needs project_id (a number)")
    return int(value)


def playlist_key(selector: dict[str, Any], name: str) -> str | int:
    value = selector.get("playlist")
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        raise ConfigError(f"{name}: the ShotGrid selector needs playlist (a code or an id)")
    return value


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _retry_after(exc: Exception) -> float | None:
    headers = getattr(exc, "headers", None)
    if not headers:
        return None
    try:
        value = headers.get("retry-after") or headers.get("Retry-After")
        return float(value) if value is not None else None
    except (AttributeError, TypeError, ValueError):
        return None
