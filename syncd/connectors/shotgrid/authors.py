"""Posting ShotGrid Notes and Replies as the people who wrote them.

Two ways the API allows (``authors:`` of the system): ``fields`` (the default) creates the Note
or Reply with its author in ``user`` and ``created_by`` and its original date in ``created_at``
(ShotGrid lets a script set those audit fields at creation time); ``sudo`` sends the create with
``sudo_as_login`` of the author, so ShotGrid itself records them (and logs the event as theirs),
which needs the "sudo" permission on the script's role: refused once, syncd goes on with the
fields for the rest of the run and says why. ``attribution`` never posts as anyone: notes say
who wrote them in a ``[by Name <email>]`` header, as they do for a person ShotGrid has not.
"""

from __future__ import annotations

from dataclasses import dataclass

FIELDS = "fields"
SUDO = "sudo"
ATTRIBUTION = "attribution"
MODES = (FIELDS, SUDO, ATTRIBUTION)
SUDO_REFUSED = "does not have permission to 'sudo'"
"""What ShotGrid says to a script whose role lacks the sudo permission."""


@dataclass
class Authors:
    mode: str = FIELDS
    refused: str | None = None
    """Why sudo was given up this run (ShotGrid's own words)."""

    @property
    def as_author(self) -> bool:
        return self.mode != ATTRIBUTION

    @property
    def sudo(self) -> bool:
        return self.mode == SUDO and self.refused is None

    def give_up_sudo(self, message: str) -> None:
        self.refused = message

    def describe(self, where: str) -> str:
        if self.mode == ATTRIBUTION:
            return (
                f"attribution: {where}.authors is attribution, so notes say who wrote them in "
                "a [by …] header"
            )
        fields = (
            "as the author: Notes and Replies are created with their author in user and "
            "created_by and their original date in created_at"
        )
        if self.refused:
            return f"{fields} (sudo was refused: {self.refused})"
        if self.mode == SUDO:
            return (
                "as the author: Notes and Replies are created with sudo_as_login of their "
                "author (the script's role needs the sudo permission; refused, syncd sets the "
                "user and created_by fields instead)"
            )
        return fields + "; people ShotGrid has not are named in a [by …] header"
