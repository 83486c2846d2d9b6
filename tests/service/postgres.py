"""A throwaway PostgreSQL cluster for service tests (Debian's server binaries, run as postgres)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.service.support import free_port


def _bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found: apt-get install postgresql "
            "(or set SYNCD_SKIP_POSTGRES=1)"
        )
    return Path(found[-1]).parent


def _cmd(tool: str, *args: str) -> list[str]:
    cmd = [str(_bin() / tool), *args]
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yield a SQLAlchemy URL of an empty database on a private cluster."""
    root = Path(tempfile.mkdtemp(prefix="syncd-pg-"))
    root.chmod(0o755)
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    log = root / "postgres.log"
    try:
        subprocess.run(
            _cmd(
                "initdb",
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _cmd("pg_ctl", "-D", str(data), "-o", options, "-l", str(log), "-w", "start"),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            _cmd("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "syncd"),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/syncd"
    finally:
        with contextlib.suppress(Exception):
            subprocess.run(
                _cmd("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"),
                capture_output=True,
                timeout=30,
            )
        shutil.rmtree(root, ignore_errors=True)
