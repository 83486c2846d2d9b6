"""Items: linking them across endpoints, their status and media, and copies where missing.

Items are found again by the link id a system stored on them, else by the link the state
remembers, else adopted by name (or the mapping's ``match:`` key) before anything new is made:
a shot that exists on two sides is one shot, never two.
"""

from __future__ import annotations

from dataclasses import dataclass

from syncd.core.actions import CreateItem, SetMedia, SetStatus
from syncd.core.fingerprints import media_fingerprint, status_fingerprint
from syncd.core.model import Item
from syncd.core.planning.existence import forget_vanished, handle_gone, remove_everywhere
from syncd.core.planning.ledger import Ledger, new_link_id
from syncd.core.planning.resolve import resolve
from syncd.core.recorded import LinkRecord
from syncd.core.statuses import UNMAPPED_PREFIX

Present = dict[str, dict[str, Item]]
"""item link -> endpoint -> item."""


@dataclass(frozen=True, slots=True)
class Given:
    """What new copies of an item get for one aspect: the value's source and generation."""

    source: str | None = None
    value: str | None = None
    """For statuses: the canonical status (media comes from ``source``'s item)."""
    gen: int = 0


def plan_items(led: Ledger) -> None:
    present: Present = {}
    unlinked: list[tuple[str, Item]] = []
    for ep in led.eps:
        for item in led.snaps[ep].items:
            link_id = led.rec.link_of("item", ep, item.id)
            if link_id is None and item.link:
                stored = led.rec.links.get(item.link)
                if (
                    stored is not None
                    and stored.kind == "item"
                    and not led.has_member(item.link, ep)
                ):
                    link_id = item.link
                    led.bind(link_id, "item", ep, item.id)
                    settle_made(led, link_id, ep, item)
            if link_id is None or ep in present.get(link_id, {}):
                unlinked.append((ep, item))
                continue
            present.setdefault(link_id, {})[ep] = item
            led.item_link[ep][item.id] = link_id
    adopt_items(led, present, unlinked)
    led.item_present = present
    n_eps = len(led.eps)
    for link_id, objs in present.items():
        if len(objs) == n_eps and link_id not in led.dead and unchanged(led, link_id, objs):
            continue  # the common case: on every side, nothing moved since the last run
        if link_id in led.dead:
            remove_everywhere(led, link_id, objs, "item")
            continue
        if handle_gone(led, link_id, objs, "item", led.pol.items):
            continue
        status = plan_status(led, link_id, objs)
        media = plan_media(led, link_id, objs)
        create_missing(led, link_id, objs, status, media)
    for link_id, link in led.rec.links.items():
        if link.kind == "item" and link_id not in present:
            forget_vanished(led, link_id, link)


def unchanged(led: Ledger, link_id: str, objs: dict[str, Item]) -> bool:
    """Every synced aspect matches what every endpoint held when they last agreed."""
    for aspect, direction in (("status", led.pol.statuses), ("media", led.pol.media)):
        if direction.off:
            continue
        gen = -1
        for ep, item in objs.items():
            r = led.rec.get_seen(link_id, ep, aspect)
            fp = (
                status_fingerprint(item.status)
                if aspect == "status"
                else media_fingerprint(ep, item.media)
            )
            if r is None or r.fp != fp or (gen != -1 and r.gen != gen):
                return False
            gen = r.gen
    return True


def adopt_items(led: Ledger, present: Present, unlinked: list[tuple[str, Item]]) -> None:
    index: dict[str, list[str]] = {}
    for link_id, objs in present.items():
        for ep, item in objs.items():
            key = led.pol.match_key(ep, item.name)
            if key:
                bucket = index.setdefault(key, [])
                if link_id not in bucket:
                    bucket.append(link_id)
    for ep, item in unlinked:
        key = led.pol.match_key(ep, item.name)
        link_id = None
        for cand in index.get(key, ()) if key else ():
            if cand not in led.dead and not led.has_member(cand, ep):
                link_id = cand
                break
        if link_id is None:
            link_id = new_link_id("item", ep, item.id)
            led.new_links[link_id] = LinkRecord(link_id, "item")
            if key:
                index.setdefault(key, []).append(link_id)
        led.bind(link_id, "item", ep, item.id)
        settle_made(led, link_id, ep, item)
        present.setdefault(link_id, {})[ep] = item
        led.item_link[ep][item.id] = link_id


def settle_made(led: Ledger, link_id: str, ep: str, item: Item) -> None:
    """An item syncd created whose answer was never recorded (the run died, the answer was
    lost), found again. What it holds is what the create gave it, not an edit: a create that
    did not take the status leaves the system's default, which must not win over the status it
    was made from. Each aspect is recorded behind the others, so the agreed value is set where
    it is missing and nothing else changes."""
    if link_id not in led.rec.items_in_doubt.get(ep, ()):
        return
    led.rec.items_in_doubt[ep].discard(link_id)
    caps = led.pol.caps(ep)
    if caps.has_statuses:
        led.settle_behind(link_id, ep, "status", status_fingerprint(item.status))
    if caps.has_media:
        led.settle_behind(link_id, ep, "media", media_fingerprint(ep, item.media))


def plan_status(led: Ledger, link_id: str, objs: dict[str, Item]) -> Given:
    direction = led.pol.statuses
    if direction.off:
        return Given()
    eps = {ep: it for ep, it in objs.items() if led.pol.caps(ep).has_statuses}
    fps = {ep: status_fingerprint(it.status) for ep, it in eps.items()}
    valid = set()
    for ep, it in eps.items():
        if it.status is None:
            continue
        if it.status.startswith(UNMAPPED_PREFIX):
            if direction.is_source(ep):
                led.problem(
                    ep,
                    link_id,
                    f"status {it.status[1:]!r} of {it.name!r} is not in the mapping's status "
                    "table; not synced",
                )
            continue
        valid.add(ep)
    stamps = {ep: it.modified for ep, it in eps.items()}
    res = resolve(led, link_id, "status", fps, valid, direction, set(eps), stamps)
    if res.source is None:
        return Given(gen=res.gen)
    status = eps[res.source].status
    assert status is not None
    for ep in res.targets:
        led.out.actions.append(SetStatus(ep, link_id, res.source, status, res.gen))
    return Given(res.source, status, res.gen)


def plan_media(led: Ledger, link_id: str, objs: dict[str, Item]) -> Given:
    direction = led.pol.media
    if direction.off:
        return Given()
    eps = {ep: it for ep, it in objs.items() if led.pol.caps(ep).has_media}
    fps = {ep: media_fingerprint(ep, it.media) for ep, it in eps.items()}
    valid = {ep for ep, it in eps.items() if it.media is not None}
    stamps = {ep: it.modified for ep, it in eps.items()}
    res = resolve(led, link_id, "media", fps, valid, direction, set(eps), stamps)
    if res.source is None:
        return Given(gen=res.gen)
    src_item = eps[res.source]
    assert src_item.media is not None
    for ep in res.targets:
        led.out.actions.append(SetMedia(ep, link_id, res.source, src_item, src_item.media, res.gen))
    return Given(res.source, None, res.gen)


def create_missing(
    led: Ledger, link_id: str, objs: dict[str, Item], status: Given, media: Given
) -> None:
    direction = led.pol.items
    source = next((ep for ep in objs if direction.is_source(ep)), None)
    if source is None:
        return
    for ep in led.eps:
        if ep in objs or led.has_member(link_id, ep):
            continue
        caps = led.pol.caps(ep)
        if not direction.is_target(ep) or not caps.can_create_items:
            continue
        give_status = (
            status.value
            if status.source is not None and led.pol.statuses.is_target(ep) and caps.has_statuses
            else None
        )
        give_media = (
            media.source
            if media.source and led.pol.media.is_target(ep) and caps.has_media
            else None
        )
        led.out.actions.append(
            CreateItem(
                ep,
                link_id,
                source,
                objs[source],
                give_status,
                give_media,
                objs[give_media] if give_media else None,
                status.gen,
                media.gen,
            )
        )
        led.creating.add((link_id, ep))
