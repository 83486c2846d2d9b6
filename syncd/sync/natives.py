"""The native id each link has on each endpoint, kept current while a plan is applied."""

from __future__ import annotations

from syncd.core.actions import Bind, StateChange, Unbind
from syncd.core.recorded import Recorded
from syncd.errors import SkippableError


class Natives:
    """Native ids per (link, endpoint), kept current while a plan is applied."""

    def __init__(self, recorded: Recorded) -> None:
        self.map: dict[tuple[str, str], str] = {}
        for link in recorded.links.values():
            for ep, native in link.members.items():
                self.map[(link.id, ep)] = native

    def apply(self, changes: list[StateChange]) -> None:
        for change in changes:
            if isinstance(change, Bind):
                self.map[(change.link, change.endpoint)] = change.native
            elif isinstance(change, Unbind):
                self.map.pop((change.link, change.endpoint), None)

    def get(self, link: str | None, ep: str) -> str | None:
        return None if link is None else self.map.get((link, ep))

    def require(self, link: str | None, ep: str, what: str) -> str:
        native = self.get(link, ep)
        if native is None:
            raise SkippableError(
                f"skipped: the {what} it belongs to does not exist on {ep} "
                "(an earlier write failed)"
            )
        return native
