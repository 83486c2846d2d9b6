"""The bad-input table (see ``tests/cli/bad_input``): every case through the real ``syncd`` entry
point, in-process so that the whole table runs in seconds.

For each case: the exit code; no traceback and no "unexpected error"; one line naming the place;
nothing written (files byte-identical, no state database where none may appear, no write request
to any remote); then, with a fix, ``syncd run --once`` succeeds, a second run writes nothing and
every note of the review arrived.
"""

from __future__ import annotations

import io
import json
import os
import stat
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from syncd_standins.shotgrid import ShotGridStandIn
from syncd_standins.syncsketch import SyncSketchStandIn

from syncd import logs
from syncd.cli.main import main
from tests.cli.bad_input import (
    CONFIG,
    ENV,
    REVIEW,
    REVIEW_PATH,
    SECRET,
    Case,
    config_cases,
    remote_cases,
    review_cases,
    state_cases,
)
from tests.support.payload_server import PayloadServer

CATEGORIES = {
    "config": config_cases.CASES,
    "review": review_cases.CASES,
    "remote": remote_cases.CASES,
    "state": state_cases.CASES,
}
CASES = [replace(c, id=f"{kind}/{c.id}") for kind, cases in CATEGORIES.items() for c in cases]
SG_READS = frozenset(
    {"info", "read", "get_session_token", "schema_read", "schema_entity_read", "schema_field_read"}
)
NOTES = ("Fix the contact shadow.", "On it.", "Grade is a touch warm.")


def test_the_table_covers_every_kind_of_bad_input() -> None:
    counts = {kind: len(cases) for kind, cases in CATEGORIES.items()}
    assert counts["config"] >= 30 and counts["review"] >= 20, counts
    assert counts["remote"] >= 5 and counts["state"] >= 5, counts
    assert sum(counts.values()) >= 60, counts
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"


@dataclass
class Remotes:
    ss: SyncSketchStandIn
    sg: ShotGridStandIn


@pytest.fixture(scope="module")
def remotes() -> Iterator[Remotes]:
    with (
        SyncSketchStandIn(users={"syncd": SECRET}) as ss,
        ShotGridStandIn(scripts={"syncd": ENV["SG_KEY"]}) as sg,
    ):
        yield Remotes(ss, sg)


@dataclass
class Outcome:
    code: int
    out: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


class Project:
    """One case's folder, its placeholders and the ``syncd`` command run inside it."""

    def __init__(
        self, root: Path, case: Case, remotes: Remotes, bad: PayloadServer | None, monkeypatch: Any
    ) -> None:
        self.root, self.case, self.remotes, self.monkeypatch = root, case, remotes, monkeypatch
        self.ss_project = remotes.ss.store.add_project(f"Demo {case.id}")
        assert self.ss_project
        self.sg_project = remotes.sg.store.create("Project", {"name": f"Demo {case.id}"})["id"]
        self.values = {
            "@SS_URL@": remotes.ss.url,
            "@SG_URL@": remotes.sg.url,
            "@BAD_URL@": bad.url if bad else "http://127.0.0.1:9",
            "@SS_PROJECT@": str(self.ss_project),
            "@SG_PROJECT@": str(self.sg_project),
            "@ROOT@": str(root.resolve()),
        }

    def fill(self, text: str) -> str:
        for marker, value in self.values.items():
            text = text.replace(marker, value)
        return text

    def write(self, files: dict[str, str | bytes | None]) -> None:
        for name, content in files.items():
            path = self.root / name
            if content is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(self.fill(content), encoding="utf-8")

    def syncd(self, *args: str) -> Outcome:
        """``syncd ARGS`` in this folder, with the case's environment, as a user runs it."""
        out = io.StringIO()
        with self.monkeypatch.context() as patch:
            patch.chdir(self.root)
            for name in ("SYNCD_CONFIG", "SYNCD_STATE", "SYNCD_LOG_LEVEL"):
                patch.delenv(name, raising=False)
            patch.setenv("SYNCD_LOG_FORMAT", "json")
            patch.setenv("SYNCD_DATA_DIR", str(self.root / "data"))
            for name, value in {**ENV, **self.case.env}.items():
                patch.setenv(name, self.fill(value))
            with redirect_stdout(out), redirect_stderr(out):
                try:
                    code = main(list(args))
                except SystemExit as exc:  # argparse's usage errors
                    code = int(exc.code or 0)
        logs.configure("warning", "console")
        return Outcome(code, out.getvalue())


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the state database syncd keeps there."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith("state.db"):
            out[rel] = path.read_bytes()
    return out


def writes(remotes: Remotes, bad: PayloadServer | None) -> list[str]:
    found = [f"syncsketch {r.method} {r.path}" for r in remotes.ss.requests.records()]
    found = [w for w in found if not w.startswith("syncsketch GET ")]
    found += [f"shotgrid {name}" for name in remotes.sg.requests if name not in SG_READS]
    if bad is not None:
        found += [
            f"payload {method} {path}"
            for method, path in bad.requests
            if method != "GET" and not path.startswith(("/auth/", "/api3/json"))
        ]
    return found


@pytest.fixture
def bad_server(request: pytest.FixtureRequest) -> Iterator[PayloadServer | None]:
    case: Case = request.param
    if case.payload is None:
        yield None
        return
    with PayloadServer(dict(case.payload)) as server:
        yield server


@pytest.mark.parametrize(
    ("case", "bad_server"),
    [(c, c) for c in CASES],
    ids=[c.id for c in CASES],
    indirect=["bad_server"],
)
def test_bad_input(
    case: Case,
    bad_server: PayloadServer | None,
    remotes: Remotes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root_user = hasattr(os, "geteuid") and os.geteuid() == 0
    if case.root_only is False and root_user:
        pytest.skip("permissions do not bind root")
    if case.root_only is True and not root_user:
        pytest.skip("needs root")
    project = Project(tmp_path, case, remotes, bad_server, monkeypatch)
    project.write({"syncd.yaml": CONFIG, REVIEW_PATH: REVIEW, **case.files})
    for folder in case.read_only:
        (tmp_path / folder).chmod(stat.S_IRUSR | stat.S_IXUSR)
    before = files_of(tmp_path)
    remotes.ss.requests.reset()
    remotes.sg.reset()

    outcome = project.syncd(*case.command)

    shown = f"exit {outcome.code}\n{outcome.out}"
    assert "Traceback" not in outcome.out, shown
    assert "unexpected error" not in outcome.out, shown
    for secret in case.forbidden:
        assert secret not in outcome.out, shown
    assert outcome.code == case.exit, shown
    place = project.fill(case.place)
    assert any(place in line for line in outcome.lines), f"{place!r} not in:\n{shown}"
    if case.repairs:  # moved aside, everything found again: the review synced
        assert list(tmp_path.glob("state.db.damaged-*")), "the damaged file is kept aside"
        again = project.syncd("run", "--once", "--json")
        assert again.code == 0, again.out
        assert [entry["counts"] for entry in json.loads(_stdout_json(again.out))] == [{}]
        converged(case, project)
        return
    assert files_of(tmp_path) == before, "files were written"
    if case.state == "absent":
        assert not list(tmp_path.glob("state.db*")), "a state database was created"
    assert writes(remotes, bad_server) == [], shown
    for folder in case.read_only:
        (tmp_path / folder).chmod(stat.S_IRWXU)

    if case.fix is not None:
        project.write(dict(case.fix))
        fixed = project.syncd("run", "--once")
        assert fixed.code == 0, f"the fixed input does not sync: exit {fixed.code}\n{fixed.out}"
        again = project.syncd("run", "--once", "--json")
        assert again.code == 0, again.out
        assert [entry["counts"] for entry in json.loads(_stdout_json(again.out))] == [{}]
        converged(case, project)


def _stdout_json(out: str) -> str:
    """The JSON document of ``--json`` among the JSON log lines that share the stream."""
    start = out.index("[\n")
    return out[start : out.rindex("]") + 1]


def converged(case: Case, project: Project) -> None:
    """Nothing lost: every item and note of the review arrived on the other side."""
    studio = yaml.safe_load((project.root / REVIEW_PATH).read_text())
    names = [item["name"] for item in studio["items"]]
    if case.converge == "files":
        client = yaml.safe_load((project.root / "client" / "dailies.yaml").read_text())
        assert [item["name"] for item in client["items"]] == names
        assert sorted(_texts(client)) == sorted(_texts(studio)) == sorted(NOTES)
    elif case.converge == "syncsketch":
        store = project.remotes.ss.store
        review = next(
            r for r in store.query("review", {}) if r["project"].endswith(f"/{project.ss_project}/")
        )
        items = store.review_items(review["id"])
        assert sorted(i["name"] for i in items) == sorted(names)
        texts = [f["text"] for i in items for f in store.item_frames(i["id"])]
        assert all(any(note in text for text in texts) for note in NOTES), texts
    else:
        store = project.remotes.sg.store
        project_link = {"type": "Project", "id": project.sg_project}
        versions = store.find("Version", [["project", "is", project_link]], ["code"])
        assert sorted(v["code"] for v in versions) == sorted(names)


def _texts(review: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def visit(notes: list[dict[str, Any]] | None) -> None:
        for note in notes or []:
            out.append(note["text"])
            visit(note.get("replies"))

    for item in review.get("items", []):
        visit(item.get("notes"))
    return out
