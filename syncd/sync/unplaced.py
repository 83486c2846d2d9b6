"""Authors a write could not post as: reported once a run, never guessed."""

from __future__ import annotations

from collections.abc import Mapping

from syncd.connectors.base import Endpoint
from syncd.core.actions import Problem
from syncd.core.model import Person
from syncd.core.people import PeopleTable


def report_unplaced(
    endpoints: Mapping[str, Endpoint], people: PeopleTable, problems: list[Problem]
) -> None:
    """A warning for each person an endpoint had no account of (its notes by them say in
    their text who wrote them), once per endpoint and person; the endpoints' lists emptied."""
    said: set[tuple[str, str]] = set()
    for ep, endpoint in endpoints.items():
        unplaced, endpoint.unplaced = endpoint.unplaced, []
        for person in unplaced:
            key = (ep, who(person))
            if key in said:
                continue
            said.add(key)
            problems.append(
                Problem(
                    ep,
                    None,
                    f"{ep} has no person {who(person)} ({people.describe(person, ep)}); "
                    "notes by them are written by syncd's account, saying who wrote them; "
                    "add them there, or a people: row naming how they are known there",
                    "warning",
                )
            )


def who(person: Person) -> str:
    name = person.name or ""
    known = person.email or person.login or ""
    return f"{name} <{known}>".strip() if name and known else (known or name or "unknown")
