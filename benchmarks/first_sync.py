"""A first sync pushed to a SaaS review tool: wall time against the latency floor.

A review of 200 items and 2,000 notes (every fifth a reply, every item with a status) is written
from an in-memory review into an empty SyncSketch review and an empty ShotGrid playlist, each on
its stand-in (served by another process) with latency added to every request, once per
``concurrency`` setting (1 is the serial applier, the baseline; each run starts from an empty
target and a fresh state database).

With ``kitsu`` among the systems (the default, where Zou is installed: scripts/install-zou.sh),
the same review goes to a real Zou started for the run, through a proxy in another process that
adds the latency: a playlist of 200 shots without comments, a new project for each run (Kitsu
makes no shots: syncd adopts the playlist's shots by name and writes their notes and statuses).
Zou answers with ``--zou-workers`` gunicorn workers; ``stand-in ms`` is then Zou's own time
per request (with the proxy's), ``stand-in cpu`` the proxy's.

For each run it prints the wall time, the requests the connector made, requests per object
written, the most writes that were in flight at once, and two ratios measured in the same run:

* ``vs serial``: the serial run's wall time over this one's (how much faster);
* ``stand-in cpu``: the CPU time the stand-in's process spent answering (one Python process,
  whose requests cannot all overlap: where it nears the wall time, the stand-in is the limit);
* ``vs floor``: this run's wall time over its latency floor, the time its requests would take
  if each cost exactly the added latency and ``concurrency`` of them were always in flight
  (``requests x latency / concurrency``; 1.0 is the floor itself);
* ``stand-in ms``: the stand-in's own time per request (from the request read to its answer
  written, the added latency left out): its work, and its waiting for its one interpreter;
* ``vs floor+stand-in``: the wall time over the floor with that time added to each request's
  latency, the most a client could get out of this stand-in;
* ``idle``: the share of the wall time with no request at the stand-in at all (from the
  stand-in's own record of when it was answering): syncd's local work that nothing overlapped
  (planning, the state database, building requests), the rest being the requests themselves.
  Where writes depend on each other (Versions, then their connections, then notes, then
  replies), each step waits for the one before, so with few, large batches the floor above is
  not reachable: what stays is the chain of dependent requests and this idle share;
* ``chain``: the longest run of requests of which each was sent after the one before it was
  answered (from the stand-in's record): the requests that, one after the other, made up the
  wall time, because they depended on each other or the pool was full;
* ``vs chain``: the wall time over that chain's latency (``chain x latency``), the floor of a
  run that has to send its requests in that order: what is above 1.0 is the stand-in's work
  and syncd's between them.

    python benchmarks/first_sync.py [--items 200] [--notes 2000] [--latency 0.05]
                                    [--concurrency 1,4,8] [--systems syncsketch,shotgrid,kitsu]
                                    [--zou-workers 4]
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import resource
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syncd.connectors.base import Endpoint
from syncd.connectors.kitsu import open_endpoint as open_kitsu_endpoint
from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.connectors.shotgrid import open_endpoint as open_shotgrid_endpoint
from syncd.connectors.syncsketch import open_endpoint as open_syncsketch_endpoint
from syncd.core.policy import BOTH, Direction, Policy
from syncd.core.statuses import StatusTable
from syncd.logs import configure
from syncd.state.store import StateStore
from syncd.sync.engine import Engine, MappingRuntime
from tests.support.faultproxy import FaultProxy, Faults

ZOU_HINT = "Zou is not installed here (scripts/install-zou.sh)"

WRITES = ("create_item", "create_note", "create_notes", "set_status", "set_order", "update_note")
SCRIPT, KEY = "bench", "key"


@dataclass
class Figures:
    seconds: float
    requests: int
    objects: int
    peak: int
    failed: int
    server_cpu: float
    """CPU seconds the stand-in's process spent (its own work: one Python process)."""
    served: float
    """Seconds the stand-in spent answering, the added latency left out (all requests)."""
    busy: float
    """Seconds of the run with at least one request at the stand-in (latency included)."""
    chain: int
    """The longest run of requests each sent after the one before it was answered."""


class InFlight:
    """Counts the writes an endpoint has in flight, and the most it ever had at once."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.now = self.peak = 0
        self._lock = threading.Lock()
        for name in WRITES:
            setattr(endpoint, name, self._counted(getattr(endpoint, name)))

    def _counted(self, write: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(write)
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.now += 1
                self.peak = max(self.peak, self.now)
            try:
                return write(*args, **kwargs)
            finally:
                with self._lock:
                    self.now -= 1

        return counted


def source(items: int, notes: int, names: list[str] | None = None) -> MemoryReview:
    """The review to push: ``items`` named ``names`` (or sh0000, sh0001...), ``notes`` on
    them in turn."""
    review = MemoryReview("mem")
    statuses = ("done", "wfa")
    names = names or [f"sh{n:04d}" for n in range(items)]
    ids = [review.add_item(names[n], status=statuses[n % 2]).id for n in range(items)]
    last: dict[str, str] = {}
    for n in range(notes):
        item = ids[n % items]
        parent = last.get(item) if n % 5 == 4 else None
        note = review.add_note(item, f"note {n}: tighten the arc", parent=parent, frame=n % 120 + 1)
        last[item] = note.id
    return review


def _serve(system: str, latency: float, pipe: Connection) -> None:
    """Run a stand-in with an empty review in this (child) process until told to stop."""
    if system == "syncsketch":
        with SyncSketchStandIn(users={SCRIPT: KEY}) as standin:
            project = standin.store.add_project("Benchmark")
            standin.store.add_review(project, "Dailies")
            standin.faults.set(latency=latency)
            pipe.send((standin.url, {"project_id": project, "review": "Dailies"}))
            start, end = pipe.recv()
            served = standin.served
            pipe.send((served.seconds, served.busy(start, end), served.chain(start, end)))
    else:
        with ShotGridStandIn(scripts={SCRIPT: KEY}) as standin:
            project = standin.store.create("Project", {"name": "Benchmark"})
            standin.store.create("Playlist", {"code": "Dailies", "project": project})
            standin.latency = latency
            pipe.send((standin.url, {"project_id": project["id"], "playlist": "Dailies"}))
            start, end = pipe.recv()
            served = standin.served
            pipe.send((served.seconds, served.busy(start, end), served.chain(start, end)))


def _proxy(upstream: str, latency: float, pipe: Connection) -> None:
    """A proxy adding ``latency`` in front of ``upstream``, in this (child) process."""
    with FaultProxy(upstream, faults=Faults(latency=latency)) as proxy:
        pipe.send(proxy.url)
        start, end = pipe.recv()
        served = proxy.served
        pipe.send((served.seconds, served.busy(start, end), served.chain(start, end)))


@dataclass
class Kitsu:
    """A Zou started for the benchmark: each run gets a playlist of its own."""

    zou: Any
    client: Any
    names: list[str] = field(default_factory=list)
    """The shot names of the latest playlist built."""

    def playlist(self, shots: int) -> dict[str, str]:
        from tests.kitsu.builders import build_review

        review = build_review(
            self.client,
            project=f"Bench {uuid.uuid4().hex[:8]}",
            shots=shots,
            comments_per_shot=0,
            with_png_preview=False,
            workers=8,
        )
        self.names = review.shot_names
        return {
            "project": review.project_name,
            "playlist": review.playlist_name,
            "task_type": review.task_type_name,
        }


@contextmanager
def zou_for(systems: list[str], workers: int) -> Iterator[Kitsu | None]:
    if "kitsu" not in systems:
        yield None
        return
    import gazu

    from tests.support.zou import ZouNotInstalledError, ZouServer

    try:
        server = ZouServer(api_workers=workers)
        server.start()
    except ZouNotInstalledError:
        print(f"kitsu: skipped, {ZOU_HINT}")
        yield None
        return
    try:
        client = gazu.client.create_client(server.url)
        gazu.log_in(server.admin_email, server.admin_password, client=client)
        yield Kitsu(server, client)
    finally:
        server.stop()


@dataclass
class Served:
    window: tuple[float, float] = (0.0, 0.0)
    """The run's start and end (``time.perf_counter``), set by the caller."""
    seconds: float = 0.0
    """The stand-in's time answering, known once it stopped."""
    busy: float = 0.0
    """Seconds of ``window`` with at least one request being answered, known once stopped."""
    chain: int = 0
    """The longest run of requests in ``window`` each sent after the one before was answered."""


@contextmanager
def target(
    system: str, latency: float, concurrency: int, kitsu: Kitsu | None, items: int
) -> Iterator[tuple[Endpoint, Served]]:
    """The endpoint syncd opens on a stand-in (or Zou's proxy) served by another process, so
    that the server's work does not share this process's interpreter lock with syncd's."""
    ours, theirs = multiprocessing.Pipe()
    endpoint: Endpoint
    if system == "kitsu":
        assert kitsu is not None
        selector = kitsu.playlist(items)
        server = multiprocessing.Process(
            target=_proxy, args=(kitsu.zou.url, latency, theirs), daemon=True
        )
        server.start()
        settings = {"url": ours.recv(), "email": kitsu.zou.admin_email}
        settings["password"] = kitsu.zou.admin_password
        endpoint = open_kitsu_endpoint("target", {**settings, "concurrency": concurrency}, selector)
    else:
        server = multiprocessing.Process(target=_serve, args=(system, latency, theirs), daemon=True)
        server.start()
        url, selector = ours.recv()
        if system == "syncsketch":
            settings = {"url": url, "username": SCRIPT, "api_key": KEY}
            endpoint = open_syncsketch_endpoint(
                "target", {**settings, "concurrency": concurrency}, selector
            )
        else:
            settings = {"url": url, "script_name": SCRIPT, "api_key": KEY}
            endpoint = open_shotgrid_endpoint(
                "target", {**settings, "concurrency": concurrency}, selector
            )
    served = Served()
    try:
        yield endpoint, served
    finally:
        endpoint.close()
        ours.send(served.window)
        served.seconds, served.busy, served.chain = ours.recv()
        server.join(timeout=30)


STATUSES = {
    "syncsketch": [{"mem": "wfa", "target": "for_review"}, {"mem": "done", "target": "approved"}],
    "shotgrid": [{"mem": "wfa", "target": "rev"}, {"mem": "done", "target": "apr"}],
    "kitsu": [{"mem": "wfa", "target": "wfa"}, {"mem": "done", "target": "done"}],
}


def first_sync(
    system: str, args: argparse.Namespace, concurrency: int, kitsu: Kitsu | None = None
) -> Figures:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with (
        target(system, args.latency, concurrency, kitsu, args.items) as (ep, served),
        tempfile.TemporaryDirectory() as tmp,
    ):
        names = kitsu.names if system == "kitsu" and kitsu is not None else None
        review = source(args.items, args.notes, names)
        state = StateStore.open(f"sqlite:///{Path(tmp) / 'state.db'}")
        endpoints = {"mem": MemoryEndpoint("mem", review), "target": ep}
        rt = MappingRuntime(
            "bench",
            endpoints,
            Policy(
                endpoints=("mem", "target"),
                notes=Direction(BOTH),
                statuses=Direction("mem"),
                order=Direction("mem"),
                capabilities={name: ep.capabilities for name, ep in endpoints.items()},
                # as the runtime sets it: items created side by side where writes are
                side_by_side=frozenset(n for n, e in endpoints.items() if e.write_concurrency > 1),
            ),
            StatusTable.from_rows(STATUSES[system]),
            media_dir=Path(tmp) / "media",
        )
        flights = InFlight(ep)
        before = ep.request_count()
        started = time.perf_counter()
        result = Engine(state).run(rt)
        ended = time.perf_counter()
        seconds = ended - started
        served.window = (started, ended)
        requests = ep.request_count() - before
        state.dispose()
    written = sum(n for kind, n in result.counts.items() if kind != "failed")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the stand-in, joined
    cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    failed = result.counts.get("failed", 0)
    return Figures(
        seconds,
        requests,
        written,
        flights.peak,
        failed,
        cpu,
        served.seconds,
        served.busy,
        served.chain,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--systems", default="syncsketch,shotgrid,kitsu")
    parser.add_argument("--zou-workers", type=int, default=4)
    args = parser.parse_args()
    configure(level="error")
    settings = [int(c) for c in args.concurrency.split(",")]
    if settings[0] != 1:
        settings.insert(0, 1)  # the serial run is the baseline
    print(
        f"first sync: {args.items} items, {args.notes} notes; "
        f"{args.latency * 1000:.0f} ms added to every request"
    )
    systems = args.systems.split(",")
    with zou_for(systems, args.zou_workers) as kitsu:
        for system in systems:
            if system == "kitsu" and kitsu is None:
                continue
            table(system, args, settings, kitsu)


HEADER = (
    f"{'system':<11}{'conc':>5}{'seconds':>9}{'requests':>10}{'req/obj':>9}"
    f"{'peak':>6}{'failed':>7}{'vs serial':>11}{'vs floor':>10}{'stand-in cpu':>14}"
    f"{'stand-in ms':>13}{'vs floor+stand-in':>19}{'idle':>7}{'chain':>7}{'vs chain':>10}"
)


def table(system: str, args: argparse.Namespace, settings: list[int], kitsu: Kitsu | None) -> None:
    """One system's runs, one line per concurrency setting (the first is the baseline)."""
    if system == "kitsu":
        print(f"(kitsu: a real Zou, {args.zou_workers} gunicorn workers, behind a proxy)")
    print(HEADER)
    serial: float | None = None
    for concurrency in settings:
        f = first_sync(system, args, concurrency, kitsu)
        serial = serial or f.seconds
        floor = f.requests * args.latency / concurrency
        served_floor = (f.requests * args.latency + f.served) / concurrency
        chain_floor = f.chain * args.latency
        print(
            f"{system:<11}{concurrency:>5}{f.seconds:>9.1f}{f.requests:>10}"
            f"{f.requests / max(f.objects, 1):>9.2f}{f.peak:>6}{f.failed:>7}"
            f"{serial / f.seconds:>10.1f}x{f.seconds / floor if floor else 0:>9.2f}x"
            f"{f.server_cpu:>13.1f}s{1000 * f.served / max(f.requests, 1):>13.1f}"
            f"{f.seconds / served_floor if served_floor else 0:>18.2f}x"
            f"{(f.seconds - f.busy) / f.seconds:>6.0%}{f.chain:>7}"
            f"{f.seconds / chain_floor if chain_floor else 0:>9.2f}x"
        )


if __name__ == "__main__":
    main()
