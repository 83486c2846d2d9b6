"""Which of a plan's writes must wait for which: the dependencies of a concurrent apply.

The planner lists writes in an order that is always safe to apply one by one. Applying them side
by side keeps that safety by waiting only where it matters, per endpoint (ids are per system, so
writes to different systems never wait for each other):

* writes to one object run in plan order (an item's creation before its status, a note's
  creation before its edit);
* a note waits for its item and for its parent note (a reply needs the id of what it answers);
  where threads are flat (``flat``: a reply to a reply goes under the thread's first note),
  a reply waits for that first note instead, so replies to one another may share a batch;
* the notes of one item are created in plan order, so they read in the order they were written;
* a reordering waits for every change of membership before it (creating or removing items);
* items are created one by one, in plan order, on an endpoint the plan does not reorder
  afterwards: a system appends new items in the order their creations finish (one batch of
  them is made in its order, so an item may follow the one before it in a batch);
* a removal of an item waits for everything before it on that endpoint (its notes' writes
  included, which do not name their item).

``Schedule`` hands out the writes whose dependencies are done, lowest plan position first, so
with one write in flight per endpoint the order is exactly the plan's. On an endpoint that
takes several writes side by side (``urgent``) it hands out first the write with the longest
chain of writes waiting on it (an item whose notes answer one another, the first note of such
a thread): those chains are the run's critical path, and started first they run beside the
rest instead of after it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Hashable, Sequence

from syncd.core.actions import (
    Action,
    CreateItem,
    CreateNote,
    DeleteItem,
    DeleteNote,
    SetMedia,
    SetOrder,
    SetStatus,
    UpdateNote,
)


def dependencies(
    actions: Sequence[Action], flat: Collection[str] = (), answers: dict[int, str] | None = None
) -> list[set[int]]:
    """For each write, the positions of the earlier writes it must wait for (``flat``: the
    endpoints whose threads are flat; ``answers``: ``answered(actions, flat)`` if known)."""
    answers = answered(actions, flat) if answers is None else answers
    last: dict[Hashable, int] = {}
    on_endpoint: dict[str, list[int]] = {}
    membership: dict[str, list[int]] = {}
    reordered = {a.endpoint for a in actions if isinstance(a, SetOrder)}
    out: list[set[int]] = []
    for index, action in enumerate(actions):
        ep = action.endpoint
        deps: set[int] = set()

        def after(*key: object, deps: set[int] = deps) -> None:
            found = last.get(key)
            if found is not None:
                deps.add(found)

        match action:
            case CreateItem():
                after(ep, action.link)
                if ep not in reordered:
                    after(ep, "new items")
            case SetStatus() | SetMedia():
                after(ep, action.link)
            case CreateNote():
                after(ep, action.link)
                after(ep, action.item_link)
                after(ep, "notes of", action.item_link)
                if index in answers:
                    after(ep, answers[index])
            case UpdateNote() | DeleteNote():
                after(ep, action.link)
            case DeleteItem():
                deps.update(on_endpoint.get(ep, ()))
            case SetOrder():
                deps.update(membership.get(ep, ()))
                after(ep, "order")
        out.append(deps)
        on_endpoint.setdefault(ep, []).append(index)
        match action:
            case SetOrder():
                last[(ep, "order")] = index
            case CreateNote():
                last[(ep, action.link)] = index
                last[(ep, "notes of", action.item_link)] = index
            case CreateItem():
                last[(ep, action.link)] = index
                last[(ep, "new items")] = index
            case _:
                last[(ep, action.link)] = index
        if isinstance(action, CreateItem | DeleteItem):
            membership.setdefault(ep, []).append(index)
    return out


class Schedule:
    """The writes of a plan, handed out as their dependencies complete."""

    def __init__(
        self,
        actions: Sequence[Action],
        urgent: Collection[str] = (),
        batched: Collection[str] = (),
        items_batched: Collection[str] = (),
        flat: Collection[str] = (),
    ) -> None:
        self.actions = actions
        answers = answered(actions, flat)
        needs = dependencies(actions, flat, answers)
        self._waiting_on = [len(d) for d in needs]
        self._dependents: list[list[int]] = [[] for _ in actions]
        for index, deps in enumerate(needs):
            for dep in deps:
                self._dependents[dep].append(index)
        self._remaining = [set(d) for d in needs]
        self._chained = {**_chained_notes(actions, answers), **_chained_items(actions)}
        self._started: set[int] = set()
        """Writes handed out before their turn, in a batch after the note they wait for."""
        free = {
            (before, index)
            for index, before in self._chained.items()
            if (actions[index].endpoint in batched and rides_in_batch(actions[index]))
            or (actions[index].endpoint in items_batched and item_rides_in_batch(actions[index]))
        }
        chains = _chain_lengths(self._dependents, free)
        self._rank = [-chains[i] if a.endpoint in urgent else 0 for i, a in enumerate(actions)]
        """The key ready writes are handed out by, before their plan position."""
        self._ready: dict[str, list[tuple[int, int]]] = {}
        for index, count in enumerate(self._waiting_on):
            if count == 0:
                self._push(index)
        self.left = len(actions)

    def _push(self, index: int) -> None:
        ready = self._ready.setdefault(self.actions[index].endpoint, [])
        heapq.heappush(ready, (self._rank[index], index))

    def next_for(self, endpoint: str, held: Callable[[Action], bool] | None = None) -> int | None:
        """The first write ready on ``endpoint`` that is not ``held``, taken off the ready list
        (held ones stay ready)."""
        ready = self._ready.get(endpoint)
        if not ready:
            return None
        if held is None:
            return heapq.heappop(ready)[1]
        taken = self.take(endpoint, 1, lambda action: not held(action))
        return taken[0] if taken else None

    def take(self, endpoint: str, most: int, wanted: Callable[[Action], bool]) -> list[int]:
        """Up to ``most`` more writes ready on ``endpoint`` that are ``wanted`` (first first),
        taken off the ready list; the others stay ready."""
        ready = self._ready.get(endpoint) or []
        taken: list[int] = []
        kept: list[tuple[int, int]] = []
        while ready and len(taken) < most:
            entry = heapq.heappop(ready)
            if wanted(self.actions[entry[1]]):
                taken.append(entry[1])
            else:
                kept.append(entry)
        for entry in kept:
            heapq.heappush(ready, entry)
        return taken

    def followers(self, taken: list[int], most: int, wanted: Callable[[Action], bool]) -> list[int]:
        """Notes that wait for nothing but a note in ``taken`` written before them on their
        item, so they may follow it in one batch (the system creates a batch in its order):
        up to ``most`` of them, handed out now."""
        group = set(taken)
        frontier = sorted(taken)
        out: list[int] = []
        while frontier and len(out) < most:
            before = frontier.pop(0)
            for index in self._dependents[before]:
                if (
                    index in group
                    or self._chained.get(index) != before
                    or self._remaining[index] - {before}
                    or not wanted(self.actions[index])
                ):
                    continue
                group.add(index)
                self._started.add(index)
                out.append(index)
                frontier.append(index)
                if len(out) >= most:
                    break
        return out

    def batch_ready(self, endpoint: str, most: int, wanted: Callable[[Action], bool]) -> bool:
        """Whether ``most`` writes that are ``wanted`` could go in one batch now on
        ``endpoint``: ready ones and those that may follow them (``followers``), counted
        without handing any out."""
        return self.batchable(endpoint, most, wanted) >= most

    def batchable(self, endpoint: str, most: int, wanted: Callable[[Action], bool]) -> int:
        """How many writes that are ``wanted`` could go in batches now on ``endpoint``, up to
        ``most``: ready ones and those that may follow them (``followers``)."""
        count = 0
        for _, index in self._ready.get(endpoint) or ():
            if not wanted(self.actions[index]):
                continue
            count += 1
            frontier = [index]
            while frontier and count < most:
                before = frontier.pop()
                for follower in self._dependents[before]:
                    if (
                        self._chained.get(follower) == before
                        and not self._remaining[follower] - {before}
                        and wanted(self.actions[follower])
                    ):
                        count += 1
                        frontier.append(follower)
            if count >= most:
                return most
        return count

    def endpoints_ready(self) -> list[str]:
        return [ep for ep, ready in self._ready.items() if ready]

    def done(self, index: int) -> None:
        """``index`` finished (landed or failed: a dependent that cannot run says so itself)."""
        self.left -= 1
        for dependent in self._dependents[index]:
            self._waiting_on[dependent] -= 1
            self._remaining[dependent].discard(index)
            if self._waiting_on[dependent] == 0 and dependent not in self._started:
                self._push(dependent)


def rides_in_batch(action: Action) -> bool:
    """A note that may ride in a batch (one with files is fetched and sent on its own)."""
    return isinstance(action, CreateNote) and not action.note.attachments


def item_rides_in_batch(action: Action) -> bool:
    """An item that may ride in a batch (one with media is fetched and uploaded on its own)."""
    return isinstance(action, CreateItem) and not (action.media_source and action.media_item)


def _chain_lengths(dependents: list[list[int]], free: set[tuple[int, int]]) -> list[int]:
    """For each write, the most requests that must go one after another from it to the end of
    the plan, itself included: a note that ``free``ly follows the one before it in a batch adds
    none (dependents always come later in the plan)."""
    out = [1] * len(dependents)
    for index in range(len(dependents) - 1, -1, -1):
        for dep in dependents[index]:
            out[index] = max(out[index], out[dep] + (0 if (index, dep) in free else 1))
    return out


def answered(actions: Sequence[Action], flat: Collection[str] = ()) -> dict[int, str]:
    """Reply creations -> the link of the note whose id they need: their parent's, or where
    the endpoint's threads are flat (``flat``) that of the thread's first note, found through
    the replies this plan creates (a reply to a reply then goes under it)."""
    first: dict[tuple[str, str], str] = {}
    out: dict[int, str] = {}
    for index, action in enumerate(actions):
        if not isinstance(action, CreateNote) or action.parent_link is None:
            continue
        needed = action.parent_link
        if action.endpoint in flat:
            needed = first.get((action.endpoint, needed), needed)
            first[(action.endpoint, action.link)] = needed
        out[index] = needed
    return out


def _chained_notes(actions: Sequence[Action], answers: dict[int, str]) -> dict[int, int]:
    """Note creations -> the creation of the note before them on their item, where that is
    the only reason to wait for it (not the note whose id they need: ``answers``)."""
    last: dict[tuple[str, str], int] = {}
    out: dict[int, int] = {}
    for index, action in enumerate(actions):
        if not isinstance(action, CreateNote):
            continue
        key = (action.endpoint, action.item_link)
        before = last.get(key)
        if before is not None and actions[before].link != answers.get(index):
            out[index] = before
        last[key] = index
    return out


def _chained_items(actions: Sequence[Action]) -> dict[int, int]:
    """Item creations -> the creation before them on an endpoint the plan does not reorder,
    which they wait for only to be made after it."""
    reordered = {a.endpoint for a in actions if isinstance(a, SetOrder)}
    last: dict[str, int] = {}
    out: dict[int, int] = {}
    for index, action in enumerate(actions):
        if not isinstance(action, CreateItem) or action.endpoint in reordered:
            continue
        before = last.get(action.endpoint)
        if before is not None:
            out[index] = before
        last[action.endpoint] = index
    return out
