"""The configuration's documentation cannot drift from the schema it describes."""

from __future__ import annotations

from pathlib import Path

import yaml

from syncd.config.reference import reference
from syncd.config.schema import MAPPING
from syncd.connectors import TYPES, spec

ROOT = Path(__file__).resolve().parents[2]


def test_the_reference_page_is_the_schema_written_out() -> None:
    committed = (ROOT / "docs" / "configuration.md").read_text()
    assert committed == reference(), (
        "docs/configuration.md is out of date: run `syncd config reference > docs/configuration.md`"
    )


def test_every_option_is_in_the_reference() -> None:
    page = reference()
    for kind in TYPES:
        found = spec(kind)
        assert f"### `type: {kind}`" in page
        for key in [*found.settings, *found.selector]:
            assert f"| `{key}` |" in page, f"{kind}.{key} is not documented"
    for key in MAPPING["properties"]:
        assert f"| `{key}` |" in page


def test_the_example_configuration_shows_every_real_system_type() -> None:
    example = yaml.safe_load((ROOT / "config" / "example.yaml").read_text())
    shown = {system["type"] for system in example["systems"].values()}
    assert set(TYPES) - {"memory"} <= shown
