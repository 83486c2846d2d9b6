"""Kitsu tests use the real Zou started by ``tests/conftest.py`` (``zou``, ``gazu_client``)."""
