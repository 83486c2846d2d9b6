"""The syncd command as users run it: exit codes, dry runs, status, and no tracebacks."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import syncd as syncd_package

CONFIG = """\
state: sqlite:///state.db
systems:
  studio: {type: file, path: ./studio}
  client: {type: file, path: ./client}
mappings:
  - name: dailies
    endpoints:
      studio: {review: dailies}
      client: {review: dailies}
    sync: {notes: both, statuses: both, order: studio}
    statuses:
      - {studio: wfa, client: for_review}
      - {studio: done, client: approved}
"""
REVIEW = """\
review: dailies
items:
  - name: sh010
    status: wfa
    notes:
      - text: Fix the contact shadow.
        author: Dana <dana@studio.example>
        frame: 12
  - name: sh020
    status: done
"""


def syncd(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "SYNCD_LOG_FORMAT": "json", **(env or {})}
    full_env.pop("SYNCD_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "syncd", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "syncd.yaml").write_text(CONFIG)
    (tmp_path / "studio").mkdir()
    (tmp_path / "studio" / "dailies.yaml").write_text(REVIEW)
    return tmp_path


def client_review(project: Path) -> dict:
    return yaml.safe_load((project / "client" / "dailies.yaml").read_text())


def test_run_once_syncs_and_exits_zero(project: Path) -> None:
    result = syncd(project, "run", "--once", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary[0]["outcome"] == "ok"
    assert summary[0]["counts"] == {"create_item": 2, "create_note": 1}
    client = client_review(project)
    assert [i["name"] for i in client["items"]] == ["sh010", "sh020"]
    assert [i["status"] for i in client["items"]] == ["for_review", "approved"]
    note = client["items"][0]["notes"][0]
    assert (note["text"], note["frame"], note["author"]) == (
        "Fix the contact shadow.",
        12,
        "Dana <dana@studio.example>",
    )
    again = syncd(project, "run", "--once", "--json")
    assert json.loads(again.stdout)[0]["counts"] == {}


def test_plan_is_a_dry_run(project: Path) -> None:
    before = (project / "studio" / "dailies.yaml").read_text()
    result = syncd(project, "plan", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)[0]
    assert plan["mapping"] == "dailies"
    assert "client: create item 'sh010' (from studio)" in plan["actions"]
    assert not (project / "client").exists()
    assert (project / "studio" / "dailies.yaml").read_text() == before
    human = syncd(project, "plan")
    assert "dailies: 3 action(s)" in human.stdout


def test_status_reports_runs_and_links(project: Path) -> None:
    syncd(project, "run", "--once")
    result = syncd(project, "status", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    entry = status["mappings"][0]
    assert entry["links"] == {"item": 2, "note": 1}
    assert entry["last_runs"][0]["outcome"] == "ok"
    human = syncd(project, "status")
    assert "linked: 2 items, 1 notes" in human.stdout


def test_check_reports_each_endpoint(project: Path) -> None:
    result = syncd(project, "check")
    assert result.returncode == 0, result.stderr
    assert "dailies/studio: OK" in result.stdout
    assert "dailies/client: OK" in result.stdout


def test_configuration_errors_exit_2_without_traceback(project: Path) -> None:
    (project / "syncd.yaml").write_text(CONFIG.replace("sync:", "synk:"))
    result = syncd(project, "run", "--once")
    assert result.returncode == 2
    assert "syncd: configuration error:" in result.stderr
    assert "mappings[0].synk: unknown key (did you mean 'sync'?)" in result.stderr
    assert "Traceback" not in result.stderr
    missing = syncd(project, "run", "--once", "-c", "nowhere.yaml")
    assert missing.returncode == 2 and "configuration file not found" in missing.stderr
    usage = syncd(project, "run", "--bogus")
    assert usage.returncode == 2
    (project / "syncd.yaml").write_text(CONFIG)
    unknown = syncd(project, "run", "--once", "-m", "dailes")
    assert unknown.returncode == 2 and "did you mean 'dailies'" in unknown.stderr


def test_failed_objects_exit_1_and_the_rest_syncs(project: Path) -> None:
    (project / "studio" / "dailies.yaml").write_text("review: [unclosed\n")
    result = syncd(project, "run", "--once")
    assert result.returncode == 1
    assert "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_secrets_never_reach_output(project: Path) -> None:
    text = CONFIG.replace(
        "  client: {type: file, path: ./client}",
        "  client: {type: file, path: ./client}\n"
        "  ss: {type: syncsketch, url: 'http://127.0.0.1:9', username: u, api_key: ${SS_KEY}}",
    ).replace(
        "      client: {review: dailies}",
        "      client: {review: dailies}\n      ss: {project_id: 1, review: r}",
    )
    (project / "syncd.yaml").write_text(text)
    result = syncd(project, "run", "--once", "--json", env={"SS_KEY": "s3cr3t-key-value"})
    assert "s3cr3t-key-value" not in result.stdout + result.stderr
    assert result.returncode in (1, 2)


def test_config_schema_and_db_upgrade(project: Path) -> None:
    schema = syncd(project, "config", "schema")
    assert schema.returncode == 0
    assert json.loads(schema.stdout)["title"] == "syncd configuration"
    upgrade = syncd(project, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    assert "schema empty -> 0" in upgrade.stdout or "-> 0" in upgrade.stdout


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    result = syncd(tmp_path, "demo", "--dir", "demo", "--log-level", "warning")
    assert result.returncode == 0, result.stderr
    assert "SyncSketch review 'Dailies': sh010, sh020, sh030" in result.stdout
    assert "ShotGrid playlist 'Dailies': 3 versions" in result.stdout
    assert (
        "4. Third run: nothing changed anywhere, so nothing is written.\n"
        "   ok: nothing to do" in result.stdout
    )
    studio = yaml.safe_load((tmp_path / "demo" / "studio" / "dailies.yaml").read_text())
    notes = {n["text"]: n for item in studio["items"] for n in item.get("notes", [])}
    assert notes["Soften the rim light too."]["frame"] == 24
    assert notes["Soften the rim light too."]["author"] == "Sam Supervisor <sam@client.example>"
    assert notes["Grade is a touch warm."]["author"] == "Pat Producer <pat@studio.example>"
    assert studio["items"][2]["status"] == "done"
    assert notes["The hand pops here; ease it in."]["frame"] == 30, "from cineSync"
    session = (tmp_path / "demo" / "studio" / "sessions" / "dailies.csc").read_text()
    assert "Sam Supervisor: Soften the rim light too. [syncd:" in session
    assert "<group>Approved</group>" in session
    again = syncd(tmp_path, "demo", "--dir", "demo", "--log-level", "warning")
    assert again.returncode == 0, again.stderr  # starts afresh every time


def test_demo_without_the_standins_says_what_to_install(tmp_path: Path) -> None:
    """A ``pip install syncd`` has no stand-ins: the demo names the package, not a traceback."""
    hide_standins = (
        "import sys; sys.modules['syncd_standins'] = None; "  # what a missing package looks like
        "from syncd.cli import main; sys.exit(main(['demo', '--dir', 'demo']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", hide_standins],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "syncd: the demo runs on the SyncSketch and ShotGrid stand-ins (syncd-standins), which "
        "are not installed; from a syncd checkout: pip install -e ./standins"
    ]
    assert not (tmp_path / "demo").exists()


def test_only_the_demo_imports_the_standins() -> None:
    """The syncd wheel carries no stand-ins, so any other import of them breaks an install."""
    package = Path(syncd_package.__file__).parent
    importers = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            if any(n.partition(".")[0] == "syncd_standins" for n in names):
                importers.add(path.relative_to(package).as_posix())
    assert importers == {"cli/demo.py"}


def test_a_closed_pipe_ends_quietly(project: Path) -> None:
    """``syncd config schema | head`` must not end in an error about the pipe."""
    for args in (("config", "schema"), ("plan",), ("status",)):
        proc = subprocess.Popen(
            [sys.executable, "-m", "syncd", *args],
            cwd=project,
            env={**os.environ, "SYNCD_LOG_FORMAT": "json"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader goes away before syncd writes a byte
        stderr = proc.stderr.read().decode()
        assert proc.wait(60) in (0, 141), stderr
        assert "BrokenPipe" not in stderr and "unexpected error" not in stderr


@pytest.mark.parametrize("log_format", ["console", "json"])
@pytest.mark.parametrize("command", [("check",), ("plan",), ("run", "--once"), ("status",)])
def test_a_value_from_the_environment_is_never_echoed(
    project: Path, command: tuple[str, ...], log_format: str
) -> None:
    text = CONFIG.replace(
        "  client: {type: file, path: ./client}",
        "  client: {type: file, path: ./client}\n"
        "  ss: {type: syncsketch, url: 'http://127.0.0.1:9', username: u, api_key: k,\n"
        "       timeout: ${SS_KEY}}",
    ).replace(
        "      client: {review: dailies}",
        "      client: {review: dailies}\n      ss: {project_id: 1, review: r}",
    )
    (project / "syncd.yaml").write_text(text)
    result = syncd(
        project, *command, "--log-format", log_format, env={"SS_KEY": "s3cr3t-key-value"}
    )
    assert result.returncode == 2, result.stderr
    assert "syncd.yaml:6: systems.ss.timeout: the value from ${SS_KEY}" in result.stderr
    assert "s3cr3t-key-value" not in result.stdout + result.stderr
    assert not (project / "state.db").exists()


def test_the_delete_guard_floor_is_configurable(project: Path) -> None:
    three = "review: dailies\nitems:\n  - name: sh010\n  - name: sh020\n  - name: sh030\n"
    (project / "studio" / "dailies.yaml").write_text(three)
    config = CONFIG.replace("sync: {", "max_delete_share: 0.5\n    sync: {deletes: on, ")
    (project / "syncd.yaml").write_text(config)
    assert syncd(project, "run", "--once").returncode == 0
    studio = yaml.safe_load((project / "studio" / "dailies.yaml").read_text())
    studio["items"] = studio["items"][:1]
    (project / "studio" / "dailies.yaml").write_text(yaml.safe_dump(studio))
    refused = syncd(project, "run", "--once")
    assert refused.returncode == 1
    assert "would delete 2 of 3 objects on client" in refused.stderr
    assert "the guard applies from 2 deletions (min_delete_guard)" in refused.stderr
    assert len(client_review(project)["items"]) == 3
    (project / "syncd.yaml").write_text(
        config.replace("max_delete_share", "min_delete_guard: 3\n    max_delete_share")
    )
    assert syncd(project, "run", "--once").returncode == 0
    assert [i["name"] for i in client_review(project)["items"]] == ["sh010"]
