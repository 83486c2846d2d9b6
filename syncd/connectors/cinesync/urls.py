"""``cinesync://`` URLs that make a running cineSync open a session file.

``merge`` adds the file's media to what cineSync has open; ``replace`` opens the file in place of
it. The path is query-encoded with ``quote_plus`` (spaces as ``+``), as the vendor's own
scripting libraries build these URLs.
"""

from __future__ import annotations

import os
from urllib.parse import quote_plus


def merge_url(path: str | os.PathLike[str]) -> str:
    """The URL that opens the session file at ``path`` into the current session."""
    return _file_url("merge", path)


def replace_url(path: str | os.PathLike[str]) -> str:
    """The URL that opens the session file at ``path`` in place of the current session's media."""
    return _file_url("replace", path)


def _file_url(operation: str, path: str | os.PathLike[str]) -> str:
    return f"cinesync://file/{operation}?path={quote_plus(os.fspath(path))}"
