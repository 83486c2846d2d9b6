"""systemd notifications from a real daemon, received on a datagram socket as systemd would."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

from syncd.service.systemd import Notifier
from tests.service.support import running, wait_for, write_config


def _collect(sock: socket.socket, into: list[str]) -> bool:
    try:
        while True:
            into.append(sock.recv(4096).decode())
    except BlockingIOError:
        pass
    return True


def test_daemon_notifies_ready_watchdog_status_and_stopping(tmp_path: Path) -> None:
    address = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        sock.setblocking(False)
        config = write_config(tmp_path, ["one"])
        messages: list[str] = []
        env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "400000"}
        with running(config, env=env) as daemon:
            wait_for(lambda: _collect(sock, messages) and any("READY=1" in m for m in messages))
            wait_for(
                lambda: _collect(sock, messages) and sum(m == "WATCHDOG=1" for m in messages) >= 3,
                timeout=5,
            )
            daemon.signal(signal.SIGHUP)
            wait_for(lambda: _collect(sock, messages) and any("RELOADING=1" in m for m in messages))
            daemon.signal(signal.SIGTERM)
            assert daemon.wait(10) == 0
        _collect(sock, messages)
    ready = next(m for m in messages if "READY=1" in m)
    assert "STATUS=running 1 mapping(s)" in ready
    assert f"MAINPID={daemon.proc.pid}" in ready
    assert any(m.startswith("STOPPING=1") for m in messages)
    assert messages.index(ready) < max(i for i, m in enumerate(messages) if "STOPPING=1" in m)


def test_notifier_is_silent_outside_systemd_and_handles_abstract_sockets() -> None:
    assert not Notifier({}).notify("READY=1")
    assert Notifier({"NOTIFY_SOCKET": "@syncd-test"}).address == "\0syncd-test"
    assert Notifier({"WATCHDOG_USEC": "60000000"}).watchdog_interval == 30.0
    assert Notifier({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"}).watchdog_interval is None


def test_watchdog_pings_at_half_the_interval(tmp_path: Path) -> None:
    address = str(tmp_path / "wd.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        sock.setblocking(False)
        notifier = Notifier({"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "2000000"})
        for now in (100.0, 100.5, 100.99, 101.0, 101.5, 102.1):
            notifier.watchdog(now)
        received: list[str] = []
        _collect(sock, received)
    assert received == ["WATCHDOG=1"] * 3
