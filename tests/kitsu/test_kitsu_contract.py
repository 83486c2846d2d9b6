"""The connector contract on a real Zou: Kitsu, the fullest connector, runs it like every other.

Each test gets a fresh playlist whose shots exist in the project but are not in the playlist
yet (Kitsu adds existing shots to a playlist; it does not create them). Kitsu re-encodes the
pictures it is sent, so a preview comes back as the same picture, not the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from syncd.connectors.base import Endpoint
from tests.connectors.contract import EndpointContract
from tests.kitsu.builders import ZouRest, build_review, make_png
from tests.kitsu.helpers import connect

pytestmark = pytest.mark.zou


class TestKitsuContract(EndpointContract):
    media_kept_as_sent = False
    picture = make_png(64, 36)

    @pytest.fixture
    def endpoint(self, zou: Any, gazu_client: Any) -> Iterator[Endpoint]:
        review = build_review(gazu_client, shots=3, comments_per_shot=0, with_png_preview=False)
        ZouRest(gazu_client).put(f"/data/playlists/{review.playlist_id}", {"shots": []})
        self.names = (review.shot_names[0], review.shot_names[1], review.shot_names[2])
        endpoint = connect(zou, review)
        try:
            yield endpoint
        finally:
            endpoint.close()
