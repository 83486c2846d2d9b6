"""Element tree to bytes, the way cineSync writes session files.

ElementTree's own writer would rename the default namespace to ``ns0:``, put a space-less
declaration in single quotes, turn the ``&#x0A;`` cineSync uses for a newline inside notes into a
raw line break and lose the file's CRLF line endings. This writer instead:

- keeps the bytes before and after the root element (declaration, comments, final newline);
- declares the cineSync namespace as the default on ``<session>``, as cineSync does, and the
  prefixes the file declared for other namespaces (a studio's extensions) with it;
- writes attributes in their order in the tree (the file's order, then syncd's additions);
- writes empty elements as ``<name />``;
- writes a newline inside a value as ``&#x0A;`` (``&#x0D;`` for a carriage return), while the
  whitespace that lays out the file is written as is, in the file's own line ending.

So a tree read from a file cineSync saved is written back byte for byte, and an edited tree differs
only where it was edited.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from syncd.connectors.cinesync.text import xml_safe

_XML_NS = "http://www.w3.org/XML/1998/namespace"
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#x0A;", "\r": "&#x0D;"})
_ATTR = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#x0A;",
        "\r": "&#x0D;",
        "\t": "&#x09;",
    }
)


def serialize(
    root: ET.Element,
    prolog: bytes,
    epilog: bytes,
    newline: str,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """The file's bytes: ``prolog``, the root element in UTF-8, ``epilog``.

    ``prefixes`` (namespace to prefix) are declared on the root and used throughout.
    """
    writer = _Writer(newline, dict(prefixes or {}))
    writer.element(root, "", root=True)
    return prolog + "".join(writer.out).encode("utf-8") + epilog


class _Writer:
    def __init__(self, newline: str, prefixes: dict[str, str]) -> None:
        self.out: list[str] = []
        self.newline = newline
        self.prefixes = prefixes

    def element(self, elem: ET.Element, default: str, *, root: bool = False) -> None:
        out = self.out
        if elem.tag is ET.Comment:
            out.append(f"<!--{xml_safe(elem.text or '')}-->")
        elif elem.tag is ET.ProcessingInstruction:
            out.append(f"<?{xml_safe(elem.text or '')}?>")
        else:
            namespace, local = _split(elem.tag)
            attrs: list[tuple[str, str]] = []
            if namespace != default and namespace in self.prefixes:
                local = f"{self.prefixes[namespace]}:{local}"
                namespace = default
            elif namespace != default:
                attrs.append(("xmlns", namespace))
            if root:
                attrs.extend((f"xmlns:{prefix}", uri) for uri, prefix in self.prefixes.items())
            attrs.extend(self.attributes(elem))
            start = local + "".join(f' {k}="{xml_safe(v).translate(_ATTR)}"' for k, v in attrs)
            if not len(elem) and not elem.text:
                out.append(f"<{start} />")
            else:
                out.append(f"<{start}>")
                out.append(self.text(elem.text))
                for child in elem:
                    self.element(child, namespace)
                out.append(f"</{local}>")
        out.append(self.text(elem.tail))

    def attributes(self, elem: ET.Element) -> list[tuple[str, str]]:
        """Attributes by their written names; an undeclared namespace gets a prefix here."""
        local: dict[str, str] = {}
        named: list[tuple[str, str]] = []
        for key, value in elem.attrib.items():
            namespace, name = _split(key)
            if not namespace:
                named.append((name, value))
            elif namespace == _XML_NS:
                named.append((f"xml:{name}", value))
            elif namespace in self.prefixes:
                named.append((f"{self.prefixes[namespace]}:{name}", value))
            else:
                if namespace not in local:
                    taken = set(self.prefixes.values()) | set(local.values())
                    local[namespace] = next(
                        f"ns{k}" for k in range(len(taken) + 1) if f"ns{k}" not in taken
                    )
                named.append((f"{local[namespace]}:{name}", value))
        return [(f"xmlns:{prefix}", uri) for uri, prefix in local.items()] + named

    def text(self, text: str | None) -> str:
        """Layout whitespace as is (in the file's line ending); anything else escaped."""
        if not text:
            return ""
        text = xml_safe(text)
        if not text.strip() and "\n" in text and "\r" not in text:
            return text.replace("\n", self.newline)
        return text.translate(_TEXT)


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag
