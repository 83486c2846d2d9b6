"""``python -m syncd_standins.shotgrid``: serve a ShotGrid stand-in until interrupted."""

from __future__ import annotations

from syncd_standins.shotgrid import main

raise SystemExit(main())
