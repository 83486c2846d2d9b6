"""Adding and removing elements without disturbing the file's indentation.

In an element tree the whitespace between elements lives in ``text`` (before the first child) and
``tail`` (after each element). Inserting or removing a child moves that whitespace the way a person
editing the file by hand would, so the neighbours keep their lines and a new element gets the
indentation of its siblings (or its parent's plus one level when it has none). Newlines are always
``\\n`` here; the writer turns them into the file's own line ending.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET


def whitespace_before(parent: ET.Element, index: int) -> str | None:
    """The text between the previous sibling (or the parent's start tag) and child ``index``."""
    return parent.text if index == 0 else parent[index - 1].tail


def indent_of(parent: ET.Element, index: int, parent_indent: str, unit: str) -> str:
    """The indentation of child ``index``: what its line starts with."""
    space = whitespace_before(parent, index) if len(parent) else None
    if space is not None and "\n" in space and not space.strip():
        return space.rsplit("\n", 1)[1]
    return deeper(parent_indent, unit)


def deeper(indent: str, unit: str) -> str:
    """One level below ``indent``: a tab after tabs, four spaces after spaces, as cineSync does.

    Its older files mix the two (a media at four spaces, its locators at two tabs), so the level
    follows the line it continues; ``unit`` serves at the root.
    """
    if indent.endswith("\t"):
        return indent + "\t"
    if indent.endswith(" "):
        return indent + "    "
    return indent + unit


def insert(
    parent: ET.Element,
    index: int,
    child: ET.Element,
    parent_indent: str,
    unit: str,
    *,
    lay_out: bool = True,
) -> None:
    """Insert ``child`` at ``index`` on a line of its own, indented like its siblings.

    ``lay_out`` lays out the inside of a freshly built ``child``; an element copied from the file
    keeps its own layout.
    """
    count = len(parent)
    index = max(0, min(index, count))
    if count == 0:
        indent = deeper(parent_indent, unit)
        parent.text = "\n" + indent
        child.tail = "\n" + parent_indent
    elif index == count:
        indent = indent_of(parent, count - 1, parent_indent, unit)
        last = parent[count - 1]
        child.tail = last.tail
        last.tail = whitespace_before(parent, count - 1)
    else:
        indent = indent_of(parent, index, parent_indent, unit)
        child.tail = whitespace_before(parent, index)
    parent.insert(index, child)
    if lay_out:
        pretty(child, indent, unit)


def remove(parent: ET.Element, child: ET.Element) -> None:
    """Remove ``child`` with the whitespace before it; what follows keeps its own indentation."""
    index = list(parent).index(child)
    if len(parent) == 1:
        parent.text = None
    elif index == 0:
        parent.text = child.tail
    else:
        parent[index - 1].tail = child.tail
    parent.remove(child)


def pretty(elem: ET.Element, indent: str, unit: str) -> None:
    """Lay out a freshly built element whose start tag is indented by ``indent``.

    Only elements without text are laid out, and ``groupMovie`` stays on one line, as cineSync
    writes it.
    """
    children = list(elem)
    if not children or (elem.text and elem.text.strip()) or elem.tag.endswith("}groupMovie"):
        return
    inner = deeper(indent, unit)
    elem.text = "\n" + inner
    for child in children:
        pretty(child, inner, unit)
        child.tail = "\n" + inner
    children[-1].tail = "\n" + indent
