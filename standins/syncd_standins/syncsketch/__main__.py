"""``python -m syncd_standins.syncsketch``: serve a SyncSketch stand-in until interrupted."""

from __future__ import annotations

from syncd_standins.syncsketch import main

raise SystemExit(main())
