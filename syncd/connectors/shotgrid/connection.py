"""The official client, connected so that no request is ever sent twice behind syncd's back.

``connector`` makes the ``shotgun_api3.Shotgun`` a ``ShotGridCalls`` connects with: one that
neither resends an RPC answered 502/504 itself nor lets httplib2 resend a request whose answer
never came; syncd retries on its own, looking first for what a lost answer may have made.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shotgun_api3
from shotgun_api3.lib import httplib2

if TYPE_CHECKING:
    from syncd.connectors.shotgrid import ShotGridSettings


class _NoResendResponse:
    """Makes a connection that broke before its answer an error, never a silent resend.

    httplib2 (vendored by shotgun_api3) sends a request again when the answer never came
    (``BadStatusLine`` on a kept-alive connection), whatever the method: a create whose
    answer was cut off becomes two Notes. Raised as a plain connection error instead, it
    reaches syncd, which looks for the Note before sending again.
    """

    def getresponse(self) -> Any:
        try:
            return super().getresponse()  # type: ignore[misc]
        except http.client.BadStatusLine as exc:
            raise ConnectionResetError(
                f"the connection closed before the answer ({exc!r})"
            ) from None


class _HTTPOnce(_NoResendResponse, httplib2.HTTPConnectionWithTimeout):
    pass


class _HTTPSOnce(_NoResendResponse, httplib2.HTTPSConnectionWithTimeout):
    pass


class _SendOnce(httplib2.Http):
    def request(self, uri: str, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("connection_type") is None:
            https = str(uri).startswith("https:")
            kwargs["connection_type"] = _HTTPSOnce if https else _HTTPOnce
        return super().request(uri, *args, **kwargs)


class _Shotgun(shotgun_api3.Shotgun):
    """The official client, with requests that are never resent behind syncd's back."""

    MAX_ATTEMPTS = 1
    """The client resends an RPC answered 502/504 on its own, a create included: a lost
    answer would then make a second Note. syncd retries itself, looking first."""

    def _get_connection(self) -> Any:
        conn = super()._get_connection()
        if not isinstance(conn, _SendOnce):
            conn.__class__ = _SendOnce  # the same object, sending each request once
        return conn


def connector(settings: ShotGridSettings, sudo_as_login: str | None = None) -> Callable[[], Any]:
    def connect() -> Any:
        sudo = {"sudo_as_login": sudo_as_login} if sudo_as_login else {}
        client = _Shotgun(settings.url, **settings.auth, **sudo)
        client.config.timeout_secs = settings.timeout
        client.BACKOFF = min(client.BACKOFF, settings.retry.backoff)
        return client

    return connect
