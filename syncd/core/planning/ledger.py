"""The bookkeeping of one planning: what it has decided so far, and the plan it is writing.

Every part of the planner (rails, items, order, notes) reads and extends one ``Ledger``: the
state as recorded, the snapshots, the policy, and the facts decided during this planning that
later parts must see (a link bound a moment ago, an item being created or deleted, notes held
back). Keeping them here, behind a few verbs, is what lets each part be a plain function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from hashlib import blake2b

from syncd.core.actions import Bind, Plan, Problem, Record, Severity, Tombstone, Unbind
from syncd.core.fingerprints import note_fingerprint
from syncd.core.model import Item, Note, NoteContent, Snapshot
from syncd.core.policy import Policy
from syncd.core.recorded import Aspect, Kind, LinkRecord, Recorded, Seen


def new_link_id(kind: Kind, endpoint: str, native: str, salt: str = "") -> str:
    """Deterministic, so that planning the same input twice gives the same plan."""
    digest = blake2b(f"{endpoint}\x1f{native}\x1f{salt}".encode(), digest_size=10).hexdigest()
    return f"{kind[0]}{digest}"


@dataclass(slots=True)
class Ledger:
    rec: Recorded
    snaps: Mapping[str, Snapshot]
    pol: Policy
    eps: list[str] = field(init=False)
    """The mapping's endpoints that were read this run, in the mapping's order."""
    out: Plan = field(default_factory=Plan)
    new_links: dict[str, LinkRecord] = field(default_factory=dict)
    bound: dict[tuple[str, str], str] = field(default_factory=dict)
    """(link, endpoint) -> native id bound during this planning."""
    unbound: set[tuple[str, str]] = field(default_factory=set)
    dead: set[str] = field(default_factory=set)
    """Links tombstoned, before or during this planning."""
    creating: set[tuple[str, str]] = field(default_factory=set)
    """(link, endpoint) this plan creates."""
    deleting: dict[str, int] = field(init=False)
    """Per endpoint, how many objects this plan deletes there (for the mass-delete rail)."""
    deleting_items: set[tuple[str, str]] = field(default_factory=set)
    item_link: dict[str, dict[str, str]] = field(init=False)
    """endpoint -> native item id -> item link."""
    item_present: dict[str, dict[str, Item]] = field(default_factory=dict)
    """item link -> endpoint -> the item as that endpoint shows it."""
    held: set[tuple[str, str]] = field(default_factory=set)
    """(item link, endpoint) whose notes did not read back this run: left alone."""
    fp_cache: dict[NoteContent, str] = field(default_factory=dict)
    writable_eps: frozenset[str] = field(init=False)
    """Endpoints where notes can be written."""
    editable_eps: frozenset[str] = field(init=False)
    """Endpoints where notes can be edited."""

    def __post_init__(self) -> None:
        self.eps = [ep for ep in self.pol.endpoints if ep in self.snaps]
        self.deleting = dict.fromkeys(self.eps, 0)
        self.item_link = {ep: {} for ep in self.eps}
        caps = {ep: self.pol.caps(ep) for ep in self.eps}
        self.writable_eps = frozenset(ep for ep in self.eps if caps[ep].can_create_notes)
        self.editable_eps = frozenset(ep for ep in self.eps if caps[ep].can_edit_notes)

    # -- lookups -------------------------------------------------------------------------------
    def note_fp(self, note: Note) -> str:
        content = note.content
        fp = self.fp_cache.get(content)
        if fp is None:
            fp = self.fp_cache[content] = note_fingerprint(content)
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

    def writable(self, ep: str) -> bool:
        """Notes can be written there."""
        return ep in self.writable_eps

    def item_on(self, item_link: str, ep: str) -> bool:
        """Whether the item is in ``ep``'s snapshot and its notes could be read there."""
        return ep in self.item_present.get(item_link, {}) and (item_link, ep) not in self.held

    # -- what the plan decides -----------------------------------------------------------------
    def bind(self, link_id: str, kind: Kind, ep: str, native: str, **extra: str | None) -> None:
        self.bound[(link_id, ep)] = native
        self.unbound.discard((link_id, ep))
        self.out.changes.append(Bind(link_id, kind, ep, native, **extra))

    def unbind(self, link_id: str, ep: str) -> None:
        self.unbound.add((link_id, ep))
        self.bound.pop((link_id, ep), None)
        self.out.changes.append(Unbind(link_id, ep))

    def record(self, link_id: str, ep: str, aspect: Aspect, fp: str, gen: int) -> None:
        if self.rec.get_seen(link_id, ep, aspect) != Seen(fp, gen):
            self.out.changes.append(Record(link_id, ep, aspect, fp, gen))

    def settle(self, link_id: str, ep: str, aspect: Aspect, fp: str, gen: int) -> None:
        """Record it, and let the rest of this planning read it as recorded."""
        self.record(link_id, ep, aspect, fp, gen)
        self.rec.seen.setdefault(aspect, {}).setdefault(ep, {})[link_id] = Seen(fp, gen)

    def settle_behind(self, link_id: str, ep: str, aspect: Aspect, fp: str) -> None:
        """Record ``ep``'s copy one generation behind the others, as a write that has not been
        confirmed: the planner then takes it as caught up where it holds the agreed value and
        writes that value where it does not, instead of taking what it holds for an edit."""
        gens = [
            seen.gen
            for seen in (self.rec.get_seen(link_id, other, aspect) for other in self.eps)
            if seen is not None
        ]
        if gens:
            self.settle(link_id, ep, aspect, fp, max(max(gens) - 1, 0))

    def tombstone(self, link_id: str) -> None:
        if link_id not in self.dead:
            self.dead.add(link_id)
            if not self.link(link_id).deleted:
                self.out.changes.append(Tombstone(link_id))

    def problem(
        self, ep: str | None, link_id: str | None, message: str, severity: Severity = "warning"
    ) -> None:
        self.out.problems.append(Problem(ep, link_id, message, severity))

    def refuse(self, reason: str) -> None:
        """A safety rail refuses the whole run: nothing of this plan may be applied."""
        self.out.refusal = reason
