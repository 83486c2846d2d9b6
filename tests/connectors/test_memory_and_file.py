"""The contract on the in-memory and file connectors, and what people do to review files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from syncd.connectors.base import Endpoint
from syncd.connectors.file.endpoint import FileEndpoint
from syncd.connectors.memory.endpoint import MemoryEndpoint, MemoryReview
from syncd.core.model import NewNote
from syncd.errors import FatalError
from tests.connectors.contract import EndpointContract


class TestMemoryContract(EndpointContract):
    @pytest.fixture
    def endpoint(self, tmp_path: Path) -> Endpoint:
        return MemoryEndpoint("mem", MemoryReview("r"))


class TestFileContract(EndpointContract):
    @pytest.fixture
    def endpoint(self, tmp_path: Path) -> Endpoint:
        return FileEndpoint("file", tmp_path / "reviews", "dailies")


def test_hand_written_items_and_notes_get_stable_ids(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    path = folder / "dailies.yaml"
    path.write_text(
        "items:\n"
        "  - name: sh010\n"
        "    notes:\n"
        "      - text: hand written\n"
        "        author: Dana <dana@studio.example>\n"
        "        replies:\n"
        "          - text: and a reply\n"
    )
    endpoint = FileEndpoint("file", folder, "dailies")
    first = endpoint.snapshot()
    second = endpoint.snapshot()
    assert first == second
    note, reply = first.notes
    assert reply.parent == note.id
    assert note.author is not None and note.author.email == "dana@studio.example"
    saved = yaml.safe_load(path.read_text())
    assert saved["items"][0]["id"] == first.items[0].id


def test_plan_mode_never_touches_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    path = folder / "dailies.yaml"
    path.write_text("items:\n  - name: sh010\n")
    endpoint = FileEndpoint("file", folder, "dailies")
    endpoint.dry_run = True
    endpoint.snapshot()
    assert path.read_text() == "items:\n  - name: sh010\n"


def test_broken_file_is_a_clear_error_not_an_empty_review(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "dailies.yaml").write_text("items:\n  - name: [sh010\n")
    with pytest.raises(FatalError, match=r"dailies.yaml:\d+: not valid YAML"):
        FileEndpoint("file", folder, "dailies").snapshot()


def test_writes_are_atomic_and_keep_what_people_wrote(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    path = folder / "dailies.yaml"
    path.write_text("review: dailies\ncustom: kept\nitems:\n  - name: sh010\n    extra: 1\n")
    endpoint = FileEndpoint("file", folder, "dailies")
    item = endpoint.snapshot().items[0]
    endpoint.create_note(NewNote(item=item.id, text="hello", link="n-1"))
    saved = yaml.safe_load(path.read_text())
    assert saved["custom"] == "kept" and saved["items"][0]["extra"] == 1
    assert [p.name for p in folder.iterdir() if p.name.startswith(".syncd-")] == []
