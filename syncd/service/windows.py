"""syncd as a Windows service (pywin32), with its start/stop logic kept platform-neutral.

:class:`ServiceHost` does the work: it reads the configuration, logs to a file under the data
folder (a service has no console) and runs the daemon in the calling thread until :meth:`stop` is
called from the service manager's thread. The pywin32 class around it is built on first use
(``SyncdService`` is a lazy module attribute), so this module imports, and its logic can be
tested, where pywin32 does not exist.

The configuration path is stored with the service (a pywin32 "custom option") at install time,
because a service starts with neither the installing user's working folder nor their environment.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import IO, Any

import structlog

from syncd import logs
from syncd.config import load_config
from syncd.errors import ConfigError
from syncd.sync.runtime import data_dir, default_config_path

SERVICE_NAME = "syncd"
DISPLAY_NAME = "syncd review sync"
DESCRIPTION = "Keeps reviews in step across Kitsu, SyncSketch, ShotGrid and review files."
CONFIG_OPTION = "config"

log = structlog.get_logger("syncd.service.windows")


def log_path() -> Path:
    return data_dir() / "logs" / "syncd-service.log"


class ServiceHost:
    """Start and stop the daemon on behalf of a service manager."""

    def __init__(self, config_path: str | Path, log_file: Path | None = None) -> None:
        self.config_path = Path(config_path)
        self.log_file = log_file or log_path()
        self.daemon: Any = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._stream: IO[str] | None = None

    def run(self, *, log_to_file: bool = True) -> int:
        """Blocks until :meth:`stop`; returns the exit code."""
        from syncd.service.daemon import Daemon

        if log_to_file:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            self._stream = open(self.log_file, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
            logs.configure("info", "json", stream=self._stream)
        try:
            config = load_config(self.config_path)
            with self._lock:
                if self._stop.is_set():
                    return 0
                self.daemon = Daemon(config)
            return int(self.daemon.serve_forever(signals=False))
        except Exception as exc:
            log.error("service failed", error=str(exc))
            raise
        finally:
            if self._stream is not None:
                self._stream.flush()

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            if self.daemon is not None:
                self.daemon.request_stop()


def service_class() -> type:
    """The ``win32serviceutil.ServiceFramework`` subclass (imports pywin32 now)."""
    try:
        import servicemanager
        import win32service
        import win32serviceutil
    except ImportError:
        raise ConfigError(
            "the Windows service needs pywin32: pip install 'syncd[windows]'"
        ) from None

    class SyncdService(win32serviceutil.ServiceFramework):  # type: ignore[misc, name-defined]
        _svc_name_ = SERVICE_NAME
        _svc_display_name_ = DISPLAY_NAME
        _svc_description_ = DESCRIPTION

        def __init__(self, args: Any) -> None:
            super().__init__(args)
            config = win32serviceutil.GetServiceCustomOption(
                SERVICE_NAME, CONFIG_OPTION, str(default_config_path())
            )
            self.host = ServiceHost(config)
            self.exit_code = 0

        def SvcStop(self) -> None:
            self.ReportServiceStatus(win32service.SERVICE_STOP_PENDING)
            self.host.stop()

        def SvcDoRun(self) -> None:
            servicemanager.LogMsg(
                servicemanager.EVENTLOG_INFORMATION_TYPE,
                servicemanager.PYS_SERVICE_STARTED,
                (self._svc_name_, ""),
            )
            self.ReportServiceStatus(win32service.SERVICE_RUNNING)
            try:
                self.exit_code = self.host.run()
            except Exception as exc:
                self.exit_code = 1
                servicemanager.LogErrorMsg(f"syncd failed: {exc}")
            servicemanager.LogMsg(
                servicemanager.EVENTLOG_INFORMATION_TYPE,
                servicemanager.PYS_SERVICE_STOPPED,
                (self._svc_name_, ""),
            )

    return SyncdService


def __getattr__(name: str) -> Any:
    # pythonservice.exe imports "syncd.service.windows.SyncdService"
    if name == "SyncdService":
        return service_class()
    raise AttributeError(name)


def handle_service_command(action: str, config_path: str | None) -> int:
    """``syncd service install|start|stop|remove|run``."""
    path = Path(config_path).resolve() if config_path else default_config_path().resolve()
    if action == "run":
        # the service's own start/stop logic in the foreground, logging to the console
        from syncd.service.daemon import Daemon

        return int(Daemon(load_config(path)).serve_forever())
    cls = service_class()
    import win32service
    import win32serviceutil

    if action == "install":
        load_config(path)  # refuse to install a service that cannot start
        win32serviceutil.InstallService(
            win32serviceutil.GetServiceClassString(cls),
            SERVICE_NAME,
            DISPLAY_NAME,
            startType=win32service.SERVICE_AUTO_START,
            description=DESCRIPTION,
        )
        win32serviceutil.SetServiceCustomOption(SERVICE_NAME, CONFIG_OPTION, str(path))
        print(f"installed service {SERVICE_NAME} with {path}; logs go to {log_path()}")
    elif action == "start":
        win32serviceutil.StartService(SERVICE_NAME)
        print(f"started {SERVICE_NAME}")
    elif action == "stop":
        win32serviceutil.StopService(SERVICE_NAME)
        print(f"stopped {SERVICE_NAME}")
    elif action == "remove":
        win32serviceutil.RemoveService(SERVICE_NAME)
        print(f"removed {SERVICE_NAME}")
    else:
        raise ConfigError(
            f"unknown service action {action!r}; use install, start, stop, remove, run"
        )
    return 0
