"""Every YAML block a user may copy from the docs loads: what the docs show is what syncd reads.

Full configurations (with ``systems:`` and ``mappings:``) go through ``load_config`` as they are.
Fragments (a ``service:`` block, a ``state:`` line) are completed with a minimal configuration
around them, so they are parsed and checked by the same loader against their part of the schema.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from syncd.config import load_config
from syncd.config.env import REFERENCE
from syncd.config.schema import ROOT

ROOT_DIR = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```yaml[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
AROUND = {
    "systems": "systems:\n  doc_a: {type: file, path: ./a}\n  doc_b: {type: file, path: ./b}\n",
    "mappings": "mappings:\n  - {name: doc-check, endpoints: {doc_a: {review: r}, "
    "doc_b: {review: r}}}\n",
}


def blocks() -> list[tuple[str, str]]:
    found = []
    for doc in [ROOT_DIR / "README.md", *sorted((ROOT_DIR / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text[: match.start()].count("\n") + 2
            found.append((f"{doc.relative_to(ROOT_DIR)}:{line}", match.group(1)))
    for example in sorted((ROOT_DIR / "config").glob("*.yaml")):
        found.append((str(example.relative_to(ROOT_DIR)), example.read_text(encoding="utf-8")))
    return found


def dummy_env(text: str) -> dict[str, str]:
    return {m.group(2): f"dummy-{m.group(2).lower()}" for m in REFERENCE.finditer(text)}


def test_the_docs_have_yaml_blocks() -> None:
    places = [place for place, _ in blocks()]
    assert any(p.startswith("README.md") for p in places)
    assert any(p.startswith("docs/") for p in places)
    assert any(p.startswith("config/") for p in places)


@pytest.mark.parametrize(("place", "text"), blocks(), ids=[p for p, _ in blocks()])
def test_every_yaml_block_loads(place: str, text: str, tmp_path: Path) -> None:
    keys = set(yaml.safe_load(_placeholders(text)) or {})
    unknown = keys - set(ROOT["properties"])
    assert not unknown, f"{place}: top-level keys {unknown} are not configuration keys"
    completed = text + "".join(AROUND[k] for k in ("systems", "mappings") if k not in keys)
    if "systems" in keys and "mappings" not in keys:  # a systems fragment: give it a mapping
        completed = text.rstrip("\n") + "\n" + AROUND["systems"].removeprefix("systems:\n")
        completed += AROUND["mappings"]
    path = tmp_path / "syncd.yaml"
    path.write_text(completed, encoding="utf-8")
    config = load_config(path, env=dummy_env(text))
    if {"systems", "mappings"} <= keys:  # a full configuration: every mapping and system read
        assert config.mappings and config.systems


def _placeholders(text: str) -> str:
    """The block's text with each reference quoted, enough to read its top-level keys."""
    return REFERENCE.sub("x", text)
