"""Versions created once, whatever answer is lost: what was there before is looked up for all
of a run's new items at once, and a lost answer's Version is told from those."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from syncd_standins.shotgrid import ShotGridStandIn

from syncd.connectors.shotgrid.coded import CODES_PER_LOOKUP
from syncd.core.model import NewItem
from tests.shotgrid.test_shotgrid_connector import MockSite, Site


def _coded(site: Site, code: str) -> list[int]:
    return sorted(r["id"] for r in site.store.find("Version", [["code", "is", code]], []))


def _in_playlist(site: Site) -> set[int]:
    rows = site.store.find(
        "PlaylistVersionConnection", [["playlist", "is", site.playlist]], ["version"]
    )
    return {r["version"]["id"] for r in rows}


def _with_older(standin: ShotGridStandIn, code: str) -> tuple[Site, dict[str, Any], Any]:
    """A site with a Version of ``code`` outside the playlist, and its endpoint, read."""
    site = Site(standin)
    older = site.store.create("Version", {"code": code, "project": site.project})
    endpoint = site.endpoint()
    endpoint.snapshot()
    return site, older, endpoint


def test_creates_announced_together_look_their_codes_up_together(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site = Site(shotgrid_standin)
    endpoint = site.endpoint()
    endpoint.snapshot()
    shotgrid_standin.reset()
    endpoint.expect_creates([f"sh{n:04d}" for n in range(CODES_PER_LOOKUP + 10)])
    assert shotgrid_standin.count("read") == 2, "a request per CODES_PER_LOOKUP codes"
    shotgrid_standin.reset()
    for n in range(3):
        endpoint.create_item(NewItem(f"sh{n:04d}", link=f"L{n}"))
    assert shotgrid_standin.count("create") == 6, "a Version and its connection each"
    assert shotgrid_standin.count("read") == 0, "the playlist's order, from the snapshot's read"


def test_a_lost_answer_is_the_new_version_not_one_of_its_code_from_before(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site, older, endpoint = _with_older(shotgrid_standin, "sh100")
    endpoint.expect_creates(["sh100", "sh100"])
    made = []
    for n in range(2):  # two items of one name: the second must not take the first's Version
        shotgrid_standin.fail_next(1, 502, method="create", after_commit=True)
        made.append(int(endpoint.create_item(NewItem("sh100", link=f"L{n}")).id))
    assert len(set(made)) == 2 and older["id"] not in made
    assert _coded(site, "sh100") == sorted([older["id"], *made]), "none made twice"
    assert set(made) <= _in_playlist(site) and older["id"] not in _in_playlist(site)


def test_a_create_not_announced_looks_its_code_up_itself(
    shotgrid_standin: ShotGridStandIn,
) -> None:
    site, older, endpoint = _with_older(shotgrid_standin, "sh200")
    shotgrid_standin.fail_next(1, 502, method="create", after_commit=True)
    made = int(endpoint.create_item(NewItem("sh200", link="L1")).id)
    assert made != older["id"]
    assert _coded(site, "sh200") == sorted([older["id"], made])


def test_the_lookup_ahead_works_on_mockgun(tmp_path: Path) -> None:
    """Mockgun, which independent stand-ins are built on, answers the ``in`` filter on codes."""
    site = MockSite(tmp_path)
    endpoint = site.endpoint()
    endpoint.snapshot()
    endpoint.expect_creates(["sh010_v1", "sh010_v2", "nothing yet"])
    ids = {v["id"] for v in site.versions[:2]}
    assert endpoint.coded.before("sh010_v1") | endpoint.coded.before("sh010_v2") == ids
    assert endpoint.coded.before("nothing yet") == set()
    item = endpoint.create_item(NewItem("nothing yet", link="L1"))
    assert endpoint.coded.before("nothing yet") == {int(item.id)}
