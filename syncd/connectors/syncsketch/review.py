"""Which SyncSketch review an endpoint means: by id, by name (exact, then case-insensitive),
or, with ``create: true``, a new one, made once even when the answer to the create is lost.
"""

from __future__ import annotations

import difflib
from typing import Any

from syncd.connectors.syncsketch import convert
from syncd.connectors.syncsketch.api import SyncSketchApi
from syncd.errors import ConfigError, NotFound, SkippableError


class NotCreatedYet(Exception):
    """The selector's review does not exist and a dry run may not create it."""


def resolve_review(
    api: SyncSketchApi,
    name: str,
    project_id: int,
    ref: str | int,
    *,
    create: bool,
    dry_run: bool,
    would: list[str],
) -> dict[str, Any]:
    where = f"{name}: project {project_id}"
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        try:
            review = api.review(int(ref))
        except NotFound:
            raise ConfigError(f"{where}: no review with id {ref}") from None
        owner = convert.id_of(review.get("project_id") or review.get("project"), "project")
        if owner != str(project_id):
            raise ConfigError(f"{where}: review {ref} belongs to another project")
        return review
    reviews = api.reviews(project_id)
    exact = [r for r in reviews if r.get("name") == ref]
    if not exact:
        exact = [r for r in reviews if str(r.get("name", "")).casefold() == ref.casefold()]
    if len(exact) == 1:
        return exact[0]
    if exact:
        ids = ", ".join(str(r["id"]) for r in exact)
        raise ConfigError(f"{where}: several reviews are named {ref!r} (ids {ids}); use an id")
    if create and dry_run:
        would.append(f"would create review {ref!r} in project {project_id} (create: true)")
        raise NotCreatedYet
    if create:
        return create_review(api, name, project_id, ref)
    if not reviews:
        try:
            api.project(project_id)
        except NotFound:
            raise ConfigError(f"{name}: no project with id {project_id}") from None
    names = [str(r.get("name", "")) for r in reviews]
    close = difflib.get_close_matches(ref, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(n) for n in close)}?" if close else ""
    raise ConfigError(f"{where}: no review named {ref!r}{hint} (set create: true to create it)")


def create_review(api: SyncSketchApi, name: str, project_id: int, review: str) -> dict[str, Any]:
    def named() -> dict[str, Any] | None:
        found = [r for r in api.reviews(project_id) if r.get("name") == review]
        return min(found, key=lambda r: int(r["id"])) if found else None

    made = api.create_once(lambda: api.create_review(project_id, review), named)
    if not (isinstance(made, dict) and "id" in made):
        made = named()
    if made is None:
        raise SkippableError(f"{name}: review {review!r} was created but cannot be found")
    return made
