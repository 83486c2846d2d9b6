"""Requests the Kitsu connector makes per sync cycle on a 200-shot, 2,000-comment playlist.

Starts its own Zou (see tests/support/zou.py; needs scripts/install-zou.sh), builds the review
with the test builders, then counts the HTTP requests of: the first (full) read, a quiet cycle on
the same connector, a quiet cycle in a fresh process (as `syncd run --once` does: login included),
a cycle after 10 new comments on 10 shots, and one after 10 new comments on 2 shots.

    .venv/bin/python benchmarks/kitsu_cycle.py [--shots 200] [--comments-per-shot 10]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gazu

from syncd.connectors.kitsu import open_endpoint as open_kitsu_endpoint
from syncd.connectors.kitsu.endpoint import KitsuEndpoint
from syncd.core.model import Snapshot
from tests.kitsu.builders import ReviewFixture, ZouRest, build_review
from tests.support.zou import ZouServer


def connect(zou: ZouServer, review: ReviewFixture) -> KitsuEndpoint:
    system = {"url": zou.url, "email": zou.admin_email, "password": zou.admin_password}
    selector = {
        "project": review.project_name,
        "playlist": review.playlist_name,
        "task_type": review.task_type_name,
    }
    endpoint = open_kitsu_endpoint("kitsu", system, selector)
    assert isinstance(endpoint, KitsuEndpoint)
    return endpoint


def measure(endpoint: KitsuEndpoint, previous: Snapshot | None) -> tuple[Snapshot, int, float]:
    before = endpoint.request_count()
    started = time.perf_counter()
    snap = endpoint.snapshot(previous)
    return snap, endpoint.request_count() - before, time.perf_counter() - started


def comment_on(rest: ZouRest, review: ReviewFixture) -> Callable[[int, int], None]:
    def post(n: int, shot: int) -> None:
        task = review.task_ids[shot]
        status = rest.get(f"data/tasks/{task}")["task_status_id"]
        rest.post(f"actions/tasks/{task}/comment", {"task_status_id": status, "comment": f"c{n}"})

    return post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=200)
    parser.add_argument("--comments-per-shot", type=int, default=10)
    args = parser.parse_args()

    with ZouServer() as zou:
        client = gazu.client.create_client(zou.url)
        gazu.log_in(zou.admin_email, zou.admin_password, client=client)
        started = time.perf_counter()
        review = build_review(
            client, shots=args.shots, comments_per_shot=args.comments_per_shot, workers=8
        )
        built = time.perf_counter() - started
        rest = ZouRest(client)
        post = comment_on(rest, review)
        rows: list[tuple[str, int, float, str]] = []

        endpoint = connect(zou, review)
        snap, spent, took = measure(endpoint, None)
        rows.append(("first sync (full read, login included)", spent, took, "-"))
        snap, spent, took = measure(endpoint, snap)
        rows.append(("no-op cycle (same connector)", spent, took, "<= 3"))
        fresh = connect(zou, review)
        _, spent, took = measure(fresh, snap)
        rows.append(("no-op cycle (fresh process: login + events)", spent, took, "<= 3"))
        for n in range(10):
            post(n, n)
        snap, spent, took = measure(endpoint, snap)
        rows.append(("after 10 new comments on 10 shots", spent, took, "1 + 10 tasks"))
        for n in range(10):
            post(10 + n, n % 2)
        snap, spent, took = measure(endpoint, snap)
        rows.append(("after 10 new comments on 2 shots", spent, took, "1 + 2 tasks"))
        full = connect(zou, review).snapshot()
        same = [i.id for i in full.items] == [i.id for i in snap.items] and full.notes == snap.notes

        print(
            f"\nKitsu cycle cost: {len(snap.items)} playlist entries, {len(snap.notes)} notes "
            f"(review built in {built:.1f} s)\n"
        )
        print(f"{'cycle':<46} {'requests':>8} {'seconds':>8}  target")
        print("-" * 78)
        for label, count, seconds, target in rows:
            print(f"{label:<46} {count:>8} {seconds:>8.2f}  {target}")
        print(f"\nincremental snapshot equals a full read: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
