"""The scenario's state database, built once, and a status site serving it in-process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from syncd.statuspage.auth import UiAuth
from syncd.statuspage.context import PageContext, default_thumbnails
from syncd.statuspage.site import Response, StatusSite
from tests.service.support import free_port
from tests.statuspage.scenario import UI_TOKEN, Scenario, build, stand_ins


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp("statuspage")
    with stand_ins() as (ss, sg):
        yield build(root, ss, sg, free_port())


@dataclass
class Site:
    """The site as the service builds it, and requests to it as a script would send them."""

    site: StatusSite
    scenario: Scenario

    def get(self, path: str, *, token: str | None = UI_TOKEN, **headers: str) -> Response:
        sent = dict(headers)
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        answer = self.site.handle("GET", path, sent)
        assert answer is not None, f"{path} is not a page of the site"
        return answer

    def text(self, path: str) -> str:
        answer = self.get(path)
        assert answer.status == 200, (answer.status, answer.body[:500])
        return answer.body.decode()


@pytest.fixture(scope="session")
def site(scenario: Scenario) -> Iterator[Site]:
    config = scenario.config()
    store = scenario.store()
    thumbnails = default_thumbnails(config)

    def context() -> PageContext:
        return PageContext(store, config, list(config.mappings), thumbnails)

    yield Site(StatusSite(context, UiAuth(UI_TOKEN, failure_delay=0)), scenario)
    store.dispose()
