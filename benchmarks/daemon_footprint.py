"""Idle footprint of the service: ``syncd run`` with 50 mappings, measured from /proc.

Starts the daemon on 50 small file-to-file reviews scheduled every 30-60 s, lets the first runs
settle, then samples resident memory and CPU time for the rest of the window. Targets: under
150 MB resident and under 2 % of one core.

    .venv/bin/python benchmarks/daemon_footprint.py [--seconds 60] [--mappings 50]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

CLOCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK  # utime + stime


def rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20


def write_setup(root: Path, count: int) -> Path:
    for side in ("a", "b"):
        (root / side).mkdir()
    mappings = []
    for i in range(count):
        name = f"review{i:02d}"
        review = {
            "review": name,
            "items": [{"name": f"sh{j:03d}", "notes": [{"text": f"note {j}"}]} for j in range(3)],
        }
        (root / "a" / f"{name}.yaml").write_text(yaml.safe_dump(review, sort_keys=False))
        mappings.append(
            {
                "name": name,
                "schedule": {"every": f"{30 + (i * 30) // count}s"},
                "endpoints": {"a": {"review": name}, "b": {"review": name}},
            }
        )
    config = {
        "state": "sqlite:///state.db",
        "systems": {"a": {"type": "file", "path": "a"}, "b": {"type": "file", "path": "b"}},
        "mappings": mappings,
        "service": {"listen": "127.0.0.1:0"},
    }
    path = root / "syncd.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--mappings", type=int, default=50)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds ignored at start")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="syncd-footprint-") as tmp:
        root = Path(tmp)
        config = write_setup(root, args.mappings)
        env = {**os.environ, "SYNCD_DATA_DIR": str(root / "data")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "syncd", "run", "-c", str(config), "--log-level", "warning"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(args.settle)
            start_cpu, start = cpu_seconds(proc.pid), time.monotonic()
            peak = rss = rss_mb(proc.pid)
            while time.monotonic() - start < args.seconds - args.settle:
                time.sleep(1)
                rss = rss_mb(proc.pid)
                peak = max(peak, rss)
            cpu = (cpu_seconds(proc.pid) - start_cpu) / (time.monotonic() - start) * 100
            synced = sum(1 for _ in (root / "b").glob("*.yaml"))
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(60)
    print(f"mappings: {args.mappings} (synced {synced}), window: {args.seconds:.0f}s")
    print(f"idle RSS: {rss:.1f} MB (peak {peak:.1f} MB; target < 150 MB)")
    print(f"CPU: {cpu:.2f} % of one core (target < 2 %)")
    print(f"exit code after SIGTERM: {code}")
    return 0 if rss < 150 and cpu < 2 and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
