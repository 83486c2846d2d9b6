"""The pages in a real browser: headless Chromium, driven by Playwright, against ``syncd run``.

The browser logs in through the form, goes from the overview to a mapping and on to an item,
and the same in the static snapshot opened from a file. Screenshots of each step are kept in
``$SYNCD_ARTIFACTS/screenshots`` (default ``./artifacts/screenshots``). Chromium is Debian's
``chromium`` package, which ``scripts/test`` installs; a missing browser is an error, not a skip,
unless ``SYNCD_SKIP_BROWSER=1`` asks for one.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from syncd.statuspage.context import PageContext, default_thumbnails
from syncd.statuspage.static import write_snapshot
from tests.service.support import http, running, wait_for
from tests.statuspage.scenario import UI_TOKEN, Scenario

CHROMIUM = os.environ.get("SYNCD_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]


def screenshots() -> Path:
    folder = Path(os.environ.get("SYNCD_ARTIFACTS") or ROOT / "artifacts") / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if os.environ.get("SYNCD_SKIP_BROWSER", "").strip() == "1":
        pytest.skip("SYNCD_SKIP_BROWSER=1: browser tests skipped on request")
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _watch(page: Any, base: str) -> dict[str, list[str]]:
    """Every request the page makes and every console error (a CSP violation is one)."""
    seen: dict[str, list[str]] = {"requests": [], "errors": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on(
        "console",
        lambda message: seen["errors"].append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    return seen


def _no_secret(page: Any, scenario: Scenario) -> None:
    html = page.content()
    for secret in scenario.secrets:
        assert secret not in html


def test_log_in_and_follow_links_from_mapping_to_item(browser: Any, scenario: Scenario) -> None:
    listen = yaml.safe_load(scenario.config_path.read_text())["service"]["listen"]
    base = f"http://{listen}"
    shots = screenshots()
    with running(scenario.config_path, env=scenario.env, name="browser"):
        wait_for(lambda: http("GET", f"{base}/healthz")[0] in (200, 503), timeout=20)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        seen = _watch(page, base)

        answer = page.goto(f"{base}/mappings/dailies")
        assert answer is not None and answer.status == 401
        assert page.locator("form.login").is_visible()
        page.screenshot(path=str(shots / "01-login.png"))

        page.fill("input[name=token]", "not the token")
        page.click("button[type=submit]")
        assert page.locator("text=That token is not right.").is_visible()
        page.fill("input[name=token]", UI_TOKEN)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/mappings/dailies")
        assert page.locator("h1").inner_text() == "dailies"

        page.click("text=mappings")
        page.wait_for_url(f"{base}/")
        assert page.locator("tr[data-mapping=dailies] .badge.failing").is_visible()
        assert page.locator("tr[data-mapping=client] .badge.failing").is_visible()
        assert page.locator("svg.spark").count() == 2
        page.screenshot(path=str(shots / "02-overview.png"), full_page=True)
        _no_secret(page, scenario)

        page.click("tr[data-mapping=dailies] a")
        page.wait_for_url(f"{base}/mappings/dailies")
        assert page.locator("tr.problem").count() == 8  # 6 problems, 2 authors ShotGrid lacks
        assert page.locator("text=unmapped status").first.is_visible()
        page.screenshot(path=str(shots / "03-mapping.png"), full_page=True)
        _no_secret(page, scenario)

        page.click("tr.item >> text=sh010")
        page.wait_for_url(f"{base}/mappings/dailies/items/*")
        assert page.locator("h1").inner_text().startswith("sh010")
        assert page.locator("section.side").count() == 3
        loaded = page.eval_on_selector_all("img.thumb", "els => els.map(e => e.naturalWidth)")
        assert loaded == [240, 240, 240]
        opener = page.locator("section[data-side=shotgrid] a.open")
        # Versions are created side by side, so which id is sh010's is not fixed
        assert re.search(r"/detail/Version/\d+$", opener.get_attribute("href") or "")
        assert opener.get_attribute("rel") == "noopener noreferrer"
        assert page.locator("tr.note-row").count() == 4
        page.screenshot(path=str(shots / "04-item.png"), full_page=True)
        _no_secret(page, scenario)

        page.goto(f"{base}/logout")
        page.wait_for_url(f"{base}/login")
        assert page.goto(f"{base}/").status == 401
        context.close()

    assert seen["errors"] == [] or all("401" in e for e in seen["errors"]), seen["errors"]
    outside = [url for url in seen["requests"] if not url.startswith(base)]
    assert outside == []  # nothing from the internet, not even a favicon


def test_the_static_snapshot_navigates_offline(
    browser: Any, scenario: Scenario, tmp_path: Path
) -> None:
    config = scenario.config()
    context = PageContext(
        scenario.store(), config, list(config.mappings), default_thumbnails(config)
    )
    target = tmp_path / "status.html"
    write_snapshot(context, target)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = _watch(page, target.as_uri())
    page.goto(target.as_uri())
    assert page.locator("#overview").is_visible()
    assert not page.locator("#m-dailies").is_visible()
    page.click("#overview tr[data-mapping=dailies] a")
    assert page.locator("#m-dailies").is_visible() and not page.locator("#overview").is_visible()
    page.click("#m-dailies tr.item >> text=sh010")
    item = page.locator("section.page:target")
    assert item.locator("h1").inner_text().startswith("sh010")
    widths = item.locator("img.thumb").evaluate_all("els => els.map(e => e.naturalWidth)")
    assert widths == [240, 240, 240]
    page.screenshot(path=str(screenshots() / "05-static-item.png"), full_page=True)
    _no_secret(page, scenario)
    page.close()
    assert seen["errors"] == []
    assert all(url.startswith(("file://", "data:")) for url in seen["requests"])
