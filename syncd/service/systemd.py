"""systemd's notify protocol, by hand: a datagram to ``$NOTIFY_SOCKET`` per state change.

Written out rather than depending on a library because the protocol is one ``sendto`` and the
service must also run where systemd is absent (then every call is a no-op). ``Type=notify`` units
wait for ``READY=1``; with ``WatchdogSec=`` systemd restarts the service when ``WATCHDOG=1``
stops arriving, so the daemon pings from its main loop only while the scheduler is alive.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import structlog

log = structlog.get_logger("syncd.service.systemd")


class Notifier:
    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        if address.startswith("@"):  # abstract namespace
            address = "\0" + address[1:]
        self.address = address or None
        self.watchdog_interval: float | None = None
        usec = env.get("WATCHDOG_USEC")
        pid = env.get("WATCHDOG_PID")
        if usec and usec.isdigit() and int(usec) > 0 and (not pid or pid == str(os.getpid())):
            self.watchdog_interval = int(usec) / 1_000_000 / 2
        self._last_ping = 0.0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def notify(self, *fields: str) -> bool:
        """Send ``KEY=value`` lines; False (and no error) outside systemd or on failure."""
        if self.address is None:
            return False
        message = "\n".join(fields).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.connect(self.address)
                sock.sendall(message)
        except OSError as exc:
            log.debug("sd_notify failed", error=str(exc))
            return False
        return True

    def ready(self, status: str) -> None:
        self.notify("READY=1", f"STATUS={status}", f"MAINPID={os.getpid()}")

    def reloading(self) -> None:
        self.notify("RELOADING=1", "STATUS=reloading the configuration")

    def stopping(self, status: str = "stopping") -> None:
        self.notify("STOPPING=1", f"STATUS={status}")

    def status(self, text: str) -> None:
        self.notify(f"STATUS={text}")

    def watchdog(self, now: float | None = None) -> None:
        """Ping when half the watchdog interval has passed since the last ping."""
        if self.watchdog_interval is None:
            return
        now = time.monotonic() if now is None else now
        with self._lock:
            if now - self._last_ping < self.watchdog_interval:
                return
            self._last_ping = now
        self.notify("WATCHDOG=1")
