"""Fixtures for tests that need a SyncSketch server: a fresh stand-in per test."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Iterator
from typing import Any

import pytest
from syncd_standins.syncsketch import SyncSketchStandIn


def _official_client_class() -> Any:
    """``syncsketch.SyncSketchAPI`` from the installed client.

    When ``tests/`` is not a package, pytest imports this directory under the top-level
    name ``syncsketch``, which hides the client of the same name; the client module is then
    loaded from its installed file instead.
    """
    try:
        from syncsketch import SyncSketchAPI

        return SyncSketchAPI
    except ImportError:
        files = importlib.metadata.files("syncsketch") or []
        path = next(f for f in files if str(f).replace("\\", "/") == "syncsketch/syncsketch.py")
        spec = importlib.util.spec_from_file_location("syncsketch_client", path.locate())
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.SyncSketchAPI


@pytest.fixture(scope="session")
def syncsketch_api() -> Any:
    """The official client class, ``SyncSketchAPI(auth, api_key, host=..., ...)``."""
    return _official_client_class()


@pytest.fixture
def syncsketch_standin(tmp_path) -> Iterator[SyncSketchStandIn]:
    """A running stand-in with users alice and bob, seeded faults and media on disk."""
    standin = SyncSketchStandIn(
        users={"alice": "alice-key", "bob": "bob-key"},
        tokens={"alice@example.com": "alice-token"},
        media_dir=tmp_path / "media",
        seed=7,
    )
    with standin:
        yield standin
