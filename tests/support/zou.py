"""Start a real Zou (Kitsu's API server) for the test suite.

Everything runs as plain local processes inside a throwaway temp folder:

* a PostgreSQL cluster (``initdb``/``pg_ctl`` from ``/usr/lib/postgresql/*/bin``,
  run as the ``postgres`` user when we are root, trust auth, ``fsync=off``);
* a Redis server without persistence;
* Zou's database initialisation (init-db, init-data, create-admin) in one
  Python process of the Zou virtualenv;
* gunicorn for the API (``zou.app:app``) and for the event stream
  (``zou.event_stream:app``).

Zou lives in its own virtualenv (its pins conflict with ours), found through
``SYNCD_ZOU_VENV`` or ``~/.cache/syncd/zou-venv``; ``scripts/install-zou.sh``
creates it together with the Debian packages.

Usage::

    with ZouServer() as zou:
        requests.post(f"{zou.url}/auth/login",
                      json={"email": zou.admin_email, "password": zou.admin_password})
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

__all__ = ["ZouNotInstalledError", "ZouServer", "ZouStartError", "find_zou_venv"]

DEFAULT_ZOU_VENV = Path.home() / ".cache" / "syncd" / "zou-venv"
INSTALL_HINT = "run `scripts/install-zou.sh` (as root on Debian 12) to install it"

_INIT_SCRIPT = """
import sys
import warnings
warnings.filterwarnings("ignore")
from zou.cli import cli

email, password = sys.argv[1], sys.argv[2]
for args in (["init-db"], ["init-data"], ["create-admin", email, "--password", password]):
    print("zou", *args[:1], flush=True)
    cli.main(args, standalone_mode=False)
print("zou initialised", flush=True)
"""


class ZouNotInstalledError(RuntimeError):
    """The Zou virtualenv or the PostgreSQL/Redis binaries are missing."""


class ZouStartError(RuntimeError):
    """Zou (or one of its services) did not come up."""


def find_zou_venv() -> Path:
    """Return the Zou virtualenv, or raise :class:`ZouNotInstalledError`."""
    venv = Path(os.environ.get("SYNCD_ZOU_VENV") or DEFAULT_ZOU_VENV).expanduser()
    if not (venv / "bin" / "python").exists() or not (venv / "bin" / "gunicorn").exists():
        raise ZouNotInstalledError(
            f"no Zou virtualenv at {venv} (set SYNCD_ZOU_VENV to use another one); {INSTALL_HINT}"
        )
    return venv


def _find_pg_bin() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise ZouNotInstalledError(f"PostgreSQL server binaries not found; {INSTALL_HINT}")
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"--- {path.name}: (no log)"
    return f"--- {path.name} (last {lines} lines):\n" + "\n".join(text.splitlines()[-lines:])


def _is_zou(resp: requests.Response) -> bool:
    try:
        return resp.json().get("api") == "Zou"
    except ValueError:
        return False


class ZouServer:
    """A real Zou API + event stream backed by throwaway PostgreSQL and Redis."""

    def __init__(
        self,
        *,
        venv: str | os.PathLike[str] | None = None,
        admin_email: str = "admin@example.com",
        admin_password: str | None = None,
        api_workers: int = 2,
        ready_timeout: float = 90.0,
        keep_logs: bool = False,
    ) -> None:
        self.venv = Path(venv) if venv else None
        self.admin_email = admin_email
        self.admin_password = admin_password or "Pw-" + secrets.token_urlsafe(12)
        self.api_workers = api_workers
        self.ready_timeout = ready_timeout
        self.keep_logs = keep_logs

        self.url: str = ""
        self.events_url: str = ""
        self.root: Path | None = None
        self.log_dir: Path | None = None
        self.preview_dir: Path | None = None
        self.db_port = self.redis_port = self.api_port = self.events_port = 0

        self._pg_bin: Path | None = None
        self._pg_data: Path | None = None
        self._redis_pidfile: Path | None = None
        self._procs: list[subprocess.Popen[bytes]] = []
        self._env: dict[str, str] = {}
        self._started = False
        self._atexit_registered = False

    # ------------------------------------------------------------------ API
    def __enter__(self) -> ZouServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._started

    def start(self) -> ZouServer:
        if self._started:
            return self
        self.venv = self.venv or find_zou_venv()
        if not (self.venv / "bin" / "gunicorn").exists():
            raise ZouNotInstalledError(f"no gunicorn in {self.venv}; {INSTALL_HINT}")
        self._pg_bin = _find_pg_bin()
        if shutil.which("redis-server") is None:
            raise ZouNotInstalledError(f"redis-server not found; {INSTALL_HINT}")

        if not self._atexit_registered:
            atexit.register(self.stop)
            self._atexit_registered = True
        self._started = True
        try:
            self._make_dirs()
            self._start_postgres()
            self._start_redis()
            self._init_zou()
            self._start_gunicorns()
            self._wait_ready()
        except BaseException:
            self.stop(remove_logs=False)
            raise
        return self

    def stop(self, remove_logs: bool | None = None) -> None:
        """Kill every process we started and remove the temp folder."""
        if not self._started:
            return
        self._started = False
        for proc in reversed(self._procs):
            self._kill_group(proc)
        self._procs.clear()
        self._stop_redis()
        self._stop_postgres()
        keep = self.keep_logs if remove_logs is None else not remove_logs
        if self.root is not None:
            if keep and self.log_dir is not None:
                for child in self.root.iterdir():
                    if child != self.log_dir:
                        shutil.rmtree(child, ignore_errors=True)
            else:
                shutil.rmtree(self.root, ignore_errors=True)

    def logs(self, lines: int = 40) -> str:
        """The tail of every log file, for error messages."""
        if self.log_dir is None or not self.log_dir.exists():
            return "(no logs)"
        return "\n".join(_tail(p, lines) for p in sorted(self.log_dir.glob("*.log")))

    def login(self) -> dict:
        """``POST /auth/login`` as the admin; returns Zou's JSON answer."""
        resp = requests.post(
            f"{self.url}/auth/login",
            json={"email": self.admin_email, "password": self.admin_password},
            timeout=30,
        )
        resp.raise_for_status()
        return resp.json()

    # ------------------------------------------------------------ internals
    def _make_dirs(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="syncd-zou-"))
        # The postgres user must be able to traverse to its data folder.
        self.root.chmod(0o755)
        self.log_dir = self.root / "logs"
        self.preview_dir = self.root / "previews"
        for sub in ("logs", "previews", "tmp", "run", "pg", "redis"):
            (self.root / sub).mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root / "pg", "postgres", "postgres")
            # The server log is written by the postgres user too.
            (self.log_dir / "postgres.log").touch()
            shutil.chown(self.log_dir / "postgres.log", "postgres", "postgres")

    def _pg_cmd(self, tool: str, *args: str) -> list[str]:
        assert self._pg_bin is not None
        cmd = [str(self._pg_bin / tool), *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root.
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return cmd

    def _run(self, cmd: list[str], log_name: str, **kwargs) -> None:
        assert self.log_dir is not None
        log_path = self.log_dir / log_name
        with open(log_path, "ab") as log:
            proc = subprocess.run(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs
            )
        if proc.returncode != 0:
            raise ZouStartError(
                f"command failed ({proc.returncode}): {' '.join(cmd)}\n{_tail(log_path)}"
            )

    def _start_postgres(self) -> None:
        assert self.root is not None and self.log_dir is not None
        self._pg_data = self.root / "pg" / "data"
        sock_dir = self.root / "pg"
        self._run(
            self._pg_cmd(
                "initdb",
                "-D",
                str(self._pg_data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ),
            "initdb.log",
        )
        self.db_port = _free_port()
        options = (
            f"-p {self.db_port} -k {sock_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            self._pg_cmd(
                "pg_ctl",
                "-D",
                str(self._pg_data),
                "-o",
                options,
                "-l",
                str(self.log_dir / "postgres.log"),
                "-w",
                "-t",
                "60",
                "start",
            ),
            "pg_ctl.log",
        )
        self._run(
            self._pg_cmd(
                "createdb", "-h", "127.0.0.1", "-p", str(self.db_port), "-U", "postgres", "zoudb"
            ),
            "pg_ctl.log",
        )

    def _stop_postgres(self) -> None:
        if self._pg_data is None or not (self._pg_data / "postmaster.pid").exists():
            return
        with contextlib.suppress(Exception):
            subprocess.run(
                self._pg_cmd("pg_ctl", "-D", str(self._pg_data), "-m", "immediate", "-w", "stop"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=30,
                check=False,
            )
        # Last resort if pg_ctl could not stop it.
        pid_file = self._pg_data / "postmaster.pid"
        with contextlib.suppress(Exception):
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)

    def _start_redis(self) -> None:
        assert self.root is not None and self.log_dir is not None
        self.redis_port = _free_port()
        self._redis_pidfile = self.root / "run" / "redis.pid"
        self._run(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self._redis_pidfile),
                "--dir",
                str(self.root / "redis"),
                "--logfile",
                str(self.log_dir / "redis.log"),
            ],
            "redis-start.log",
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        raise ZouStartError(f"redis did not answer on port {self.redis_port}\n{self.logs()}")

    def _stop_redis(self) -> None:
        pid_file = self._redis_pidfile
        if pid_file is None:
            return
        for _ in range(50):
            if pid_file.exists():
                break
            time.sleep(0.02)
        with contextlib.suppress(Exception):
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGKILL)
        self._redis_pidfile = None

    def _zou_env(self) -> dict[str, str]:
        assert self.root is not None and self.preview_dir is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env.update(
            {
                "DB_HOST": "127.0.0.1",
                "DB_PORT": str(self.db_port),
                "DB_USERNAME": "postgres",
                "DB_PASSWORD": "",
                "DB_DATABASE": "zoudb",
                "KV_HOST": "127.0.0.1",
                "KV_PORT": str(self.redis_port),
                "SECRET_KEY": secrets.token_hex(32),
                "PREVIEW_FOLDER": str(self.preview_dir),
                "TMP_DIR": str(self.root / "tmp"),
                "MAIL_ENABLED": "false",
                "MOVIE_ENCODING_PRESET": "ultrafast",
                # Point optional folders at paths that do not exist.
                "EVENT_HANDLERS_FOLDER": str(self.root / "no-event-handlers"),
                "PLUGIN_FOLDER": str(self.root / "no-plugins"),
                "EVENT_STREAM_HOST": "127.0.0.1",
                "EVENT_STREAM_PORT": str(self.events_port or 0),
                "DB_POOL_SIZE": "10",
                "DB_MAX_OVERFLOW": "20",
                "PATH": f"{self.venv}/bin:{os.environ.get('PATH', '/usr/bin:/bin')}",
            }
        )
        return env

    def _init_zou(self) -> None:
        assert self.venv is not None and self.root is not None
        self.api_port = _free_port()
        self.events_port = _free_port()
        self._env = self._zou_env()
        self._run(
            [
                str(self.venv / "bin" / "python"),
                "-c",
                _INIT_SCRIPT,
                self.admin_email,
                self.admin_password,
            ],
            "zou-init.log",
            env=self._env,
            cwd=self.root / "run",
            timeout=300,
        )

    def _spawn(self, name: str, cmd: list[str]) -> None:
        assert self.log_dir is not None and self.root is not None
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self._env,
                # An empty working folder: gunicorn puts it on sys.path and Zou
                # would import an ``event_handlers`` folder found there.
                cwd=self.root / "run",
                start_new_session=True,
            )
        finally:
            log.close()
        self._procs.append(proc)

    def _start_gunicorns(self) -> None:
        assert self.venv is not None
        gunicorn = str(self.venv / "bin" / "gunicorn")
        self._spawn(
            "zou-api",
            [
                gunicorn,
                "-k",
                "gevent",
                "-w",
                str(self.api_workers),
                "-b",
                f"127.0.0.1:{self.api_port}",
                "--timeout",
                "300",
                "--no-control-socket",
                "zou.app:app",
            ],
        )
        self._spawn(
            "zou-events",
            [
                gunicorn,
                "-k",
                "geventwebsocket.gunicorn.workers.GeventWebSocketWorker",
                "-w",
                "1",
                "-b",
                f"127.0.0.1:{self.events_port}",
                "--no-control-socket",
                "zou.event_stream:app",
            ],
        )
        self.url = f"http://127.0.0.1:{self.api_port}"
        self.events_url = f"http://127.0.0.1:{self.events_port}"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        pending = {"api": self.url + "/", "events": self.events_url + "/"}
        last_error = ""
        while pending and time.monotonic() < deadline:
            for proc in self._procs:
                if proc.poll() is not None:
                    raise ZouStartError(
                        f"{' '.join(map(str, proc.args[:6]))}... exited with {proc.returncode}\n"
                        + self.logs()
                    )
            for key, url in list(pending.items()):
                try:
                    resp = requests.get(url, timeout=2)
                except requests.RequestException as exc:
                    last_error = f"{key}: {exc}"
                    continue
                # The API answers {"api": "Zou", ...}; the event stream only
                # needs to answer HTTP at all.
                if key == "events" or (resp.ok and _is_zou(resp)):
                    del pending[key]
                else:
                    last_error = f"{key}: HTTP {resp.status_code}"
            if pending:
                time.sleep(0.25)
        if pending:
            raise ZouStartError(
                f"Zou not ready after {self.ready_timeout:.0f}s ({last_error})\n" + self.logs()
            )

    @staticmethod
    def _kill_group(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        # Stray workers of a gunicorn that died first.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
