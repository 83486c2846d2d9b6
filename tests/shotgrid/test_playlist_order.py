"""A playlist's order: Versions created side by side stand where the plan put them, and a
reordering writes only what differs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from syncd_standins.shotgrid import ShotGridStandIn

from syncd.connectors.shotgrid.order import Places, reorder
from syncd.core.model import NewItem
from tests.shotgrid.test_shotgrid_connector import Site


def _order(site: Site) -> list[int]:
    rows = site.store.find(
        "PlaylistVersionConnection",
        [["playlist", "is", site.playlist]],
        ["version", "sg_sort_order"],
        order=[{"field_name": "sg_sort_order", "direction": "asc"}],
    )
    return [r["version"]["id"] for r in rows]


def test_versions_created_out_of_order_stand_in_the_announced_order(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site = Site(shotgrid_standin, versions=2)
    endpoint = site.endpoint(concurrency=4)
    endpoint.snapshot()
    codes = [f"sh{n:03d}" for n in range(6)]
    endpoint.expect_creates(codes)
    with ThreadPoolExecutor(4) as pool:  # landing in whatever order they finish
        made = dict(
            zip(
                reversed(codes),
                pool.map(lambda c: endpoint.create_item(NewItem(c, link=c)), reversed(codes)),
                strict=True,
            )
        )
    old = [v["id"] for v in site.versions]
    new = [int(made[c].id) for c in codes]
    assert _order(site) == old + new, "after what was there, in the announced order"
    shotgrid_standin.reset()
    held = endpoint.set_order([str(v) for v in old + new])
    assert held == [str(v) for v in old + new]
    assert shotgrid_standin.count() == 1, "already in order: one read, nothing written"


def test_a_version_not_announced_goes_after_the_announced_ones(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site = Site(shotgrid_standin, versions=1)
    endpoint = site.endpoint()
    endpoint.snapshot()
    endpoint.expect_creates(["a", "b"])
    extra = endpoint.create_item(NewItem("unannounced", link="x"))
    b = endpoint.create_item(NewItem("b", link="b"))
    a = endpoint.create_item(NewItem("a", link="a"))
    first = site.versions[0]["id"]
    assert _order(site) == [first, int(a.id), int(b.id), int(extra.id)]


def test_reordering_writes_what_differs_and_reads_back() -> None:
    def row(n: int, version: int, order: float | None) -> dict[str, object]:
        return {"id": n, "version": {"type": "Version", "id": version}, "sg_sort_order": order}

    standing = [row(1, 10, 1.0), row(2, 20, 5.0), row(3, 30, 7.5)]
    assert reorder(standing, ["10", "20", "30"], "sg_sort_order") == []
    swapped = reorder(standing, ["20", "10", "30"], "sg_sort_order")
    assert [(r["id"], o) for r, o in swapped] == [(2, 1.0), (1, 2.0), (3, 3.0)]
    tied = [row(1, 10, 1.0), row(2, 20, 1.0)]
    assert [r["id"] for r, _ in reorder(tied, ["10", "20"], "sg_sort_order")] == [2]
    unset = [row(1, 10, None), row(2, 20, None)]
    assert [o for _, o in reorder(unset, ["10", "20"], "sg_sort_order")] == [1.0, 2.0]


def test_places_read_the_top_once_when_the_run_did_not() -> None:
    reads: list[int] = []

    def top() -> float:
        reads.append(1)
        return 4.0

    places = Places(top)
    places.announce(["a", "a", "b"])
    assert [places.next("b"), places.next("a"), places.next("c"), places.next("a")] == [
        7.0,
        5.0,
        8.0,
        6.0,
    ]
    assert reads == [1]
    places.reset(10.0)
    assert places.next("a") == 11.0 and reads == [1]
