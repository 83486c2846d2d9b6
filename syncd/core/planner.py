"""The planner: (what the state remembers, one snapshot per endpoint) -> a plan. Pure.

For every object and aspect the planner compares three things: what each endpoint holds now, what
it held when last in agreement (a fingerprint and a generation number in the state) and what the
other endpoints hold. An endpoint whose fingerprint moved since its record *changed*; the change
of an allowed source wins (the mapping's conflict policy decides between several) and is written
to the endpoints that differ. An endpoint left behind by an earlier failed write still carries an
older generation and is repaired from an up-to-date one. Nothing here reads a clock, a file or the
network, so the whole sync semantics can be tested exhaustively in memory.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import blake2b

from syncd.core.actions import (
    Bind,
    CreateItem,
    CreateNote,
    DeleteItem,
    DeleteNote,
    Plan,
    Problem,
    Record,
    SetMedia,
    SetOrder,
    SetStatus,
    Tombstone,
    Unbind,
    UpdateNote,
)
from syncd.core.fingerprints import media_fingerprint, note_fingerprint, status_fingerprint
from syncd.core.model import Item, Note, Snapshot
from syncd.core.policy import KEEP_BOTH, LAST_WRITER, Direction, Policy
from syncd.core.recorded import ORDER_LINK, Kind, LinkRecord, Recorded, Seen

UNMAPPED_PREFIX = "?"
"""Canonical statuses that start with this are native values absent from the status table."""

_EPOCH = datetime.min.replace(tzinfo=UTC)


def plan(recorded: Recorded, snapshots: Mapping[str, Snapshot], policy: Policy) -> Plan:
    """Compute the actions that bring every endpoint in ``snapshots`` into agreement."""
    # Planning allocates many small acyclic objects; with a large heap (100k notes) the cyclic
    # collector would rescan everything over and over for nothing. Pause it for the pure part.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Planner(recorded, snapshots, policy).run()
    finally:
        if enabled:
            gc.enable()


def new_link_id(kind: Kind, endpoint: str, native: str, salt: str = "") -> str:
    """Deterministic, so that planning the same input twice gives the same plan."""
    digest = blake2b(f"{endpoint}\x1f{native}\x1f{salt}".encode(), digest_size=10).hexdigest()
    return f"{kind[0]}{digest}"


@dataclass(slots=True)
class _Resolution:
    source: str | None
    targets: list[str]
    gen: int


class _Planner:
    def __init__(
        self, recorded: Recorded, snapshots: Mapping[str, Snapshot], policy: Policy
    ) -> None:
        self.rec = recorded
        self.snaps = snapshots
        self.pol = policy
        self.eps = [ep for ep in policy.endpoints if ep in snapshots]
        self.out = Plan()
        self.new_links: dict[str, LinkRecord] = {}
        self.bound: dict[tuple[str, str], str] = {}  # (link, endpoint) -> native bound this run
        self.unbound: set[tuple[str, str]] = set()
        self.dead: set[str] = set()  # links tombstoned (before or during this run)
        self.creating: set[tuple[str, str]] = set()  # (link, endpoint) created by this plan
        self.deleting: dict[str, int] = dict.fromkeys(self.eps, 0)
        self.item_link: dict[str, dict[str, str]] = {ep: {} for ep in self.eps}
        """endpoint -> native item id -> link"""
        self.item_present: dict[str, dict[str, Item]] = {}
        self.deleting_items: set[tuple[str, str]] = set()
        self.fp_cache: dict[tuple[str, int | None], str] = {}
        caps = {ep: policy.caps(ep) for ep in self.eps}
        self.writable_eps = frozenset(ep for ep in self.eps if not caps[ep].read_only)
        self.editable_eps = frozenset(ep for ep in self.writable_eps if caps[ep].can_edit_notes)

    # -- plumbing ------------------------------------------------------------------------------
    def note_fp(self, note: Note) -> str:
        content = (note.text, note.frame)
        fp = self.fp_cache.get(content)
        if fp is None:
            fp = self.fp_cache[content] = note_fingerprint(note.text, note.frame)
        return fp

    def link(self, link_id: str) -> LinkRecord:
        found = self.rec.links.get(link_id)
        return found if found is not None else self.new_links[link_id]

    def has_member(self, link_id: str, ep: str) -> bool:
        if (link_id, ep) in self.bound:
            return True
        if (link_id, ep) in self.unbound:
            return False
        found = self.rec.links.get(link_id)
        return found is not None and ep in found.members

    def bind(self, link_id: str, kind: Kind, ep: str, native: str, **extra: str | None) -> None:
        self.bound[(link_id, ep)] = native
        self.unbound.discard((link_id, ep))
        self.out.changes.append(Bind(link_id, kind, ep, native, **extra))

    def unbind(self, link_id: str, ep: str) -> None:
        self.unbound.add((link_id, ep))
        self.bound.pop((link_id, ep), None)
        self.out.changes.append(Unbind(link_id, ep))

    def record(self, link_id: str, ep: str, aspect: str, fp: str, gen: int) -> None:
        if self.rec.get_seen(link_id, ep, aspect) != Seen(fp, gen):
            self.out.changes.append(Record(link_id, ep, aspect, fp, gen))

    def problem(
        self, ep: str | None, link_id: str | None, message: str, severity: str = "warning"
    ) -> None:
        self.out.problems.append(Problem(ep, link_id, message, severity))

    def writable(self, ep: str) -> bool:
        return ep in self.writable_eps

    def tombstone(self, link_id: str) -> None:
        if link_id not in self.dead:
            self.dead.add(link_id)
            if not self.link(link_id).deleted:
                self.out.changes.append(Tombstone(link_id))

    # -- the run -------------------------------------------------------------------------------
    def run(self) -> Plan:
        self.check_empty()
        if self.out.refusal:
            return self.out
        self.dead = {lid for lid, link in self.rec.links.items() if link.deleted}
        self.plan_items()
        if not self.pol.order.off:
            self.plan_order()
        self.plan_notes()
        self.check_deletions()
        return self.out

    def check_empty(self) -> None:
        if self.pol.allow_empty:
            return
        for ep in self.eps:
            if self.snaps[ep].items:
                continue
            linked = sum(
                1
                for link in self.rec.links.values()
                if link.kind == "item" and not link.deleted and ep in link.members
            )
            if linked:
                self.out.refusal = (
                    f"{ep} returned an empty review while {linked} items are linked to it; "
                    "refusing to sync in case the wrong review was selected. If it was emptied on "
                    "purpose, rerun with --allow-empty."
                )
                return

    def check_deletions(self) -> None:
        for ep, count in self.deleting.items():
            if count < self.pol.min_delete_guard:
                continue
            total = len(self.snaps[ep].items) + len(self.snaps[ep].notes)
            if total and count / total > self.pol.max_delete_share:
                self.out.refusal = (
                    f"this run would delete {count} of {total} objects on {ep} "
                    f"(more than {self.pol.max_delete_share:.0%}); refusing; the guard applies "
                    f"from {self.pol.min_delete_guard} deletions (min_delete_guard). Check what "
                    "was deleted, then raise max_delete_share or min_delete_guard, or rerun "
                    "with --force-deletes."
                )
                return

    # -- generic three-way resolution -------------------------------------------------------------
    def resolve(
        self,
        link_id: str,
        aspect: str,
        fps: dict[str, str],
        valid: set[str],
        direction: Direction,
        writable: set[str],
        stamps: Mapping[str, datetime | None],
    ) -> _Resolution:
        get_seen = self.rec.get_seen
        recs = {ep: get_seen(link_id, ep, aspect) for ep in fps}
        gen = max((r.gen for r in recs.values() if r is not None), default=0)
        changed = [ep for ep, fp in fps.items() if (r := recs[ep]) is None or r.fp != fp]
        sources = [ep for ep in changed if ep in valid and direction.is_source(ep)]
        if sources:
            winner = self.pick_winner(link_id, aspect, sources, fps, stamps)
            gen += 1
            wfp = fps[winner]
            self.record(link_id, winner, aspect, wfp, gen)
            targets: list[str] = []
            for ep, fp in fps.items():
                if ep == winner:
                    continue
                if fp == wfp:
                    self.record(link_id, ep, aspect, fp, gen)
                elif direction.is_target(ep) and ep in writable:
                    targets.append(ep)
            return _Resolution(winner, targets, gen)
        current = [
            ep
            for ep, r in recs.items()
            if r is not None and r.gen == gen and r.fp == fps[ep] and ep in valid
        ]
        if not current:
            return _Resolution(None, [], gen)
        source = next((ep for ep in current if direction.is_source(ep)), current[0])
        targets = []
        for ep, r in recs.items():
            if ep in current or (r is not None and (r.gen >= gen or ep in changed)):
                continue  # up to date, or a user's edit on a side that may not be a source
            if fps[ep] == fps[source]:
                self.record(link_id, ep, aspect, fps[ep], gen)
            elif direction.is_target(ep) and ep in writable:
                targets.append(ep)
        return _Resolution(source, targets, gen)

    def pick_winner(
        self,
        link_id: str,
        aspect: str,
        sources: list[str],
        fps: Mapping[str, str],
        stamps: Mapping[str, datetime | None],
    ) -> str:
        if len({fps[ep] for ep in sources}) == 1:
            return sources[0]
        policy = self.pol.conflicts
        if policy in sources:
            winner = policy
        else:
            winner = max(sources, key=lambda ep: (stamps.get(ep) or _EPOCH, -sources.index(ep)))
        how = f"{winner} wins" if policy == winner else "the last writer wins"
        if policy == KEEP_BOTH and aspect == "content":
            how = "both versions are kept"
        self.problem(
            None, link_id, f"conflict on {aspect} between {', '.join(sources)}: {how}", "info"
        )
        return winner

    # -- items ---------------------------------------------------------------------------------
    def plan_items(self) -> None:
        present: dict[str, dict[str, Item]] = {}
        unlinked: list[tuple[str, Item]] = []
        for ep in self.eps:
            for item in self.snaps[ep].items:
                link_id = self.rec.link_of("item", ep, item.id)
                if link_id is None and item.link:
                    stored = self.rec.links.get(item.link)
                    if (
                        stored is not None
                        and stored.kind == "item"
                        and not self.has_member(item.link, ep)
                    ):
                        link_id = item.link
                        self.bind(link_id, "item", ep, item.id)
                if link_id is None or ep in present.get(link_id, {}):
                    unlinked.append((ep, item))
                    continue
                present.setdefault(link_id, {})[ep] = item
                self.item_link[ep][item.id] = link_id
        self.adopt_items(present, unlinked)
        self.item_present = present
        items_dir = self.pol.items
        n_eps = len(self.eps)
        for link_id, objs in present.items():
            if (
                len(objs) == n_eps
                and link_id not in self.dead
                and self.item_unchanged(link_id, objs)
            ):
                continue  # the common case: on every side, nothing moved since the last run
            if link_id in self.dead:
                self.remove_everywhere(link_id, objs, "item")
                continue
            if self.handle_gone(link_id, objs, "item", items_dir):
                continue
            status = self.plan_status(link_id, objs)
            media = self.plan_media(link_id, objs)
            self.create_missing_items(link_id, objs, status, media)
        for link_id, link in self.rec.links.items():
            if link.kind == "item" and link_id not in present:
                self.forget_vanished(link_id, link)

    def item_unchanged(self, link_id: str, objs: dict[str, Item]) -> bool:
        """Every synced aspect matches what every endpoint held when they last agreed."""
        for aspect, direction in (("status", self.pol.statuses), ("media", self.pol.media)):
            if direction.off:
                continue
            gen = -1
            for ep, item in objs.items():
                r = self.rec.get_seen(link_id, ep, aspect)
                fp = (
                    status_fingerprint(item.status)
                    if aspect == "status"
                    else media_fingerprint(ep, item.media)
                )
                if r is None or r.fp != fp or (gen != -1 and r.gen != gen):
                    return False
                gen = r.gen
        return True

    def adopt_items(
        self, present: dict[str, dict[str, Item]], unlinked: list[tuple[str, Item]]
    ) -> None:
        index: dict[str, list[str]] = {}
        for link_id, objs in present.items():
            for ep, item in objs.items():
                key = self.pol.match_key(ep, item.name)
                if key:
                    bucket = index.setdefault(key, [])
                    if link_id not in bucket:
                        bucket.append(link_id)
        for ep, item in unlinked:
            key = self.pol.match_key(ep, item.name)
            link_id = None
            for cand in index.get(key, ()) if key else ():
                if cand not in self.dead and not self.has_member(cand, ep):
                    link_id = cand
                    break
            if link_id is None:
                link_id = new_link_id("item", ep, item.id)
                self.new_links[link_id] = LinkRecord(link_id, "item")
                if key:
                    index.setdefault(key, []).append(link_id)
            self.bind(link_id, "item", ep, item.id)
            present.setdefault(link_id, {})[ep] = item
            self.item_link[ep][item.id] = link_id

    def plan_status(
        self, link_id: str, objs: dict[str, Item]
    ) -> tuple[str | None, str | None, int]:
        """Returns (source endpoint, canonical status, generation) for new copies of the item."""
        direction = self.pol.statuses
        if direction.off:
            return None, None, 0
        eps = {ep: it for ep, it in objs.items() if self.pol.caps(ep).has_statuses}
        fps = {ep: status_fingerprint(it.status) for ep, it in eps.items()}
        valid = set()
        for ep, it in eps.items():
            if it.status is None:
                continue
            if it.status.startswith(UNMAPPED_PREFIX):
                if direction.is_source(ep):
                    self.problem(
                        ep,
                        link_id,
                        f"status {it.status[1:]!r} of {it.name!r} is not in the mapping's status "
                        "table; not synced",
                    )
                continue
            valid.add(ep)
        writable = {ep for ep in eps if self.writable(ep)}
        stamps = {ep: it.modified for ep, it in eps.items()}
        res = self.resolve(link_id, "status", fps, valid, direction, writable, stamps)
        if res.source is None:
            return None, None, res.gen
        status = eps[res.source].status
        assert status is not None
        for ep in res.targets:
            self.out.actions.append(SetStatus(ep, link_id, res.source, status, res.gen))
        return res.source, status, res.gen

    def plan_media(self, link_id: str, objs: dict[str, Item]) -> tuple[str | None, int]:
        direction = self.pol.media
        if direction.off:
            return None, 0
        eps = {ep: it for ep, it in objs.items() if self.pol.caps(ep).has_media}
        fps = {ep: media_fingerprint(ep, it.media) for ep, it in eps.items()}
        valid = {ep for ep, it in eps.items() if it.media is not None}
        writable = {ep for ep in eps if self.writable(ep)}
        stamps = {ep: it.modified for ep, it in eps.items()}
        res = self.resolve(link_id, "media", fps, valid, direction, writable, stamps)
        if res.source is None:
            return None, res.gen
        src_item = eps[res.source]
        assert src_item.media is not None
        for ep in res.targets:
            self.out.actions.append(
                SetMedia(ep, link_id, res.source, src_item, src_item.media, res.gen)
            )
        return res.source, res.gen

    def create_missing_items(
        self,
        link_id: str,
        objs: dict[str, Item],
        status: tuple[str | None, str | None, int],
        media: tuple[str | None, int],
    ) -> None:
        direction = self.pol.items
        source = next((ep for ep in objs if direction.is_source(ep)), None)
        if source is None:
            return
        for ep in self.eps:
            if ep in objs or self.has_member(link_id, ep):
                continue
            caps = self.pol.caps(ep)
            if not direction.is_target(ep) or caps.read_only or not caps.can_create_items:
                continue
            status_src, status_value, _ = status
            give_status = (
                status_value
                if status_src is not None and self.pol.statuses.is_target(ep) and caps.has_statuses
                else None
            )
            media_src, _ = media
            give_media = (
                media_src if media_src and self.pol.media.is_target(ep) and caps.has_media else None
            )
            self.out.actions.append(
                CreateItem(
                    ep,
                    link_id,
                    source,
                    objs[source],
                    give_status,
                    give_media,
                    objs[give_media] if give_media else None,
                    status[2],
                    media[1],
                )
            )
            self.creating.add((link_id, ep))

    # -- existence shared by items and notes ------------------------------------------------------
    def handle_gone(
        self, link_id: str, objs: Mapping[str, Item | Note], kind: Kind, direction: Direction
    ) -> bool:
        """Deal with endpoints that had the object and lost it. True when the link is now dead."""
        gone = [ep for ep in self.eps if ep not in objs and self.has_member(link_id, ep)]
        if kind == "note":
            item_link = self.link(link_id).item
            gone = [ep for ep in gone if item_link and self.item_on(item_link, ep)]
        if not gone:
            return False
        deleters = [ep for ep in gone if self.pol.deletes and direction.is_source(ep)]
        if deleters:
            self.tombstone(link_id)
            for ep in gone:
                self.unbind(link_id, ep)
            self.remove_everywhere(link_id, objs, kind)
            return True
        for ep in gone:
            self.unbind(link_id, ep)
            if direction.is_target(ep) and self.writable(ep):
                what = "item" if kind == "item" else "note"
                self.problem(
                    ep,
                    link_id,
                    f"restoring a {what} deleted on {ep} (deletes are off for this mapping)",
                    "info",
                )
        return False

    def remove_everywhere(self, link_id: str, objs: Mapping[str, Item | Note], kind: Kind) -> None:
        for ep, obj in objs.items():
            caps = self.pol.caps(ep)
            if caps.read_only or not caps.can_delete:
                self.problem(ep, link_id, f"cannot delete {obj.id} on {ep}: not supported there")
                continue
            if kind == "item":
                self.out.actions.append(DeleteItem(ep, link_id))
                self.deleting_items.add((link_id, ep))
            else:
                self.out.actions.append(DeleteNote(ep, link_id))
            self.deleting[ep] += 1

    def forget_vanished(self, link_id: str, link: LinkRecord) -> None:
        """A recorded link whose object is in no snapshot: gone wherever it could be seen."""
        members = [ep for ep in link.members if ep in self.snaps]
        if link.kind == "note":
            if link.item in self.dead or link.parent in self.dead:
                members = [ep for ep in members if self.has_member(link_id, ep)]
            else:
                members = [ep for ep in members if link.item and self.item_on(link.item, ep)]
        if not members:
            return
        for ep in members:
            self.unbind(link_id, ep)
        self.tombstone(link_id)

    def item_on(self, item_link: str, ep: str) -> bool:
        """Whether the item is in ``ep``'s snapshot (its notes are visible there)."""
        return ep in self.item_present.get(item_link, {})

    # -- order ---------------------------------------------------------------------------------
    def plan_order(self) -> None:
        direction = self.pol.order
        projected: dict[str, list[str]] = {}
        for ep in self.eps:
            seq = [self.item_link[ep][it.id] for it in self.snaps[ep].items]
            seq = [lid for lid in seq if lid not in self.dead]
            seq.extend(lid for lid in self.item_present if (lid, ep) in self.creating)
            projected[ep] = seq
        recs = {ep: self.rec.get_seen(ORDER_LINK, ep, "order") for ep in self.eps}
        gen = max((r.gen for r in recs.values() if r is not None), default=0)
        changed = []
        for ep in self.eps:
            r = recs[ep]
            if r is None:
                if len(projected[ep]) > 1:
                    changed.append(ep)
            elif _relative(projected[ep], r.fp.split("\n")) != _relative(
                r.fp.split("\n"), projected[ep]
            ):
                changed.append(ep)
        sources = [ep for ep in changed if direction.is_source(ep)]
        if sources:
            keys = {
                ep: "\n".join(_relative(projected[ep], projected[sources[0]])) for ep in sources
            }
            winner = sources[0]
            if len(set(keys.values())) > 1:
                winner = self.pick_winner(ORDER_LINK, "order", sources, keys, {})
            gen += 1
            ref = winner
        else:
            current = [
                ep
                for ep in self.eps
                if (r := recs[ep]) is not None and r.gen == gen and ep not in changed
            ]
            preferred = [ep for ep in current if direction.is_source(ep)]
            if preferred:
                ref = preferred[0]
            elif direction.value in self.eps and direction.value not in changed:
                ref = direction.value
            else:
                return
        position = {lid: i for i, lid in enumerate(projected[ref])}
        end = len(position)
        for ep in self.eps:
            seq = projected[ep]
            desired = sorted(seq, key=lambda lid: position.get(lid, end))
            caps = self.pol.caps(ep)
            if desired == seq or ep == ref:
                self.record(ORDER_LINK, ep, "order", "\n".join(seq), gen)
            elif direction.is_target(ep) and not caps.read_only and caps.can_reorder:
                self.out.actions.append(SetOrder(ep, tuple(desired), gen))

    # -- notes ---------------------------------------------------------------------------------
    def plan_notes(self) -> None:
        direction = self.pol.notes
        present: dict[str, dict[str, Note]] = {}
        hinted: dict[str, dict[str, str]] = {ep: {} for ep in self.eps}  # bound by stored link
        unlinked: dict[str, list[Note]] = {}
        fp_cache = self.fp_cache
        clean: dict[str, int] = {}  # link -> generation while unchanged on every side, else -1
        for ep in self.eps:
            index = self.rec.note_index.get(ep, {})
            items_here = self.item_link[ep]
            for note in self.snaps[ep].notes:
                if note.item not in items_here:
                    continue  # an orphan: its item is not in this review
                entry = index.get(note.id)
                if entry is None:
                    link_id = self.bind_hinted(note, ep) if note.link else None
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
                if r is None:
                    clean[link_id] = -1
                    continue
                content = (note.text, note.frame)
                fp = fp_cache.get(content)
                if fp is None:
                    fp = fp_cache[content] = note_fingerprint(note.text, note.frame)
                if r.fp == fp:
                    if clean.setdefault(link_id, r.gen) != r.gen:
                        clean[link_id] = -1
                else:
                    clean[link_id] = -1
        if unlinked:
            self.adopt_notes(present, unlinked, hinted)
        content_seen = {ep: self.rec.seen_for("content", ep) for ep in self.eps}
        n_eps = len(self.eps)
        if self.dead or direction.off:
            candidates: Iterable[str] = present
        else:
            # the common case, skipped here: present everywhere and unchanged since last run
            candidates = [
                lid for lid, objs in present.items() if len(objs) != n_eps or clean.get(lid, -1) < 0
            ]
        for link_id in sorted(candidates, key=self.note_depth):
            objs = present[link_id]
            link = self.link(link_id)
            dead = link_id in self.dead or link.item in self.dead or link.parent in self.dead
            if not dead and len(objs) == n_eps and not direction.off:
                # the common case: present everywhere, unchanged everywhere since the last run
                gen = -1
                for ep, note in objs.items():
                    r = content_seen[ep].get(link_id)
                    if r is None or r.fp != self.note_fp(note) or (gen != -1 and r.gen != gen):
                        break
                    gen = r.gen
                else:
                    continue
            if dead:
                self.tombstone(link_id)
                for ep in [
                    ep for ep in self.eps if ep not in objs and self.has_member(link_id, ep)
                ]:
                    self.unbind(link_id, ep)
                self.remove_everywhere(
                    link_id,
                    {ep: n for ep, n in objs.items() if (link.item, ep) not in self.deleting_items},
                    "note",
                )
                continue
            if self.handle_gone(link_id, objs, "note", direction):
                continue
            res = self.plan_content(link_id, objs, present)
            self.create_missing_notes(link_id, objs, res)
        for link_id, link in self.rec.links.items():
            if link.kind == "note" and link_id not in present and not link.deleted:
                self.forget_vanished(link_id, link)

    def note_depth(self, link_id: str) -> int:
        depth = 0
        link = self.link(link_id)
        if link.parent is None:
            return 0
        while link.parent is not None and depth < 64:
            depth += 1
            link = self.link(link.parent)
        return depth

    def bind_hinted(self, note: Note, ep: str) -> str | None:
        """A note carrying a syncd link id that the state lacks (a crash before the record)."""
        stored = self.rec.links.get(note.link or "")
        if stored is None or stored.kind != "note" or self.has_member(stored.id, ep):
            return None
        self.bind(stored.id, "note", ep, note.id, item=stored.item, parent=stored.parent)
        return stored.id

    def adopt_notes(
        self,
        present: dict[str, dict[str, Note]],
        unlinked: dict[str, list[Note]],
        hinted: dict[str, dict[str, str]],
    ) -> None:
        """Link notes that already exist on several sides (after a crash, say) by content.

        Parents before replies, endpoints in the mapping's order, so a reply finds its parent's
        link whether that parent was linked before or is being linked now.
        """
        index: dict[tuple[str, str | None, str], list[str]] = {}
        for link_id, objs in present.items():
            link = self.link(link_id)
            for note in objs.values():
                key = (link.item or "", link.parent, self.note_fp(note))
                bucket = index.setdefault(key, [])
                if link_id not in bucket:
                    bucket.append(link_id)
        rows: list[tuple[int, int, int, str, Note]] = []
        for ep_index, ep in enumerate(self.eps):
            notes = self.snaps[ep].notes
            depth = _depths(notes, {n.id: n for n in notes})
            for pos, note in enumerate(unlinked.get(ep, ())):
                if note.id in depth:
                    rows.append((depth[note.id], ep_index, pos, ep, note))
        rows.sort(key=lambda row: row[:3])
        linked_now: dict[str, dict[str, str]] = {ep: dict(hinted[ep]) for ep in self.eps}
        for _, _, _, ep, note in rows:
            item_link = self.item_link[ep][note.item]
            parent = None
            if note.parent:
                parent = self.rec.natives("note", ep).get(note.parent) or linked_now[ep].get(
                    note.parent
                )
                if parent is None:
                    continue
            key = (item_link, parent, self.note_fp(note))
            link_id = None
            for cand in index.get(key, ()):
                if cand not in self.dead and not self.has_member(cand, ep):
                    link_id = cand
                    break
            if link_id is None:
                link_id = new_link_id("note", ep, note.id)
                self.new_links[link_id] = LinkRecord(link_id, "note", item=item_link, parent=parent)
                index.setdefault(key, []).append(link_id)
            self.bind(link_id, "note", ep, note.id, item=item_link, parent=parent)
            present.setdefault(link_id, {})[ep] = note
            linked_now[ep][note.id] = link_id

    def plan_content(
        self,
        link_id: str,
        objs: dict[str, Note],
        present: dict[str, dict[str, Note]],
    ) -> _Resolution:
        direction = self.pol.notes
        if direction.off:
            return _Resolution(None, [], 0)
        note_fps = {ep: self.note_fp(n) for ep, n in objs.items()}
        valid = set(objs)
        writable = {ep for ep in objs if ep in self.editable_eps}
        stamps = {ep: n.modified or n.created for ep, n in objs.items()}
        if self.pol.conflicts == KEEP_BOTH:
            self.fork_conflicts(link_id, objs, note_fps, present)
            note_fps = {ep: self.note_fp(n) for ep, n in objs.items()}
            valid = set(objs)
        res = self.resolve(link_id, "content", note_fps, valid, direction, writable, stamps)
        if res.source is not None:
            src = objs[res.source]
            for ep in res.targets:
                self.out.actions.append(
                    UpdateNote(ep, link_id, res.source, src.text, src.frame, res.gen)
                )
        if res.source is not None:
            wanted = note_fps[res.source]
            for ep in objs:
                if (
                    note_fps[ep] != wanted
                    and ep not in writable
                    and direction.is_target(ep)
                    and self.writable(ep)
                ):
                    self.problem(ep, link_id, f"{ep} cannot edit notes; an edit was not applied")
        return res

    def fork_conflicts(
        self,
        link_id: str,
        objs: dict[str, Note],
        note_fps: dict[str, str],
        present: dict[str, dict[str, Note]],
    ) -> None:
        """keep-both: each losing edit leaves the link and becomes a note of its own."""
        get_seen = self.rec.get_seen
        changed = [
            ep
            for ep, fp in note_fps.items()
            if (r := get_seen(link_id, ep, "content")) is not None and r.fp != fp
        ]
        if len({note_fps[ep] for ep in changed}) < 2:
            return
        stamps = {ep: objs[ep].modified or objs[ep].created for ep in changed}
        winner = self.pick_winner(link_id, "content", changed, note_fps, stamps)
        link = self.link(link_id)
        for ep in changed:
            if note_fps[ep] == note_fps[winner]:
                continue
            note = objs.pop(ep)
            self.unbind(link_id, ep)
            fork = new_link_id("note", ep, note.id, salt=link_id)
            self.new_links[fork] = LinkRecord(fork, "note", item=link.item, parent=link.parent)
            self.bind(fork, "note", ep, note.id, item=link.item, parent=link.parent)
            present[fork] = {ep: note}
            fork_res = self.resolve(
                fork, "content", {ep: note_fps[ep]}, {ep}, self.pol.notes, set(), {}
            )
            self.create_missing_notes(fork, {ep: note}, fork_res)

    def create_missing_notes(self, link_id: str, objs: dict[str, Note], res: _Resolution) -> None:
        direction = self.pol.notes
        if direction.off or res.source is None:
            return
        link = self.link(link_id)
        source = res.source
        if not direction.is_source(source):
            source = next((ep for ep in objs if direction.is_source(ep)), "")
            if not source:
                return
        for ep in self.eps:
            if ep in objs or self.has_member(link_id, ep):
                continue
            if not direction.is_target(ep) or not self.writable(ep):
                continue
            item_link = link.item
            if item_link is None or not (
                self.has_member(item_link, ep) or (item_link, ep) in self.creating
            ):
                continue
            if item_link in self.dead or (item_link, ep) in self.deleting_items:
                continue
            if link.parent is not None and not (
                self.has_member(link.parent, ep) or (link.parent, ep) in self.creating
            ):
                continue
            self.out.actions.append(
                CreateNote(ep, link_id, source, objs[source], item_link, link.parent, res.gen)
            )
            self.creating.add((link_id, ep))


def _relative(seq: Iterable[str], other: Iterable[str]) -> list[str]:
    """``seq`` restricted to the elements it shares with ``other``."""
    keep = set(other)
    return [x for x in seq if x in keep]


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


__all__ = ["LAST_WRITER", "UNMAPPED_PREFIX", "new_link_id", "plan"]
