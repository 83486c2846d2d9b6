"""The Kitsu event listener against a real Zou event stream."""

from __future__ import annotations

import threading
import uuid

import gazu
import pytest

from syncd.connectors.kitsu.live import KitsuListener
from tests.service.support import wait_for
from tests.support.zou import ZouServer

pytestmark = pytest.mark.zou


def test_listener_connects_with_the_jwt_and_reports_task_events(
    zou: ZouServer, gazu_client: gazu.client.KitsuClient
) -> None:
    seen: list[str] = []
    lock = threading.Lock()

    def on_change(system: str, event: str) -> None:
        with lock:
            seen.append(event)

    settings = {
        "url": zou.url,
        "events_url": zou.events_url,
        "email": zou.admin_email,
        "password": zou.admin_password,
    }
    listener = KitsuListener("kitsu", settings, on_change)
    listener.start()
    try:
        wait_for(lambda: "connect" in seen, timeout=20)
        suffix = uuid.uuid4().hex[:6]
        project = gazu.project.new_project(f"events {suffix}", client=gazu_client)
        asset_type = gazu.asset.new_asset_type(f"prop {suffix}", client=gazu_client)
        asset = gazu.asset.new_asset(project, asset_type, f"cup {suffix}", client=gazu_client)
        task_type = gazu.task.new_task_type(f"anim {suffix}", client=gazu_client)
        gazu.task.new_task(asset, task_type, client=gazu_client)
        wait_for(lambda: any(e.startswith("task:") for e in seen), timeout=20)
        assert not any(e.startswith(("project:", "asset:")) for e in seen)
    finally:
        listener.stop()
    assert listener.connections == 1
