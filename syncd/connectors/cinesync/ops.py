"""What syncd does to a sheet: ids for what it sees first, and each write as a replayable step.

**First sight** (:func:`first_sight`): a media without syncd's data, and a paragraph without a
marker, get an id, saved into the file so that they keep it. Ids syncd gives this way start with
``cs-`` (:data:`MINTED`), derived from what they name, so the same text read twice before a save
gets the same id. A copy (a media duplicated in cineSync with its ``userData``, a paragraph pasted
with its marker) is told from its original by coming second in the file, and gets an id of its
own. The paragraph's hash is kept in the media's notes table: a hash that moved is an edit, seen
now (``ed``).

**Writes** are operations with plain JSON arguments (:func:`apply`), so the endpoint can record
each one in the session's journal (:mod:`.journal`) before it answers, and the next run replays
the journal after a run killed before the file was written. An operation that already landed
changes nothing when replayed. Objects syncd creates take syncd's link id as their id: that is
what their marker carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from hashlib import blake2b
from typing import Any

from syncd.connectors.cinesync.meta import MediaData, MediaRecord, NoteMeta
from syncd.connectors.cinesync.model import Locators, Media
from syncd.connectors.cinesync.paragraphs import Paragraph, normalize_paragraph
from syncd.connectors.cinesync.sheet import Entry, Para, Sheet
from syncd.errors import NotFound

MINTED = "cs-"
"""How the ids syncd gives to what a cineSync user made start: never a syncd link id."""
TAKEN_KEPT = 200
"""Typed paragraphs remembered per media (``taken``), the newest kept."""
_VALID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_minted(ident: str) -> bool:
    return ident.startswith(MINTED)


def usable_id(ident: str | None, taken: set[str]) -> bool:
    """``ident`` can be a marker's id and is not taken yet."""
    return ident is not None and bool(_VALID.fullmatch(ident)) and ident not in taken


def mint(taken: set[str], *parts: object) -> str:
    """An id derived from ``parts``, the first of its series that is not taken."""
    n = 0
    while True:
        key = "\x1f".join(str(p) for p in (*parts, n)).encode("utf-8", "surrogatepass")
        ident = MINTED + blake2b(key, digest_size=5).hexdigest()
        if ident not in taken:
            taken.add(ident)
            return ident
        n += 1


# -- first sight -----------------------------------------------------------------------------------
@dataclass
class Sight:
    changed: bool = False
    fresh: set[str] = field(default_factory=set)
    """Notes seen for the first time: paragraphs a cineSync user typed."""


def first_sight(sheet: Sheet, now: str) -> Sight:
    sight = Sight()
    items: set[str] = set()
    notes: set[str] = set()
    for index, entry in enumerate(sheet.entries):
        if not entry.item:
            continue
        data = entry.data
        if data is None or not usable_id(data.id, items):
            keep = data or MediaData("")
            data = MediaData(mint(items, entry.name, index), keep.status, keep.media)
            entry.data = data
            sight.changed = True
        items.add(data.id)
        present = {f.note for f in data.frames.values() if f.alone}
        notes |= present
        for para in entry.paras:
            typed = para.id is None
            if not usable_id(para.id, notes):
                para.id = mint(notes, data.id, para.frame, para.text)
                sight.changed = True
                if typed:
                    ids = data.taken.setdefault(para.hash, [])
                    ids.append(para.id)
                    _trim_taken(data)
            notes.add(para.id)
            present.add(para.id)
            meta = data.notes.get(para.id)
            if meta is None:
                data.notes[para.id] = NoteMeta(para.hash, created=now)
                sight.fresh.add(para.id)
                sight.changed = True
            elif meta.hash != para.hash:
                meta.hash, meta.edited = para.hash, now
                sight.changed = True
        for gone in set(data.notes) - present:
            del data.notes[gone]
            sight.changed = True
    return sight


def _trim_taken(data: MediaData) -> None:
    total = sum(len(v) for v in data.taken.values())
    for key in list(data.taken):
        if total <= TAKEN_KEPT:
            return
        total -= len(data.taken.pop(key))


# -- writes ----------------------------------------------------------------------------------------
def make_para(ident: str, text: str, frame: int | None, author: str | None) -> Para:
    """A paragraph as it reads back from the file (text and author normalised)."""
    p = normalize_paragraph(Paragraph(text, ident, author))
    return Para(ident, p.text, frame if frame is not None and frame >= 1 else None, p.author)


def create_item(
    sheet: Sheet, *, id: str, name: str, status: str | None, media: dict[str, Any] | None
) -> None:
    if any(e.data is not None and e.data.id == id for e in sheet.items()):
        return
    data = MediaData(id, status, _record(media))
    groups = (status,) if status else ()
    sheet.entries.append(Entry(Media(name=name, locators=_locators(media), groups=groups), data))


def set_status(sheet: Sheet, *, id: str, status: str) -> None:
    """The status is kept in syncd's data and shown as the media's group (its old one goes)."""
    entry = sheet.entry(id)
    assert entry.data is not None
    old = entry.data.status
    groups = [g for g in entry.media.groups if g != old or g == status]
    if status not in groups:
        groups.append(status)
    entry.media = replace(entry.media, groups=tuple(groups))
    entry.data.status = status


def set_media(sheet: Sheet, *, id: str, media: dict[str, Any]) -> None:
    entry = sheet.entry(id)
    assert entry.data is not None
    entry.media = replace(entry.media, locators=_locators(media))
    entry.data.media = _record(media)


def set_order(sheet: Sheet, *, ids: list[str]) -> None:
    """Items in ``ids``' order, the others after them; what is no item keeps its place."""
    items = {e.data.id: e for e in sheet.items() if e.data is not None}
    asked = [items[i] for i in dict.fromkeys(ids) if i in items]
    rest = [e for e in sheet.items() if e not in asked]
    placed = iter(asked + rest)
    sheet.entries = [next(placed) if e.item and e.data is not None else e for e in sheet.entries]


def delete_item(sheet: Sheet, *, id: str) -> None:
    sheet.entries = [e for e in sheet.entries if not (e.item and e.data and e.data.id == id)]


def create_note(
    sheet: Sheet,
    *,
    id: str,
    item: str,
    text: str,
    frame: int | None,
    author: str | None,
    email: str | None,
    parent: str | None,
    at: str | None,
) -> None:
    try:
        sheet.find_note(id)
        return  # replayed: it is there
    except NotFound:
        pass
    entry = sheet.entry(item)
    assert entry.data is not None
    para = make_para(id, text, frame, author)
    insert_para(entry, para, parent)
    entry.data.notes[id] = NoteMeta(para.hash, email, parent, at)


def update_note(sheet: Sheet, *, id: str, text: str, frame: int | None) -> None:
    entry, para = sheet.find_note(id)
    assert entry.data is not None
    if para is None:  # a drawing alone gets words: they go on its frame, as a paragraph
        for image in entry.data.frames.values():
            if image.note == id:
                image.alone = False
        new = make_para(id, text, frame, None)
        insert_para(entry, new, None)
    else:
        new = make_para(id, text, frame, para.author)
        if new.frame == para.frame:
            entry.paras[entry.paras.index(para)] = new
        else:
            entry.paras.remove(para)
            insert_para(entry, new, None)
    meta = entry.data.notes.setdefault(id, NoteMeta(new.hash))
    meta.hash = new.hash


def delete_note(sheet: Sheet, *, id: str) -> None:
    """The paragraph goes, and the drawings of a frame whose image the note carried."""
    try:
        entry, para = sheet.find_note(id)
    except NotFound:
        return
    assert entry.data is not None
    if para is not None:
        entry.paras.remove(para)
    for frame, image in list(entry.data.frames.items()):
        if image.note == id:
            del entry.data.frames[frame]
            entry.drawings.pop(frame, None)
    entry.data.notes.pop(id, None)


OPS: dict[str, Callable[..., None]] = {
    "create_item": create_item,
    "set_status": set_status,
    "set_media": set_media,
    "set_order": set_order,
    "delete_item": delete_item,
    "create_note": create_note,
    "update_note": update_note,
    "delete_note": delete_note,
}


def apply(sheet: Sheet, op: str, args: dict[str, Any]) -> None:
    OPS[op](sheet, **args)


def insert_para(entry: Entry, para: Para, parent: str | None) -> None:
    """After its parent's thread when that is in the same block, else at the block's end."""
    paras = entry.paras
    block = [k for k, p in enumerate(paras) if p.frame == para.frame]
    if parent is not None and entry.data is not None:
        thread = {parent}
        grew = True
        while grew:
            more = {k for k, m in entry.data.notes.items() if m.parent in thread} - thread
            thread |= more
            grew = bool(more)
        inside = [k for k in block if paras[k].id in thread]
        if inside:
            paras.insert(inside[-1] + 1, para)
            return
    if block:
        paras.insert(block[-1] + 1, para)
        return
    rank = -1 if para.frame is None else para.frame
    later = (k for k, p in enumerate(paras) if (-1 if p.frame is None else p.frame) > rank)
    paras.insert(next(later, len(paras)), para)


def _record(media: dict[str, Any] | None) -> MediaRecord | None:
    if media is None:
        return None
    return MediaRecord(str(media["sha256"]), str(media["name"]), int(media["size"]))


def _locators(media: dict[str, Any] | None) -> Locators:
    if media is None:
        return Locators()
    return Locators(
        paths=(str(media["path"]),),
        urls=(str(media["url"]),) if media.get("url") else (),
        short_hashes=(str(media["short_hash"]),) if media.get("short_hash") else (),
    )
