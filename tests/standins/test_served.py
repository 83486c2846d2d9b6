"""The stand-ins' own time answering, the latency they were told to add left out."""

from __future__ import annotations

import time

import requests
import shotgun_api3
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

LATENCY = 0.2


def test_shotgrid_latency_is_not_the_stand_ins_time() -> None:
    with ShotGridStandIn(scripts={"bench": "key"}) as standin:
        sg = shotgun_api3.Shotgun(standin.url, script_name="bench", api_key="key")
        standin.latency = LATENCY
        standin.served.reset()
        started = time.perf_counter()
        sg.find("Project", [], ["name"])
        waited = time.perf_counter() - started
        assert waited >= LATENCY
        assert standin.served.requests == 1
        assert 0 < standin.served.seconds < waited - LATENCY + 0.01


def test_syncsketch_latency_is_not_the_stand_ins_time() -> None:
    with SyncSketchStandIn(users={"bench": "key"}) as standin:
        standin.faults.set(latency=LATENCY)
        started = time.perf_counter()
        answer = requests.get(
            f"{standin.url}/api/v1/person/connected/",
            headers={"Authorization": "apikey bench:key"},
            timeout=10,
        )
        waited = time.perf_counter() - started
        assert answer.status_code == 200 and waited >= LATENCY
        assert standin.served.requests == 1
        assert 0 < standin.served.seconds < waited - LATENCY + 0.01
