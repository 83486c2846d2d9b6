"""The service as users run it: ``syncd run`` in a process of its own, a real scheduler."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from syncd.service.webhook import sign
from tests.service.support import (
    free_port,
    http,
    note_texts,
    running,
    runs,
    wait_for,
    write_config,
    write_review,
)

SECRET = "hook-secret"
TOKEN = "hook-token"


def _service(port: int, **extra: object) -> dict[str, object]:
    return {
        "listen": f"127.0.0.1:{port}",
        "healthy_within": "30s",
        "webhook": {"secret": SECRET, "token": TOKEN, "replay_window": "60s"},
        **extra,
    }


def _signed(body: bytes, stamp: float | None = None) -> dict[str, str]:
    ts = str(int(stamp if stamp is not None else time.time()))
    return {"X-Syncd-Timestamp": ts, "X-Syncd-Signature": sign(SECRET, ts, body)}


def test_runs_every_mapping_on_schedule_and_reports(tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path, ["one", "two"], service=_service(port))
    write_review(tmp_path / "a", "one", items=2, notes=1)
    write_review(tmp_path / "b", "two", items=1, notes=2)
    db = tmp_path / "state.db"
    with running(config) as daemon:
        wait_for(lambda: len(runs(db, "one")) >= 3 and len(runs(db, "two")) >= 3, timeout=15)
        assert note_texts(tmp_path / "b", "one") == note_texts(tmp_path / "a", "one")
        assert note_texts(tmp_path / "a", "two") == note_texts(tmp_path / "b", "two")
        for mapping in ("one", "two"):
            done = [r for r in runs(db, mapping) if r["finished_at"]]
            assert {r["outcome"] for r in done} == {"ok"}
            # one run per tick, never two at once
            starts = [r["started_at"] for r in done]
            assert starts == sorted(starts)

        status = subprocess.run(
            [sys.executable, "-m", "syncd", "status", "-c", str(config), "--json"],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        )
        report = {m["mapping"]: m for m in json.loads(status.stdout)["mappings"]}
        assert report["one"]["last_runs"][0]["outcome"] in ("ok", "running")
        assert report["two"]["links"]["note"] == 2

        code, body = http("GET", f"http://127.0.0.1:{port}/healthz")
        assert code == 200
        health = json.loads(body)
        assert health["status"] == "ok"
        assert set(health["mappings"]) == {"one", "two"}
        assert health["mappings"]["one"]["last_outcome"] == "ok"

        code, body = http("GET", f"http://127.0.0.1:{port}/metrics")
        text = body.decode()
        assert code == 200
        assert 'syncd_runs_total{mapping="one",outcome="ok"}' in text
        assert (
            'syncd_actions_total{endpoint="b",kind="create_note",mapping="one",ok="true"} 2.0'
            in text
        )
        assert 'syncd_last_success_timestamp{mapping="two"}' in text
        assert 'syncd_run_duration_seconds_count{mapping="one"}' in text
        assert "syncd_overrun_total" in text or "syncd_overrun" in text
        assert daemon.proc.poll() is None


def test_webhook_triggers_a_run_and_refuses_bad_calls(tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path, ["hooked"], every="1h", service=_service(port))
    db = tmp_path / "state.db"
    url = f"http://127.0.0.1:{port}/hooks/hooked"
    with running(config):
        wait_for(lambda: any(r["finished_at"] for r in runs(db, "hooked")), timeout=15)
        before = len(runs(db, "hooked"))
        write_review(tmp_path / "a", "hooked", items=1, notes=1)

        body = b'{"event": "comment:new"}'
        sent = time.monotonic()
        code, _ = http("POST", url, body, _signed(body))
        assert code == 202
        wait_for(
            lambda: note_texts(tmp_path / "b", "hooked") == ["note 0.0"], timeout=5, every=0.02
        )
        assert time.monotonic() - sent < 1.5
        assert len(runs(db, "hooked")) == before + 1

        # the very same request twice: the second is a replay within the window
        other = b'{"event": "task:update"}'
        headers = _signed(other)
        assert http("POST", url, other, headers)[0] == 202
        code, answer = http("POST", url, other, headers)
        assert code == 401 and b"replay" not in answer
        # stale timestamp, correctly signed
        assert http("POST", url, body, _signed(body, time.time() - 3600))[0] == 401
        # wrong key, tampered body, no credentials, wrong token
        ts = str(int(time.time()))
        bad = {"X-Syncd-Timestamp": ts, "X-Syncd-Signature": sign("wrong", ts, body)}
        assert http("POST", url, body, bad)[0] == 401
        assert http("POST", url, b"{}", _signed(body))[0] == 401
        assert http("POST", url, body)[0] == 401
        assert http("POST", url, body, {"X-Syncd-Token": "nope"})[0] == 401
        # token auth, and an unknown mapping (after auth) is a 404
        assert http("POST", url, body, {"X-Syncd-Token": TOKEN})[0] == 202
        nosuch = url.replace("hooked", "nosuch")
        assert http("POST", nosuch, body, {"X-Syncd-Token": TOKEN})[0] == 404
        assert http("GET", f"http://127.0.0.1:{port}/nothing")[0] == 404


def test_sigterm_mid_run_exits_cleanly_and_loses_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path, ["slow"], service={"stop_timeout": 20})
    write_review(tmp_path / "a", "slow", items=5, notes=40)
    db = tmp_path / "state.db"

    def writes_done() -> int:
        if not db.exists():
            return 0
        with sqlite3.connect(db) as conn:
            try:
                return conn.execute("SELECT count(*) FROM journal WHERE state='done'").fetchone()[0]
            except sqlite3.OperationalError:
                return 0

    with running(config) as daemon:
        wait_for(lambda: writes_done() >= 5 + 3, timeout=30, every=0.01)  # items, then notes
        daemon.signal(signal.SIGTERM)
        started = time.monotonic()
        assert daemon.wait(20) == 0
        assert time.monotonic() - started < 10
    with sqlite3.connect(db) as conn:
        pending = conn.execute("SELECT count(*) FROM journal WHERE state='pending'").fetchone()[0]
        linked = conn.execute(
            "SELECT count(*) FROM members WHERE endpoint='b' AND kind='note'"
        ).fetchone()[0]
    assert pending == 0
    stopped = runs(db, "slow")[-1]
    assert stopped["outcome"] == "stopped"
    written = note_texts(tmp_path / "b", "slow")
    assert 0 < len(written) == linked < 200  # cut short, and every write recorded
    subprocess.run(
        [sys.executable, "-m", "syncd", "run", "--once", "-c", str(config)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert note_texts(tmp_path / "b", "slow") == note_texts(tmp_path / "a", "slow")


def test_second_signal_exits_at_once(tmp_path: Path) -> None:
    config = write_config(tmp_path, ["big"], service={"stop_timeout": 60})
    # a review big enough that reading it (which is not interruptible) takes a while
    write_review(tmp_path / "a", "big", items=60, notes=100)
    db = tmp_path / "state.db"
    with running(config) as daemon:
        wait_for(lambda: any(r["outcome"] == "running" for r in runs(db, "big")), timeout=15)
        daemon.signal(signal.SIGTERM)
        time.sleep(0.2)
        daemon.signal(signal.SIGTERM)
        started = time.monotonic()
        assert daemon.wait(5) == 128 + signal.SIGTERM
        assert time.monotonic() - started < 1
    with sqlite3.connect(db) as conn:  # the database opens and reads fine afterwards
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1


def test_sighup_reloads_and_a_broken_config_keeps_the_old_one(tmp_path: Path) -> None:
    config = write_config(tmp_path, ["first"])
    db = tmp_path / "state.db"
    with running(config) as daemon:
        wait_for(lambda: runs(db, "first"), timeout=15)
        write_config(tmp_path, ["first", "second"])
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: len(runs(db, "second")) >= 2, timeout=10)
        assert daemon.logged("configuration reloaded")

        config.write_text(config.read_text().replace("mappings:", "mapings:"))
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: daemon.logged("reload failed; the running configuration stays"), 10)
        count = len(runs(db, "second"))
        wait_for(lambda: len(runs(db, "second")) >= count + 2, timeout=10)
        assert daemon.proc.poll() is None


def test_an_outage_is_reported_and_recovers(tmp_path: Path) -> None:
    port = free_port()
    service = _service(port, healthy_within="2s")
    config = write_config(tmp_path, ["flaky"], service=service)
    write_review(tmp_path / "a", "flaky", items=1, notes=1)
    review = tmp_path / "a" / "flaky.yaml"
    db = tmp_path / "state.db"
    health = f"http://127.0.0.1:{port}/healthz"
    with running(config) as daemon:
        wait_for(lambda: note_texts(tmp_path / "b", "flaky") == ["note 0.0"], timeout=15)
        good = review.read_text()
        review.write_text("items: [unclosed\n")  # the remote side answers garbage
        wait_for(lambda: any(r["outcome"] == "failed" for r in runs(db, "flaky")), timeout=10)
        answers: list[bytes] = []

        def unhealthy() -> bool:
            code, body = http("GET", health)
            answers.append(body)
            return code == 503

        wait_for(unhealthy)
        body = answers[-1]
        detail = json.loads(body)["mappings"]["flaky"]
        assert detail["healthy"] is False
        assert detail["last_outcome"] == "failed"
        assert "not valid YAML" in detail["last_error"]
        assert daemon.logged("run failed")
        metrics = http("GET", f"http://127.0.0.1:{port}/metrics")[1].decode()
        assert 'syncd_runs_total{mapping="flaky",outcome="failed"}' in metrics

        doc = yaml.safe_load(good)
        doc["items"][0]["notes"].append({"text": "written during the outage"})
        review.write_text(yaml.safe_dump(doc))
        wait_for(lambda: http("GET", health)[0] == 200, timeout=10)
        wait_for(lambda: "written during the outage" in note_texts(tmp_path / "b", "flaky"), 10)
        assert daemon.proc.poll() is None


@pytest.mark.parametrize("listen", ["", None])
def test_service_without_listener_still_runs(tmp_path: Path, listen: str | None) -> None:
    config = write_config(tmp_path, ["quiet"], service={"listen": listen} if listen == "" else None)
    db = tmp_path / "state.db"
    with running(config) as daemon:
        wait_for(lambda: len(runs(db, "quiet")) >= 2, timeout=15)
        daemon.signal(signal.SIGINT)
        assert daemon.wait(10) == 0
