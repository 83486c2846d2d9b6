"""A linked note's content, and its copies where it is missing.

The content (text, frame: ``NoteContent``) is resolved three ways like any aspect; an edit goes
to the endpoints that may be edited. With ``conflicts: keep-both`` each losing edit leaves the
link and becomes a note of its own, so two people's words are never merged or lost. A missing
copy is made where notes flow, once its item (and its parent, for a reply) exists there.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from syncd.core.actions import CreateNote, UpdateNote
from syncd.core.model import Note, NoteContent
from syncd.core.planning.ledger import Ledger, new_link_id
from syncd.core.planning.resolve import Resolution, pick_winner, resolve
from syncd.core.policy import KEEP_BOTH
from syncd.core.recorded import LinkRecord

if TYPE_CHECKING:
    from syncd.core.planning.notes import Present


def plan_content(led: Ledger, link_id: str, objs: dict[str, Note], present: Present) -> Resolution:
    direction = led.pol.notes
    if direction.off:
        return Resolution(None, (), 0)
    note_fps = {ep: led.note_fp(n) for ep, n in objs.items()}
    writable = {ep for ep in objs if ep in led.editable_eps}
    stamps = {ep: n.modified or n.created for ep, n in objs.items()}
    if led.pol.conflicts == KEEP_BOTH:
        fork_conflicts(led, link_id, objs, note_fps, present)
        note_fps = {ep: led.note_fp(n) for ep, n in objs.items()}
    res = resolve(led, link_id, "content", note_fps, set(objs), direction, writable, stamps)
    if res.source is None:
        return res
    src = objs[res.source]
    for ep in res.targets:
        content = content_for(led, res.source, src, objs[ep])
        held = objs[ep].attachments
        led.out.actions.append(UpdateNote(ep, link_id, res.source, content, res.gen, held))
    wanted = note_fps[res.source]
    for ep in objs:
        if (
            note_fps[ep] != wanted
            and ep not in writable
            and direction.is_target(ep)
            and led.writable(ep)
        ):
            led.problem(ep, link_id, f"{ep} cannot edit notes; an edit was not applied")
    return res


def content_for(led: Ledger, source: str, src: Note, target: Note) -> NoteContent:
    """What an edit from ``source`` writes over ``target``.

    A source that cannot hold files (SyncSketch; ShotGrid for a reply) says nothing about the
    files of the note, except the pictures it makes of its own drawings: an edit from it keeps
    every other file the target holds, so a text edit there never takes a paint-over away.
    """
    caps = led.pol.caps(source)
    if caps.holds_attachments(src.parent is not None):
        return src.content
    own = caps.drawings
    kept = tuple(a for a in target.attachments if not (own and a.filename.startswith(own)))
    return replace(src.content, attachments=kept + src.attachments)


def fullest(led: Ledger, link_id: str, objs: dict[str, Note], source: str, gen: int) -> str:
    """The side a missing copy of the note is written from: ``source``, unless it cannot hold
    files and another side in agreement holds more of them (a run cut short after writing the
    note to SyncSketch, which only names files in words, must not make that copy the original)."""
    caps = led.pol.caps(source)
    if caps.holds_attachments(objs[source].parent is not None):
        return source
    best, most = source, len(objs[source].attachments)
    for ep, note in objs.items():
        seen = led.rec.get_seen(link_id, ep, "content")
        if (
            ep == source
            or not led.pol.notes.is_source(ep)
            or seen is None
            or seen.gen != gen
            or seen.fp != led.note_fp(note)
            or not led.pol.caps(ep).holds_attachments(note.parent is not None)
        ):
            continue
        if len(note.attachments) > most:
            best, most = ep, len(note.attachments)
    return best


def fork_conflicts(
    led: Ledger, link_id: str, objs: dict[str, Note], note_fps: dict[str, str], present: Present
) -> None:
    """keep-both: each losing edit leaves the link and becomes a note of its own."""
    changed = [
        ep
        for ep, fp in note_fps.items()
        if (r := led.rec.get_seen(link_id, ep, "content")) is not None and r.fp != fp
    ]
    if len({note_fps[ep] for ep in changed}) < 2:
        return
    stamps = {ep: objs[ep].modified or objs[ep].created for ep in changed}
    winner = pick_winner(led, link_id, "content", changed, note_fps, stamps)
    link = led.link(link_id)
    for ep in changed:
        if note_fps[ep] == note_fps[winner]:
            continue
        note = objs.pop(ep)
        led.unbind(link_id, ep)
        fork = new_link_id("note", ep, note.id, salt=link_id)
        led.new_links[fork] = LinkRecord(fork, "note", item=link.item, parent=link.parent)
        led.bind(fork, "note", ep, note.id, item=link.item, parent=link.parent)
        present[fork] = {ep: note}
        fork_res = resolve(led, fork, "content", {ep: note_fps[ep]}, {ep}, led.pol.notes, set(), {})
        create_missing_notes(led, fork, {ep: note}, fork_res)


def create_missing_notes(led: Ledger, link_id: str, objs: dict[str, Note], res: Resolution) -> None:
    direction = led.pol.notes
    if direction.off or res.source is None:
        return
    link = led.link(link_id)
    source = res.source
    if not direction.is_source(source):
        source = next((ep for ep in objs if direction.is_source(ep)), "")
        if not source:
            return
    source = fullest(led, link_id, objs, source, res.gen)
    item_link = link.item
    if item_link is None or item_link in led.dead:
        return
    for ep in led.eps:
        if ep in objs or led.has_member(link_id, ep):
            continue
        if not direction.is_target(ep) or not led.writable(ep):
            continue
        if not (led.has_member(item_link, ep) or (item_link, ep) in led.creating):
            continue  # its item is not there (yet)
        if (item_link, ep) in led.deleting_items or (item_link, ep) in led.held:
            continue
        if link.parent is not None and not (
            led.has_member(link.parent, ep) or (link.parent, ep) in led.creating
        ):
            continue  # a reply waits for its parent
        led.out.actions.append(
            CreateNote(ep, link_id, source, objs[source], item_link, link.parent, res.gen)
        )
        led.creating.add((link_id, ep))
