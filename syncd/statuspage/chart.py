"""A small inline SVG of recent runs: duration above the line, writes and failures below.

Inline SVG needs no script, no library and no network, and reads the same in a served page, a
saved file and an e-mail. Each run is one column; hovering it shows the run's figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from syncd.statuspage.data import RunView
from syncd.statuspage.html import Markup, el, join

WIDTH, HEIGHT, GAP = 184, 44, 1
OUTCOME_CLASS = {"ok": "ok", "partial": "warn", "failed": "bad", "refused": "bad"}


def _bar(x: float, y: float, w: float, h: float, cls: str) -> Markup:
    return el("rect", x=f"{x:.1f}", y=f"{y:.1f}", width=f"{w:.1f}", height=f"{h:.1f}", class_=cls)


def sparkline(runs: Sequence[RunView], slots: int = 30) -> Markup:
    """Up to ``slots`` runs, oldest on the left; an empty chart says so."""
    shown = list(runs)[-slots:]
    half = HEIGHT / 2 - 1
    label = f"last {len(shown)} runs: duration above, writes (and failures in red) below"
    parts: list[Markup] = [el("title", label)]
    parts.append(el("line", x1=0, y1=f"{half + 1:.1f}", x2=WIDTH, y2=f"{half + 1:.1f}"))
    if not shown:
        return el(
            "svg",
            parts,
            class_="spark",
            viewBox=f"0 0 {WIDTH} {HEIGHT}",
            role="img",
            aria_label=label,
        )
    width = WIDTH / max(len(shown), 12)  # a short history gets wider columns, not slivers
    longest = max((r.duration or 0.0) for r in shown) or 1.0
    busiest = max(r.writes + r.failures for r in shown) or 1
    for index, run in enumerate(shown):
        x = WIDTH - (len(shown) - index) * width
        seconds = run.duration or 0.0
        up = max(1.0, half * seconds / longest)
        cls = OUTCOME_CLASS.get(run.outcome, "muted")
        writes = half * run.writes / busiest
        failed = half * run.failures / busiest
        tip = (
            f"run {run.id}: {run.outcome}, {seconds:.1f} s, {run.writes} writes, "
            f"{run.failures} failures"
        )
        column = [
            el("title", tip),
            _bar(x, half + 1 - up, width - GAP, up, f"dur {cls}"),
        ]
        if writes:
            column.append(_bar(x, half + 2, width - GAP, writes, "writes"))
        if failed:
            column.append(_bar(x, half + 2 + writes, width - GAP, failed, "bad"))
        parts.append(el("g", column))
    return el(
        "svg",
        join(parts),
        class_="spark",
        viewBox=f"0 0 {WIDTH} {HEIGHT}",
        role="img",
        aria_label=label,
    )
