"""The transfer runner: bounded concurrency, retries, cleanup of half-made objects, a report."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from syncd.errors import FatalError, RetriableError, SkippableError
from syncd.media.hashing import Digest
from syncd.media.transfer import TransferJob, run_transfers

DIGEST = Digest("ab" * 32, 1000)


class Flaky:
    """A send that fails with the given errors in turn, then succeeds; counts its calls."""

    def __init__(self, *errors: Exception, digest: Digest = DIGEST) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.digest = digest

    def __call__(self) -> Digest:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.digest


def test_no_more_than_concurrency_jobs_run_at_once() -> None:
    lock = threading.Lock()
    running, peak = [0], [0]

    def send() -> Digest:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.03)
        with lock:
            running[0] -= 1
        return DIGEST

    jobs = [TransferJob("kitsu", f"sh{i:03d}", send) for i in range(12)]
    report = run_transfers(jobs, concurrency=3)
    assert peak[0] == 3 and len(report.success) == 12 and not report.errored
    assert report.bytes_moved == 12 * 1000
    assert 0.03 * 4 <= report.seconds < 2  # four waves of three


def test_report_says_what_moved_and_what_failed_and_serialises() -> None:
    cleaned: list[str] = []
    jobs = [
        TransferJob("syncsketch", "sh010", Flaky()),
        TransferJob(
            "shotgrid",
            "sh020",
            Flaky(SkippableError("media 'sh020.mov' has no video stream; not uploaded")),
            cleanup=lambda: cleaned.append("sh020"),
        ),
    ]
    report = run_transfers(jobs, backoff=0)
    [moved] = report.success
    assert (moved.system, moved.item, moved.sha256, moved.bytes, moved.attempts) == (
        "syncsketch",
        "sh010",
        DIGEST.sha256,
        1000,
        1,
    )
    assert moved.seconds >= 0
    [failed] = report.errored
    assert (failed.system, failed.item, failed.attempts, failed.cleaned_up) == (
        "shotgrid",
        "sh020",
        1,  # a bad object is not retried
        True,
    )
    assert failed.error == "media 'sh020.mov' has no video stream; not uploaded"
    assert cleaned == ["sh020"]
    as_json = json.loads(json.dumps(report.to_dict()))
    assert as_json["bytes"] == 1000 and as_json["success"][0]["sha256"] == DIGEST.sha256
    assert as_json["errored"][0]["error"].startswith("media 'sh020.mov'")
    assert as_json["fatal"] is None


def test_transient_failures_are_retried_then_cleaned_up_after_the_last() -> None:
    recovers = Flaky(RetriableError("HTTP 503"), ConnectionResetError("reset by peer"))
    never = Flaky(*(RetriableError("HTTP 503") for _ in range(5)))
    cleanups: list[int] = []
    report = run_transfers(
        [
            TransferJob("kitsu", "sh010", recovers, cleanup=lambda: cleanups.append(1)),
            TransferJob("kitsu", "sh020", never, cleanup=lambda: cleanups.append(2)),
        ],
        attempts=3,
        backoff=0,
    )
    assert recovers.calls == 3 and report.success[0].attempts == 3
    assert never.calls == 3 and report.errored[0].attempts == 3
    assert report.errored[0].error == "HTTP 503" and cleanups == [2]


def test_http_errors_retry_only_when_transient() -> None:
    def http_error(status: int) -> requests.HTTPError:
        response = requests.Response()
        response.status_code = status
        return requests.HTTPError(f"{status} error", response=response)

    gone, busy = Flaky(http_error(404)), Flaky(http_error(429))
    report = run_transfers(
        [TransferJob("s", "gone", gone), TransferJob("s", "busy", busy)], backoff=0
    )
    assert gone.calls == 1 and report.errored[0].error == "HTTPError: 404 error"
    assert busy.calls == 2 and report.success[0].item == "busy"


def test_retry_after_is_honoured_over_the_backoff() -> None:
    flaky = Flaky(RetriableError("slow down", retry_after=0.2))
    started = time.monotonic()
    report = run_transfers([TransferJob("s", "a", flaky)], backoff=10)
    assert 0.2 <= time.monotonic() - started < 5 and report.success[0].attempts == 2


def test_a_failing_cleanup_is_reported_not_raised() -> None:
    def broken_cleanup() -> None:
        raise OSError("no route to host")

    report = run_transfers(
        [TransferJob("s", "a", Flaky(SkippableError("bad")), cleanup=broken_cleanup)]
    )
    [failed] = report.errored
    assert failed.cleaned_up is False and failed.cleanup_error == "OSError: no route to host"


def test_a_fatal_error_stops_the_batch() -> None:
    started: list[str] = []

    def job(name: str, send: Callable[[], Digest]) -> TransferJob:
        def tracked() -> Digest:
            started.append(name)
            return send()

        return TransferJob("kitsu", name, tracked)

    jobs = [job("sh010", Flaky(FatalError("Kitsu refused the credentials")))]
    jobs += [job(f"sh{i:03d}", Flaky()) for i in range(20, 60, 10)]
    report = run_transfers(jobs, concurrency=1, backoff=0)
    assert started == ["sh010"]
    assert [f.error for f in report.errored[1:]] == ["not sent: Kitsu refused the credentials"] * 4
    with pytest.raises(FatalError, match="refused the credentials"):
        report.raise_fatal()
    assert report.to_dict()["fatal"] == "Kitsu refused the credentials"


def test_a_stop_leaves_the_rest_unsent() -> None:
    stop = threading.Event()

    def send() -> Digest:
        stop.set()
        return DIGEST

    report = run_transfers(
        [TransferJob("s", "first", send), TransferJob("s", "second", Flaky())],
        concurrency=1,
        stop=stop,
    )
    assert [m.item for m in report.success] == ["first"]
    assert report.errored[0].error == "not sent: stopped" and report.fatal is None


def test_a_stop_during_a_backoff_gives_up_at_once() -> None:
    stop = threading.Event()
    flaky = Flaky(*(RetriableError("HTTP 503") for _ in range(3)))
    threading.Timer(0.1, stop.set).start()
    started = time.monotonic()
    report = run_transfers([TransferJob("s", "a", flaky)], backoff=20, stop=stop)
    assert time.monotonic() - started < 5 and flaky.calls == 1
    assert report.errored[0].error == "HTTP 503"


def test_unexpected_errors_fail_the_job_without_retry_or_traceback() -> None:
    buggy = Flaky(KeyError("id"))
    report = run_transfers([TransferJob("s", "a", buggy)], backoff=0)
    assert buggy.calls == 1 and report.errored[0].error == "KeyError: 'id'"


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        run_transfers([], concurrency=0)
    assert run_transfers([]).to_dict()["success"] == []
