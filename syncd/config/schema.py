"""The configuration schema: one source for validation, ``syncd config schema`` and the docs.

Every option has a description and an example; secrets carry ``x-secret: true`` so tools (and
syncd itself) know never to print them. The settings of each system type and the selector of
each endpoint come from that connector's ``SPEC`` (``syncd.connectors.<type>``), and are checked
against it, so errors can name the type's own keys. ``syncd.config.generate`` turns the same
schema into ``config/example.yaml`` and ``docs/configuration.md``.
"""

from __future__ import annotations

from typing import Any

from syncd.connectors import TYPES, spec
from syncd.connectors.spec import secret as _secret

DURATION = {"type": "string", "pattern": r"^\d+(\.\d+)?\s*(s|m|h|d)$", "examples": ["30s", "2m"]}
DIRECTION = {
    "type": ["string", "boolean"],
    "description": "`both` (every way), an endpoint's system name (one-way from it) or `off`.",
    "examples": ["both", "kitsu", "off"],
}
MAPPING = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "endpoints"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
            "description": "Unique name of the mapping.",
            "examples": ["dailies"],
        },
        "schedule": {
            "type": "object",
            "additionalProperties": False,
            "description": "When the service runs this mapping: `every` or `cron`.",
            "properties": {
                "every": DURATION,
                "cron": {"type": "string", "examples": ["*/5 9-20 * * 1-5"]},
                "jitter": DURATION,
            },
        },
        "endpoints": {
            "type": "object",
            "minProperties": 2,
            "description": "Two or more systems (by name) and the review each one selects.",
            "additionalProperties": {"type": "object"},
        },
        "sync": {
            "type": "object",
            "additionalProperties": False,
            "description": "Per aspect: which way changes flow.",
            "properties": {
                "items": DIRECTION,
                "notes": DIRECTION,
                "statuses": DIRECTION,
                "media": DIRECTION,
                "order": DIRECTION,
                "deletes": {
                    "type": ["boolean", "string"],
                    "enum": [True, False, "on", "off"],
                    "description": "Propagate deletions (as tombstones).",
                    "default": "off",
                },
            },
        },
        "conflicts": {
            "type": "string",
            "default": "last-writer",
            "description": "An endpoint name (it wins), `last-writer` or `keep-both`.",
        },
        "statuses": {
            "type": "array",
            "description": "One row per equivalent status; unmapped statuses are reported.",
            "items": {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    ]
                },
            },
            "examples": [[{"kitsu": "wfa", "syncsketch": "for_review"}]],
        },
        "match": {
            "type": "object",
            "description": "Per endpoint, a regex whose `key` group gives the name items match on.",
            "additionalProperties": {"type": "string"},
            "examples": [{"syncsketch": "(?P<key>sh\\d+)"}],
        },
        "max_delete_share": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": 0.5,
            "description": "Refuse a run deleting more than this share of one endpoint's "
            "items and notes (with deletes on); see min_delete_guard.",
        },
        "min_delete_guard": {
            "type": "integer",
            "minimum": 1,
            "default": 2,
            "description": "max_delete_share applies once a run would delete at least this "
            "many objects on one endpoint. The default, 2, lets a single deletion through (in "
            "a review of two notes, removing one is 50% yet plainly deliberate) and guards "
            "everything larger, so deleting 2 of 3 items is refused at 0.5. Raise it to let "
            "small clean-ups through; 1 guards even single deletions.",
            "examples": [2],
        },
        "full_sync_every": {
            "type": "integer",
            "minimum": 1,
            "default": 20,
            "description": "Incremental endpoints re-read all every N runs.",
        },
    },
}

SERVICE = {
    "type": "object",
    "additionalProperties": False,
    "description": "The long-running service (`syncd run` without --once).",
    "properties": {
        "listen": {
            "type": "string",
            "default": "",
            "description": "host:port for /healthz, /metrics, webhooks and the status page; "
            "empty disables it.",
            "examples": ["127.0.0.1:9107"],
        },
        "healthy_within": {
            **DURATION,
            "default": "30m",
            "description": "Unhealthy when a mapping has not succeeded for this.",
        },
        "webhook": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "secret": _secret("HMAC-SHA256 key for X-Syncd-Signature."),
                "token": _secret("Shared token accepted in X-Syncd-Token instead."),
                "replay_window": {**DURATION, "default": "5m"},
            },
        },
        "ui": {
            "type": "object",
            "additionalProperties": False,
            "description": "The read-only status page at / on the listener. It shows names, "
            "notes and thumbnails, so it is off unless a token is set.",
            "properties": {
                "token": _secret(
                    "Token for the status page: `Authorization: Bearer <token>`, or typed once "
                    "into its login form."
                ),
            },
        },
        "lease_seconds": {
            "type": "number",
            "minimum": 5,
            "default": 30,
            "description": "Multi-instance: a mapping's lease on a shared database.",
        },
        "stop_timeout": {
            "type": "number",
            "minimum": 1,
            "default": 30,
            "description": "Seconds a stopping service waits for runs in flight.",
        },
        "workers": {
            "type": "integer",
            "minimum": 1,
            "maximum": 64,
            "default": 4,
            "description": "Mappings that may run at the same time.",
        },
    },
}

SIZE = {"type": "string", "pattern": r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB)$", "examples": ["50GB"]}
MEDIA = {
    "type": "object",
    "additionalProperties": False,
    "default": {},
    "description": "How media (previews, movies, attachments) moves: by content, through a "
    "local cache, each file downloaded once and checked before it is uploaded anywhere.",
    "properties": {
        "cache": {
            "type": "string",
            "description": "Folder of the content-addressed media cache (relative to the "
            "configuration file). Default: the platform's cache folder, e.g. "
            "~/.cache/syncd/media on Linux.",
            "examples": ["/var/cache/syncd/media"],
        },
        "cache_size": {
            **SIZE,
            "default": "50GB",
            "description": "The cache's size cap; the least recently used files go first "
            "(never one a run is using).",
        },
        "concurrency": {
            "type": "integer",
            "minimum": 1,
            "maximum": 32,
            "default": 4,
            "description": "Downloads that run side by side.",
        },
        "attempts": {
            "type": "integer",
            "minimum": 1,
            "maximum": 20,
            "default": 3,
            "description": "Tries of each upload; after the last one, what it half made (an "
            "item, a version, an attachment) is deleted and the object reported.",
        },
    },
}

ROOT: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "syncd configuration",
    "type": "object",
    "additionalProperties": False,
    "required": ["systems", "mappings"],
    "properties": {
        "state": {
            "type": "string",
            "description": "State database URL.",
            "examples": ["sqlite:///var/lib/syncd/state.db", "postgresql+psycopg://syncd@db/syncd"],
        },
        "media_dir": {
            "type": "string",
            "description": "Older name of media.cache (the media cache's folder).",
        },
        "media": MEDIA,
        "systems": {
            "type": "object",
            "description": "Named connections: a type plus its settings.",
            "additionalProperties": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"enum": list(TYPES)}},
            },
        },
        "mappings": {"type": "array", "minItems": 1, "items": MAPPING},
        "service": SERVICE,
    },
}


def system_schema(kind: str) -> dict[str, Any]:
    return spec(kind).system_schema()


def selector_schema(kind: str) -> dict[str, Any]:
    return spec(kind).selector_schema()


def full_schema() -> dict[str, Any]:
    """The JSON Schema for editors: systems as a oneOf over types, with every description."""
    schema = {**ROOT, "properties": {**ROOT["properties"]}}
    schema["properties"]["systems"] = {
        **ROOT["properties"]["systems"],
        "additionalProperties": {"oneOf": [system_schema(kind) for kind in TYPES]},
    }
    return schema


def secret_keys() -> frozenset[str]:
    keys: set[str] = set()
    for kind in TYPES:
        keys |= spec(kind).secrets()
    return frozenset(keys | {"secret", "token"})
