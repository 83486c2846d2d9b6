"""Notes: linking them across endpoints, then planning each linked note, parents first.

A note is found again by the link the state remembers, else by the link id a system stored on
it, else by the intent of a create whose answer was lost, else adopted by content (same item,
same parent, same text and frame) before anything new is made. Only notes that moved since the
last run, or are missing somewhere, are planned: on a quiet run that is none of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from syncd.core.fingerprints import words_fingerprint
from syncd.core.model import Note
from syncd.core.planning.content import create_missing_notes, plan_content
from syncd.core.planning.existence import forget_vanished, handle_gone, remove_everywhere
from syncd.core.planning.ledger import Ledger, new_link_id
from syncd.core.recorded import InDoubt, LinkRecord

Present = dict[str, dict[str, Note]]
"""note link -> endpoint -> note."""


def plan_notes(led: Ledger) -> None:
    direction = led.pol.notes
    present: Present = {}
    hinted: dict[str, dict[str, str]] = {ep: {} for ep in led.eps}  # bound by stored link
    unlinked: dict[str, list[Note]] = {}
    clean: dict[str, int] = {}  # link -> generation while unchanged on every side, else -1
    for ep in led.eps:
        index = led.rec.note_index.get(ep, {})
        items_here = led.item_link[ep]
        for note in led.snaps[ep].notes:
            if note.item not in items_here:
                continue  # an orphan: its item is not in this review
            entry = index.get(note.id)
            if entry is None:
                link_id = bind_hinted(led, note, ep) if note.link else None
                if link_id is None:
                    unlinked.setdefault(ep, []).append(note)
                    continue
                hinted[ep][note.id] = link_id
                r = None
            else:
                link_id, r = entry
            slot = present.get(link_id)
            if slot is None:
                present[link_id] = {ep: note}
            elif ep in slot:
                unlinked.setdefault(ep, []).append(note)
                continue
            else:
                slot[ep] = note
            if r is not None and r.fp == led.note_fp(note):
                if clean.setdefault(link_id, r.gen) != r.gen:
                    clean[link_id] = -1
            else:
                clean[link_id] = -1
    if unlinked:
        for link_id in adopt_notes(led, present, unlinked, hinted):
            clean[link_id] = -1
    n_eps = len(led.eps)

    def settled(link_id: str, objs: dict[str, Note]) -> bool:
        """Present everywhere and unchanged everywhere since the last run: the common case."""
        if direction.off or len(objs) != n_eps or clean.get(link_id, -1) < 0:
            return False
        link = led.link(link_id)
        return not (link_id in led.dead or link.item in led.dead or link.parent in led.dead)

    candidates = [lid for lid, objs in present.items() if not settled(lid, objs)]
    for link_id in sorted(candidates, key=lambda lid: note_depth(led, lid)):
        objs = present[link_id]
        link = led.link(link_id)
        if link_id in led.dead or link.item in led.dead or link.parent in led.dead:
            led.tombstone(link_id)
            for ep in [ep for ep in led.eps if ep not in objs and led.has_member(link_id, ep)]:
                led.unbind(link_id, ep)
            alive = {ep: n for ep, n in objs.items() if (link.item, ep) not in led.deleting_items}
            remove_everywhere(led, link_id, alive, "note")
            continue
        if handle_gone(led, link_id, objs, "note", direction):
            continue
        res = plan_content(led, link_id, objs, present)
        create_missing_notes(led, link_id, objs, res)
    for link_id, link in led.rec.links.items():
        if link.kind == "note" and link_id not in present and not link.deleted:
            forget_vanished(led, link_id, link)


def note_depth(led: Ledger, link_id: str) -> int:
    depth = 0
    link = led.link(link_id)
    while link.parent is not None and depth < 64:
        depth += 1
        link = led.link(link.parent)
    return depth


def bind_hinted(led: Ledger, note: Note, ep: str) -> str | None:
    """A note carrying a syncd link id that the state lacks (a crash before the record)."""
    stored = led.rec.links.get(note.link or "")
    if stored is None or stored.kind != "note" or led.has_member(stored.id, ep):
        return None
    led.bind(stored.id, "note", ep, note.id, item=stored.item, parent=stored.parent)
    doubts = led.rec.in_doubt.get(ep) or []
    doubt = next((d for d in doubts if d.link == stored.id), None)
    if doubt is not None:
        doubts.remove(doubt)
        fp = led.note_fp(note)
        settle_found(led, stored.id, ep, fp, doubt if doubt.fp == fp else None)
    return stored.id


def settle_found(led: Ledger, link_id: str, ep: str, fp: str, whole: InDoubt | None) -> None:
    """A note syncd wrote, found again after its answer was lost: it is the copy it is, never a
    fresh edit that would win over the note it was made from. Holding all it was asked to
    (``whole``), it is recorded as the write's answer would have been; holding less (a note
    written in steps, cut short), one generation behind, so the rest is sent to it."""
    if whole is not None and whole.gen is not None:
        led.settle(link_id, ep, "content", fp, whole.gen)
    else:
        led.settle_behind(link_id, ep, "content", fp)


def adopt_notes(
    led: Ledger,
    present: Present,
    unlinked: dict[str, list[Note]],
    hinted: dict[str, dict[str, str]],
) -> set[str]:
    """Link notes that already exist on several sides (after a crash, say); returns the links
    that gained a member.

    Parents before replies, endpoints in the mapping's order, so a reply finds its parent's
    link whether that parent was linked before or is being linked now.
    """
    index: dict[tuple[str, str | None, str], list[str]] = {}
    for link_id, objs in present.items():
        link = led.link(link_id)
        for note in objs.values():
            key = (link.item or "", link.parent, led.note_fp(note))
            bucket = index.setdefault(key, [])
            if link_id not in bucket:
                bucket.append(link_id)
    rows: list[tuple[int, int, int, str, Note]] = []
    for ep_index, ep in enumerate(led.eps):
        notes = led.snaps[ep].notes
        depth = _depths(notes, {n.id: n for n in notes})
        for pos, note in enumerate(unlinked.get(ep, ())):
            if note.id in depth:
                rows.append((depth[note.id], ep_index, pos, ep, note))
    rows.sort(key=lambda row: row[:3])
    linked_now: dict[str, dict[str, str]] = {ep: dict(hinted[ep]) for ep in led.eps}
    touched: set[str] = set()
    for _, _, _, ep, note in rows:
        item_link = led.item_link[ep][note.item]
        parent = None
        if note.parent:
            parent = led.rec.natives("note", ep).get(note.parent) or linked_now[ep].get(note.parent)
            if parent is None:
                continue
        link_id = claim_doubt(led, ep, note)
        if link_id is not None:
            parent = led.link(link_id).parent
        key = (item_link, parent, led.note_fp(note))
        for cand in index.get(key, ()) if link_id is None else ():
            if cand not in led.dead and not led.has_member(cand, ep):
                link_id = cand
                break
        if link_id is None:
            link_id = new_link_id("note", ep, note.id)
            led.new_links[link_id] = LinkRecord(link_id, "note", item=item_link, parent=parent)
            index.setdefault(key, []).append(link_id)
        led.bind(link_id, "note", ep, note.id, item=item_link, parent=parent)
        present.setdefault(link_id, {})[ep] = note
        linked_now[ep][note.id] = link_id
        touched.add(link_id)
    return touched


def claim_doubt(led: Ledger, ep: str, note: Note) -> str | None:
    """The link of a create in doubt that this unlinked note is the outcome of.

    Matched on the item and the content it was written with, not on its place in the thread:
    a system that dropped a reply's parent still shows the very note syncd wrote, and taking it
    for a new note would copy it everywhere. A note written in steps (ShotGrid: the Note, then
    each file) and cut short in between holds the words but not every file: it is claimed on its
    words and counted as behind, so that the files it lacks are sent to it, never taken from it.
    """
    doubts = led.rec.in_doubt.get(ep)
    if not doubts:
        return None
    fp = led.note_fp(note)
    words = words_fingerprint(note.content)
    for n, doubt in enumerate(doubts):
        if doubt.item != note.item:
            continue
        whole = doubt.fp == fp
        if not whole and not (doubt.words and doubt.words == words):
            continue
        link = led.rec.links.get(doubt.link)
        if link is None or link.id in led.dead or led.has_member(link.id, ep):
            continue
        del doubts[n]
        settle_found(led, link.id, ep, fp, doubt if whole else None)
        if (doubt.parent or None) != (note.parent or None):
            led.problem(
                ep,
                link.id,
                f"a note written to {ep} in a run that was cut short landed elsewhere in its "
                f"thread than asked (reply to {doubt.parent or 'nothing'}, found under "
                f"{note.parent or 'nothing'}); it is kept linked, fix its place by hand",
                "error",
            )
        return link.id
    return None


def _depths(notes: Iterable[Note], by_id: Mapping[str, Note]) -> dict[str, int]:
    """Reply depth of each note; notes whose parent chain leaves the snapshot are left out."""
    depth: dict[str, int] = {}
    for note in notes:
        if note.parent is None:
            depth[note.id] = 0
            continue
        chain = []
        cur: Note | None = note
        while cur is not None and cur.id not in depth and len(chain) < 64:
            chain.append(cur)
            if cur.parent is None:
                depth[cur.id] = 0
                chain.pop()
                break
            cur = by_id.get(cur.parent)
        if cur is None or cur.id not in depth:
            continue
        base = depth[cur.id]
        for i, node in enumerate(reversed(chain), start=1):
            depth[node.id] = base + i
    return depth
