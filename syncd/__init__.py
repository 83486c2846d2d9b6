"""syncd keeps one review alive in several review tools at once."""

from __future__ import annotations

__version__ = "0.1.0"
