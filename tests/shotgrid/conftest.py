"""Fixtures: a fresh ShotGrid stand-in per test and real ``shotgun_api3`` clients for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import shotgun_api3
from syncd_standins.shotgrid import ShotGridStandIn

SCRIPT, KEY = "syncd", "KEY"


@pytest.fixture
def shotgrid_standin() -> Iterator[ShotGridStandIn]:
    with ShotGridStandIn(scripts={SCRIPT: KEY}, users={"alice": "pw"}, seed=7) as standin:
        yield standin


@pytest.fixture
def connect(shotgrid_standin: ShotGridStandIn) -> Callable[..., shotgun_api3.Shotgun]:
    """Build a real client; retry back-off shortened so failure tests stay fast."""

    def _connect(**auth: str) -> shotgun_api3.Shotgun:
        auth = auth or {"script_name": SCRIPT, "api_key": KEY}
        sg = shotgun_api3.Shotgun(shotgrid_standin.url, **auth)
        sg.BACKOFF = 0.01
        return sg

    return _connect


@pytest.fixture
def sg(connect: Callable[..., shotgun_api3.Shotgun]) -> shotgun_api3.Shotgun:
    return connect()
