"""Argument parsing and dispatch for the ``syncd`` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from syncd import __version__, logs
from syncd.cli.errors import EXIT_USAGE, run_guarded


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syncd",
        description="Keep one review in step across Kitsu, SyncSketch, ShotGrid, cineSync and "
        "files.",
    )
    parser.add_argument("--version", action="version", version=f"syncd {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c",
        "--config",
        help="configuration file (default: $SYNCD_CONFIG, "
        "./syncd.yaml, /etc/syncd/syncd.yaml, then the user config dir)",
    )
    common.add_argument(
        "--log-level",
        default=os.environ.get("SYNCD_LOG_LEVEL", "info"),
        choices=["debug", "info", "warning", "error"],
    )
    common.add_argument(
        "--log-format",
        default=os.environ.get("SYNCD_LOG_FORMAT", "auto"),
        choices=["auto", "console", "json"],
        help="console on a terminal, JSON lines otherwise (auto)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", parents=[common], help="run mappings (as a service by default)")
    run.add_argument("--once", action="store_true", help="one pass of each mapping, then exit")
    run.add_argument("-m", "--mapping", action="append", help="only this mapping (repeatable)")
    run.add_argument(
        "--allow-empty", action="store_true", help="sync even when a side returns an empty review"
    )
    run.add_argument(
        "--force-deletes",
        action="store_true",
        help="allow a run to delete more than max_delete_share",
    )
    run.add_argument("--json", action="store_true", help="print run results as JSON")

    plan = sub.add_parser("plan", parents=[common], help="dry run: show what a run would do")
    plan.add_argument("-m", "--mapping", action="append")
    plan.add_argument("--json", action="store_true")

    status = sub.add_parser(
        "status", parents=[common], help="mappings, last runs, link counts, last errors"
    )
    status.add_argument("--json", action="store_true")
    status.add_argument(
        "--html",
        metavar="FILE",
        help="write the status pages as one self-contained HTML file (to mail or share)",
    )

    sub.add_parser("check", parents=[common], help="check the configuration and connectivity")

    demo = sub.add_parser(
        "demo",
        parents=[common],
        help="a self-contained demo on local stand-ins, no accounts needed",
    )
    demo.add_argument("--dir", default="syncd-demo", help="where the demo writes (./syncd-demo)")
    demo.add_argument(
        "--serve", action="store_true", help="keep the stand-ins running and sync every few seconds"
    )

    config = sub.add_parser("config", help="configuration helpers")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION")
    config_sub.add_parser("schema", help="print the configuration's JSON Schema")
    config_sub.add_parser(
        "reference", help="print the configuration reference (docs/configuration.md)"
    )
    config_sub.add_parser("check", parents=[common], help="validate the configuration file")

    db = sub.add_parser("db", help="state database helpers")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_sub.add_parser("upgrade", parents=[common], help="apply database migrations")

    from syncd.cli.cinesync import add_parsers

    add_parsers(sub, common)

    if sys.platform == "win32":
        svc = sub.add_parser("service", parents=[common], help="Windows service management")
        svc.add_argument("action", choices=["install", "start", "stop", "remove", "run"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "cinesync-event":  # an event script tolerates what it ignores
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    logs.configure(getattr(args, "log_level", "info"), getattr(args, "log_format", "auto"))
    from syncd.cli import commands

    handler = commands.HANDLERS.get(args.command)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    debug = getattr(args, "log_level", "info") == "debug"
    return run_guarded(lambda: handler(args), debug=debug)


if __name__ == "__main__":
    sys.exit(main())
