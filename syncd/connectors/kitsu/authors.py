"""Posting Kitsu comments as the people who wrote them, where the account may.

Zou takes ``person_id`` and ``created_at`` on a new comment from an admin or a manager of the
project, and silently ignores them from anyone else (the comment is then the account's, dated
now); replies never take them. So syncd asks for them when its account is an admin or a
manager, checks the comment Zou answers, and when they were ignored, rewrites the comment with
a visible ``[by Name <email>]`` header and stops asking for the rest of the run. ``created_at``
must be ``YYYY-MM-DDTHH:MM:SS`` in UTC: any other spelling is silently replaced by now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from syncd.core.model import Person

MANAGERS = frozenset({"admin", "manager"})


def zou_time(when: datetime | None) -> str | None:
    """The one spelling of a date Zou keeps: naive UTC, to the second."""
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.replace(tzinfo=None, microsecond=0).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class Authorship:
    """Whether this run posts comments as their authors, and why (for ``syncd check``)."""

    role: str | None = None
    refused: str | None = None
    """Set when Zou ignored person_id once: the account may not, whatever its role says."""
    persons: dict[str, str] = field(default_factory=dict)
    """E-mail (folded) -> Kitsu person id."""
    confirmed: bool = False
    """Set once Zou kept an author it was sent: comments then go without a [by …] header."""

    @property
    def as_author(self) -> bool:
        return self.refused is None and self.role in MANAGERS

    def describe(self, email: str | None) -> str:
        who = f"the account {email}" if email else "the account"
        if self.refused:
            return f"attribution: {self.refused}"
        if self.as_author:
            return (
                f"as the author: {who} is a Kitsu {self.role}, so comments take the author "
                "(person_id) and the original date (created_at); checked after every note. "
                "Replies cannot be posted as someone else: they say who wrote them"
            )
        return (
            f"attribution: {who} is a Kitsu {self.role or 'user'}; Zou posts as someone else "
            "only for admins and managers, so notes say who wrote them in a [by …] header"
        )

    def person_id(self, person: Person) -> str | None:
        key = (person.email or "").casefold()
        return self.persons.get(key) if key else None

    def fields(self, person_id: str, created: datetime | None) -> dict[str, str]:
        out = {"person_id": person_id}
        stamp = zou_time(created)
        if stamp:
            out["created_at"] = stamp
        return out

    def held(self, comment: dict[str, Any], asked: dict[str, str]) -> bool:
        """Whether Zou kept the author (and date) it was sent; if not, it never will."""
        if comment.get("person_id") == asked["person_id"]:
            self.confirmed = True
            return True
        self.refused = (
            "Zou ignored the author it was sent (person_id), which it does for accounts that "
            "are not a manager of the project; notes say who wrote them in a [by …] header"
        )
        return False


def persons_by_email(persons: dict[str, tuple[str | None, str | None]]) -> dict[str, str]:
    return {str(email).casefold(): pid for pid, (email, _) in persons.items() if email}
