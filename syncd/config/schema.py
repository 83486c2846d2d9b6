"""The configuration schema: one source for validation, ``syncd config schema`` and the docs.

Every option has a description and an example; secrets carry ``x-secret: true`` so tools (and
syncd itself) know never to print them. Settings of each system type and the selector of each
endpoint are checked against the schema of that type, so errors can name the type's own keys.
"""

from __future__ import annotations

from typing import Any

DURATION = {"type": "string", "pattern": r"^\d+(\.\d+)?\s*(s|m|h|d)$", "examples": ["30s", "2m"]}
DIRECTION = {
    "type": ["string", "boolean"],
    "description": "`both` (every way), an endpoint's system name (one-way from it) or `off`.",
    "examples": ["both", "kitsu", "off"],
}
RETRY = {
    "type": "object",
    "additionalProperties": False,
    "description": "Retries of transient failures (429, 5xx, timeouts) with exponential backoff.",
    "properties": {
        "attempts": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
        "backoff": {
            "type": "number",
            "minimum": 0,
            "default": 0.5,
            "description": "First wait in seconds; doubles each attempt.",
        },
    },
}


def _secret(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "description": description,
        "x-secret": True,
        "examples": ["${SECRET_FROM_ENV}"],
    }


SYSTEM_TYPES: dict[str, dict[str, Any]] = {
    "file": {
        "description": "Reviews stored as human-readable YAML files in a folder.",
        "required": ["path"],
        "properties": {
            "path": {
                "type": "string",
                "description": "Folder holding one <review>.yaml per review.",
                "examples": ["./reviews"],
            },
        },
    },
    "memory": {
        "description": "An in-process review, for tests.",
        "properties": {},
    },
    "kitsu": {
        "description": "A Kitsu (Zou) server.",
        "required": ["url"],
        "properties": {
            "url": {
                "type": "string",
                "description": "Kitsu URL ending in /api, or a bare Zou URL.",
                "examples": ["https://kitsu.example.com/api"],
            },
            "email": {"type": "string", "examples": ["${KITSU_EMAIL}"]},
            "password": _secret("Password of the Kitsu account syncd uses."),
            "token": _secret("An access token, instead of e-mail and password."),
            "timeout": {"type": "number", "minimum": 1, "default": 60},
            "retry": RETRY,
            "events": {
                "type": "boolean",
                "default": False,
                "description": "Listen to Kitsu's event stream to trigger runs at once.",
            },
            "event_log": {
                "type": "boolean",
                "default": True,
                "description": "Read incrementally from the event log (needs manager rights); "
                "false re-reads the whole playlist every run.",
            },
            "events_url": {
                "type": "string",
                "description": "Event stream URL when it is not the API URL.",
            },
        },
    },
    "syncsketch": {
        "description": "SyncSketch (REST API).",
        "required": ["url", "username", "api_key"],
        "properties": {
            "url": {"type": "string", "examples": ["https://www.syncsketch.com"]},
            "username": {"type": "string", "examples": ["${SYNCSKETCH_USER}"]},
            "api_key": _secret("SyncSketch API key of that user."),
            "timeout": {"type": "number", "minimum": 1, "default": 60},
            "retry": RETRY,
            "concurrency": {
                "type": "integer",
                "minimum": 1,
                "maximum": 32,
                "default": 1,
                "description": "Parallel requests when reading or uploading.",
            },
        },
    },
    "shotgrid": {
        "description": "ShotGrid / Flow Production Tracking, through shotgun_api3.",
        "required": ["url"],
        "properties": {
            "url": {"type": "string", "examples": ["https://studio.shotgrid.autodesk.com"]},
            "script_name": {"type": "string", "examples": ["syncd"]},
            "api_key": _secret("Script key."),
            "login": {"type": "string"},
            "password": _secret("Password when logging in as a person."),
            "timeout": {"type": "number", "minimum": 1, "default": 60},
            "retry": RETRY,
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Field names where a studio's schema differs.",
                "examples": [{"status": "sg_status_list"}],
            },
            "backlog_seconds": {
                "type": "number",
                "minimum": 0,
                "default": 300,
                "description": "How long a missing event id is waited for.",
            },
        },
    },
}

SELECTORS: dict[str, dict[str, Any]] = {
    "file": {
        "required": ["review"],
        "properties": {"review": {"type": "string", "examples": ["dailies"]}},
    },
    "memory": {"properties": {"review": {"type": "string"}}},
    "kitsu": {
        "required": ["project", "playlist", "task_type"],
        "properties": {
            "project": {"type": ["string", "integer"], "examples": ["Big Buck Bunny"]},
            "playlist": {"type": ["string", "integer"], "examples": ["Dailies 2026-11-22"]},
            "task_type": {"type": ["string", "integer"], "examples": ["Animation"]},
        },
    },
    "syncsketch": {
        "required": ["project_id", "review"],
        "properties": {
            "project_id": {"type": "integer", "examples": [123]},
            "review": {"type": ["string", "integer"], "examples": ["Dailies 2026-11-22"]},
            "create": {"type": "boolean", "default": False},
        },
    },
    "shotgrid": {
        "required": ["project_id", "playlist"],
        "properties": {
            "project_id": {"type": "integer", "examples": [70]},
            "playlist": {"type": ["string", "integer"], "examples": ["Dailies 2026-11-22"]},
            "create": {"type": "boolean", "default": False},
        },
    },
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
            "description": "Refuse a run deleting more than this share.",
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
        "media_dir": {"type": "string", "description": "Where downloaded media is cached."},
        "systems": {
            "type": "object",
            "description": "Named connections: a type plus its settings.",
            "additionalProperties": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"enum": sorted(SYSTEM_TYPES)}},
            },
        },
        "mappings": {"type": "array", "minItems": 1, "items": MAPPING},
        "service": SERVICE,
    },
}


def system_schema(kind: str) -> dict[str, Any]:
    spec = SYSTEM_TYPES[kind]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", *spec.get("required", [])],
        "properties": {"type": {"const": kind}, **spec["properties"]},
    }


def selector_schema(kind: str) -> dict[str, Any]:
    spec = SELECTORS[kind]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": spec.get("required", []),
        "properties": spec["properties"],
    }


def full_schema() -> dict[str, Any]:
    """The JSON Schema for editors: systems as a oneOf over types, with every description."""
    schema = {**ROOT, "properties": {**ROOT["properties"]}}
    schema["properties"]["systems"] = {
        **ROOT["properties"]["systems"],
        "additionalProperties": {
            "oneOf": [
                {**system_schema(kind), "description": spec["description"]}
                for kind, spec in SYSTEM_TYPES.items()
            ]
        },
    }
    return schema


def secret_keys() -> frozenset[str]:
    keys = set()
    for spec in SYSTEM_TYPES.values():
        keys |= {k for k, v in spec["properties"].items() if v.get("x-secret")}
    return frozenset(keys | {"secret", "token"})
