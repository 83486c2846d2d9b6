"""The systems under test as the end-to-end tests see them: what to configure, how to play a
user there, and what each one holds, in plain terms (note texts, threads, statuses, order).

Each side reads the system directly (the stand-ins' stores, Zou's REST API), never through
syncd, so a test judges syncd by what the systems really hold.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd.connectors.notetext import parse
from tests.e2e.helpers import all_notes, read_review

REVIEW = "Dailies"


@dataclass
class Thread:
    """What a side holds of the review: note texts (counted) and (parent, reply) pairs."""

    texts: Counter[str] = field(default_factory=Counter)
    replies: set[tuple[str, str]] = field(default_factory=set)
    statuses: dict[str, str | None] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


class FileSide:
    name = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "reviews" / "dailies.yaml"

    def system(self) -> dict[str, Any]:
        return {"type": "file", "path": "./reviews"}

    def endpoint(self) -> dict[str, Any]:
        return {"review": "dailies"}

    def read(self) -> Thread:
        data = read_review(self.path)
        out = Thread()
        for item in data.get("items", []):
            out.order.append(item["name"])
            out.statuses[item["name"]] = item.get("status")

            def visit(notes: list[dict[str, Any]] | None, parent: str | None) -> None:
                for note in notes or []:
                    out.texts[note["text"]] += 1
                    if parent is not None:
                        out.replies.add((parent, note["text"]))
                    visit(note.get("replies"), note["text"])

            visit(item.get("notes"), None)
        return out

    def notes(self) -> list[dict[str, Any]]:
        return all_notes(read_review(self.path))


class SyncSketchSide:
    name = "syncsketch"

    def __init__(self, standin: SyncSketchStandIn, project_id: int, key: str) -> None:
        self.standin = standin
        self.project_id = project_id
        self.key = key

    def system(self, url: str) -> dict[str, Any]:
        return {
            "type": "syncsketch",
            "url": url,
            "username": "syncd",
            "api_key": "${SS_KEY}",
            "retry": {"attempts": 3, "backoff": 0.01},
        }

    def endpoint(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "review": REVIEW, "create": True}

    def items(self) -> list[dict[str, Any]]:
        store = self.standin.store
        reviews = [r for r in store.query("review", {}) if r["name"] == REVIEW]
        return store.review_items(reviews[0]["id"]) if reviews else []

    def read(self) -> Thread:
        out = Thread()
        store = self.standin.store
        for item in self.items():
            out.order.append(item["name"])
            out.statuses[item["name"]] = item.get("approval_status") or None
            frames = store.item_frames(item["id"])
            by_id = {f["id"]: f for f in frames}
            for frame in frames:
                text = parse(frame.get("text") or "")[0]
                if not text:
                    continue
                out.texts[text] += 1
                parent = by_id.get(frame.get("parent_id"))
                if parent is not None:
                    out.replies.add((parse(parent["text"])[0], text))
        return out

    def add_note(self, item_name: str, text: str, reply_to: str | None = None) -> None:
        item = next(i for i in self.items() if i["name"] == item_name)
        parent = None
        if reply_to is not None:
            frames = self.standin.store.item_frames(item["id"])
            parent = next(f["id"] for f in frames if parse(f["text"])[0] == reply_to)
        self.standin.store.add_frame(item["id"], text, frame=0, creator="sam", parent_id=parent)


class ShotGridSide:
    name = "shotgrid"

    def __init__(self, standin: ShotGridStandIn, project_id: int) -> None:
        self.standin = standin
        self.project_id = project_id

    def system(self, url: str) -> dict[str, Any]:
        return {
            "type": "shotgrid",
            "url": url,
            "script_name": "syncd",
            "api_key": "${SG_KEY}",
            "retry": {"attempts": 3, "backoff": 0.01},
        }

    def endpoint(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "playlist": REVIEW, "create": True}

    def versions(self) -> list[dict[str, Any]]:
        store = self.standin.store
        playlists = store.find("Playlist", [["code", "is", REVIEW]], ["id"])
        if not playlists:
            return []
        conns = store.find(
            "PlaylistVersionConnection",
            [["playlist", "is", {"type": "Playlist", "id": playlists[0]["id"]}]],
            ["version", "sg_sort_order"],
            order=[{"field_name": "sg_sort_order", "direction": "asc"}],
        )
        return [store.get("Version", c["version"]["id"], ["code", "sg_status_list"]) for c in conns]

    def read(self) -> Thread:
        out = Thread()
        store = self.standin.store
        for version in self.versions():
            out.order.append(version["code"])
            out.statuses[version["code"]] = version.get("sg_status_list")
            link = {"type": "Version", "id": version["id"]}
            for note in store.find("Note", [["note_links", "in", [link]]], ["content"]):
                text = parse(note["content"])[0]
                out.texts[text] += 1
                replies = store.find(
                    "Reply", [["entity", "is", {"type": "Note", "id": note["id"]}]], ["content"]
                )
                for reply in replies:
                    out.texts[parse(reply["content"])[0]] += 1
                    out.replies.add((text, parse(reply["content"])[0]))
        return out

    def add_note(self, item_name: str, text: str, reply_to: str | None = None) -> None:
        store = self.standin.store
        version = next(v for v in self.versions() if v["code"] == item_name)
        link = {"type": "Version", "id": version["id"]}
        if reply_to is None:
            store.create(
                "Note",
                {
                    "project": {"type": "Project", "id": self.project_id},
                    "subject": item_name,
                    "content": text,
                    "note_links": [link],
                },
            )
            return
        notes = store.find("Note", [["note_links", "in", [link]]], ["content"])
        parent = next(n for n in notes if parse(n["content"])[0] == reply_to)
        store.create("Reply", {"entity": {"type": "Note", "id": parent["id"]}, "content": text})


class KitsuSide:
    name = "kitsu"

    def __init__(self, rest: Any, review: Any, zou: Any) -> None:
        self.rest = rest
        self.review = review
        self.zou = zou

    def system(self, url: str) -> dict[str, Any]:
        return {
            "type": "kitsu",
            "url": url,
            "email": self.zou.admin_email,
            "password": "${KITSU_PASSWORD}",
            "retry": {"attempts": 3, "backoff": 0.01},
        }

    def endpoint(self) -> dict[str, Any]:
        return {
            "project": self.review.project_name,
            "playlist": self.review.playlist_name,
            "task_type": self.review.task_type_name,
        }

    def read(self) -> Thread:
        out = Thread()
        names = dict(zip(self.review.shot_ids, self.review.shot_names, strict=True))
        statuses = {v: k for k, v in self.review.task_status_ids.items()}
        playlist = self.rest.get(f"/data/playlists/{self.review.playlist_id}")
        out.order = [names[s["entity_id"]] for s in playlist["shots"]]
        for shot, task in self.review.task_by_shot.items():
            out.statuses[names[shot]] = statuses.get(
                self.rest.get(f"/data/tasks/{task}")["task_status_id"]
            )
            for comment in self.rest.get(f"/data/tasks/{task}/comments"):
                text = parse(comment.get("text") or "")[0]
                if not text.strip():
                    continue
                out.texts[text] += 1
                for reply in comment.get("replies") or []:
                    reply_text = parse(reply["text"])[0]
                    out.texts[reply_text] += 1
                    out.replies.add((text, reply_text))
        return out

    def add_note(self, item_name: str, text: str, reply_to: str | None = None) -> None:
        shot = self.review.shot_ids[self.review.shot_names.index(item_name)]
        task = self.review.task_by_shot[shot]
        if reply_to is None:
            current = self.rest.get(f"/data/tasks/{task}")["task_status_id"]
            self.rest.post(
                f"/actions/tasks/{task}/comment", {"task_status_id": current, "comment": text}
            )
            return
        comments = self.rest.get(f"/data/tasks/{task}/comments")
        parent = next(c for c in comments if parse(c.get("text") or "")[0] == reply_to)
        self.rest.post(f"/data/tasks/{task}/comments/{parent['id']}/reply", {"text": text})
