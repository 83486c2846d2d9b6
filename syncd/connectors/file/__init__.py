"""Review files (``type: file``): a review as a YAML file a person can read and edit.

Roles: ``endpoint`` (the file to ours and back) and ``review_file`` (reading a file a person
wrote, with errors naming the line).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from syncd.connectors.spec import ConnectorSpec
from syncd.errors import ConfigError

SPEC = ConnectorSpec(
    type="file",
    description="Reviews stored as human-readable YAML files in a folder.",
    settings={
        "path": {
            "type": "string",
            "description": "Folder holding one <review>.yaml per review (relative to the "
            "configuration file).",
            "examples": ["./reviews"],
        },
    },
    required=("path",),
    selector={
        "review": {
            "type": "string",
            "description": "The review's name: the file <path>/<review>.yaml.",
            "examples": ["dailies"],
        },
    },
    selector_required=("review",),
    factory="syncd.connectors.file:open_endpoint",
    example={"path": "./reviews"},
    selector_example={"review": "dailies"},
)


def open_endpoint(name: str, settings: Mapping[str, Any], selector: Mapping[str, Any]) -> Any:
    folder = Path(str(settings["path"])).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            f"systems.{name}.path: {folder} is a file, not a folder; point path: at the folder "
            "that holds (or will hold) the review files"
        )
    from syncd.connectors.file.endpoint import FileEndpoint

    return FileEndpoint(name, folder, str(selector["review"]))
