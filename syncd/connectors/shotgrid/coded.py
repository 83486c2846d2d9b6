"""The project's Versions of each code a run creates: how a Version whose create answer was
lost is told from those that were there before.

ShotGrid has no field syncd could mark a Version with, so a create whose answer never came is
looked for as a Version of its code that was not there before it was sent. What was there is
looked up for all of a run's new items at once (a request per 500 codes) when the run says
which it will create, and kept up with the Versions the run makes; a create the run did not
announce looks its code up itself, just before it is sent.
"""

from __future__ import annotations

import threading
from typing import Any

import structlog

from syncd.connectors.shotgrid.rows import Queries, link
from syncd.errors import FatalError, SyncdError

log = structlog.get_logger("syncd.shotgrid")

CODES_PER_LOOKUP = 500
"""Codes per request: one ``in`` condition on a short text field, and a first sync of a
playlist of a few hundred shots in one round trip."""


class CodedVersions:
    def __init__(self, endpoint: str, queries: Queries, project_id: int) -> None:
        self.endpoint = endpoint
        self.queries = queries
        self.project = link("Project", project_id)
        self._lock = threading.Lock()
        self._ids: dict[str, set[int]] = {}

    def forget(self) -> None:
        """A new run: the project may have changed since the last one."""
        with self._lock:
            self._ids = {}

    def expect(self, codes: list[str]) -> None:
        """Look up the project's Versions of these codes; a failure only costs the saving."""
        wanted = sorted(set(codes))
        found: dict[str, set[int]] = {code: set() for code in wanted}
        try:
            for start in range(0, len(wanted), CODES_PER_LOOKUP):
                chunk = wanted[start : start + CODES_PER_LOOKUP]
                filters = [["project", "is", self.project], ["code", "in", chunk]]
                for row in self.queries.find("Version", filters, ["code"]):
                    if row.get("code") in found:
                        found[row["code"]].add(row["id"])
        except SyncdError as exc:
            if isinstance(exc, FatalError):
                raise
            log.info("versions not looked up ahead", endpoint=self.endpoint, error=str(exc))
            return
        with self._lock:
            self._ids = found

    def before(self, code: str) -> set[int]:
        """The ids of the project's Versions of ``code`` before a create of it is sent."""
        with self._lock:
            known = self._ids.get(code)
            if known is not None:
                return set(known)
        return {r["id"] for r in self.find(code)}

    def made(self, code: str, version_id: int) -> None:
        """This run made a Version of ``code``: a later create of it must not take it."""
        with self._lock:
            if code in self._ids:
                self._ids[code].add(version_id)

    def find(self, code: str) -> list[dict[str, Any]]:
        """The project's Versions of ``code``, now."""
        filters = [["project", "is", self.project], ["code", "is", code]]
        return self.queries.find("Version", filters, [])

    def landed(self, code: str, known: set[int]) -> dict[str, Any] | None:
        """The Version a create of ``code`` made, sent when ``known`` were there."""
        return next((r for r in self.find(code) if r["id"] not in known), None)

    def landed_all(
        self, codes: list[str], known: dict[str, set[int]], names: list[str]
    ) -> list[dict[str, Any] | None]:
        """The Versions a batch creating ``codes`` (each once) made, in order, read with
        ``names``; None for one it did not make."""
        found: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(codes), CODES_PER_LOOKUP):
            chunk = codes[start : start + CODES_PER_LOOKUP]
            filters = [["project", "is", self.project], ["code", "in", chunk]]
            for row in self.queries.find("Version", filters, names):
                found.setdefault(row.get("code"), []).append(row)
        out = []
        for code in codes:
            new = sorted(
                (r for r in found.get(code, []) if r["id"] not in known[code]),
                key=lambda r: r["id"],
            )
            out.append(new[0] if new else None)
        return out
