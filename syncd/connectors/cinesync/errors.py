"""Errors of the cineSync session library.

Every message names the file and says what to do, because the person reading it is usually an
artist or a coordinator whose session file syncd could not use, not the author of this code.
"""

from __future__ import annotations

from syncd.errors import SyncdError


class SessionError(SyncdError):
    """A session file cannot be read or written as asked; nothing was changed."""


class UserDataError(ValueError):
    """A ``userData`` holds someone else's text, so syncd will not write its own data there."""
