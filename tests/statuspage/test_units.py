"""Small pieces of the status page: links into each system, escaping, the chart, thumbnails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from syncd.statuspage.chart import sparkline
from syncd.statuspage.data import RunView
from syncd.statuspage.html import Markup, el, link, render, safe_url
from syncd.statuspage.thumbs import MediaDirLookup, Thumbnails
from syncd.statuspage.urls import item_url, strip_credentials

KITSU_EXTRA = {
    "kitsu": json.dumps({"key": "k", "project": "p-1", "playlist": "pl", "kind": "shot"})
}


def test_kitsu_item_opens_in_the_production() -> None:
    settings = {"url": "https://kitsu.example.com/api", "password": "pw"}
    assert item_url("kitsu", settings, KITSU_EXTRA, "e-9") == (
        "https://kitsu.example.com/productions/p-1/shots/e-9"
    )
    asset = {"kitsu": json.dumps({"project": "p-1", "kind": "asset"})}
    assert item_url("kitsu", {"url": "https://kitsu.example.com/"}, asset, "a-2") == (
        "https://kitsu.example.com/productions/p-1/assets/a-2"
    )
    assert item_url("kitsu", settings, {}, "e-9") is None  # no project known yet
    assert item_url("kitsu", settings, {"kitsu": "not json"}, "e-9") is None


def test_shotgrid_item_opens_its_version() -> None:
    settings = {"url": "https://studio.shotgrid.autodesk.com/", "api_key": "k"}
    assert item_url("shotgrid", settings, {}, "1234") == (
        "https://studio.shotgrid.autodesk.com/detail/Version/1234"
    )
    assert item_url("shotgrid", settings, {}, "Version:1") is None
    assert item_url("shotgrid", {}, {}, "1234") is None


def test_syncsketch_item_opens_its_review_when_known() -> None:
    extra = {"review_url": "https://www.syncsketch.com/sketch/abc123/"}
    assert item_url("syncsketch", {"url": "https://www.syncsketch.com"}, extra, "7") == (
        "https://www.syncsketch.com/sketch/abc123/"
    )
    assert item_url("syncsketch", {"url": "https://www.syncsketch.com"}, {}, "7") is None
    hostile = {"review_url": "javascript:alert(1)"}
    assert item_url("syncsketch", {}, hostile, "7") is None


def test_file_reviews_have_no_web_page() -> None:
    assert item_url("file", {"path": "/reviews"}, {}, "i1") is None
    assert item_url("memory", {}, {}, "i1") is None


def test_credentials_never_reach_a_link() -> None:
    assert strip_credentials("https://bob:secret@kitsu.example:8443/api?token=x#f") == (
        "https://kitsu.example:8443/api"
    )
    assert strip_credentials("ftp://host/x") == "" and strip_credentials("") == ""
    assert item_url("shotgrid", {"url": "https://u:pw@sg.example"}, {}, "1") == (
        "https://sg.example/detail/Version/1"
    )


def test_everything_is_escaped_and_only_safe_urls_become_links() -> None:
    assert el("p", "<b>&", title='"x"') == '<p title="&quot;x&quot;">&lt;b&gt;&amp;</p>'
    assert el("p", Markup("<b>ok</b>"), None, False, ["a", 1]) == "<p><b>ok</b>a1</p>"
    assert render(el("img", src="/x.jpg", alt="<")) == '<img src="/x.jpg" alt="&lt;">'
    for bad in ("javascript:alert(1)", " JavaScript:x", "data:text/html,x", "//evil", "/\\evil"):
        assert safe_url(bad) is None
        assert "href" not in link("t", bad)
    assert safe_url("/mappings/x") == "/mappings/x" and safe_url("#m-x") == "#m-x"
    outside = link("open", "https://sg.example/detail/Version/1")
    assert 'rel="noopener noreferrer"' in outside and 'target="_blank"' in outside


def _run(number: int, outcome: str, seconds: float, counts: dict[str, int]) -> RunView:
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=number)
    return RunView(number, start, start + timedelta(seconds=seconds), outcome, counts, None, [])


def test_sparkline_has_one_column_per_run_with_its_figures() -> None:
    runs = [
        _run(1, "ok", 2.0, {"create_note": 3}),
        _run(2, "partial", 1.0, {"create_note": 1, "failed": 2}),
        _run(3, "failed", 0.5, {}),
    ]
    svg = sparkline(runs)
    assert svg.count("<g>") == 3
    assert "<title>run 2: partial, 1.0 s, 1 writes, 2 failures</title>" in svg
    assert 'class="dur bad"' in svg and 'class="dur warn"' in svg and 'class="dur ok"' in svg
    assert sparkline([]).count("<g>") == 0
    assert sparkline([_run(i, "ok", 1, {}) for i in range(50)]).count("<g>") == 30


def test_thumbnail_lookup_in_the_media_cache(tmp_path: Path) -> None:
    import pyvips

    sha = "ab" * 32
    cache = tmp_path / "media" / "dailies" / "kitsu"
    cache.mkdir(parents=True)
    green = [10, 200, 10]
    card = (pyvips.Image.black(640, 360, bands=3) + green).cast("uchar")
    card.write_to_file(str(cache / f"{sha[:16]}-sh010.png"))
    lookup = MediaDirLookup(tmp_path / "media")
    assert lookup(sha) == cache / f"{sha[:16]}-sh010.png"
    assert lookup("cd" * 32) is None
    own = tmp_path / "media" / "thumbs"
    own.mkdir()
    card.write_to_file(str(own / f"{'cd' * 32}.jpg"))
    assert lookup("cd" * 32) == own / f"{'cd' * 32}.jpg"  # the pipeline's own thumbnails

    thumbnails = Thumbnails(lookup)
    assert thumbnails.find(sha) == sha
    data = thumbnails.jpeg(sha)
    assert data is not None and data.startswith(b"\xff\xd8")
    assert thumbnails.find("not-a-hash") is None
    assert thumbnails.jpeg("ef" * 32) is None  # never found: never served
    hooked = Thumbnails(lambda digest: None)
    assert hooked.find(sha) is None


def test_health_words() -> None:
    from syncd.statuspage.data import _health

    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    ok = _run(1, "ok", 1.0, {})
    assert _health(ok, now - timedelta(minutes=5), 1800, now) == ("ok", "in step")
    assert _health(ok, now - timedelta(hours=2), 1800, now) == (
        "stale",
        "no success for 2h (limit 30m)",
    )
    assert _health(None, None, 1800, now) == ("stale", "never run")
    assert _health(_run(2, "failed", 1, {}), None, 1800, now) == ("failing", "the last run failed")
    assert _health(_run(3, "refused", 1, {}), now, 1800, now)[0] == "failing"
    assert _health(_run(4, "stopped", 1, {}), now, 1800, now)[0] == "ok"


def test_next_run_from_the_schedule() -> None:
    from syncd.config.loader import Schedule
    from syncd.statuspage.data import next_run

    class Mapping:
        def __init__(self, schedule: Schedule) -> None:
            self.schedule = schedule

    now = datetime(2026, 6, 1, 12, 0, 30, tzinfo=UTC)
    every = Mapping(Schedule(every=120))
    last = _run(1, "ok", 1.0, {})  # started 2026-01-01 00:01
    assert next_run(every, None, now) == now  # type: ignore[arg-type]
    assert next_run(every, last, now) == now  # type: ignore[arg-type]  # overdue: due now
    recent = RunView(2, now - timedelta(seconds=30), now, "ok", {}, None, [])
    assert next_run(every, recent, now) == now + timedelta(seconds=90)  # type: ignore[arg-type]
    cron = Mapping(Schedule(cron="*/5 9-20 * * *"))
    assert next_run(cron, None, now) == datetime(2026, 6, 1, 12, 5, tzinfo=UTC)  # type: ignore[arg-type]
