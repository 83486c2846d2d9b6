"""The page shell, its stylesheet and small formatting helpers shared by every page.

All styling is one inline stylesheet and there is no script, so a page works from a file, an
e-mail or a studio network with no internet, and the served pages can forbid every other source
in their Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from syncd import __version__
from syncd.statuspage.html import Child, Markup, el, join, link

CSS = """
:root{--fg:#1d232a;--muted:#6b7480;--bg:#fff;--panel:#f5f7f9;--line:#dde2e7;
--ok:#1f8a4c;--warn:#b7791f;--bad:#c53030;--accent:#2b6cb0}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ec;--muted:#9aa3ad;--bg:#15191d;
--panel:#1e242a;--line:#323a42;--accent:#63b3ed}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:var(--bg)}
header.top{display:flex;gap:1rem;align-items:baseline;padding:.6rem 1.2rem;
border-bottom:1px solid var(--line);background:var(--panel)}
header.top .brand{font-weight:700}
header.top .asof{margin-left:auto;color:var(--muted);font-size:12px}
main{padding:1rem 1.2rem;max-width:1400px}
h1{font-size:20px;margin:.2rem 0 .8rem}h2{font-size:16px;margin:1.4rem 0 .5rem}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem}
th,td{text-align:left;padding:.35rem .55rem;border-bottom:1px solid var(--line);
vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;
letter-spacing:.03em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:var(--muted)}.small{font-size:12px}
.badge{display:inline-block;padding:0 .45rem;border-radius:9px;font-size:12px;
font-weight:600;border:1px solid currentColor;white-space:nowrap}
.badge.ok{color:var(--ok)}.badge.warn,.badge.stale{color:var(--warn)}
.badge.bad,.badge.failing{color:var(--bad)}.badge.muted{color:var(--muted)}
.crumbs{color:var(--muted);margin-bottom:.3rem}
.sides{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:.8rem}
.side{border:1px solid var(--line);border-radius:6px;padding:.7rem;background:var(--panel)}
.side h3{margin:0 0 .4rem;font-size:15px}
.thumb{display:block;width:240px;max-width:100%;aspect-ratio:16/9;object-fit:cover;
border-radius:4px;background:var(--line)}
.placeholder{display:flex;align-items:center;justify-content:center;color:var(--muted);
font-size:12px}
.note{white-space:pre-wrap;overflow-wrap:anywhere;max-width:42ch}
.reply td:first-child{padding-left:1.6rem}
svg.spark{width:184px;height:44px;display:block}
svg.spark line{stroke:var(--line)}svg.spark .dur.ok{fill:var(--ok)}
svg.spark .dur.warn{fill:var(--warn)}svg.spark .bad{fill:var(--bad)}
svg.spark .writes{fill:var(--accent)}svg.spark .muted{fill:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
form.login{max-width:320px;margin:3rem auto;display:grid;gap:.6rem}
form.login input{font:inherit;padding:.4rem;border:1px solid var(--line);border-radius:4px}
form.login button{font:inherit;padding:.4rem;border-radius:4px;border:0;
background:var(--accent);color:#fff}
.page{display:none}.page:target{display:block}
#overview{display:block}body:has(.page:target) #overview{display:none}
"""

OUTCOME_BADGE = {"ok": "ok", "partial": "warn", "failed": "bad", "refused": "bad"}


def when(value: datetime | None, now: datetime | None = None) -> Markup:
    """``2026-11-22 07:11:02 UTC (5 min ago)``, or a dash."""
    if value is None:
        return el("span", "—", class_="muted")
    stamp = value.strftime("%Y-%m-%d %H:%M:%S UTC")
    if now is None:
        return el("time", stamp, datetime=value.isoformat())
    return join(
        [
            el("time", stamp, datetime=value.isoformat()),
            " ",
            el("span", ago(value, now), class_="muted small"),
        ]
    )


def ago(value: datetime, now: datetime) -> str:
    seconds = (now - value).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        text = f"{seconds:.0f} s"
    elif seconds < 3600:
        text = f"{seconds / 60:.0f} min"
    elif seconds < 86400:
        text = f"{seconds / 3600:.1f} h"
    else:
        text = f"{seconds / 86400:.1f} d"
    return f"(in {text})" if future else f"({text} ago)"


def badge(text: str, kind: str) -> Markup:
    return el("span", text, class_=f"badge {kind}")


def outcome(value: str) -> Markup:
    return badge(value, OUTCOME_BADGE.get(value, "muted"))


def table(headers: Sequence[Child], rows: Sequence[Child], empty: str = "nothing") -> Markup:
    if not rows:
        return el("p", empty, class_="muted")
    head = el("thead", el("tr", [_th(h) for h in headers]))
    return el("table", head, el("tbody", rows))


def _th(header: Child) -> Markup:
    if isinstance(header, str) and header.startswith("#"):
        return el("th", header[1:], class_="num")
    return el("th", header)


def crumbs(*parts: tuple[str, str | None]) -> Markup:
    items: list[Child] = []
    for index, (text, url) in enumerate(parts):
        if index:
            items.append(" / ")
        items.append(link(text, url) if url else el("span", text))
    return el("div", items, class_="crumbs")


def document(title: str, body: Child, generated: datetime) -> Markup:
    """A whole page: no external resource of any kind, not even a favicon."""
    return Markup(
        "<!DOCTYPE html>"
        + el(
            "html",
            el(
                "head",
                el("meta", charset="utf-8"),
                el("meta", name="viewport", content="width=device-width,initial-scale=1"),
                el("meta", name="referrer", content="no-referrer"),
                el("title", title),
                el("link", rel="icon", href="data:,"),
                el("style", Markup(CSS)),
            ),
            el(
                "body",
                el(
                    "header",
                    el("span", "syncd", class_="brand"),
                    el("span", "status", class_="muted"),
                    el(
                        "span",
                        f"as of {generated:%Y-%m-%d %H:%M:%S} UTC · syncd {__version__}",
                        class_="asof",
                    ),
                    class_="top",
                ),
                el("main", body),
            ),
            lang="en",
        )
    )
