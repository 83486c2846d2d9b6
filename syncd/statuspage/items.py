"""What the item page shows: one item as each system holds it, its notes and its journal.

An item is known by syncd's link id (``links`` of kind ``item``); its object on each side is the
link's member there, looked up in that side's cached snapshot. Notes are the note links on the
item, each with its object on every side, in thread order, followed by notes a side holds that
are linked to nothing yet. The journal is every write syncd made for the item or its notes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import or_, select

from syncd.core.model import Item, Note
from syncd.core.statuses import StatusTable
from syncd.state import schema as t
from syncd.statuspage.context import PageContext, file_media_path
from syncd.statuspage.state import MappingState, aware, load_state
from syncd.statuspage.urls import item_url

JOURNAL_LIMIT = 300
_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class MediaView:
    token: str
    filename: str | None
    sha256: str | None
    thumbnail: str | None
    """The key of a thumbnail the page can show, or None for the placeholder."""
    generation: int | None = None
    """syncd's generation of the media on this side: equal on two sides, the same revision."""
    shown_from: str | None = None
    """The side whose thumbnail is shown, when this side's own is not in the cache."""


@dataclass(frozen=True, slots=True)
class ItemSide:
    endpoint: str
    type: str
    native: str | None
    name: str | None
    status: str | None
    status_mapped: bool
    media: MediaView | None
    url: str | None
    read: bool = True
    """False when syncd wrote the item after the side was last read."""


@dataclass(frozen=True, slots=True)
class NoteCell:
    native: str
    note: Note
    read: bool
    """False for a note syncd wrote after the side was last read: ``note`` is then the copy on
    another side, which holds the same content."""


@dataclass(frozen=True, slots=True)
class NoteRow:
    link: str | None
    depth: int
    cells: dict[str, NoteCell | None]


@dataclass(frozen=True, slots=True)
class JournalRow:
    id: int
    at: datetime | None
    run_id: int | None
    endpoint: str
    action: str
    state: str
    native: str | None
    detail: str | None
    subject: str
    """``item`` or ``note``: what the write was about."""


@dataclass(frozen=True, slots=True)
class ItemDetail:
    mapping: str
    link: str
    name: str
    deleted: bool
    sides: list[ItemSide]
    statuses_agree: bool
    notes: list[NoteRow]
    journal: list[JournalRow]


def _media(context: PageContext, mapping: str, endpoint: str, item: Item) -> MediaView:
    ref = item.media
    assert ref is not None
    sha = ref.sha256 or _cached_hash(context, mapping, endpoint, ref.token)
    local = file_media_path(context, endpoint, ref.token)
    return MediaView(ref.token, ref.filename, sha, context.thumbnails.find(sha, local))


def _cached_hash(context: PageContext, mapping: str, endpoint: str, token: str) -> str | None:
    found = context.store.media_hash(mapping, endpoint, token)
    return found[0] if found else None


def _media_generations(context: PageContext, name: str, link: str) -> dict[str, int]:
    query = select(t.seen.c.endpoint, t.seen.c.gen).where(
        t.seen.c.mapping == name, t.seen.c.link_id == link, t.seen.c.aspect == "media"
    )
    with context.store.engine.connect() as conn:
        return {endpoint: int(gen) for endpoint, gen in conn.execute(query)}


def _share_thumbnails(sides: list[ItemSide], generations: dict[str, int]) -> list[ItemSide]:
    """A side whose picture is not cached shows the one of a side holding the same revision."""
    pictures = {
        generations[s.endpoint]: s
        for s in sides
        if s.media and s.media.thumbnail and s.endpoint in generations
    }
    out = []
    for side in sides:
        media = side.media
        gen = generations.get(side.endpoint)
        if media is not None:
            media = replace(media, generation=gen)
            donor = pictures.get(gen) if gen is not None else None
            if media.thumbnail is None and donor is not None and donor.media is not None:
                media = replace(media, thumbnail=donor.media.thumbnail, shown_from=donor.endpoint)
        out.append(replace(side, media=media))
    return out


def _sides(context: PageContext, name: str, link: str, state: MappingState) -> list[ItemSide]:
    mapping = context.mapping(name)
    assert mapping is not None
    table = StatusTable.from_rows(mapping.statuses)
    out = []
    for endpoint in mapping.endpoints:
        native = state.members.get(link, {}).get(endpoint)
        side = state.sides.get(endpoint)
        item = side.items.get(native) if side is not None and native is not None else None
        kind = context.system_type(endpoint)
        if item is None:
            name_there = state.item_name(link) if native is not None else None
            out.append(
                ItemSide(endpoint, kind, native, name_there, None, True, None, None, native is None)
            )
            continue
        canonical = table.to_canonical(endpoint, item.status)
        extra = side.snapshot.extra if side is not None else {}
        out.append(
            ItemSide(
                endpoint=endpoint,
                type=kind,
                native=native,
                name=item.name,
                status=item.status,
                status_mapped=canonical is None or not canonical.startswith("?"),
                media=_media(context, name, endpoint, item) if item.media else None,
                url=item_url(kind, context.system_settings(endpoint), extra, item.id),
            )
        )
    return _share_thumbnails(out, _media_generations(context, name, link))


def _statuses_agree(context: PageContext, name: str, sides: list[ItemSide]) -> bool:
    mapping = context.mapping(name)
    assert mapping is not None
    table = StatusTable.from_rows(mapping.statuses)
    values = {table.to_canonical(s.endpoint, s.status) for s in sides if s.name is not None}
    return len(values) <= 1


def _notes(state: MappingState, link: str, endpoints: list[str]) -> list[NoteRow]:
    live = {
        row.id: row
        for row in state.links.values()
        if row.kind == "note" and row.item == link and not row.deleted
    }
    children: dict[str | None, list[str]] = {}
    for row in live.values():
        parent = row.parent if row.parent in live else None
        children.setdefault(parent, []).append(row.id)

    cells: dict[str, dict[str, NoteCell | None]] = {}
    first: dict[str, datetime] = {}
    for note_link in live:
        cells[note_link] = _cells(state, note_link, endpoints)
        stamps = [aware(c.note.created) for c in cells[note_link].values() if c and c.note.created]
        first[note_link] = min(
            (s for s in stamps if s), default=state.links[note_link].created_at or _EPOCH
        )

    rows: list[NoteRow] = []
    shown: set[str] = set()

    def ordered(parent: str | None) -> list[str]:
        return sorted(children.get(parent, []), key=lambda n: (first[n], n), reverse=True)

    stack = [(n, 0) for n in ordered(None)]
    while stack:  # depth first, replies under their note; a damaged cycle cannot loop
        note_link, depth = stack.pop()
        if note_link in shown:
            continue
        shown.add(note_link)
        rows.append(NoteRow(note_link, depth, cells[note_link]))
        stack.extend((n, depth + 1) for n in ordered(note_link))
    for endpoint in endpoints:
        side = state.sides.get(endpoint)
        native_item = state.members.get(link, {}).get(endpoint)
        if side is None or native_item is None:
            continue
        for note in side.notes_by_item.get(native_item, []):
            if state.link_of("note", endpoint, note.id) is None:
                cell = NoteCell(note.id, note, True)
                rows.append(NoteRow(None, 1 if note.parent else 0, {endpoint: cell}))
    return rows


def _cells(state: MappingState, note_link: str, endpoints: list[str]) -> dict[str, NoteCell | None]:
    members = state.members.get(note_link, {})
    read: dict[str, Note] = {}
    for endpoint, native in members.items():
        side = state.sides.get(endpoint)
        note = side.notes.get(native) if side is not None else None
        if note is not None:
            read[endpoint] = note
    copy = next(iter(read.values()), None)
    out: dict[str, NoteCell | None] = {}
    for endpoint in endpoints:
        here = members.get(endpoint)
        if here is None:
            out[endpoint] = None
        elif endpoint in read:
            out[endpoint] = NoteCell(here, read[endpoint], True)
        else:
            out[endpoint] = NoteCell(here, copy, False) if copy is not None else None
    return out


def _journal(context: PageContext, name: str, link: str) -> list[JournalRow]:
    notes = select(t.links.c.id).where(t.links.c.mapping == name, t.links.c.item_link == link)
    query = (
        select(t.journal)
        .where(
            t.journal.c.mapping == name,
            or_(t.journal.c.link_id == link, t.journal.c.link_id.in_(notes)),
        )
        .order_by(t.journal.c.id.desc())
        .limit(JOURNAL_LIMIT)
    )
    with context.store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        JournalRow(
            r["id"],
            aware(r["at"]),
            r["run_id"],
            r["endpoint"],
            r["action"],
            r["state"],
            r["native_id"],
            r["detail"],
            "item" if r["link_id"] == link else "note",
        )
        for r in rows
    ]


def item_detail(
    context: PageContext, name: str, link: str, state: MappingState | None = None
) -> ItemDetail | None:
    """The item page's data; ``state`` when the caller already loaded the mapping's."""
    mapping = context.mapping(name)
    if mapping is None:
        return None
    state = state or load_state(context.store, name)
    row = state.links.get(link)
    if row is None or row.kind != "item":
        return None
    sides = _sides(context, name, link, state)
    return ItemDetail(
        mapping=name,
        link=link,
        name=state.item_name(link) or link,
        deleted=row.deleted,
        sides=sides,
        statuses_agree=_statuses_agree(context, name, sides),
        notes=_notes(state, link, list(mapping.endpoints)),
        journal=_journal(context, name, link),
    )
