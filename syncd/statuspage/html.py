"""HTML that is safe by construction: every value is escaped unless it is already ``Markup``.

The pages are a few headings, tables and lists, so a dozen lines of helper do what a template
engine would, without a dependency, with type checking, and without the classic failure of a
template that forgets a filter: there is no way to put text into a page except through
``escape``. URLs go through ``safe_url`` so that a hostile value (``javascript:…``) from a remote
system can never become a link.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TypeAlias

VOID = frozenset({"br", "hr", "img", "input", "meta", "link"})
_SAFE_SCHEMES = ("http://", "https://")


class Markup(str):
    """Text that is already HTML: what ``el`` and ``escape`` return."""

    __slots__ = ()


Child: TypeAlias = str | int | float | Markup | Iterable["Child"] | None


def escape(value: object) -> Markup:
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def render(child: Child) -> str:
    """A child as HTML: strings escaped, Markup kept, None and False dropped, lists joined."""
    if child is None or child is False:
        return ""
    if isinstance(child, Markup):
        return child
    if isinstance(child, str | int | float):
        return html.escape(str(child), quote=True)
    return "".join(render(c) for c in child)


def _attr_name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def attributes(attrs: dict[str, object]) -> str:
    out = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = _attr_name(key)
        if value is True:
            out.append(f" {name}")
        else:
            out.append(f' {name}="{html.escape(str(value), quote=True)}"')
    return "".join(out)


def el(tag: str, *children: Child, **attrs: object) -> Markup:
    """``el("a", "text", href="/x", class_="c")``: one element, children escaped."""
    opening = f"<{tag}{attributes(attrs)}>"
    if tag in VOID:
        return Markup(opening)
    return Markup(f"{opening}{render(children)}</{tag}>")


def join(parts: Iterable[Child]) -> Markup:
    return Markup("".join(render(p) for p in parts))


def safe_url(url: str | None) -> str | None:
    """The URL when it is one a page may link to: http(s), a path, a fragment or an image.

    Anything else (``javascript:``, ``data:text/html``, a protocol-relative ``//host``) is
    dropped, so an address read from a remote system cannot run code in the page.
    """
    if not url:
        return None
    text = url.strip()
    lowered = text.lower()
    if lowered.startswith(_SAFE_SCHEMES) or lowered.startswith("data:image/jpeg;base64,"):
        return text
    if (text.startswith("/") and not text.startswith("//")) or text.startswith("#"):
        return text if "\\" not in text else None
    return None


def link(text: Child, url: str | None, **attrs: object) -> Markup:
    """An anchor when the URL is safe, else the bare text."""
    href = safe_url(url)
    if href is None:
        return Markup(render(text))
    if href.lower().startswith(_SAFE_SCHEMES):
        attrs.setdefault("rel", "noopener noreferrer")
        attrs.setdefault("target", "_blank")
    return el("a", text, href=href, **attrs)
