"""The run's objects are kept out of the cycle collector's work while it applies, and given
back when the last run side by side ends."""

from __future__ import annotations

import gc

from syncd.sync.collector import frozen


def test_what_lives_is_frozen_until_the_last_run_ends() -> None:
    assert gc.get_freeze_count() == 0
    kept = [[n] for n in range(1000)]
    with frozen():
        assert gc.get_freeze_count() >= len(kept)
        with frozen():  # a second mapping's run, side by side
            pass
        assert gc.get_freeze_count() >= len(kept), "the other run's end thawed this one's"
    assert gc.get_freeze_count() == 0


def test_a_cycle_made_and_dropped_during_the_run_is_still_collected() -> None:
    class Node:
        other: Node

    with frozen():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2


def test_a_failing_run_thaws_too() -> None:
    try:
        with frozen():
            raise RuntimeError("the run failed")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0
