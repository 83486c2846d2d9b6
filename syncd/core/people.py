"""Who is who across systems: the ``people:`` table, as a write needs it.

A row names one person in several systems (an e-mail, or a ShotGrid login). A note copied from
one system to another is written for the person the row names in the target; a person in no
row (or in a row that does not name the target) is known there by the same e-mail, if at all.
Which of those the target system holds is for its connector to find out; one it does not hold
is never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from syncd.core.model import Person


@dataclass(frozen=True, slots=True)
class PeopleTable:
    rows: tuple[Mapping[str, str], ...] = ()

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> PeopleTable:
        return cls(tuple(dict(r) for r in rows))

    def row_of(self, person: Person | None, endpoint: str) -> int | None:
        """The row (0-based) naming ``person`` as ``endpoint`` knows them, or None."""
        if person is None:
            return None
        keys = {k.casefold() for k in (person.email, person.login) if k}
        for index, row in enumerate(self.rows):
            known = row.get(endpoint)
            if known and known.strip().casefold() in keys:
                return index
        return None

    def translate(self, person: Person | None, source: str, target: str) -> Person | None:
        """``person`` (as ``source`` knows them) as ``target`` knows them."""
        index = self.row_of(person, source)
        if person is None or index is None:
            return person
        there = self.rows[index].get(target)
        if not there:
            return person
        there = there.strip()
        if "@" in there:
            return replace(person, email=there, login=None)
        return replace(person, email=None, login=there)

    def describe(self, person: Person, endpoint: str) -> str:
        """Where a write's idea of ``person`` on ``endpoint`` came from, for a warning."""
        index = self.row_of(person, endpoint)
        if index is not None:
            return f"the people: table (row {index}) names them so on {endpoint}"
        return "no people: row names them, so they were looked for by e-mail"
