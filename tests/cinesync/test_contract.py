"""The connector contract on a cineSync session file."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.connectors.base import Endpoint
from syncd.connectors.cinesync.endpoint import CineSyncEndpoint
from tests.connectors.contract import EndpointContract


class TestCineSyncContract(EndpointContract):
    @pytest.fixture
    def endpoint(self, tmp_path: Path) -> Endpoint:
        return CineSyncEndpoint("cinesync", tmp_path / "sessions", "dailies")
