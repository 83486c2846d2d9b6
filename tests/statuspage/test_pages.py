"""Every page rendered from the scenario's state database, and what each must show."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from syncd.statuspage.html import VOID
from tests.statuspage.conftest import Site
from tests.statuspage.scenario import HOSTILE

HREF = re.compile(r'(?:href|src)="(/[^"]*)"')


def item_links(page: str, mapping: str) -> dict[str, str]:
    """Item name -> its page, from a mapping page's items table."""
    found = re.findall(rf'<a href="(/mappings/{mapping}/items/[^"]+)">([^<]+)</a>', page)
    return {name: href for href, name in found}


class _Rows(HTMLParser):
    """The text of each table row that carries ``data-side``/``data-mapping``, by that value."""

    def __init__(self, attribute: str) -> None:
        super().__init__()
        self.attribute = attribute
        self.rows: dict[str, list[str]] = {}
        self._current: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self._current is None and values.get(self.attribute):
            self._current = str(values[self.attribute])
            self.rows[self._current] = []
            self._depth = 0
        if self._current is not None and tag not in VOID:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._current is not None:
            self._depth -= 1
            if self._depth == 0:
                self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None and data.strip():
            self.rows[self._current].append(data.strip())


def rows(page: str, attribute: str) -> dict[str, list[str]]:
    parser = _Rows(attribute)
    parser.feed(page)
    return parser.rows


def test_overview_shows_each_mapping_health_schedule_runs_and_chart(site: Site) -> None:
    page = site.text("/")
    overview = rows(page, "data-mapping")
    assert set(overview) == {"dailies", "client"}
    dailies = overview["dailies"]
    assert "failing" in dailies and "the last run failed" in dailies
    assert "cron 0 0 1 1 *" in dailies
    assert "failed" in dailies  # the last run's outcome
    next_new_year = f"{datetime.now(UTC).year + 1}-01-01 00:00:00 UTC"
    assert next_new_year in dailies
    assert "studio ↔ syncsketch ↔ shotgrid" in dailies
    assert "the last run refused" in overview["client"]
    # the chart: one column per run, each with its figures
    assert page.count("<svg") == 2
    assert re.search(r"<title>run \d+: failed, [\d.]+ s, 0 writes, 1 failures</title>", page)
    assert re.search(r"<title>run \d+: partial, [\d.]+ s, \d+ writes, 2 failures</title>", page)
    assert "2 mapping(s), 2 need attention" in page
    assert 'href="/mappings/dailies"' in page and 'href="/mappings/client"' in page


def test_mapping_page_reconciles_sides_and_lists_problems_runs_and_items(site: Site) -> None:
    page = site.text("/mappings/dailies")
    sides = rows(page, "data-side")
    # items, linked, unlinked, missing, notes, linked, unlinked, missing
    assert sides["studio"][:9] == ["studio", "3", "3", "0", "0", "6", "6", "0", "0"]
    assert sides["syncsketch"][:9] == ["syncsketch", "2", "2", "0", "1", "6", "6", "0", "0"]
    assert sides["shotgrid"][:9] == ["shotgrid", "2", "2", "0", "1", "6", "6", "0", "0"]
    assert "3 items, 6 notes" in page
    problems = re.findall(r'<tr class="problem"><td><span class="badge [a-z]+">([a-z ]+)<', page)
    assert problems == [
        "failed",
        "failed",
        "failed",
        "unmapped status",
        "deletion",
        "conflict",
        "warning",  # two authors ShotGrid has not: their notes say who wrote them
        "warning",
    ]
    assert "shotgrid has no person Dana Lead &lt;dana@studio.example&gt;" in page
    assert "HTTP 401 (Invalid credentials.)" in page
    assert "media &#x27;sh030.png&#x27; is not a valid image" in page
    assert (
        "status &#x27;ip&#x27; of &#x27;sh010&#x27; is not in the mapping&#x27;s status table"
        in page
    )
    assert "restoring a note deleted on shotgrid" in page
    assert "conflict on content between studio, syncsketch: studio wins" in page
    items = item_links(page, "dailies")
    assert set(items) == {"sh010", "sh020", "sh030"}
    assert page.count('<span class="badge warn">missing</span>') == 2  # sh030 on both services
    assert re.findall(r'<span class="badge (?:ok|warn|bad)">(ok|partial|failed)</span>', page)[
        -3:
    ] == ["failed", "partial", "partial"]
    assert "create item 4, create note 4, failed 2" in page


def test_refused_run_is_an_open_problem(site: Site) -> None:
    page = site.text("/mappings/client")
    assert "the last run refused" in page
    assert "this run would delete 7 of 9 objects on studio (more than 50%); refusing" in page
    assert '<span class="badge bad">refused</span>' in page
    sides = rows(page, "data-side")
    assert sides["outbox"][:9] == ["outbox", "1", "1", "0", "0", "8", "8", "0", "0"]


def test_item_page_shows_every_side_its_links_notes_and_journal(site: Site) -> None:
    scenario = site.scenario
    page = site.text(item_links(site.text("/mappings/dailies"), "dailies")["sh010"])
    sides = rows(page, "data-side")
    assert set(sides) == {"studio", "syncsketch", "shotgrid"}
    assert "wfa" in sides["studio"] and "for_review" in sides["syncsketch"]
    assert "ip" in sides["shotgrid"] and "unmapped" in sides["shotgrid"]
    assert "statuses differ" in page
    # links into each system's own UI, where the address is known
    review = next(r for r in scenario.ss.store.query("review", {}) if r["name"] == "Dailies")
    review_url = review["reviewURL"]
    version = scenario.sg.store.find("Version", [["code", "is", "sh010"]], ["id"])[0]["id"]
    assert f'href="{review_url}"' in page
    assert f'href="{scenario.sg.url}/detail/Version/{version}"' in page
    assert "no web page known" in sides["studio"]
    # notes across the three systems, threaded, hostile text escaped
    note_rows = re.findall(r'<tr class="(reply note-row|note-row)">', page)
    assert note_rows == ["note-row", "note-row", "reply note-row", "note-row"]
    assert page.count("Soften the rim light too.") == 3
    assert "<script>" not in page and "onerror=alert(1)>" not in page
    assert HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")[:20] in page
    assert "written by syncd, not read back yet" in page
    # the journal of what syncd wrote for the item and its notes
    journal = page.split("Journal (", 1)[1]
    assert "create item" in journal and "create note" in journal
    assert journal.count('<span class="badge ok">done</span>') >= 6


def test_thumbnails_from_local_media_and_a_placeholder_otherwise(site: Site) -> None:
    items = item_links(site.text("/mappings/dailies"), "dailies")
    page = site.text(items["sh010"])
    thumbs = set(re.findall(r'<img src="(/thumbs/[0-9a-f]{64}\.jpg)"', page))
    assert len(thumbs) == 1  # one revision, shown on all three sides
    assert page.count('class="thumb"') == 3
    image = site.get(thumbs.pop())
    assert image.status == 200 and image.content_type == "image/jpeg"
    assert image.body.startswith(b"\xff\xd8") and len(image.body) < 20_000
    broken = site.text(items["sh030"])  # its preview does not decode
    assert "<img" not in broken and 'class="thumb placeholder"' in broken
    assert site.get("/thumbs/" + "0" * 64 + ".jpg").status == 404


def test_every_page_renders_and_shows_no_secret(site: Site) -> None:
    """Crawl from /: every linked page answers 200 and holds no configured secret."""
    seen: set[str] = set()
    queue = ["/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        answer = site.get(path)
        assert answer.status == 200, path
        body = (
            answer.body.decode("utf-8", "replace") if answer.content_type.startswith("text") else ""
        )
        for secret in site.scenario.secrets:
            assert secret not in body, (path, "shows a secret")
        queue.extend(h for h in HREF.findall(body) if h not in seen)
    # the note with a pasted key is shown, with the key blotted out
    sh020 = site.text(item_links(site.text("/mappings/dailies"), "dailies")["sh020"])
    assert sh020.count("Farm key for tonight: ••••••") == 3
    kinds = {p.split("/")[1] if p != "/" else "/" for p in seen}
    assert kinds == {"/", "mappings", "thumbs"}
    assert sum(1 for p in seen if "/items/" in p) == 4  # three dailies items, one client item


def test_unknown_pages_are_404_after_auth(site: Site) -> None:
    assert site.get("/mappings/nosuch").status == 404
    assert site.get("/mappings/dailies/items/nosuch").status == 404
    assert site.get("/mappings/dailies/nothing/here").status == 404
    assert site.get("/mappings/nosuch", token=None).status == 401
