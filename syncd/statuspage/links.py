"""How pages point at each other: URLs when served, in-file anchors in a static snapshot.

The page renderers only ever ask a ``Links`` for an address, so the same code renders the
served site and the single-file snapshot of ``syncd status --html``.
"""

from __future__ import annotations

import base64
from typing import Protocol
from urllib.parse import quote

from syncd.statuspage.thumbs import Thumbnails


class Links(Protocol):
    def overview(self) -> str: ...

    def mapping(self, name: str) -> str: ...

    def item(self, mapping: str, link: str) -> str: ...

    def thumbnail(self, key: str | None) -> str | None: ...


class ServedLinks:
    def overview(self) -> str:
        return "/"

    def mapping(self, name: str) -> str:
        return f"/mappings/{quote(name, safe='')}"

    def item(self, mapping: str, link: str) -> str:
        return f"/mappings/{quote(mapping, safe='')}/items/{quote(link, safe='')}"

    def thumbnail(self, key: str | None) -> str | None:
        return f"/thumbs/{key}.jpg" if key else None


def anchor(*parts: str) -> str:
    """An element id made of safe characters only, stable for the same parts."""
    text = "-".join(parts)
    return "".join(c if c.isalnum() or c in "-_." else f"_{ord(c):x}" for c in text)


class StaticLinks:
    """Anchors inside one file; thumbnails inlined as ``data:`` URIs (or left out)."""

    def __init__(self, thumbnails: Thumbnails | None) -> None:
        self.thumbnails = thumbnails

    def overview(self) -> str:
        return "#overview"

    def mapping(self, name: str) -> str:
        return "#" + anchor("m", name)

    def item(self, mapping: str, link: str) -> str:
        return "#" + anchor("i", mapping, link)

    def thumbnail(self, key: str | None) -> str | None:
        if not key or self.thumbnails is None:
            return None
        data = self.thumbnails.jpeg(key)
        return "data:image/jpeg;base64," + base64.b64encode(data).decode() if data else None
