"""Helpers for service tests: configurations, a daemon subprocess, the runs table, HTTP calls."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], T], timeout: float = 10.0, every: float = 0.05) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(every)


def write_config(
    root: Path,
    mappings: list[str],
    *,
    every: str = "1s",
    state: str | None = None,
    service: dict[str, Any] | None = None,
) -> Path:
    (root / "a").mkdir(exist_ok=True)
    (root / "b").mkdir(exist_ok=True)
    doc: dict[str, Any] = {
        "state": state or "sqlite:///state.db",
        "systems": {"a": {"type": "file", "path": "a"}, "b": {"type": "file", "path": "b"}},
        "mappings": [
            {
                "name": name,
                "schedule": {"every": every},
                "endpoints": {"a": {"review": name}, "b": {"review": name}},
            }
            for name in mappings
        ],
    }
    if service is not None:
        doc["service"] = service
    path = root / "syncd.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def write_review(folder: Path, review: str, items: int = 1, notes: int = 1) -> None:
    doc = {
        "review": review,
        "items": [
            {"name": f"sh{i:03d}", "notes": [{"text": f"note {i}.{n}"} for n in range(notes)]}
            for i in range(items)
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{review}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


def read_review(folder: Path, review: str) -> dict[str, Any]:
    path = folder / f"{review}.yaml"
    if not path.exists():
        return {"items": []}
    return yaml.safe_load(path.read_text()) or {"items": []}


def note_texts(folder: Path, review: str) -> list[str]:
    doc = read_review(folder, review)
    return sorted(n["text"] for item in doc.get("items") or [] for n in item.get("notes") or [])


class Daemon:
    """``syncd run -c CONFIG`` as a real process."""

    def __init__(self, config: Path, env: dict[str, str] | None = None, name: str = "daemon"):
        self.config = config
        self.log = config.parent / f"{name}.log"
        full_env = {**os.environ, "SYNCD_DATA_DIR": str(config.parent / "data"), **(env or {})}
        full_env.pop("SYNCD_STATE", None)
        self._log_handle = open(self.log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "syncd", "run", "-c", str(config), "--log-format", "json"],
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=full_env,
            cwd=config.parent,
        )

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_handle.close()

    def lines(self) -> list[dict[str, Any]]:
        out = []
        for line in self.log.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                out.append(json.loads(line))
        return out

    def logged(self, event: str) -> list[dict[str, Any]]:
        return [entry for entry in self.lines() if entry.get("event") == event]


@contextlib.contextmanager
def running(config: Path, **kw: Any) -> Iterator[Daemon]:
    daemon = Daemon(config, **kw)
    try:
        yield daemon
    finally:
        daemon.stop()


def runs(db: Path, mapping: str | None = None) -> list[dict[str, Any]]:
    if not db.exists():
        return []
    with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn:
        conn.row_factory = sqlite3.Row
        try:
            query = (
                "SELECT * FROM runs" + (" WHERE mapping = ?" if mapping else "") + " ORDER BY id"
            )
            rows = conn.execute(query, (mapping,) if mapping else ()).fetchall()
        except sqlite3.OperationalError:
            return []
    return [dict(r) for r in rows]


def http(
    method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body if method == "POST" else None, method=method)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, ConnectionError):
        return 0, b""
