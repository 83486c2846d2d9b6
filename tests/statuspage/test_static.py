"""``syncd status --html FILE``: the same pages in one file that works offline."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from syncd.statuspage.context import PageContext, default_thumbnails
from syncd.statuspage.static import render_snapshot
from tests.statuspage.scenario import Scenario


def _context(scenario: Scenario) -> PageContext:
    config = scenario.config()
    return PageContext(scenario.store(), config, list(config.mappings), default_thumbnails(config))


def test_snapshot_holds_every_page_with_working_anchors(scenario: Scenario) -> None:
    text = render_snapshot(_context(scenario))
    ids = set(re.findall(r'<section id="([^"]+)" class="page">', text))
    assert "overview" in ids and "m-dailies" in ids and "m-client" in ids
    assert sum(1 for i in ids if i.startswith("i-dailies-")) == 3
    assert sum(1 for i in ids if i.startswith("i-client-")) == 1
    targets = set(re.findall(r'href="#([^"]+)"', text))
    assert targets and targets <= ids  # every in-file link lands on a page
    # nothing points at the service, nothing is fetched from anywhere
    assert not re.search(r'(?:href|src)="/', text)
    assert "<script" not in text and '<link rel="stylesheet"' not in text
    thumbs = re.findall(r'<img src="data:image/jpeg;base64,[A-Za-z0-9+/=]+"', text)
    assert len(thumbs) == 3 + 3  # sh010 and sh020 on three sides each
    for secret in scenario.secrets:
        assert secret not in text
    # the pages themselves are those the service serves
    assert "this run would delete 7 of 9 objects on studio" in text
    assert "status &#x27;ip&#x27; of &#x27;sh010&#x27;" in text


def test_snapshot_without_thumbnails_uses_placeholders(scenario: Scenario) -> None:
    text = render_snapshot(_context(scenario), thumbnails=False)
    assert "<img" not in text and 'class="thumb placeholder"' in text


def test_status_html_command_writes_the_file(scenario: Scenario, tmp_path: Path) -> None:
    target = tmp_path / "share" / "status.html"
    env = {**os.environ, **scenario.env, "SYNCD_LOG_FORMAT": "json"}
    env.pop("SYNCD_STATE", None)
    command = [sys.executable, "-m", "syncd", "status", "-c", str(scenario.config_path)]
    done = subprocess.run(
        [*command, "--html", str(target)],
        capture_output=True,
        text=True,
        env=env,
        cwd=scenario.root,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"{target}: status of 2 mapping(s)" in done.stdout
    text = target.read_text()
    assert text.startswith("<!DOCTYPE html>") and 'id="m-dailies"' in text
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # shareable, as umask allows
    for secret in scenario.secrets:
        assert secret not in text and secret not in done.stdout + done.stderr
