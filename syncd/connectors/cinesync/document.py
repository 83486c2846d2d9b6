"""Reading a session file's bytes into an element tree, safely, and keeping its layout.

Session files come from other studios and from e-mail, so they are untrusted: they are parsed
with defusedxml and any DTD is refused outright. cineSync never writes a DTD, and without one no
entity can expand (billion laughs), no external entity can read a local file, and nothing is
fetched from a URL. A second, equally defused parse only serves to say precisely what was refused.

The bytes around the root element (declaration, comments, final newline), the line ending and the
indentation unit are kept, so that writing the tree back reproduces cineSync's own layout.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from syncd.connectors.cinesync.errors import SessionError
from syncd.connectors.cinesync.model import FEATURES, NAMESPACE, VERSION, Session

DECLARATION = b'<?xml version="1.0" encoding="UTF-8" ?>\n'
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding=["']([^"']+)["']""")
_REDO = "save the session again from cineSync, or restore the file from a backup"


@dataclass(eq=False)
class Document:
    """A parsed file: its tree (never changed after parsing) and what is needed to write it back.

    ``prefixes`` maps each namespace the file declared with a prefix (a studio's own extension)
    to that prefix, so that writing keeps it. ``parsed`` is the session as read, the baseline that
    writing compares against to change only what differs.
    """

    raw: bytes
    root: ET.Element
    prolog: bytes = DECLARATION
    epilog: bytes = b"\n"
    newline: str = "\n"
    unit: str = "    "
    source: Path | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    parsed: Session = field(default_factory=Session)


def parse_document(raw: bytes, source: Path | None) -> Document:
    """The checked element tree of a cineSync 3 session file; :class:`SessionError` otherwise."""
    name = str(source) if source is not None else "the session data"
    root, prefixes = _parse(raw, name)
    _check_root(root, name)
    doc = Document(raw=raw, root=root, source=source, unit=_unit(root), prefixes=prefixes)
    _keep_layout(doc)
    return doc


def _parse(raw: bytes, name: str) -> tuple[ET.Element, dict[str, str]]:
    try:
        builder = _Builder()
        return _feed(raw, builder, forbid_dtd=True), builder.prefixes
    except DTDForbidden as exc:
        raise SessionError(f"{name}: refused: {_why_dtd(raw, exc)}") from None
    except (EntitiesForbidden, ExternalReferenceForbidden) as exc:  # pragma: no cover - no DTD
        raise SessionError(f"{name}: refused: it declares entities ({exc})") from None
    except ParseError as exc:
        line, column = exc.position
        raise SessionError(
            f"{name}: not a cineSync session file: not well-formed XML at line {line}, column "
            f"{column + 1} ({_reason(exc)}); the file may be truncated or damaged: {_REDO}"
        ) from None


class _Builder(ET.TreeBuilder):
    """Keeps comments and processing instructions, and notes the namespace prefixes declared."""

    def __init__(self) -> None:
        super().__init__(insert_comments=True, insert_pis=True)
        self.prefixes: dict[str, str] = {}

    def start_ns(self, prefix: str, uri: str) -> None:
        if prefix and uri not in self.prefixes and prefix not in self.prefixes.values():
            self.prefixes[uri] = prefix


def _feed(raw: bytes, builder: ET.TreeBuilder, *, forbid_dtd: bool) -> ET.Element:
    parser = DefusedXMLParser(target=builder, forbid_dtd=forbid_dtd)
    parser.feed(raw)
    return parser.close()


def _why_dtd(raw: bytes, exc: DTDForbidden) -> str:
    """Name what the DTD would have done; cineSync never writes one, whatever it holds."""
    tail = "cineSync never writes one, so this file was not saved by cineSync as it is"
    if exc.sysid:
        return (
            f"its <!DOCTYPE> loads an external DTD from {exc.sysid!r}; syncd fetches nothing a "
            f"session file names ({tail})"
        )
    try:
        _feed(raw, _Builder(), forbid_dtd=False)
    except EntitiesForbidden as inner:
        if inner.sysid:
            return (
                f"it declares the external entity {inner.name!r} ({inner.sysid!r}), which could "
                f"read a local file or fetch a URL ({tail})"
            )
        return (
            f"it declares the entity {inner.name!r}; entity expansion can blow a small file up "
            f"to gigabytes ({tail})"
        )
    except (ExternalReferenceForbidden, ParseError):
        pass
    return f"it has a <!DOCTYPE> declaration, which could expand entities or fetch files ({tail})"


def _reason(exc: ParseError) -> str:
    text = str(exc)
    return text.split(":")[0] if ":" in text else text


def _check_root(root: ET.Element, name: str) -> None:
    expected = f"{{{NAMESPACE}}}session"
    if root.tag != expected:
        namespace, _, local = root.tag.rpartition("}")
        namespace = namespace.lstrip("{") or "no namespace"
        raise SessionError(
            f"{name}: not a cineSync 3 session file: its root element is <{local}> in "
            f"{namespace}, expected <session> in {NAMESPACE}; open it in cineSync 3 and save it "
            f"again, or restore it from a backup"
        )
    version = root.get("version", "")
    if not re.fullmatch(r"\s*[0-9]+\s*", version):
        raise SessionError(
            f"{name}: not a valid cineSync session file: version {version!r} is not a whole "
            f"number; {_REDO}"
        )
    if int(version) > VERSION:
        raise SessionError(
            f"{name}: saved by a newer cineSync (session format version {int(version)}); syncd "
            f"reads and writes version {VERSION} only and will not risk losing what the newer "
            f"version stores: save the session from cineSync 3, or upgrade syncd"
        )
    if int(version) < VERSION:
        raise SessionError(
            f"{name}: session format version {int(version)} predates cineSync 3; open it in "
            f"cineSync 3 and save it again"
        )
    features = root.get("sessionFeatures", "standard")
    if features not in FEATURES:
        raise SessionError(
            f"{name}: declares sessionFeatures={features!r}, which syncd does not know "
            f"(it knows {' and '.join(FEATURES)}); the file was not saved by cineSync 3 as it "
            f"is: {_REDO}"
        )


def _unit(root: ET.Element) -> str:
    """One level of indentation: the indent of the root's first child, as cineSync wrote it."""
    text = root.text or ""
    if len(root) and "\n" in text and not text.strip():
        unit = text.rsplit("\n", 1)[1]
        if unit and not unit.strip(" \t"):
            return unit
    return "    "


def _keep_layout(doc: Document) -> None:
    raw = doc.raw
    declared = _ENCODING.match(raw)
    encoding = declared.group(1).decode("ascii", "replace").lower() if declared else "utf-8"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        encoding = "not utf-8"
    if encoding not in ("utf-8", "utf8"):
        return  # written back as UTF-8 with cineSync's usual declaration
    prolog = _PROLOG.match(raw)
    if prolog is not None and raw[prolog.end() : prolog.end() + 1] == b"<":
        doc.prolog = raw[: prolog.end()]
    body = raw.rstrip()
    doc.epilog = raw[len(body) :]
    first = raw.find(b"\n")
    doc.newline = "\r\n" if first > 0 and raw[first - 1 : first] == b"\r" else "\n"
