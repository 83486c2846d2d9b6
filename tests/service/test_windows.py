"""The Windows service's start/stop logic, run on any platform with pywin32 stood in."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syncd import logs
from syncd.service import windows
from tests.service.support import runs, wait_for, write_config


class _Framework:
    """What ``win32serviceutil.ServiceFramework`` offers the subclass."""

    def __init__(self, args: Any) -> None:
        self.args = args
        self.statuses: list[int] = []

    def ReportServiceStatus(self, status: int) -> None:
        self.statuses.append(status)


@pytest.fixture()
def pywin32(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    calls: dict[str, Any] = {"options": {}, "log": [], "installed": None}
    util = types.ModuleType("win32serviceutil")
    util.ServiceFramework = _Framework  # type: ignore[attr-defined]
    util.GetServiceCustomOption = lambda svc, opt, default=None: calls["options"].get(opt, default)  # type: ignore[attr-defined]
    util.SetServiceCustomOption = lambda svc, opt, value: calls["options"].__setitem__(opt, value)  # type: ignore[attr-defined]
    util.GetServiceClassString = lambda cls: f"{cls.__module__}.{cls.__name__}"  # type: ignore[attr-defined]

    def install(cls_string: str, name: str, display: str, **kw: Any) -> None:
        calls["installed"] = (cls_string, name, display, kw)

    util.InstallService = install  # type: ignore[attr-defined]
    for verb in ("StartService", "StopService", "RemoveService"):
        setattr(util, verb, lambda name, verb=verb: calls["log"].append((verb, name)))
    service = types.ModuleType("win32service")
    service.SERVICE_RUNNING = 4  # type: ignore[attr-defined]
    service.SERVICE_STOP_PENDING = 3  # type: ignore[attr-defined]
    service.SERVICE_AUTO_START = 2  # type: ignore[attr-defined]
    manager = types.ModuleType("servicemanager")
    manager.EVENTLOG_INFORMATION_TYPE = 4  # type: ignore[attr-defined]
    manager.PYS_SERVICE_STARTED = 1  # type: ignore[attr-defined]
    manager.PYS_SERVICE_STOPPED = 2  # type: ignore[attr-defined]
    manager.LogMsg = lambda *a: calls["log"].append(("LogMsg", a[1]))  # type: ignore[attr-defined]
    manager.LogErrorMsg = lambda text: calls["log"].append(("error", text))  # type: ignore[attr-defined]
    for module in (util, service, manager):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setenv("SYNCD_DATA_DIR", str(tmp_path / "data"))
    yield calls
    logs.configure("warning", "console")  # the service pointed logging at its file


def test_service_starts_runs_mappings_and_stops(pywin32: dict[str, Any], tmp_path: Path) -> None:
    config = write_config(tmp_path, ["one"])
    pywin32["options"]["config"] = str(config)
    cls = windows.service_class()
    svc = cls(["syncd"])
    thread = threading.Thread(target=svc.SvcDoRun)
    thread.start()
    try:
        wait_for(lambda: len(runs(tmp_path / "state.db", "one")) >= 2, timeout=15)
    finally:
        svc.SvcStop()
        thread.join(15)
    assert not thread.is_alive()
    assert svc.exit_code == 0
    assert svc.statuses == [4, 3]  # running, then stop pending
    assert [entry for entry in pywin32["log"] if entry[0] == "LogMsg"] == [
        ("LogMsg", 1),
        ("LogMsg", 2),
    ]
    log = (tmp_path / "data" / "logs" / "syncd-service.log").read_text()
    assert '"event": "service started"' in log and '"event": "stopped"' in log


def test_stop_before_start_does_not_hang(pywin32: dict[str, Any], tmp_path: Path) -> None:
    config = write_config(tmp_path, ["one"])
    host = windows.ServiceHost(config, tmp_path / "svc.log")
    host.stop()
    assert host.run() == 0


def test_install_stores_the_config_path_and_verbs_reach_the_manager(
    pywin32: dict[str, Any], tmp_path: Path
) -> None:
    config = write_config(tmp_path, ["one"])
    assert windows.handle_service_command("install", str(config)) == 0
    cls_string, name, _display, options = pywin32["installed"]
    assert cls_string == "syncd.service.windows.SyncdService" and name == "syncd"
    assert options["startType"] == 2
    assert pywin32["options"]["config"] == str(config.resolve())
    for verb in ("start", "stop", "remove"):
        windows.handle_service_command(verb, str(config))
    assert pywin32["log"] == [
        ("StartService", "syncd"),
        ("StopService", "syncd"),
        ("RemoveService", "syncd"),
    ]


def test_without_pywin32_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "win32serviceutil", None)
    with pytest.raises(Exception, match="pywin32"):
        windows.service_class()
