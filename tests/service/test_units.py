"""Small pieces of the service checked without processes: auth rules, listen syntax, health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syncd.connectors.kitsu.live import event_url, relevant
from syncd.errors import ConfigError
from syncd.service.health import check_health
from syncd.service.listener import parse_listen
from syncd.service.webhook import WebhookAuth, sign
from syncd.state.store import StateStore


def test_signature_rules_with_a_fixed_clock() -> None:
    now = [1_000_000.0]
    auth = WebhookAuth("k", None, replay_window=60, clock=lambda: now[0])
    body = b"{}"

    def headers(ts: float, key: str = "k") -> dict[str, str]:
        stamp = str(int(ts))
        return {"X-Syncd-Timestamp": stamp, "X-Syncd-Signature": sign(key, stamp, body)}

    assert auth.check(headers(now[0]), body) == (True, "signature")
    assert auth.check(headers(now[0]), body)[1] == "replayed signature"
    assert auth.check(headers(now[0] - 61), body)[1] == "timestamp outside the replay window"
    assert auth.check(headers(now[0] + 61), body)[1] == "timestamp outside the replay window"
    assert auth.check(headers(now[0] - 30, key="x"), body)[1] == "bad signature"
    assert auth.check({"X-Syncd-Token": "k"}, body)[0] is False  # no token configured
    assert WebhookAuth(None, None).check(headers(now[0]), body)[0] is False
    # a remembered signature is forgotten once its timestamp is out of the window anyway
    now[0] += 200
    assert auth.check(headers(now[0]), body)[0]
    assert len(auth._seen) == 1


def test_listen_syntax() -> None:
    assert parse_listen("9107") == ("127.0.0.1", 9107)
    assert parse_listen(":9107") == ("127.0.0.1", 9107)
    assert parse_listen("0.0.0.0:80") == ("0.0.0.0", 80)
    assert parse_listen("[::1]:9107") == ("::1", 9107)
    with pytest.raises(ConfigError, match="host:port"):
        parse_listen("localhost")


def test_kitsu_event_filter_and_url() -> None:
    assert relevant("comment:new") and relevant("task:status-changed")
    assert relevant("playlist:update") and relevant("preview-file:add-file")
    assert not relevant("person:update") and not relevant("notification:new")
    assert event_url({"url": "https://kitsu.example/api"}) == "https://kitsu.example"
    assert event_url({"url": "http://zou:5000", "events_url": "http://zou:5001/"}) == (
        "http://zou:5001"
    )


def test_health_grace_then_age(tmp_path: Path) -> None:
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    start = datetime.now(UTC)
    assert check_health(store, ["m"], 60, start).ok  # starting: within the grace
    assert not check_health(store, ["m"], 60, start - timedelta(minutes=5)).ok
    run = store.begin_run("m")
    store.finish_run(run, "ok", {})
    health = check_health(store, ["m"], 60, start - timedelta(minutes=5))
    assert health.ok and health.detail["mappings"]["m"]["last_outcome"] == "ok"
    later = datetime.now(UTC) + timedelta(minutes=2)
    assert not check_health(store, ["m"], 60, start, now=later).ok
    failed = store.begin_run("m")
    store.finish_run(failed, "failed", {}, "it broke")
    detail = check_health(store, ["m"], 60, start).detail["mappings"]["m"]
    assert detail["healthy"] and detail["last_outcome"] == "failed"
    assert detail["last_error"] == "it broke"
