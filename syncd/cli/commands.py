"""What each ``syncd`` subcommand does."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DatabaseError

from syncd.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from syncd.cli.progress import TerminalProgress
from syncd.config import Config, load_config
from syncd.config.schema import full_schema
from syncd.connectors.base import MALFORMED, Endpoint, unexpected_answer
from syncd.core.actions import describe
from syncd.errors import ConfigError, FatalError, SyncdError
from syncd.state.store import redact_url, unreadable
from syncd.sync.engine import Engine, RunResult
from syncd.sync.runtime import (
    check_endpoints,
    default_config_path,
    mapping_runtime,
    open_store,
    run_mapping,
    select_mappings,
    state_origin,
    state_url,
)


def _config(args: argparse.Namespace) -> Config:
    return load_config(Path(args.config) if args.config else default_config_path())


def exit_code(exc: SyncdError) -> int:
    """2 when a mapping failed on its configuration (even wrapped by the engine), else 1."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConfigError):
            return EXIT_USAGE
        cause = cause.__cause__
    return EXIT_FAILED


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


# -- run ------------------------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    config = _config(args)
    check_endpoints(config, select_mappings(config, args.mapping))
    if not args.once:
        from syncd.service.daemon import serve

        return serve(config, mappings=args.mapping)
    store = open_store(config)
    results: list[dict[str, Any]] = []
    code = EXIT_OK
    bars = TerminalProgress() if TerminalProgress.wanted(args.json) else None
    for mapping in select_mappings(config, args.mapping):
        try:
            result = run_mapping(
                config,
                store,
                mapping,
                monitor=bars,
                allow_empty=args.allow_empty,
                force_deletes=args.force_deletes,
            )
        except SyncdError as exc:
            code = max(code, exit_code(exc))
            results.append({"mapping": mapping.name, "outcome": "failed", "error": str(exc)})
            if not args.json:
                print(f"{mapping.name}: FAILED: {exc}", file=sys.stderr)
            continue
        results.append(result.summary())
        if result.failed:
            code = EXIT_FAILED
        if not args.json:
            _print_result(result)
    if args.json:
        _print_json(results)
    return code


def _print_result(result: RunResult) -> None:
    counts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(result.counts.items()))
    print(
        f"{result.mapping}: {result.outcome} in {result.duration:.1f}s"
        f"{' (' + counts + ')' if counts else ' (nothing to do)'}"
    )
    for problem in result.plan.problems:
        if problem.severity != "info":
            print(f"  warning: {problem.message}")
    for failure in result.failures:
        where = f"{failure.endpoint}: " if failure.endpoint else ""
        print(f"  failed: {where}{failure.message}")


# -- plan -----------------------------------------------------------------------------------------
def cmd_plan(args: argparse.Namespace) -> int:
    config = _config(args)
    check_endpoints(config, select_mappings(config, args.mapping))
    store = open_store(config, repair=False)
    output: list[dict[str, Any]] = []
    code = EXIT_OK
    for mapping in select_mappings(config, args.mapping):
        with mapping_runtime(config, mapping, dry_run=True) as rt:
            try:
                plan, *_ = Engine(store).plan(rt)
            except SyncdError as exc:
                code = max(code, exit_code(exc))
                output.append({"mapping": mapping.name, "error": str(exc)})
                if not args.json:
                    print(f"{mapping.name}: cannot plan: {exc}", file=sys.stderr)
                continue
            setup = [f"{name}: {what}" for name, ep in rt.endpoints.items() for what in ep.would]
        entry = {
            "mapping": mapping.name,
            "setup": setup,
            "actions": [describe(a) for a in plan.actions],
            "problems": [p.message for p in plan.problems],
            "refusal": plan.refusal,
        }
        output.append(entry)
        if args.json:
            continue
        print(f"{mapping.name}: {len(plan.actions)} action(s)")
        for line in [*setup, *entry["actions"]]:
            print(f"  {line}")
        for problem in plan.problems:
            print(f"  {problem.severity}: {problem.message}")
        if plan.refusal:
            print(f"  REFUSED: {plan.refusal}")
    if args.json:
        _print_json(output)
    return code


# -- status ---------------------------------------------------------------------------------------
def cmd_status(args: argparse.Namespace) -> int:
    config = _config(args)
    store = open_store(config, repair=False)
    if getattr(args, "html", None):
        from syncd.statuspage.static import snapshot_of

        size = snapshot_of(config, store, Path(args.html))
        print(f"{args.html}: status of {len(config.mappings)} mapping(s), {size / 1024:.0f} KiB")
        return EXIT_OK
    report = []
    for mapping in config.mappings:
        runs = store.last_runs(mapping.name, limit=5)
        last_error = next((r for r in runs if r.error), None)
        schedule = (
            f"every {mapping.schedule.every:g}s"
            if mapping.schedule.every
            else f"cron {mapping.schedule.cron}"
        )
        report.append(
            {
                "mapping": mapping.name,
                "endpoints": list(mapping.endpoints),
                "schedule": schedule,
                "links": store.link_counts(mapping.name),
                "last_runs": [
                    {
                        "id": r.id,
                        "started_at": r.started_at,
                        "finished_at": r.finished_at,
                        "outcome": r.outcome,
                        "counts": r.counts,
                        "error": r.error,
                        "problems": r.problems,
                        "transfers": transfer_report(r.transfers),
                        **({"progress": r.progress} if r.outcome == "running" else {}),
                    }
                    for r in runs
                ],
                "last_error": None
                if last_error is None
                else {"run": last_error.id, "at": last_error.started_at, "error": last_error.error},
            }
        )
    if args.json:
        _print_json({"state": redact_url(state_url(config)), "mappings": report})
        return EXIT_OK
    print(f"state: {redact_url(state_url(config))}")
    for entry in report:
        links = entry["links"]
        print(f"\n{entry['mapping']}  ({' <-> '.join(entry['endpoints'])}, {entry['schedule']})")
        print(f"  linked: {links.get('item', 0)} items, {links.get('note', 0)} notes")
        if not entry["last_runs"]:
            print("  never run")
        for run in entry["last_runs"]:
            counts = ", ".join(f"{k}: {v}" for k, v in sorted(run["counts"].items())) or "-"
            if run.get("progress"):
                counts = _progress_text(run["progress"])
            stamp = run["started_at"].strftime("%Y-%m-%d %H:%M:%S") if run["started_at"] else "?"
            print(f"  run {run['id']:>5}  {stamp}  {run['outcome']:<8} {counts}")
        if entry["last_error"]:
            print(
                f"  last error (run {entry['last_error']['run']}): {entry['last_error']['error']}"
            )
        last = entry["last_runs"][0] if entry["last_runs"] else None
        if last:
            for line in transfer_lines(last["id"], last["transfers"]):
                print(line)
        shown = [p for p in last["problems"] if p.get("severity") != "info"] if last else []
        if last and shown:
            print(f"  problems of run {last['id']}:")
            for problem in shown[:20]:
                where = f"{problem['endpoint']}: " if problem.get("endpoint") else ""
                print(f"    {problem['severity']}: {where}{problem['message']}")
            if len(shown) > 20:
                print(f"    … and {len(shown) - 20} more (syncd status --json)")
    return EXIT_OK


def _progress_text(progress: dict[str, Any]) -> str:
    text = f"{progress.get('done', 0)}/{progress.get('total', 0)} writes"
    if progress.get("failed"):
        text += f", {progress['failed']} failed"
    if progress.get("eta_s") is not None:
        text += f", about {max(1, round(progress['eta_s']))} s left"
    return text


def transfer_report(transfers: dict[str, Any]) -> dict[str, Any]:
    """A run's media transfers as ``status`` shows them: counts, bytes and what failed."""
    errored = transfers.get("errored") or []
    return {
        "succeeded": len(transfers.get("succeeded") or []),
        "errored": len(errored),
        "downloads": transfers.get("downloads", 0),
        "uploads": transfers.get("uploads", 0),
        "reused": transfers.get("reused", 0),
        "bytes_down": transfers.get("bytes_down", 0),
        "bytes_up": transfers.get("bytes_up", 0),
        "errors": errored,
    }


def transfer_lines(run_id: int, report: dict[str, Any]) -> list[str]:
    if not (report["succeeded"] or report["errored"] or report["reused"]):
        return []
    lines = [
        f"  media of run {run_id}: {report['succeeded']} transfer(s) succeeded, "
        f"{report['errored']} errored; {report['downloads']} download(s) "
        f"({_size(report['bytes_down'])}), {report['uploads']} upload(s) "
        f"({_size(report['bytes_up'])}), {report['reused']} from the cache"
    ]
    for error in report["errors"][:20]:
        lines.append(f"    error: {error.get('system')}: {error.get('error')}")
    if len(report["errors"]) > 20:
        lines.append(f"    … and {len(report['errors']) - 20} more (syncd status --json)")
    return lines


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"


# -- check ----------------------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace) -> int:
    config = _config(args)
    check_endpoints(config, config.mappings)
    print(f"configuration: {config.path}: OK ({len(config.mappings)} mapping(s))")
    code = EXIT_OK
    try:
        store = open_store(config, repair=False)
        print(f"state: {redact_url(state_url(config))}: OK (schema {store.schema_revision()})")
    except ConfigError:
        raise  # exit 2, one line, like every configuration error
    except SyncdError as exc:
        print(f"state: FAILED: {exc}")
        return EXIT_FAILED
    for mapping in config.mappings:
        try:
            with mapping_runtime(config, mapping, dry_run=True) as rt:
                for name, endpoint in rt.endpoints.items():
                    try:
                        found = _checked(name, endpoint)
                        would = "".join(f"; {what}" for what in endpoint.would)
                        print(f"{mapping.name}/{name}: OK: {found}{would}")
                        print(f"  notes by others: {endpoint.authorship()}")
                    except SyncdError as exc:
                        code = max(code, exit_code(exc))
                        print(f"{mapping.name}/{name}: FAILED: {exc}")
        except SyncdError as exc:
            code = max(code, exit_code(exc))
            print(f"{mapping.name}: FAILED: {exc}")
    return code


def _checked(name: str, endpoint: Endpoint) -> str:
    try:
        return endpoint.check()
    except MALFORMED as exc:
        raise unexpected_answer(name, exc) from exc


# -- config and db --------------------------------------------------------------------------------
def cmd_config(args: argparse.Namespace) -> int:
    if args.config_command == "schema":
        _print_json(full_schema())
        return EXIT_OK
    if args.config_command == "reference":
        from syncd.config.reference import reference

        sys.stdout.write(reference())
        return EXIT_OK
    if args.config_command == "check":
        config = _config(args)
        check_endpoints(config, config.mappings)
        print(
            f"{config.path}: OK ({len(config.systems)} system(s), "
            f"{len(config.mappings)} mapping(s))"
        )
        return EXIT_OK
    print("usage: syncd config {schema,reference,check}", file=sys.stderr)
    return EXIT_USAGE


def cmd_db(args: argparse.Namespace) -> int:
    if args.db_command != "upgrade":
        print("usage: syncd db upgrade", file=sys.stderr)
        return EXIT_USAGE
    config = _config(args)
    store = open_store(config, upgrade=False)
    try:
        before = store.schema_revision()
        store.upgrade()
    except DatabaseError as exc:
        raise FatalError(f"{state_origin(config)}: {unreadable(state_url(config), exc)}") from None
    print(
        f"{redact_url(state_url(config))}: schema {before or 'empty'} -> {store.schema_revision()}"
    )
    return EXIT_OK


STANDINS_MISSING = (
    "syncd: the demo runs on the SyncSketch and ShotGrid stand-ins (syncd-standins), which are "
    "not installed; from a syncd checkout: pip install -e ./standins"
)


def cmd_demo(args: argparse.Namespace) -> int:
    # the stand-ins are a separate distribution that the syncd wheel does not carry, so a plain
    # `pip install syncd` has no demo: say what to install instead of showing an import error
    try:
        from syncd.cli.demo import run_demo
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "syncd_standins":
            raise
        print(STANDINS_MISSING, file=sys.stderr)
        return EXIT_USAGE
    return run_demo(Path(args.dir), serve=args.serve)


def cmd_service(args: argparse.Namespace) -> int:
    from syncd.service.windows import handle_service_command

    return handle_service_command(args.action, args.config)


def cmd_cinesync_event(args: argparse.Namespace) -> int:
    from syncd.cli.cinesync import cmd_event

    return cmd_event(args)


def cmd_cinesync(args: argparse.Namespace) -> int:
    from syncd.cli.cinesync import cmd_tools

    return cmd_tools(args)


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": cmd_run,
    "plan": cmd_plan,
    "status": cmd_status,
    "check": cmd_check,
    "config": cmd_config,
    "db": cmd_db,
    "demo": cmd_demo,
    "service": cmd_service,
    "cinesync-event": cmd_cinesync_event,
    "cinesync": cmd_cinesync,
}
