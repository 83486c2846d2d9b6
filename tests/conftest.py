from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from syncd import logs

logs.configure("warning" if not os.environ.get("SYNCD_TEST_LOG") else "debug", "console")

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
