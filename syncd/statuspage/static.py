"""``syncd status --html FILE``: every page in one self-contained HTML file.

For people who do not run the service, or cannot reach it: the file can be mailed or put on a
share and opened anywhere, offline. Each page is a section with an id; links between pages are
in-file anchors and the stylesheet shows the section the address points at (the overview when
it points at none), so navigating works without any script. Thumbnails are embedded as small
JPEG ``data:`` URIs (``thumbnails=False`` leaves them out, for a smaller file).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from syncd.config import Config
from syncd.state.store import StateStore
from syncd.statuspage.context import PageContext, default_thumbnails, secret_values
from syncd.statuspage.data import mapping_detail, summaries
from syncd.statuspage.html import Markup, el, join
from syncd.statuspage.itempage import item_page
from syncd.statuspage.items import item_detail
from syncd.statuspage.layout import document
from syncd.statuspage.links import StaticLinks, anchor
from syncd.statuspage.pages import mapping_page, overview
from syncd.statuspage.site import scrub
from syncd.statuspage.state import load_state


def render_snapshot(context: PageContext, *, thumbnails: bool = True) -> str:
    links = StaticLinks(context.thumbnails if thumbnails else None)
    now = context.now
    sections: list[Markup] = [
        el("section", overview(summaries(context), links, now), id="overview", class_="page")
    ]
    for mapping in context.mappings:
        state = load_state(context.store, mapping.name)
        detail = mapping_detail(context, mapping.name, state)
        if detail is None:
            continue
        page = mapping_page(detail, links, now)
        sections.append(el("section", page, id=anchor("m", mapping.name), class_="page"))
        for row in detail.items:
            if row.link is None:
                continue
            item = item_detail(context, mapping.name, row.link, state)
            if item is not None:
                body = item_page(item, links, now)
                sections.append(
                    el("section", body, id=anchor("i", mapping.name, row.link), class_="page")
                )
    text = str(document("syncd status", join(sections), now))
    return scrub(text, secret_values(context.config))


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_snapshot(context: PageContext, path: Path, *, thumbnails: bool = True) -> int:
    """Write the file atomically (a reader never sees half of it); its size in bytes."""
    data = render_snapshot(context, thumbnails=thumbnails).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # as any file the user writes, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


def snapshot_of(config: Config, store: StateStore, path: Path) -> int:
    """What ``syncd status --html FILE`` does: every configured mapping, thumbnails inlined."""
    context = PageContext(store, config, list(config.mappings), default_thumbnails(config))
    return write_snapshot(context, path)
