"""Webhook authentication: an HMAC signature with a timestamp, or a shared token.

Signature: ``X-Syncd-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>``
with ``X-Syncd-Timestamp: <unix seconds>``. The timestamp bounds how long a captured request
stays usable, and each signature is accepted once within that window, so a replayed request is
refused even inside it. Comparisons are constant-time. Failures give the caller no detail (the
reason goes to the log) so the endpoint tells an attacker nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Mapping

SIGNATURE = "X-Syncd-Signature"
TIMESTAMP = "X-Syncd-Timestamp"
TOKEN = "X-Syncd-Token"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The header value a sender puts in ``X-Syncd-Signature``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookAuth:
    def __init__(
        self,
        secret: str | None,
        token: str | None,
        replay_window: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret = secret or None
        self.token = token or None
        self.window = replay_window
        self.clock = clock
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.secret or self.token)

    def check(self, headers: Mapping[str, str], body: bytes) -> tuple[bool, str]:
        """(accepted, reason); the reason is for the log only."""
        if not self.enabled:
            return False, "webhooks are off: set service.webhook.secret or token"
        token = headers.get(TOKEN)
        if token is not None:
            if self.token and hmac.compare_digest(token.encode(), self.token.encode()):
                return True, "token"
            return False, "bad token"
        signature = headers.get(SIGNATURE)
        stamp = headers.get(TIMESTAMP)
        if not self.secret or signature is None or stamp is None:
            return False, "no credentials"
        try:
            sent = float(stamp)
        except ValueError:
            return False, "bad timestamp"
        now = self.clock()
        if abs(now - sent) > self.window:
            return False, "timestamp outside the replay window"
        expected = sign(self.secret, stamp, body)
        if not hmac.compare_digest(signature.strip().encode(), expected.encode()):
            return False, "bad signature"
        with self._lock:
            self._forget(now)
            if expected in self._seen:
                return False, "replayed signature"
            self._seen[expected] = max(now, sent) + self.window
        return True, "signature"

    def _forget(self, now: float) -> None:
        for key in [k for k, until in self._seen.items() if until < now]:
            del self._seen[key]
