"""``${VAR}`` wherever a user writes it; values from the environment never change the YAML and
never appear in an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.config import load_config
from syncd.errors import ConfigError

ENV = {"SS_USER": "u", "SS_KEY": "s3cr3t-KEY", "HOST": "ss.example", "EVERY": "2m"}
TAIL = """\
  b: {type: file, path: ./b}
mappings:
  - {name: m, endpoints: {ss: {project_id: 1, review: r}, b: {review: r}}}
"""


def load(tmp_path: Path, systems: str, env: dict[str, str] | None = None):
    path = tmp_path / "syncd.yaml"
    path.write_text("systems:\n" + systems + TAIL)
    return load_config(path, env=ENV if env is None else env)


def error(tmp_path: Path, systems: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, systems, env)
    return str(info.value).replace(str(tmp_path / "syncd.yaml"), "FILE")


@pytest.mark.parametrize(
    "systems",
    [
        "  ss: {type: syncsketch, url: 'http://${HOST}', username: ${SS_USER},\n"
        "       api_key: ${SS_KEY}}\n",
        "  ss: {type: syncsketch, url: http://${HOST}, username: ${SS_USER}, api_key: ${SS_KEY}}\n",
        '  ss: {type: syncsketch, url: "http://${HOST}", username: "${SS_USER}", '
        'api_key: "${SS_KEY}"}\n',
        "  ss:\n    type: syncsketch\n    url: http://${HOST}\n    username: ${SS_USER}\n"
        "    api_key: ${SS_KEY}\n",
        "  ss:\n    type: syncsketch\n    url: >-\n      http://${HOST}\n    username: |-\n"
        "      ${SS_USER}\n    api_key: ${SS_KEY}\n",
        "  ss: {type: syncsketch, url: http://${HOST}, username: ${NOBODY:-u},\n"
        "       api_key: ${SS_KEY}}\n",
    ],
    ids=["flow-quoted", "flow-plain", "flow-double-quoted", "block", "block-scalars", "default"],
)
def test_references_work_in_every_context(tmp_path: Path, systems: str) -> None:
    settings = load(tmp_path, systems).systems["ss"].settings
    assert (settings["url"], settings["username"], settings["api_key"]) == (
        "http://ss.example",
        "u",
        "s3cr3t-KEY",
    )


def test_references_in_flow_sequences(tmp_path: Path) -> None:
    path = tmp_path / "syncd.yaml"
    path.write_text(
        "systems:\n  a: {type: file, path: ./a}\n  b: {type: file, path: ./b}\n"
        "mappings:\n  - name: m\n    endpoints: {a: {review: r}, b: {review: r}}\n"
        "    sync: {statuses: both}\n"
        "    statuses: [{a: [${WFA}, pending], b: ${REV:-rev}}]\n"
    )
    mapping = load_config(path, env={"WFA": "wfa"}).mapping("m")
    assert mapping.statuses == [{"a": ["wfa", "pending"], "b": "rev"}]


def test_an_environment_value_never_changes_the_structure(tmp_path: Path) -> None:
    tricky = "x}, evil: {type: file, path: /\n- [a: b] # ${SS_KEY} 'quote\""
    systems = "  ss: {type: syncsketch, url: http://h, username: ${SS_USER}, api_key: ${SS_KEY}}\n"
    config = load(tmp_path, systems, env={**ENV, "SS_USER": tricky})
    assert set(config.systems) == {"ss", "b"}
    assert config.systems["ss"].settings["username"] == tricky
    assert config.systems["ss"].settings["api_key"] == "s3cr3t-KEY"  # not substituted twice


def test_escaped_reference_stays_literal(tmp_path: Path) -> None:
    config = load(
        tmp_path, "  ss: {type: syncsketch, url: http://h, username: $${U}, api_key: k}\n"
    )
    assert config.systems["ss"].settings["username"] == "${U}"


@pytest.mark.parametrize(
    ("systems", "expected"),
    [
        (
            "  ss: {type: syncsketch, url: http://h, username: u, api_key: ${SS_KEY, timeout: 5}\n",
            "FILE:2: ${SS_KEY has no closing }; write ${SS_KEY}",
        ),
        (
            "  ss:\n    type: syncsketch\n    url: http://h\n    username: u\n"
            "    api_key: ${SS_KEY\n",
            "FILE:6: systems.ss.api_key: ${SS_KEY has no closing }; write ${SS_KEY}",
        ),
        (
            "  ss: {type: syncsketch, url: 'http://${HOST-x}', username: u, api_key: k}\n",
            "FILE:2: systems.ss.url: ${HOST-... is not a valid reference; write ${HOST:-default}",
        ),
        (
            "  ss: {type: syncsketch, url: 'http://${}', username: u, api_key: k}\n",
            "FILE:2: systems.ss.url: ${ must be followed by a variable name",
        ),
        (
            "  ss: {type: syncsketch, url: http://h, username: ${NOBODY}, api_key: k}\n",
            "FILE:2: systems.ss.username: environment variable NOBODY is not set",
        ),
    ],
    ids=["unclosed-flow", "unclosed-block", "dash-default", "no-name", "unset"],
)
def test_bad_references_name_the_line_and_the_fix(
    tmp_path: Path, systems: str, expected: str
) -> None:
    assert error(tmp_path, systems).startswith(expected)


@pytest.mark.parametrize(
    ("systems", "place"),
    [
        (
            "  ss: {type: syncsketch, url: http://h, username: u, api_key: k,\n"
            "       timeout: ${SS_KEY}}\n",
            "FILE:3: systems.ss.timeout: the value from ${SS_KEY} should be of type number",
        ),
        (
            "  ss: {type: syncsketch, url: http://h, username: u, api_key: k,\n"
            "       concurrency: '${SS_KEY}'}\n",
            "FILE:3: systems.ss.concurrency: the value from ${SS_KEY} should be of type integer",
        ),
        (
            "  ss: {type: syncsketch, url: http://h, username: u, api_key: k, retry: ${SS_KEY}}\n",
            "FILE:2: systems.ss.retry: the value from ${SS_KEY} should be of type object",
        ),
    ],
    ids=["timeout", "concurrency", "retry"],
)
def test_a_substituted_value_is_never_echoed(tmp_path: Path, systems: str, place: str) -> None:
    message = error(tmp_path, systems)
    assert message.startswith(place)
    assert "s3cr3t" not in message


def test_substituted_mapping_values_are_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "syncd.yaml"
    base = (
        "systems:\n  a: {type: file, path: ./a}\n  b: {type: file, path: ./b}\n"
        "mappings:\n  - name: m\n    endpoints: {a: {review: r}, b: {review: r}}\n"
    )
    for extra, place in [
        ("    sync: {notes: '${SS_KEY}'}\n", "mappings[0].sync.notes: the value from ${SS_KEY}"),
        ("    conflicts: ${SS_KEY}\n", "mappings[0].conflicts: the value from ${SS_KEY}"),
        ("    schedule: {every: '${SS_KEY}'}\n", "schedule.every: the value from ${SS_KEY}"),
        ("    schedule: {cron: '${SS_KEY}'}\n", "mappings[0].schedule.cron: not a valid crontab"),
        ("    max_delete_share: ${SS_KEY}\n", "max_delete_share: the value from ${SS_KEY}"),
    ]:
        path.write_text(base + extra)
        with pytest.raises(ConfigError) as info:
            load_config(path, env=ENV)
        assert place in str(info.value)
        assert "s3cr3t" not in str(info.value)


def test_durations_may_come_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "syncd.yaml"
    path.write_text(
        "systems:\n  a: {type: file, path: ./a}\n  b: {type: file, path: ./b}\n"
        "mappings:\n  - name: m\n    schedule: {every: '${EVERY}'}\n"
        "    endpoints: {a: {review: r}, b: {review: r}}\n"
    )
    assert load_config(path, env=ENV).mapping("m").schedule.every == 120


def test_line_numbers_stay_exact_after_references(tmp_path: Path) -> None:
    systems = (
        "  ss: {type: syncsketch, url: '${HOST}', username: ${SS_USER}, api_key: ${SS_KEY}}\n"
        "  c: {type: file, path: ${HOST}, pth: x}\n"
    )
    assert error(tmp_path, systems).startswith("FILE:3: systems.c.pth: unknown key")


def test_a_reference_where_a_mapping_belongs_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "syncd.yaml"
    path.write_text("systems: ${SS_KEY}\nmappings: [{name: m, endpoints: {a: {}, b: {}}}]\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env=ENV)
    assert str(info.value).endswith(
        "syncd.yaml:1: systems: the value from ${SS_KEY} should be of type object; a value from "
        "the environment is text, so write this one in the file"
    )
    assert "s3cr3t" not in str(info.value)
