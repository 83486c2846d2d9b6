"""``syncd cinesync-event`` and ``syncd cinesync url``: a mapping's cineSync side, from cineSync.

``cinesync-event`` is the command a studio sets as a cineSync event script: cineSync runs it with
``--key=<session key>`` (``_OFFLINE_`` offline), ``--save-format``, ``--save-dir`` and ``--url``
and pipes its live session to standard input. The command takes in that session's notes and the
frames cineSync saved (:mod:`syncd.connectors.cinesync.event`), runs the mapping once (unless the
service holds the mapping's lease: its next run takes the notes on), and prints one line. Exit
status: 0 when the notes were taken in (and the run went through), 1 when some objects failed or
the session could not be read, 2 on a usage or configuration error. Arguments it does not know
are ignored, so a newer cineSync passing more does not break it.

``cinesync url`` prints the ``cinesync://file/merge`` (or ``file/replace``) URL that makes a
running cineSync open the mapping's session file, and ``--open`` hands it to the desktop.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import webbrowser
from typing import Any

from syncd.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from syncd.config import Config, MappingConfig
from syncd.errors import ConfigError, SyncdError


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    event = sub.add_parser(
        "cinesync-event",
        parents=[common],
        help="take in the notes a cineSync event script sends, then run the mapping once",
        description="Set as a cineSync event script: reads the session cineSync pipes to "
        "standard input, with cineSync's own arguments (--key, --save-format, --save-dir, "
        "--url); other arguments are ignored.",
    )
    event.add_argument("-m", "--mapping", required=True, help="the mapping to take notes into")
    tools = sub.add_parser("cinesync", help="cineSync helpers")
    actions = tools.add_subparsers(dest="cinesync_command", metavar="ACTION")
    url = actions.add_parser(
        "url", parents=[common], help="print the cinesync:// URL that opens a mapping's session"
    )
    url.add_argument("-m", "--mapping", required=True)
    url.add_argument(
        "--replace",
        action="store_true",
        help="file/replace: open it in place of what cineSync shows (default: file/merge)",
    )
    url.add_argument("--open", action="store_true", help="hand the URL to the desktop")


def cmd_event(args: argparse.Namespace) -> int:
    from syncd.cli.commands import _config
    from syncd.connectors.cinesync import SessionError, parse_event_args, parse_session
    from syncd.connectors.cinesync.event import take_in
    from syncd.service.leases import open_leases
    from syncd.sync.runtime import check_endpoints, open_store, run_mapping, state_url

    try:
        event = parse_event_args(getattr(args, "extra", []))
    except ValueError as exc:
        print(f"syncd: cinesync-event: {exc}", file=sys.stderr)
        return EXIT_USAGE
    config = _config(args)
    mapping = config.mapping(args.mapping)
    name = _cinesync_endpoint(config, mapping)
    raw = b"" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.buffer.read()
    if not raw.strip():
        print(
            "syncd: cinesync-event: no session on standard input; cineSync pipes its session "
            "to an event script: set this command as one in cineSync",
            file=sys.stderr,
        )
        return EXIT_USAGE
    check_endpoints(config, [mapping])
    try:
        live = parse_session(raw, "the session cineSync sent")
        endpoint = _open(config, mapping, name)
        try:
            taken = take_in(endpoint, live, event.save_dir, event.save_format)
        finally:
            endpoint.close()
    except SessionError as exc:
        print(f"{mapping.name}: FAILED: nothing taken in: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for warning in taken.warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    head = f"{mapping.name}: took in {taken.summary()} from cineSync"
    leases = open_leases(state_url(config))
    try:
        if not leases.acquire(mapping.name):  # a run of this mapping elsewhere must not overlap
            print(f"{head}; the service runs this mapping and takes them on from there")
            return EXIT_OK
        result = run_mapping(config, open_store(config), mapping)
    except SyncdError as exc:
        print(f"{head}; the run FAILED: {exc}")
        return EXIT_FAILED
    finally:
        leases.close()
    counts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(result.counts.items()))
    print(f"{head}; run {result.outcome} ({counts or 'nothing to write'})")
    for failure in result.failures:
        where = f"{failure.endpoint}: " if failure.endpoint else ""
        print(f"  failed: {where}{failure.message}", file=sys.stderr)
    return EXIT_FAILED if result.failed else EXIT_OK


def cmd_tools(args: argparse.Namespace) -> int:
    from syncd.cli.commands import _config
    from syncd.connectors.cinesync import merge_url, replace_url

    if args.cinesync_command != "url":
        print("usage: syncd cinesync url -m MAPPING [--replace] [--open]", file=sys.stderr)
        return EXIT_USAGE
    config = _config(args)
    mapping = config.mapping(args.mapping)
    endpoint = _open(config, mapping, _cinesync_endpoint(config, mapping))
    path = endpoint.path
    endpoint.close()
    url = replace_url(path) if args.replace else merge_url(path)
    print(url)
    if not path.exists():
        print(
            f"syncd: warning: {path} does not exist yet; `syncd run --once -m {mapping.name}` "
            "writes it",
            file=sys.stderr,
        )
    if args.open:
        problem = open_on_desktop(url)
        if problem is not None:
            print(f"syncd: cannot open it here: {problem}", file=sys.stderr)
            return EXIT_FAILED
    return EXIT_OK


def open_on_desktop(url: str) -> str | None:
    """Hand ``url`` to the desktop (which starts cineSync); why not, or None when it did."""
    if sys.platform.startswith("linux"):
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            return (
                "there is no desktop session (neither DISPLAY nor WAYLAND_DISPLAY is set); "
                "open the URL on the machine where cineSync runs"
            )
        opener = shutil.which("xdg-open")
        if opener is not None:
            try:
                done = subprocess.run([opener, url], capture_output=True, timeout=30, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return f"xdg-open failed ({exc})"
            if done.returncode == 0:
                return None
            return "xdg-open could not open it: is cineSync installed here, for cinesync:// links?"
    try:
        opened = webbrowser.open(url)
    except webbrowser.Error as exc:
        return f"no program to open it with ({exc})"
    return None if opened else "no program to open it with was found"


def _cinesync_endpoint(config: Config, mapping: MappingConfig) -> str:
    names = [n for n in mapping.endpoints if config.systems[n].type == "cinesync"]
    if len(names) != 1:
        found = "none" if not names else ", ".join(names)
        raise ConfigError(
            f"{config.where('mappings', config.mappings.index(mapping))}: mapping "
            f"{mapping.name!r} needs exactly one cineSync endpoint (it has {found})"
        )
    return names[0]


def _open(config: Config, mapping: MappingConfig, name: str) -> Any:
    from syncd.connectors import open_endpoint
    from syncd.media.thumbs import poster_maker
    from syncd.sync.runtime import media_dir

    system, selector = config.systems[name], dict(mapping.endpoints[name])
    endpoint = open_endpoint(system.type, name, dict(system.settings), selector)
    endpoint.posters = poster_maker(media_dir(config) / "posters")  # as a run's endpoints have
    return endpoint
