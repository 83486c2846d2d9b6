"""Running the real ``syncd`` command in tests, and killing it mid-run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml


def syncd(
    cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "SYNCD_LOG_FORMAT": "json", **(env or {})}
    full_env.pop("SYNCD_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "syncd", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_once(cwd: Path, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """``syncd run --once --json``; fails the test with syncd's own words if it fails."""
    result = syncd(cwd, "run", "--once", "--json", env=env)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout)


def writes(summary: list[dict[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for entry in summary:
        for kind, count in entry.get("counts", {}).items():
            total[kind] = total.get(kind, 0) + count
    return total


def kill_mid_run(
    cwd: Path,
    db: Path,
    *,
    after_writes: int,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> int:
    """Start ``syncd run --once``, SIGKILL it once ``after_writes`` writes are recorded.

    Returns how many writes were recorded when it died. The journal in the state database is
    what tells us how far the run got, so no test hook is needed inside syncd.
    """
    full_env = {**os.environ, "SYNCD_LOG_FORMAT": "json", **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "syncd", "run", "--once"],
        cwd=cwd,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    done = 0
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(
                    f"syncd finished (exit {proc.returncode}) before "
                    f"{after_writes} writes; make the test's run bigger"
                )
            done = journal_done(db)
            if done >= after_writes:
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)
                return done
            time.sleep(0.005)
        raise AssertionError("syncd made no progress")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def journal_done(db: Path) -> int:
    """Writes the state database's journal records as done (0 before the first run)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            row = conn.execute("SELECT count(*) FROM journal WHERE state = 'done'").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0])


def read_review(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text()) or {}


def all_notes(review: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def visit(notes: list[dict[str, Any]] | None) -> None:
        for note in notes or []:
            out.append(note)
            visit(note.get("replies"))

    for item in review.get("items", []):
        visit(item.get("notes"))
    return out


def kitsu_texts(rest: Any, task_ids: Iterable[str]) -> list[str]:
    """Every comment and reply text on these Kitsu tasks, as Kitsu stores them."""
    texts = []
    for task_id in task_ids:
        for comment in rest.get(f"/data/tasks/{task_id}/comments"):
            if comment.get("text"):
                texts.append(comment["text"])
            texts.extend(reply["text"] for reply in comment.get("replies") or [])
    return texts


def reverse_playlist(rest: Any, playlist_id: str) -> None:
    """Reorder a Kitsu playlist the way its UI does: PUT the shots list in the new order."""
    playlist = rest.get(f"/data/playlists/{playlist_id}")
    rest.put(
        f"/data/playlists/{playlist_id}",
        {
            "shots": [
                {"entity_id": s["entity_id"], "preview_file_id": s.get("preview_file_id")}
                for s in reversed(playlist["shots"])
            ]
        },
    )


def kitsu_system(zou: Any) -> dict[str, Any]:
    """The ``systems.kitsu`` entry for the test Zou; the password comes from the environment."""
    return {
        "type": "kitsu",
        "url": zou.url,
        "email": zou.admin_email,
        "password": "${KITSU_PASSWORD}",
    }


def syncsketch_system(standin: Any) -> dict[str, Any]:
    """The ``systems.syncsketch`` entry for a SyncSketch stand-in; the key comes from the
    environment (``SS_KEY``)."""
    return {"type": "syncsketch", "url": standin.url, "username": "syncd", "api_key": "${SS_KEY}"}


def shotgrid_system(standin: Any) -> dict[str, Any]:
    """The ``systems.shotgrid`` entry for a ShotGrid stand-in; the key comes from the
    environment (``SG_KEY``)."""
    return {"type": "shotgrid", "url": standin.url, "script_name": "syncd", "api_key": "${SG_KEY}"}


def kitsu_endpoint(review: Any) -> dict[str, Any]:
    """The mapping's selector for a review built by ``tests.kitsu.builders.build_review``."""
    return {
        "project": review.project_name,
        "playlist": review.playlist_name,
        "task_type": review.task_type_name,
    }


def save_config(folder: Path, config: dict[str, Any]) -> None:
    (folder / "syncd.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def run_in_process(config: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    """``syncd <args> -c config`` in this process (the same code, without an interpreter's
    start-up), for tests that run the command many times; returns (exit code, stdout)."""
    import contextlib
    import io

    from syncd import logs
    from syncd.cli.main import main

    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = main([*args, "-c", str(config), "--log-level", "warning"])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        logs.configure("warning", "console")
    return code, out.getvalue()
