"""Shared pieces of the Kitsu tests: open the connector on a built review, play a Kitsu user.

``KitsuSide`` is the glue the sync tests use; it knows how to open a fresh connector on a review
and how a person would change things in Kitsu (through gazu's REST session, as someone else than
syncd would), so the same scenarios can later drive the ``syncd`` command with a config file.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from syncd.connectors.kitsu import open_endpoint as open_kitsu_endpoint
from syncd.connectors.kitsu.endpoint import KitsuEndpoint
from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.model import Item, Snapshot
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime, RunResult
from tests.kitsu.builders import ReviewFixture, ZouRest
from tests.support.zou import ZouServer

# Extra accounts get example.com addresses; Zou would look their domain up in DNS, which test
# machines may not have. ZouServer passes the environment on to Zou (set before the session
# fixture starts it, since test modules are imported first).
os.environ.setdefault("MAIL_CHECK_DELIVERABILITY", "false")


def selector(review: ReviewFixture) -> dict[str, str]:
    return {
        "project": review.project_name,
        "playlist": review.playlist_name,
        "task_type": review.task_type_name,
    }


def system(zou: ZouServer, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "type": "kitsu",
        "url": zou.url,
        "email": zou.admin_email,
        "password": zou.admin_password,
    }
    settings.update(overrides)
    return settings


def connect(zou: ZouServer, review: ReviewFixture, **overrides: Any) -> KitsuEndpoint:
    endpoint = open_kitsu_endpoint("kitsu", system(zou, **overrides), selector(review))
    assert isinstance(endpoint, KitsuEndpoint)
    return endpoint


def same_item(a: Item, b: Item) -> bool:
    """Equal but for ``modified``, a best-effort stamp (the task's last comment date)."""
    return replace(a, modified=None) == replace(b, modified=None)


def new_second() -> None:
    """Wait for the next wall-clock second, so events land after the cursor's second."""
    time.sleep(1.02 - (time.time() % 1.0))


@dataclass
class Person:
    id: str
    email: str
    password: str
    rest: ZouRest


def make_person(
    zou: ZouServer, admin: ZouRest, role: str = "user", project_id: str | None = None
) -> Person:
    """A second Kitsu account (another artist, or a syncd account without manager rights)."""
    import requests

    suffix = secrets.token_hex(3)
    email = f"artist-{suffix}@example.com"
    password = "Pw-" + secrets.token_urlsafe(10)
    person = admin.post(
        "data/persons",
        {"first_name": "Artist", "last_name": suffix, "email": email, "role": role},
    )
    admin.post(
        f"actions/persons/{person['id']}/change-password",
        {"password": password, "password_2": password},
    )
    if project_id is not None:
        admin.post(f"data/projects/{project_id}/team", {"person_id": person["id"]})
    token = requests.post(
        f"{zou.url}/auth/login", json={"email": email, "password": password}, timeout=30
    ).json()["access_token"]

    class _Client:
        host = zou.url
        access_token = token

    return Person(person["id"], email, password, ZouRest(_Client()))


class KitsuSide:
    """One review in Kitsu as the sync tests see it: a connector plus a user's hands."""

    def __init__(self, zou: ZouServer, admin: ZouRest, review: ReviewFixture) -> None:
        self.zou = zou
        self.rest = admin
        self.review = review
        self.endpoint = connect(zou, review)

    def reopen(self) -> KitsuEndpoint:
        """A fresh connector, as each ``syncd run --once`` opens one."""
        self.endpoint.close()
        self.endpoint = connect(self.zou, self.review)
        return self.endpoint

    def snapshot(self) -> Snapshot:
        return connect(self.zou, self.review).snapshot()

    def task_of(self, shot_name: str) -> str:
        return self.review.task_by_shot[
            self.review.shot_ids[self.review.shot_names.index(shot_name)]
        ]

    # -- a user's hands ------------------------------------------------------------------------
    def comment(self, shot_name: str, text: str, status: str | None = None) -> dict[str, Any]:
        task = self.task_of(shot_name)
        current = self.rest.get(f"data/tasks/{task}")["task_status_id"]
        status_id = self.review.status_id(status) if status else current
        return self.rest.post(
            f"actions/tasks/{task}/comment", {"task_status_id": status_id, "comment": text}
        )

    def reply(self, shot_name: str, comment_id: str, text: str) -> dict[str, Any]:
        task = self.task_of(shot_name)
        return self.rest.post(f"data/tasks/{task}/comments/{comment_id}/reply", {"text": text})

    def set_status(self, shot_name: str, status: str) -> dict[str, Any]:
        return self.comment(shot_name, "", status)

    def edit(self, comment_id: str, text: str) -> None:
        self.rest.put(f"data/comments/{comment_id}", {"text": text})

    def playlist(self) -> list[dict[str, Any]]:
        review = self.review
        return self.rest.get(f"data/projects/{review.project_id}/playlists/{review.playlist_id}")[
            "shots"
        ]

    def reorder(self, shot_names: list[str]) -> None:
        ids = {sid: n for n, sid in enumerate(self.review.shot_ids)}
        wanted = [self.review.shot_ids[self.review.shot_names.index(n)] for n in shot_names]
        entries = sorted(self.playlist(), key=lambda e: wanted.index(e["entity_id"]))
        assert all(e["entity_id"] in ids for e in entries)
        shots = [
            {"entity_id": e["entity_id"], "preview_file_id": e["preview_file_id"]} for e in entries
        ]
        self.rest.put(f"data/playlists/{self.review.playlist_id}", {"shots": shots})

    def comments(self, shot_name: str) -> list[dict[str, Any]]:
        """The task's comments, newest first, status-only ones included."""
        return self.rest.get(f"data/tasks/{self.task_of(shot_name)}/comments")

    def note_texts(self, shot_name: str) -> list[str]:
        return sorted(c["text"] for c in self.comments(shot_name) if c["text"])


class MemoryRig:
    """A Kitsu side and an in-memory review in one mapping (notes both ways), run by the real
    engine on a state database of its own."""

    def __init__(self, kitsu: KitsuSide, tmp: Path) -> None:
        self.kitsu = kitsu
        self.other = MemoryReview("other")
        self.store = StateStore.open(f"sqlite:///{tmp / 'state.db'}")
        self.media_dir = tmp / "media"

    def run(self) -> RunResult:
        endpoints = {"kitsu": self.kitsu.reopen(), "other": MemoryEndpoint("other", self.other)}
        policy = Policy(
            endpoints=("kitsu", "other"),
            notes=Direction(BOTH),
            capabilities={name: ep.capabilities for name, ep in endpoints.items()},
        )
        rt = MappingRuntime(
            "dailies", endpoints, policy, StatusTable.from_rows([]), media_dir=self.media_dir
        )
        return Engine(self.store).run(rt)
