"""The item page: the item on every side, its notes across systems, and syncd's journal for it."""

from __future__ import annotations

from datetime import datetime

from syncd.statuspage.html import Child, Markup, el, join, link
from syncd.statuspage.items import ItemDetail, ItemSide, JournalRow, NoteCell, NoteRow
from syncd.statuspage.layout import badge, crumbs, table, when
from syncd.statuspage.links import Links

JOURNAL_BADGE = {"done": "ok", "failed": "bad", "doubt": "warn", "interrupted": "warn"}


def _thumb(side: ItemSide, links: Links) -> Markup:
    media = side.media
    if media is None:
        return el("div", "no media", class_="thumb placeholder")
    src = links.thumbnail(media.thumbnail)
    label = media.filename or media.token
    if src is None:
        return el("div", label, class_="thumb placeholder", title="no thumbnail in the media cache")
    title = f"the same revision as on {media.shown_from}" if media.shown_from else label
    return el("img", src=src, alt=label, title=title, class_="thumb", loading="lazy")


def _side(side: ItemSide, links: Links) -> Markup:
    if side.name is None or not side.read:
        reason = "not on this side"
        if side.native:
            reason = f"written by syncd after this side was last read (id {side.native})"
        return el(
            "section",
            el("h3", side.endpoint, " ", el("span", side.type, class_="muted small")),
            el("p", reason, class_="muted"),
            class_="side missing",
            data_side=side.endpoint,
        )
    status: Child = el("span", "no status", class_="muted")
    if side.status:
        status = join(
            [
                el("strong", side.status),
                " " if not side.status_mapped else "",
                badge("unmapped", "warn") if not side.status_mapped else "",
            ]
        )
    media = side.media
    revision: Child = el("span", "—", class_="muted")
    if media is not None:
        generation = f" · revision {media.generation}" if media.generation is not None else ""
        revision = el("span", media.filename or media.token, generation, class_="small")
    opener = (
        link(f"open in {side.endpoint}", side.url, class_="open")
        if side.url
        else el("span", "no web page known", class_="muted small")
    )
    return el(
        "section",
        el("h3", side.endpoint, " ", el("span", side.type, class_="muted small")),
        _thumb(side, links),
        el(
            "dl",
            el("dt", "name"),
            el("dd", side.name),
            el("dt", "status"),
            el("dd", status),
            el("dt", "media"),
            el("dd", revision),
            el("dt", "native id"),
            el("dd", el("code", side.native or "—")),
            el("dt", "open"),
            el("dd", opener),
            class_="facts",
        ),
        class_="side",
        data_side=side.endpoint,
    )


def _note_cell(cell: NoteCell | None) -> Markup:
    if cell is None:
        return el("td", "—", class_="muted")
    note = cell.note
    author = note.author.label() if note.author else "unknown"
    details = [author]
    if note.frame is not None:
        details.append(f"frame {note.frame}")
    if note.created is not None:
        details.append(f"{note.created:%Y-%m-%d %H:%M}")
    if not cell.read:
        details.append("written by syncd, not read back yet")
    return el(
        "td",
        el("div", note.text, class_="note" if cell.read else "note muted"),
        el("div", " · ".join(details), class_="muted small"),
        title=f"id {cell.native}",
    )


def _note_rows(notes: list[NoteRow], endpoints: list[str]) -> list[Markup]:
    rows: list[Markup] = []
    for row in notes:
        label: Child = (
            el("code", row.link[:8], title=row.link, class_="small")
            if row.link
            else badge("unlinked", "warn")
        )
        if row.depth:
            label = join(["↳ ", label])
        cells = [_note_cell(row.cells.get(ep)) for ep in endpoints]
        rows.append(
            el("tr", el("td", label), cells, class_="reply note-row" if row.depth else "note-row")
        )
    return rows


def _journal_rows(rows: list[JournalRow], now: datetime) -> list[Markup]:
    return [
        el(
            "tr",
            el("td", when(r.at, now)),
            el("td", str(r.run_id) if r.run_id is not None else "—", class_="num"),
            el("td", r.endpoint),
            el("td", r.action.replace("_", " "), el("span", f" ({r.subject})", class_="muted")),
            el("td", badge(r.state, JOURNAL_BADGE.get(r.state, "muted"))),
            el("td", el("code", r.native) if r.native else ""),
            el("td", r.detail or "", class_="note small"),
        )
        for r in rows
    ]


def item_page(detail: ItemDetail, links: Links, now: datetime) -> Markup:
    endpoints = [s.endpoint for s in detail.sides]
    agree = (
        badge("statuses agree", "ok") if detail.statuses_agree else badge("statuses differ", "warn")
    )
    heading: list[Child] = [detail.name, " ", agree]
    if detail.deleted:
        heading += [" ", badge("deleted", "bad")]
    return join(
        [
            crumbs(
                ("mappings", links.overview()),
                (detail.mapping, links.mapping(detail.mapping)),
                (detail.name, None),
            ),
            el("h1", heading),
            el("p", el("span", "link ", class_="muted"), el("code", detail.link)),
            el("div", [_side(s, links) for s in detail.sides], class_="sides"),
            el("h2", f"Notes ({len(detail.notes)})"),
            table(["link", *endpoints], _note_rows(detail.notes, endpoints), "no notes"),
            el("h2", f"Journal ({len(detail.journal)})"),
            table(
                ["at", "#run", "side", "write", "state", "native id", "detail"],
                _journal_rows(detail.journal, now),
                "syncd has written nothing for this item",
            ),
        ]
    )
