"""The status page in the running service: ``syncd run`` with ``service.ui.token`` set."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.service.support import free_port, http, running, wait_for, write_config
from tests.statuspage.scenario import UI_TOKEN, Scenario


def _port(scenario: Scenario) -> int:
    listen = yaml.safe_load(scenario.config_path.read_text())["service"]["listen"]
    return int(listen.rsplit(":", 1)[1])


def test_the_service_serves_the_pages_behind_the_token(scenario: Scenario) -> None:
    base = f"http://127.0.0.1:{_port(scenario)}"
    bearer = {"Authorization": f"Bearer {UI_TOKEN}"}
    with running(scenario.config_path, env=scenario.env, name="statuspage") as daemon:
        wait_for(lambda: http("GET", f"{base}/healthz")[0] in (200, 503), timeout=20)
        for path in ("/", "/mappings/dailies", "/mappings/nosuch"):
            code, body = http("GET", base + path)
            assert code == 401 and body == b'{"error": "unauthorized"}\n'
        code, body = http("GET", f"{base}/", headers={**bearer, "Accept": "text/html"})
        page = body.decode()
        assert code == 200 and 'data-mapping="dailies"' in page
        # the next run is the scheduler's own (a cron schedule: next new year)
        assert "-01-01 00:00:00 UTC" in page
        code, body = http("GET", f"{base}/mappings/dailies", headers=bearer)
        assert code == 200 and b"Open problems (8)" in body
        assert http("HEAD", f"{base}/", headers=bearer)[0] == 200
        assert http("GET", f"{base}/mappings/nosuch", headers=bearer)[0] == 404
        # what was there before still answers as before, without the page's token
        code, body = http("GET", f"{base}/healthz")
        assert code in (200, 503) and "mappings" in json.loads(body)
        assert http("GET", f"{base}/metrics")[0] == 200
        assert http("POST", f"{base}/hooks/dailies", b"{}")[0] == 401
        assert http("GET", f"{base}/nothing")[0] == 404
        assert daemon.logged("status page on")
        for secret in scenario.secrets:
            assert secret not in daemon.log.read_text()


def test_without_a_token_the_page_is_off(tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path, ["quiet"], every="1h", service={"listen": f"127.0.0.1:{port}"})
    with running(config) as daemon:
        wait_for(lambda: http("GET", f"http://127.0.0.1:{port}/healthz")[0] == 200, timeout=20)
        for path in ("/", "/login", "/mappings/quiet"):
            assert http("GET", f"http://127.0.0.1:{port}{path}")[0] == 404
        assert http("POST", f"http://127.0.0.1:{port}/login", b"token=x")[0] == 404
        assert daemon.logged("status page off: set service.ui.token to enable it")
