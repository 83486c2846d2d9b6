"""Build realistic review fixtures in a real Zou with gazu (plus raw REST for bulk work).

``build_review`` creates one project with one sequence of N shots, one task per
shot, optional previews (PNG and/or mp4) posted the way Kitsu users post them
(a status comment carrying the preview), K note comments per shot and a
playlist holding every shot in order with its latest preview.

Structural objects go through gazu; the bulk parts (tasks, notes, previews)
use Zou's batch routes and a small thread pool so that a 200 shots x 10 notes
review builds in seconds.
"""

from __future__ import annotations

import functools
import shutil
import struct
import subprocess
import tempfile
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gazu
import requests

__all__ = [
    "ReviewFixture",
    "ZouRest",
    "build_review",
    "make_mp4",
    "make_png",
    "playlist_entries",
    "task_comments",
]


# --------------------------------------------------------------------- media
def make_png(
    width: int = 64, height: int = 36, color: tuple[int, int, int] = (40, 120, 200)
) -> bytes:
    """A small RGB PNG (horizontal gradient on ``color``), built with zlib only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    r, g, b = color
    rows = bytearray()
    for _y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            shade = (x * 255) // max(width - 1, 1)
            rows += bytes(((r + shade) % 256, g, (b + 255 - shade) % 256))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def make_mp4(
    path: str | Path, *, seconds: float = 1.0, fps: int = 24, size: str = "320x180"
) -> Path:
    """Encode a short H.264 test movie with ffmpeg.

    It gets an audio track and no B-frames: Zou marks a silent movie with
    B-frames as ``broken`` with Debian's ffmpeg 5.1.
    """
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is needed for movie previews; run scripts/install-zou.sh")
    path = Path(path)
    cmd = [
        ffmpeg,
        "-y",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=size={size}:rate={fps}:duration={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"anullsrc=r=48000:cl=stereo:d={seconds}",
        "-shortest",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-bf",
        "0",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        str(path),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return path


@functools.cache
def _cached_mp4() -> bytes:
    with tempfile.TemporaryDirectory(prefix="syncd-mp4-") as tmp:
        return make_mp4(Path(tmp) / "preview.mp4").read_bytes()


# ---------------------------------------------------------------------- REST
class ZouRest:
    """Thin thread-safe REST helper sharing a gazu client's host and token."""

    def __init__(self, gazu_client: Any) -> None:
        self.base = gazu_client.host.rstrip("/")
        token = gazu_client.access_token
        if not token:
            raise ValueError("the gazu client is not logged in")
        self.headers = {"Authorization": f"Bearer {token}"}
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        sess = getattr(self._local, "session", None)
        if sess is None:
            sess = self._local.session = requests.Session()
            sess.headers.update(self.headers)
        return sess

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", 300)
        resp = self.session.request(method, f"{self.base}/{path.lstrip('/')}", **kwargs)
        if resp.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> HTTP {resp.status_code}: {resp.text[:500]}")
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any) -> Any:
        return self.request("PUT", path, json=json)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def upload_preview(self, preview_file_id: str, filename: str, content: bytes) -> Any:
        """Upload a preview's file; ``no_job`` makes Zou build its variants in the request."""
        return self.request(
            "POST",
            f"pictures/preview-files/{preview_file_id}",
            params={"no_job": "true"},
            files={"file": (filename, content)},
        )


def _parallel(fn: Callable[[Any], Any], items: Iterable[Any], workers: int) -> list[Any]:
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


# ------------------------------------------------------------------- fixture
@dataclass
class ReviewFixture:
    project_id: str
    project_name: str
    sequence_id: str
    sequence_name: str
    task_type_id: str
    task_type_name: str
    shot_ids: list[str]
    shot_names: list[str]
    task_ids: list[str]
    """One task per shot, aligned with ``shot_ids``."""
    playlist_id: str
    playlist_name: str
    task_status_ids: dict[str, str]
    """Every task status of the server by ``short_name`` (``wip``, ``wfa``, ``retake``...)."""
    person_id: str
    """The logged-in user who wrote everything."""
    preview_file_ids: dict[str, list[str]] = field(default_factory=dict)
    """Per shot id, its preview files oldest first (PNG revision, then movie revision)."""
    preview_comment_ids: dict[str, list[str]] = field(default_factory=dict)
    """Per shot id, the status comments that carry the previews (aligned with preview_file_ids)."""
    comment_ids: dict[str, list[str]] = field(default_factory=dict)
    """Per task id, the note comments, in creation order (without the preview comments)."""
    playlist_preview_file_ids: list[str | None] = field(default_factory=list)
    """Per playlist entry (= per shot, in order), the preview it shows."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each build step."""

    @property
    def task_by_shot(self) -> dict[str, str]:
        return dict(zip(self.shot_ids, self.task_ids, strict=True))

    def status_id(self, short_name: str) -> str:
        return self.task_status_ids[short_name]


def _get_or_create_task_type(gazu_client: Any, rest: ZouRest, name: str) -> dict:
    task_type = gazu.task.get_task_type_by_name(name, client=gazu_client)
    if task_type is None:
        task_type = rest.post("data/task-types", {"name": name, "for_entity": "Shot"})
    return task_type


def build_review(
    gazu_client: Any,
    *,
    project: str | None = None,
    sequence: str = "SQ010",
    shots: int = 3,
    task_type: str = "Animation",
    comments_per_shot: int = 2,
    with_png_preview: bool = True,
    with_movie_preview: bool = False,
    preview_status: str = "wfa",
    comment_status: str = "wfa",
    playlist: str | None = None,
    comment_text: Callable[[str, int], str] | None = None,
    fast_notes: bool | None = None,
    workers: int = 4,
) -> ReviewFixture:
    """Create a whole review in Zou and describe it.

    ``project`` must be unique on the server (default: a random name). Each
    shot gets one task of ``task_type``; with previews, a ``preview_status``
    comment per preview file (PNG then mp4, one revision each); then
    ``comments_per_shot`` notes carrying ``comment_status`` with the text
    ``comment_text(shot_name, index)``. The playlist lists every shot in order
    with its latest preview.

    ``fast_notes`` (default: automatic, above 200 notes when they keep the
    task status) stores notes through the plain comments collection: they
    show in the task's comments and emit ``comment:new`` like any other, but
    create no news/notifications.
    """
    rest = ZouRest(gazu_client)
    timings: dict[str, float] = {}
    clock = [time.monotonic()]

    def mark(step: str) -> None:
        now = time.monotonic()
        timings[step] = round(now - clock[0], 3)
        clock[0] = now

    suffix = uuid.uuid4().hex[:6]
    project_name = project or f"syncd review {suffix}"
    playlist_name = playlist or f"{project_name} dailies"
    comment_text = comment_text or (lambda shot_name, i: f"{shot_name}: note {i + 1}")

    me = gazu.client.get_current_user(client=gazu_client)
    statuses = {s["short_name"]: s["id"] for s in rest.get("data/task-status")}
    for short in (preview_status, comment_status):
        if short not in statuses:
            raise ValueError(f"unknown task status {short!r}; known: {sorted(statuses)}")

    if gazu.project.get_project_by_name(project_name, client=gazu_client) is not None:
        raise ValueError(f"a project named {project_name!r} already exists")
    proj = gazu.project.new_project(project_name, production_type="short", client=gazu_client)
    ttype = _get_or_create_task_type(gazu_client, rest, task_type)
    gazu.project.add_task_type(proj, ttype, 1, client=gazu_client)
    seq = gazu.shot.new_sequence(proj, sequence, client=gazu_client)

    shot_names = [f"SH{(i + 1) * 10:04d}" for i in range(shots)]

    def create_shot(name: str) -> dict:
        return rest.post(
            f"data/projects/{proj['id']}/shots",
            {"name": name, "sequence_id": seq["id"], "nb_frames": 48, "data": {}},
        )

    mark("project")
    shot_list = _parallel(create_shot, shot_names, workers)
    shot_ids = [s["id"] for s in shot_list]
    mark("shots")

    tasks = (
        rest.post(
            f"actions/projects/{proj['id']}/task-types/{ttype['id']}/shots/create-tasks", shot_ids
        )
        if shot_ids
        else []
    )
    task_of_shot = {t["entity_id"]: t["id"] for t in tasks}
    task_ids = [task_of_shot[sid] for sid in shot_ids]
    mark("tasks")

    fixture = ReviewFixture(
        project_id=proj["id"],
        project_name=proj["name"],
        sequence_id=seq["id"],
        sequence_name=seq["name"],
        task_type_id=ttype["id"],
        task_type_name=ttype["name"],
        shot_ids=shot_ids,
        shot_names=shot_names,
        task_ids=task_ids,
        playlist_id="",
        playlist_name=playlist_name,
        task_status_ids=statuses,
        person_id=me["id"],
        timings=timings,
    )

    # Previews: one status comment per preview file, posted like Kitsu does.
    kinds: list[str] = []
    if with_png_preview:
        kinds.append("png")
    if with_movie_preview:
        kinds.append("mp4")
    movie = _cached_mp4() if with_movie_preview else b""

    def post_previews(index: int) -> tuple[list[str], list[str]]:
        shot_name, task_id = shot_names[index], task_ids[index]
        preview_ids, comment_ids = [], []
        for kind in kinds:
            comment = rest.post(
                f"actions/tasks/{task_id}/comment",
                {
                    "task_status_id": statuses[preview_status],
                    "comment": f"{shot_name}: {kind} for review",
                },
            )
            preview = rest.post(f"actions/tasks/{task_id}/comments/{comment['id']}/add-preview", {})
            if kind == "png":
                content = make_png(color=((index * 37) % 256, (index * 91) % 256, 128))
                rest.upload_preview(preview["id"], f"{shot_name}.png", content)
            else:
                rest.upload_preview(preview["id"], f"{shot_name}.mp4", movie)
            preview_ids.append(preview["id"])
            comment_ids.append(comment["id"])
        return preview_ids, comment_ids

    if kinds:
        for sid, (pids, cids) in zip(
            shot_ids, _parallel(post_previews, range(len(shot_ids)), workers), strict=True
        ):
            fixture.preview_file_ids[sid] = pids
            fixture.preview_comment_ids[sid] = cids

    mark("previews")

    # Notes, in rounds so that the creation order (and created_at) follows
    # the note index on every task.
    #  * normal path: Zou's comment-many route, which does everything a
    #    comment posted in Kitsu does (status change, news, notifications);
    #  * fast path (~3x faster): the plain comments collection, which stores
    #    the comment and emits ``comment:new`` but leaves the task alone. It
    #    is only taken when the notes do not change the tasks' status.
    current_status = (
        statuses[preview_status] if kinds else (tasks[0]["task_status_id"] if tasks else None)
    )
    total_notes = len(task_ids) * comments_per_shot
    if fast_notes is None:
        fast_notes = total_notes > 200 and statuses[comment_status] == current_status
    fixture.comment_ids = {tid: [] for tid in task_ids}
    for k in range(comments_per_shot):
        if fast_notes:

            def post_note(pair: tuple[str, str], k: int = k) -> dict:
                tid, name = pair
                return rest.post(
                    "data/comments",
                    {
                        "object_id": tid,
                        "object_type": "Task",
                        "task_status_id": statuses[comment_status],
                        "person_id": me["id"],
                        "text": comment_text(name, k),
                    },
                )

            created = _parallel(post_note, zip(task_ids, shot_names, strict=True), workers)
        else:
            batch = [
                {
                    "object_id": tid,
                    "task_status_id": statuses[comment_status],
                    "comment": comment_text(name, k),
                }
                for tid, name in zip(task_ids, shot_names, strict=True)
            ]
            created = []
            chunks = [batch[i : i + 50] for i in range(0, len(batch), 50)]
            for part in _parallel(
                lambda chunk: rest.post(f"actions/projects/{proj['id']}/tasks/comment-many", chunk),
                chunks,
                workers,
            ):
                created.extend(part)
        for comment in created:
            fixture.comment_ids[comment["object_id"]].append(comment["id"])

    mark("comments")

    # Playlist: every shot in order, with its latest preview.
    pl = rest.post(
        "data/playlists",
        {
            "name": playlist_name,
            "project_id": proj["id"],
            "for_entity": "shot",
            "for_client": False,
            "is_for_all": False,
        },
    )
    entries = []
    for sid in shot_ids:
        previews = fixture.preview_file_ids.get(sid) or []
        entry: dict[str, str] = {"entity_id": sid}
        if previews:
            entry["preview_file_id"] = previews[-1]
        entries.append(entry)
    if entries:
        rest.post(f"actions/playlists/{pl['id']}/add-entities", {"entities": entries})
    fixture.playlist_id = pl["id"]
    fixture.playlist_preview_file_ids = [e.get("preview_file_id") for e in entries]
    mark("playlist")
    return fixture


def playlist_entries(gazu_client: Any, fixture: ReviewFixture) -> list[dict]:
    """The playlist's ``shots`` list as Zou returns it (its order is the playlist order)."""
    rest = ZouRest(gazu_client)
    return rest.get(f"data/projects/{fixture.project_id}/playlists/{fixture.playlist_id}")["shots"]


def task_comments(gazu_client: Any, task_id: str) -> Sequence[dict]:
    """``GET /data/tasks/{task}/comments`` (newest first)."""
    return ZouRest(gazu_client).get(f"data/tasks/{task_id}/comments")
