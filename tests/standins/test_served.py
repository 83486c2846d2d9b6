"""The stand-ins' own time answering, the latency they were told to add left out."""

from __future__ import annotations

import time

import requests
import shotgun_api3
from syncd_standins.served import ServiceTime
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

LATENCY = 0.2


def _answered(served: ServiceTime, count: int) -> None:
    """A request is counted once its answer is written, which a client may read first."""
    deadline = time.monotonic() + 5
    while served.requests < count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert served.requests == count


def test_shotgrid_latency_is_not_the_stand_ins_time() -> None:
    with ShotGridStandIn(scripts={"bench": "key"}) as standin:
        standin.latency = LATENCY
        started = time.perf_counter()
        sg = shotgun_api3.Shotgun(standin.url, script_name="bench", api_key="key")
        sg.find("Project", [], ["name"])  # with the ``info`` asked on connecting: two requests
        waited = time.perf_counter() - started
        _answered(standin.served, 2)
        assert waited >= 2 * LATENCY
        assert 0 < standin.served.seconds < waited - 2 * LATENCY + 0.01


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
        _answered(standin.served, 1)
        assert answer.status_code == 200 and waited >= LATENCY
        assert 0 < standin.served.seconds < waited - LATENCY + 0.01


def test_busy_time_is_the_union_of_the_requests_answered() -> None:
    served = ServiceTime()
    served.spans.extend([(1.0, 2.0), (1.5, 2.5), (4.0, 5.0), (6.0, 9.0)])
    assert served.busy(0.0, 10.0) == 5.5  # 1 to 2.5, 4 to 5, 6 to 9
    assert served.busy(2.0, 7.0) == 2.5  # 2 to 2.5, 4 to 5, 6 to 7
    assert served.busy(2.6, 3.9) == 0.0


def test_chain_counts_the_requests_sent_one_after_another() -> None:
    served = ServiceTime()
    # three side by side, then two that each waited for the one before
    served.spans.extend([(0.0, 1.0), (0.1, 1.1), (0.2, 0.9), (1.2, 2.0), (2.1, 3.0)])
    assert served.chain(0.0, 10.0) == 3
    assert served.chain(1.15, 10.0) == 2
    assert served.chain(0.0, 0.95) == 1  # only what lies wholly inside the window
