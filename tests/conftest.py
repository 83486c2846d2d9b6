"""Session-wide fixtures: logging, hypothesis profiles, and the real Zou server.

``SYNCD_SKIP_ZOU=1`` skips every test that needs Zou; otherwise a missing Zou installation is a
test error (never a silent skip): run ``scripts/install-zou.sh`` first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import gazu
import pytest
from hypothesis import HealthCheck, settings

from syncd import logs
from tests.support.zou import ZouServer

logs.configure("warning" if not os.environ.get("SYNCD_TEST_LOG") else "debug", "console")

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


SKIP_REASON = "SYNCD_SKIP_ZOU=1: real Zou tests skipped on request"


def zou_skipped() -> bool:
    return os.environ.get("SYNCD_SKIP_ZOU", "").strip() == "1"


@pytest.fixture(scope="session")
def zou() -> Iterator[ZouServer]:
    """A running Zou (API + event stream) for the whole test session."""
    if zou_skipped():
        pytest.skip(SKIP_REASON)
    server = ZouServer()
    server.start()  # ZouNotInstalledError / ZouStartError make the tests error out
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def gazu_client(zou: ZouServer) -> Iterator[gazu.client.KitsuClient]:
    """A gazu client logged in as the Zou admin (its own object, not gazu's global one)."""
    client = gazu.client.create_client(zou.url)
    gazu.log_in(zou.admin_email, zou.admin_password, client=client)
    client.event_host = zou.events_url
    try:
        yield client
    finally:
        client.session.close()
