"""Kitsu comments posted as the people who wrote them, on a real Zou, where the account may.

An admin or a manager of the project posts as the author (``person_id``) with the note's
original date (``created_at``); Zou ignores both from anyone else, so a manager who is only an
artist on the project gets a comment of its own, which syncd then rewrites to say who wrote it.
A person Kitsu does not have is never guessed: the note says who wrote it and the run warns.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from syncd.connectors.kitsu.authors import Authorship
from syncd.connectors.kitsu.endpoint import KitsuEndpoint
from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.model import Person
from syncd.core.people import PeopleTable
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime, RunResult
from tests.kitsu.builders import ZouRest, build_review
from tests.kitsu.helpers import connect, make_person

pytestmark = pytest.mark.zou
WHEN = datetime(2024, 5, 5, 10, 0, tzinfo=UTC)


class Rig:
    def __init__(self, open_kitsu: Any, tmp: Path, people: PeopleTable | None = None) -> None:
        self.open_kitsu = open_kitsu
        self.other = MemoryReview("other")
        self.store = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        self.media_dir = tmp / "media"
        self.people = people or PeopleTable()
        self.kitsu: KitsuEndpoint | None = None

    def run(self) -> RunResult:
        self.kitsu = self.open_kitsu()
        endpoints = {"kitsu": self.kitsu, "other": MemoryEndpoint("other", self.other)}
        policy = Policy(
            endpoints=("kitsu", "other"),
            notes=Direction(BOTH),
            capabilities={name: ep.capabilities for name, ep in endpoints.items()},
        )
        rt = MappingRuntime(
            "dailies",
            endpoints,
            policy,
            StatusTable.from_rows([]),
            media_dir=self.media_dir,
            people=self.people,
        )
        try:
            return Engine(self.store).run(rt)
        finally:
            self.kitsu.close()

    def write(self, text: str, author: Person) -> None:
        (item,) = self.other.items
        note = self.other.add_note(item.id, text)
        self.other.notes[note.id] = dataclasses.replace(note, author=author, created=WHEN)


def comments(rest: ZouRest, review: Any) -> list[dict[str, Any]]:
    return [c for c in rest.get(f"data/tasks/{review.task_ids[0]}/comments") if c.get("text")]


def test_a_manager_posts_as_the_author_with_the_original_date(
    zou: Any, gazu_client: Any, tmp_path: Path
) -> None:
    admin = ZouRest(gazu_client)
    review = build_review(gazu_client, shots=1, comments_per_shot=0, with_png_preview=False)
    jane = make_person(zou, admin, project_id=review.project_id)
    rig = Rig(lambda: connect(zou, review), tmp_path)
    rig.run()
    assert rig.kitsu is not None
    assert rig.kitsu.authorship().startswith("as the author: the account")
    rig.write("Tighten the arc.", Person(jane.email, "Jane Artist"))
    result = rig.run()
    (comment,) = comments(admin, review)
    assert comment["person_id"] == jane.id
    assert comment["created_at"] == "2024-05-05T10:00:00"
    assert comment["text"] == "Tighten the arc.", "no [by …] header: Kitsu says who wrote it"
    assert not [p for p in result.plan.problems if p.severity == "warning"]
    note = next(n for n in connect(zou, review).snapshot().notes if n.id == comment["id"])
    assert note.author is not None and note.author.email == jane.email
    assert dict(rig.run().counts) == {}


def test_people_table_and_a_person_kitsu_has_not(
    zou: Any, gazu_client: Any, tmp_path: Path
) -> None:
    admin = ZouRest(gazu_client)
    review = build_review(gazu_client, shots=1, comments_per_shot=0, with_png_preview=False)
    jane = make_person(zou, admin, project_id=review.project_id)
    table = PeopleTable.from_rows([{"kitsu": jane.email, "other": "john@client.example"}])
    rig = Rig(lambda: connect(zou, review), tmp_path, table)
    rig.run()
    rig.write("Mapped by the table.", Person("john@client.example", "John Client"))
    rig.write("Nobody here knows me.", Person("ghost@client.example", "Ghost Writer"))
    result = rig.run()
    by_text = {c["text"]: c for c in comments(admin, review)}
    assert by_text["Mapped by the table."]["person_id"] == jane.id
    ghost = by_text["[by Ghost Writer <ghost@client.example>] Nobody here knows me."]
    assert ghost["person_id"] == review.person_id, "written by syncd's account, attributed"
    warnings = [p.message for p in result.plan.problems if p.severity == "warning"]
    assert (
        len(warnings) == 1
        and "kitsu has no person Ghost Writer <ghost@client.example>" in (warnings[0])
    )
    assert dict(rig.run().counts) == {}


def test_a_manager_who_is_an_artist_on_the_project_falls_back_to_attribution(
    zou: Any, gazu_client: Any, tmp_path: Path
) -> None:
    admin = ZouRest(gazu_client)
    review = build_review(gazu_client, shots=1, comments_per_shot=0, with_png_preview=False)
    jane = make_person(zou, admin, project_id=review.project_id)
    bot = make_person(zou, admin, role="manager")
    admin.post(f"data/projects/{review.project_id}/team", {"person_id": bot.id, "role": "user"})
    admin.put(f"actions/persons/{bot.id}/assign", {"task_ids": review.task_ids})

    def open_as_bot() -> KitsuEndpoint:
        return connect(zou, review, email=bot.email, password=bot.password, event_log=False)

    checked = open_as_bot()
    checked.snapshot()
    assert checked.authorship().startswith("attribution: the account"), checked.authorship()
    assert "user" in checked.authorship()

    def open_trusting_the_global_role() -> KitsuEndpoint:
        endpoint = open_as_bot()
        endpoint.snapshot()
        # as if its project role and the people's e-mails had been read as a manager's
        endpoint._authors = Authorship(role="manager", persons={jane.email.casefold(): jane.id})
        return endpoint

    rig = Rig(open_trusting_the_global_role, tmp_path)
    rig.run()
    rig.write("Tighten the arc.", Person(jane.email, "Jane Artist"))
    result = rig.run()
    assert result.counts["create_note"] == 1 and "failed" not in result.counts
    (comment,) = comments(admin, review)
    assert comment["person_id"] == bot.id, "Zou ignored person_id for this account"
    assert comment["text"] == f"[by Jane Artist <{jane.email}>] Tighten the arc."
    assert rig.kitsu is not None and "Zou ignored the author" in rig.kitsu.authorship()
    assert dict(rig.run().counts) == {}
    assert len(comments(admin, review)) == 1


class Killed(BaseException):
    """The process dying at this point (a BaseException: nothing catches it)."""


def test_a_run_killed_before_the_header_comes_off_leaves_a_comment_by_its_author(
    zou: Any, gazu_client: Any, tmp_path: Path
) -> None:
    admin = ZouRest(gazu_client)
    review = build_review(gazu_client, shots=1, comments_per_shot=0, with_png_preview=False)
    jane = make_person(zou, admin, project_id=review.project_id)
    cut_short = True

    def open_kitsu() -> KitsuEndpoint:
        endpoint = connect(zou, review)
        if cut_short:

            def killed(comment: dict[str, Any], text: str) -> dict[str, Any]:
                raise Killed

            endpoint._retext = killed  # type: ignore[method-assign]
        return endpoint

    rig = Rig(open_kitsu, tmp_path)
    rig.run()
    rig.write("Tighten the arc.", Person(jane.email, "Jane Artist"))
    with pytest.raises(Killed):
        rig.run()
    # the first comment went with both the author and a header saying who wrote it
    (comment,) = comments(admin, review)
    assert comment["person_id"] == jane.id
    assert comment["text"] == f"[by Jane Artist <{jane.email}>] Tighten the arc."
    note = next(n for n in connect(zou, review).snapshot().notes if n.id == comment["id"])
    assert note.author is not None and note.author.email == jane.email
    assert note.text == "Tighten the arc."

    cut_short = False
    again = rig.run()
    assert "create_note" not in again.counts, "the comment that landed is not written twice"
    assert len(comments(admin, review)) == 1
    # once Zou has kept an author, comments go without the header
    rig.write("Soften the key.", Person(jane.email, "Jane Artist"))
    rig.write("Warmer fill.", Person(jane.email, "Jane Artist"))
    assert rig.run().counts["create_note"] == 2
    texts = {c["text"]: c["person_id"] for c in comments(admin, review)}
    assert texts["Soften the key."] == jane.id and texts["Warmer fill."] == jane.id
    assert dict(rig.run().counts) == {}
