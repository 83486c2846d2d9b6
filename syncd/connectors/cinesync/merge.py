"""A session cineSync saved (or sent an event) put together with what syncd wrote since.

A reviewer opens the session file, works for an hour and saves it: the file then holds the
session as it was when it was opened, plus their work. syncd may have written notes, edits and
statuses into the file meanwhile, and taking the saved file as it is would undo them (with
deletes on, it would delete those notes everywhere). So the saved file, *theirs*, is merged with
*ours*, syncd's own copy of what it last wrote, using *base*: the tables in theirs' ``userData``,
which cineSync gives back untouched, and which therefore say what the file was when opened.

Notes, by the id of their marker:

- a paragraph the user did not touch (its hash is base's) reads as ours: syncd's latest;
- one the user edited reads as theirs; one the user removed (in base, not in theirs) is gone;
- one syncd added since (in ours, not in base) is kept; one syncd removed since stays removed;
- a paragraph without a marker is new, unless ``taken`` knows its text: cineSync's live session
  never shows the markers syncd put in its file, so an event sends the same typed text again;
- a second paragraph with one marker (pasted) is a new note.

Media, by syncd's id: syncd's data (status, media, tables) is ours; for a saved file (``whole``)
the element, its groups and drawings are theirs, a media syncd added since is kept unless the
file was opened with it (the user removed it), a media without syncd's data is new, and the
user's order wins unless the user kept the order the file was opened with. An event's live
session is not the whole review (it may hold other media, and lack some): only its notes and
drawings are taken, on the media it shares with the file; the others are reported and skipped.
"""

from __future__ import annotations

from dataclasses import replace

from syncd.connectors.cinesync.ops import insert_para
from syncd.connectors.cinesync.sheet import Entry, Para, Sheet


def merge(theirs: Sheet, ours: Sheet, *, whole: bool = True) -> Sheet:
    """Theirs and ours as one sheet (see the module's documentation)."""
    by_id = {e.data.id: e for e in ours.items() if e.data is not None}
    warnings = list(theirs.warnings)
    entries: list[Entry] = []
    used: set[str] = set()
    for t in theirs.entries:
        if not t.item or t.data is None:
            if whole:
                entries.append(t)  # a media a user added, a group movie: as they are
            elif t.item:
                warnings.append(
                    f"media {t.name!r} is not in the session file syncd wrote (it was added in "
                    "cineSync, or comes from another session): skipped"
                )
            continue
        o = by_id.get(t.data.id)
        if o is None or t.data.id in used:
            continue  # syncd removed it since the file was opened, or a copy of another's
        used.add(t.data.id)
        entries.append(_entry(t, o, whole))
    if not whole:
        merged = {e.data.id: e for e in entries if e.data is not None}
        entries = [
            merged.get(o.data.id, o) if o.item and o.data is not None else o for o in ours.entries
        ]
        return Sheet(ours.session, entries, ours.known, warnings)
    opened = theirs.known
    for o in ours.items():
        assert o.data is not None
        if o.data.id not in used and (opened is None or o.data.id not in opened):
            entries.append(o)  # syncd added it since the file was opened
    sheet = Sheet(theirs.session, entries, opened, warnings)
    if opened is not None and not _reordered(sheet, opened):
        _order_as(sheet, [e.data.id for e in ours.items() if e.data is not None])
    return sheet


def _entry(t: Entry, o: Entry, whole: bool) -> Entry:
    assert t.data is not None and o.data is not None
    base = t.data.notes
    data = o.data.copy()
    mine = {p.id: p for p in o.paras if p.id is not None}
    placed: set[str] = set()
    seen: dict[str, int] = {}
    paras: list[Para] = []
    for p in t.paras:
        ident = p.id
        if ident is None:
            ids = data.taken.get(p.hash, [])
            k = seen[p.hash] = seen.get(p.hash, -1) + 1
            if k >= len(ids):
                paras.append(replace(p))  # typed since: a new note
            elif ids[k] in mine and ids[k] not in placed:
                paras.append(replace(mine[ids[k]]))  # taken in before, unchanged since
                placed.add(ids[k])
            continue  # taken in before and removed since
        if ident in placed:
            paras.append(replace(p, id=None))  # pasted with its marker: a note of its own
        elif ident in mine:
            before = base.get(ident)
            untouched = before is not None and before.hash == p.hash
            paras.append(replace(mine[ident] if untouched else p))
            placed.add(ident)
        elif ident not in base:
            paras.append(replace(p))  # a marker syncd never wrote here: read as a new note
            placed.add(ident)
        # else: in the file when it was opened, removed by syncd since: stays removed
    merged = Entry(t.media if whole else o.media, data, paras, dict(t.drawings))
    for p in o.paras:
        if p.id is not None and p.id not in placed and p.id not in base:
            meta = data.notes.get(p.id)
            insert_para(merged, replace(p), meta.parent if meta else None)  # syncd's since
    if whole:
        media = t.media
        if t.data.status != data.status:
            kept = [g for g in media.groups if g != t.data.status]
            groups = (*kept, data.status) if data.status and data.status not in kept else kept
            media = replace(media, groups=tuple(groups))
        if t.data.media != data.media:
            media = replace(media, locators=o.media.locators)
        merged.media = media
    return merged


def _reordered(sheet: Sheet, opened: list[str]) -> bool:
    """The user changed the order of the media the file was opened with."""
    now = [e.data.id for e in sheet.items() if e.data is not None and e.data.id in opened]
    return now != [i for i in opened if i in set(now)]


def _order_as(sheet: Sheet, ids: list[str]) -> None:
    position = {ident: n for n, ident in enumerate(ids)}
    items = sorted(
        sheet.items(),
        key=lambda e: position.get(e.data.id if e.data else "", len(position)),
    )
    placed = iter(items)
    sheet.entries = [next(placed) if e.item and e.data is not None else e for e in sheet.entries]
