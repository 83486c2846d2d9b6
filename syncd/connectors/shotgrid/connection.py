"""The official client, connected so that no request is ever sent twice behind syncd's back.

``Connector`` makes the ``shotgun_api3.Shotgun`` clients a ``ShotGridCalls`` connects with: ones
that neither resend an RPC answered 502/504 themselves nor let httplib2 resend a request whose
answer never came; syncd retries on its own, looking first for what a lost answer may have made.

A client asks the site what it is (``info``) when it connects. The first client of a site asks;
the others (one per thread that writes, one per person notes are posted as) take its answer
instead of asking again, so writes side by side start without a round trip each.
"""

from __future__ import annotations

import http.client
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
    """The official client, with requests that are never resent behind syncd's back, and the
    site's capabilities taken from another client of the site where one has them."""

    MAX_ATTEMPTS = 1
    """The client resends an RPC answered 502/504 on its own, a create included: a lost
    answer would then make a second Note. syncd retries itself, looking first."""

    def __init__(self, *args: Any, server_caps: Any = None, **kwargs: Any) -> None:
        self._known_caps = server_caps
        super().__init__(*args, connect=server_caps is None, **kwargs)

    @property
    def server_caps(self) -> Any:
        if self._known_caps is not None:
            return self._known_caps
        return super().server_caps

    def _get_connection(self) -> Any:
        conn = super()._get_connection()
        if not isinstance(conn, _SendOnce):
            conn.__class__ = _SendOnce  # the same object, sending each request once
        return conn


class Connector:
    """Connects clients of one site as one account (``sudo_as_login``: as that person)."""

    def __init__(
        self,
        settings: ShotGridSettings,
        sudo_as_login: str | None = None,
        site: Connector | None = None,
    ) -> None:
        """``site``: another connector of the same site, whose clients' answer to ``info``
        this one's take."""
        self.settings = settings
        self.sudo_as_login = sudo_as_login
        self._site = site
        self._caps: Any = None

    def caps(self) -> Any:
        """The site's capabilities, once a client of it asked (None before)."""
        if self._caps is None and self._site is not None:
            return self._site.caps()
        return self._caps

    def asks(self) -> bool:
        """Whether connecting asks the site (a request), or takes an earlier answer."""
        return self.caps() is None

    def __call__(self) -> Any:
        settings = self.settings
        sudo = {"sudo_as_login": self.sudo_as_login} if self.sudo_as_login else {}
        known = self.caps()
        client = _Shotgun(settings.url, **settings.auth, **sudo, server_caps=known)
        client.config.timeout_secs = settings.timeout
        client.BACKOFF = min(client.BACKOFF, settings.retry.backoff)
        if known is None:
            self._caps = client.server_caps
        return client
