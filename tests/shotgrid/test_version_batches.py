"""Versions created many to a ``batch``: two requests for a batch of items, none made twice
whatever answer is lost, and no Version left outside the playlist."""

from __future__ import annotations

from typing import Any

from syncd_standins.shotgrid import ShotGridStandIn

from syncd.connectors.shotgrid.endpoint import ShotGridEndpoint
from syncd.core.model import Item, NewItem
from tests.shotgrid.test_shotgrid_connector import Site

NAMES = ["sh100", "sh110", "sh120"]


def _read(standin: ShotGridStandIn) -> tuple[Site, ShotGridEndpoint]:
    site = Site(standin)
    endpoint = site.endpoint()
    endpoint.snapshot()
    endpoint.expect_creates(NAMES)
    standin.reset()
    return site, endpoint


def _new(status: str | None = "rev") -> list[NewItem]:
    return [NewItem(name, link=f"L{n}", status=status) for n, name in enumerate(NAMES)]


def _versions(site: Site) -> dict[str, list[int]]:
    rows = site.store.find("Version", [["code", "in", NAMES]], ["code"])
    out: dict[str, list[int]] = {}
    for row in rows:
        out.setdefault(row["code"], []).append(row["id"])
    return out


def _connections(site: Site) -> list[int]:
    rows = site.store.find(
        "PlaylistVersionConnection", [["playlist", "is", site.playlist]], ["version"]
    )
    return sorted(r["version"]["id"] for r in rows)


def _arm_connections(endpoint: ShotGridEndpoint, arm: Any) -> None:
    """Call ``arm`` just before the batch that connects Versions to the playlist is sent."""
    send = endpoint.calls.batch_create

    def armed(requests: list[dict[str, Any]], *, landed: Any) -> Any:
        if requests[0]["entity_type"] == "PlaylistVersionConnection":
            arm()
        return send(requests, landed=landed)

    endpoint.calls.batch_create = armed  # type: ignore[method-assign]


def _all_made(made: list[Item | Exception]) -> list[Item]:
    assert all(isinstance(m, Item) for m in made), made
    return [m for m in made if isinstance(m, Item)]


def test_a_batch_of_items_is_two_requests_and_reads_back_as_answered(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    _, endpoint = _read(shotgrid_standin)
    made = _all_made(endpoint.create_items(_new()))
    assert shotgrid_standin.count() == 2 and shotgrid_standin.count("batch") == 2
    assert [m.name for m in made] == NAMES and {m.status for m in made} == {"rev"}
    snap = endpoint.snapshot()
    assert [i.name for i in snap.items][-3:] == NAMES, "in the batch's order, after the others"
    held = {i.id: i for i in snap.items}
    assert [held[m.id].status for m in made] == ["rev"] * 3


def test_a_lost_answer_of_the_versions_is_looked_for_not_sent_again(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site, endpoint = _read(shotgrid_standin)
    shotgrid_standin.fail_next(1, 502, method="batch", after_commit=True)
    made = _all_made(endpoint.create_items(_new()))
    assert {code: len(ids) for code, ids in _versions(site).items()} == dict.fromkeys(NAMES, 1)
    made_ids = sorted(int(m.id) for m in made)
    assert made_ids == sorted(i for ids in _versions(site).values() for i in ids)
    assert set(made_ids) <= set(_connections(site))
    assert shotgrid_standin.count("batch") == 2, "the Versions' batch was not sent again"


def test_a_lost_answer_of_the_connections_connects_each_once(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site, endpoint = _read(shotgrid_standin)
    _arm_connections(
        endpoint, lambda: shotgrid_standin.fail_next(1, 502, method="batch", after_commit=True)
    )
    made = _all_made(endpoint.create_items(_new()))
    connected = _connections(site)
    assert len(connected) == len(set(connected)), "no Version connected twice"
    assert {int(m.id) for m in made} <= set(connected)
    assert shotgrid_standin.count("batch") == 2 and shotgrid_standin.count("create") == 0


def test_a_refused_batch_goes_item_by_item(shotgrid_standin: ShotGridStandIn) -> None:
    site, endpoint = _read(shotgrid_standin)
    shotgrid_standin.fault_next(1, "Simulated database timeout", method="batch")
    made = _all_made(endpoint.create_items(_new()))
    assert shotgrid_standin.count("create") == 6, "a Version and its connection each"
    assert {code: len(ids) for code, ids in _versions(site).items()} == dict.fromkeys(NAMES, 1)
    assert {int(m.id) for m in made} <= set(_connections(site))


def test_versions_that_cannot_join_the_playlist_are_taken_back(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site, endpoint = _read(shotgrid_standin)

    def refuse_connections() -> None:
        shotgrid_standin.fault_next(1, "Simulated database timeout", method="batch")
        shotgrid_standin.fault_next(3, "Simulated database timeout", method="create")

    _arm_connections(endpoint, refuse_connections)
    made = endpoint.create_items(_new())
    assert all(isinstance(m, Exception) for m in made)
    assert _versions(site) == {}, "no Version left outside the playlist"
    assert _connections(site) == sorted(v["id"] for v in site.versions)
