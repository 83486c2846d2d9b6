"""Which ShotGrid Playlist an endpoint means: by id, or by code in the project, or, with
``create: true``, a new one, made once even when the answer to the create is lost.
"""

from __future__ import annotations

import difflib
from typing import Any

from syncd.connectors.shotgrid.client import ShotGridCalls
from syncd.connectors.shotgrid.rows import Queries, link
from syncd.errors import ConfigError


class NotCreatedYet(Exception):
    """The selector's playlist does not exist and a dry run may not create it."""


def resolve_playlist(
    calls: ShotGridCalls,
    queries: Queries,
    name: str,
    project_id: int,
    key: str | int,
    *,
    create: bool,
    dry_run: bool,
    would: list[str],
) -> int:
    project = link("Project", project_id)
    if isinstance(key, int):
        found = queries.find("Playlist", [["id", "is", key], ["project", "is", project]], ["code"])
        if not found:
            raise ConfigError(f"{name}: no Playlist with id {key} in project {project_id}")
        return int(min(row["id"] for row in found))
    query = [["project", "is", project], ["code", "is", key]]
    found = queries.find("Playlist", query, ["code"])
    if not found and create and dry_run:
        what = f"would create playlist {key!r} (create: true)"
        if what not in would:
            would.append(what)
        raise NotCreatedYet
    if not found and create:
        found = [
            calls.create(
                "Playlist",
                {"code": key, "project": project},
                landed=lambda: next(iter(queries.find("Playlist", query, ["code"])), None),
            )
        ]
    if not found:
        raise _unknown_playlist(queries, name, project_id, key, project)
    return int(min(row["id"] for row in found))


def _unknown_playlist(
    queries: Queries, name: str, project_id: int, key: str, project: dict[str, Any]
) -> ConfigError:
    codes = [
        r.get("code") or ""
        for r in queries.find("Playlist", [["project", "is", project]], ["code"])
    ]
    close = difflib.get_close_matches(str(key), codes, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ConfigError(
        f"{name}: no Playlist {key!r} in ShotGrid project {project_id}{hint} "
        "(or set create: true to create it)"
    )
