"""The overview and mapping pages, rendered from the dataclasses of ``data``.

Renderers return a page body (``Markup``); ``layout.document`` wraps it for the served site and
the static snapshot stacks several into one file. Every string from the database or from a
remote system goes through ``html.el``, which escapes it.
"""

from __future__ import annotations

from datetime import datetime

from syncd.statuspage.chart import sparkline
from syncd.statuspage.data import MappingDetail, MappingSummary, RunView
from syncd.statuspage.html import Child, Markup, el, join, link
from syncd.statuspage.layout import badge, crumbs, outcome, table, when
from syncd.statuspage.links import Links
from syncd.statuspage.problems import ProblemView
from syncd.statuspage.reconcile import SideCell

PROBLEM_BADGE = {"failed": "bad", "refused": "bad", "unmapped status": "warn"}
PROBLEM_BADGE |= {"deletion": "warn", "conflict": "warn", "warning": "warn", "notice": "muted"}


def _duration(run: RunView | None) -> str:
    if run is None or run.duration is None:
        return "—"
    return f"{run.duration:.1f} s"


def _counts(counts: dict[str, int]) -> Markup:
    if not counts:
        return el("span", "nothing to do", class_="muted")
    return join(
        [
            ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items())),
        ]
    )


def _health(summary: MappingSummary) -> Markup:
    parts = [badge(summary.health, summary.health)]
    if summary.running:
        parts.append(badge("running", "muted"))
    return join([*parts, " ", el("span", summary.health_reason, class_="muted small")])


def _next(summary: MappingSummary, now: datetime) -> Markup:
    if summary.next_run is None:
        return el("span", "not scheduled here", class_="muted")
    if summary.next_run <= now:
        return el("span", "due now", class_="muted")
    return when(summary.next_run, now)


def _last(summary: MappingSummary, now: datetime) -> Markup:
    run = summary.last_run
    if run is None:
        return el("span", "never run", class_="muted")
    return join(
        [
            outcome(run.outcome),
            " ",
            when(run.started_at, now),
            el("div", f"run {run.id} · {_duration(run)}", class_="muted small"),
        ]
    )


def overview(summaries: list[MappingSummary], links: Links, now: datetime) -> Markup:
    rows = [
        el(
            "tr",
            el("td", el("strong", link(s.name, links.mapping(s.name)))),
            el("td", _health(s)),
            el("td", " ↔ ".join(e.name for e in s.endpoints), class_="small"),
            el("td", s.schedule),
            el("td", _last(s, now)),
            el("td", _next(s, now)),
            el("td", sparkline(s.recent)),
            data_mapping=s.name,
        )
        for s in summaries
    ]
    failing = sum(1 for s in summaries if s.health != "ok")
    headline = (
        f"{len(summaries)} mapping(s), all in step"
        if not failing
        else f"{len(summaries)} mapping(s), {failing} need attention"
    )
    headers = ["mapping", "health", "endpoints", "schedule", "last run", "next run", "recent runs"]
    return join(
        [
            el("h1", "Mappings"),
            el("p", headline, class_="muted"),
            table(headers, rows, "no mappings are configured"),
        ]
    )


def _problem_rows(problems: list[ProblemView], mapping: str, links: Links) -> list[Markup]:
    rows = []
    for p in problems:
        target: Child = "—"
        if p.item_link:
            target = link(p.item_name or p.item_link, links.item(mapping, p.item_link))
        rows.append(
            el(
                "tr",
                el("td", badge(p.kind, PROBLEM_BADGE.get(p.kind, "muted"))),
                el("td", p.endpoint or "—"),
                el("td", target),
                el("td", p.message, class_="note"),
                el("td", str(p.run_id), class_="num"),
                class_="problem",
            )
        )
    return rows


def _run_rows(runs: list[RunView], now: datetime) -> list[Markup]:
    return [
        el(
            "tr",
            el("td", str(r.id), class_="num"),
            el("td", when(r.started_at, now)),
            el("td", _duration(r), class_="num"),
            el("td", outcome(r.outcome)),
            el("td", _counts(r.counts), class_="small"),
            el("td", r.error or "", class_="note small"),
        )
        for r in runs
    ]


def _item_cell(cell: SideCell | None) -> Markup:
    if cell is None:
        return el("td", badge("missing", "warn"))
    notes = el("span", f" · {cell.notes} notes", class_="muted")
    if not cell.read:
        return el("td", el("span", "written, not read back yet", class_="muted"), notes)
    return el("td", cell.status or "—", notes)


def _item_rows(detail: MappingDetail, links: Links) -> list[Markup]:
    endpoints = [e.name for e in detail.summary.endpoints]
    rows = []
    for item in detail.items:
        name: Child = (
            link(item.name, links.item(detail.summary.name, item.link))
            if item.link
            else join([item.name, " ", badge("unlinked", "warn")])
        )
        cells = [
            _item_cell(item.sides.get(ep)) if ep in item.sides else el("td", "") for ep in endpoints
        ]
        rows.append(el("tr", el("td", name), cells, class_="item"))
    return rows


def mapping_page(detail: MappingDetail, links: Links, now: datetime) -> Markup:
    summary = detail.summary
    endpoint_rows = [
        el(
            "tr",
            el("td", el("strong", e.name)),
            el("td", e.type),
            el("td", ", ".join(f"{k}: {v}" for k, v in e.selector.items()), class_="small"),
        )
        for e in summary.endpoints
    ]
    count_rows = [
        el(
            "tr",
            el("td", el("strong", c.endpoint)),
            [
                el("td", str(n), class_="num")
                for n in (c.items, c.linked_items, c.unlinked_items, c.missing_items)
            ],
            [
                el("td", str(n), class_="num")
                for n in (c.notes, c.linked_notes, c.unlinked_notes, c.missing_notes)
            ],
            el(
                "td",
                when(c.read_at, now) if c.read_at else el("span", "never read", class_="muted"),
            ),
            data_side=c.endpoint,
        )
        for c in detail.sides
    ]
    facts = el(
        "dl",
        el("dt", "health"),
        el("dd", _health(summary)),
        el("dt", "schedule"),
        el("dd", summary.schedule),
        el("dt", "last run"),
        el("dd", _last(summary, now)),
        el("dt", "last success"),
        el("dd", when(summary.last_success, now)),
        el("dt", "next run"),
        el("dd", _next(summary, now)),
        el("dt", "linked"),
        el("dd", f"{detail.links.get('item', 0)} items, {detail.links.get('note', 0)} notes"),
        el("dt", "recent runs"),
        el("dd", sparkline(summary.recent)),
        class_="facts",
    )
    count_headers = ["side", "#items", "#linked", "#unlinked", "#missing", "#notes", "#linked"]
    count_headers += ["#unlinked", "#missing", "last read"]
    return join(
        [
            crumbs(("mappings", links.overview()), (summary.name, None)),
            el("h1", summary.name),
            facts,
            el("h2", "Endpoints"),
            table(["side", "type", "review"], endpoint_rows),
            el("h2", "Reconciliation"),
            table(count_headers, count_rows),
            el("h2", f"Open problems ({len(detail.problems)})"),
            table(
                ["kind", "side", "item", "message", "#run"],
                _problem_rows(detail.problems, summary.name, links),
                "no open problems",
            ),
            el("h2", f"Items ({len(detail.items)})"),
            table(
                ["item", *[e.name for e in summary.endpoints]],
                _item_rows(detail, links),
                "no items read yet",
            ),
            el("h2", "Last runs"),
            table(
                ["#run", "started", "#took", "outcome", "writes", "error"],
                _run_rows(detail.runs, now),
                "never run",
            ),
        ]
    )
