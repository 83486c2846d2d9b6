"""Configuration errors: each message names the file, the line, the key and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncd.config import load_config
from syncd.config.schema import full_schema
from syncd.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
GOOD = """\
systems:
  a: {type: file, path: ./a}
  b: {type: file, path: ./b}
mappings:
  - name: dailies
    endpoints:
      a: {review: dailies}
      b: {review: dailies}
"""
ENV = {
    "KITSU_EMAIL": "k@x",
    "KITSU_PASSWORD": "pw",
    "SYNCSKETCH_USER": "u",
    "SYNCSKETCH_API_KEY": "key",
    "SHOTGRID_API_KEY": "sgkey",
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "syncd.yaml"
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env=env or {})
    return str(info.value)


def test_minimal_config_loads_with_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), env={})
    mapping = config.mapping("dailies")
    assert mapping.sync == {
        "items": "both",
        "notes": "both",
        "statuses": "off",
        "media": "off",
        "order": "off",
    }
    assert mapping.deletes is False
    assert mapping.schedule.every == 300
    assert config.systems["a"].settings["path"] == str((tmp_path / "a").resolve())


def test_example_config_is_valid() -> None:
    config = load_config(ROOT / "config" / "example.yaml", env=ENV)
    assert [m.name for m in config.mappings] == ["dailies", "editorial-notes"]
    assert config.mapping("dailies").schedule.every == 120
    assert config.systems["kitsu"].settings["password"] == "pw"


def test_unknown_key_names_line_and_suggests(tmp_path: Path) -> None:
    text = GOOD.replace("  - name: dailies\n", "  - name: dailies\n    confilcts: a\n")
    message = error_of(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'syncd.yaml'}:6: ")
    assert "mappings[0].confilcts: unknown key (did you mean 'conflicts'?)" in message
    assert "allowed: conflicts, endpoints" in message


def test_unknown_system_setting_is_checked_against_its_type(tmp_path: Path) -> None:
    text = GOOD.replace("a: {type: file, path: ./a}", "a: {type: file, pth: ./a}")
    message = error_of(tmp_path, text)
    assert ":2: systems.a" in message
    assert "missing required key 'path'" in message or "unknown key" in message


def test_unknown_system_type(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("a: {type: file", "a: {type: kitsuu"))
    assert ":2: systems.a.type: value 'kitsuu' is not allowed; use one of:" in message
    assert "kitsu" in message and "syncsketch" in message


def test_missing_environment_variable_is_named(tmp_path: Path) -> None:
    text = GOOD.replace("path: ./a}", 'path: "${REVIEWS_DIR}"}')
    message = error_of(tmp_path, text)
    assert ":2: systems.a.path: environment variable REVIEWS_DIR is not set" in message
    config = load_config(
        write(tmp_path, text.replace("${REVIEWS_DIR}", "${REVIEWS_DIR:-/r}")), env={}
    )
    assert config.systems["a"].settings["path"] == "/r"


def test_secret_values_never_appear_in_errors(tmp_path: Path) -> None:
    text = """\
systems:
  ss: {type: syncsketch, url: http://x, username: u, api_key: 12345}
  b: {type: file, path: ./b}
mappings:
  - name: m
    endpoints: {ss: {project_id: 1, review: r}, b: {review: r}}
"""
    message = error_of(tmp_path, text)
    assert "systems.ss.api_key" in message and "should be of type string" in message
    assert "12345" not in message


def test_status_page_token_is_a_secret_setting(tmp_path: Path) -> None:
    text = GOOD + 'service:\n  listen: 127.0.0.1:9107\n  ui: {token: "${UI}"}\n'
    config = load_config(write(tmp_path, text), env={"UI": "a-long-token"})
    assert config.service["ui"] == {"token": "a-long-token"}
    message = error_of(tmp_path, text.replace("token:", "tokn:"), env={"UI": "x"})
    assert "service.ui.tokn: unknown key (did you mean 'token'?)" in message
    message = error_of(tmp_path, text.replace('"${UI}"', "987654321"))
    assert "service.ui.token" in message and "987654321" not in message


def test_endpoint_must_name_a_system(tmp_path: Path) -> None:
    message = error_of(
        tmp_path, GOOD.replace("      b: {review: dailies}", "      bb: {review: x}")
    )
    assert "mappings[0].endpoints.bb: no system named 'bb' (did you mean 'b'?)" in message


def test_selector_is_checked_against_the_system_type(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("a: {review: dailies}", "a: {reveiw: dailies}"))
    assert "mappings[0].endpoints.a" in message
    assert "missing required key 'review'" in message or "did you mean 'review'" in message


def test_directions_and_conflicts_must_name_endpoints(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + "    sync: {notes: kitsu}\n")
    assert (
        "mappings[0].sync.notes: 'kitsu' is not allowed; use both, off or one of this "
        "mapping's endpoints: a, b" in message
    )
    message = error_of(tmp_path, GOOD + "    conflicts: newest\n")
    assert "mappings[0].conflicts: 'newest' is not allowed" in message


def test_yaml_booleans_are_directions(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, GOOD + "    sync: {notes: off, items: on, deletes: on}\n"), env={}
    )
    mapping = config.mapping("dailies")
    assert (mapping.sync["notes"], mapping.sync["items"], mapping.deletes) == ("off", "both", True)


def test_status_sync_needs_a_table(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + "    sync: {statuses: both}\n")
    assert "statuses are synced but the mapping has no statuses: table" in message


def test_status_rows_name_endpoints(tmp_path: Path) -> None:
    text = GOOD + "    sync: {statuses: both}\n    statuses:\n      - {a: wfa, c: rev}\n"
    message = error_of(tmp_path, text)
    assert "mappings[0].statuses[0].c: 'c' is not an endpoint of this mapping" in message


def test_bad_schedule_and_duplicate_names(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + "    schedule: {every: soon}\n")
    assert (
        "mappings[0].schedule.every: value 'soon' is not in the expected form such as '30s'"
        in message
    )
    message = error_of(tmp_path, GOOD + "    schedule: {cron: '61 * * * *'}\n")
    assert "mappings[0].schedule.cron: not a valid crontab expression" in message
    doubled = GOOD + GOOD.split("mappings:\n")[1]
    assert "'dailies' is used twice" in error_of(tmp_path, doubled)


def test_yaml_syntax_and_missing_file(tmp_path: Path) -> None:
    message = error_of(tmp_path, "systems: [\n")
    assert "not valid YAML" in message
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.yaml")
    assert "duplicate key" in error_of(tmp_path, GOOD + "systems: {}\n")


def test_schema_is_valid_json_schema() -> None:
    from jsonschema import Draft202012Validator

    schema = full_schema()
    Draft202012Validator.check_schema(schema)
    json.dumps(schema)
    assert schema["properties"]["systems"]["additionalProperties"]["oneOf"]
