"""Configuration: the schema, and loading a file into checked settings."""

from __future__ import annotations

from syncd.config.loader import Config, MappingConfig, Schedule, SystemConfig, load_config

__all__ = ["Config", "MappingConfig", "Schedule", "SystemConfig", "load_config"]
