"""The ``syncd`` command."""

from __future__ import annotations

from syncd.cli.main import main

__all__ = ["main"]
