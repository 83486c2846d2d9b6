"""State databases syncd cannot use: a configuration error naming the place (exit 2); a file
that is not a database (any more) is moved aside by ``syncd run``, which then finds everything
again, and reported by the commands that change nothing (exit 1)."""

from __future__ import annotations

from tests.cli.bad_input import CONFIG, Case, config

RUN = ("run", "--once")
GOOD = {"syncd.yaml": CONFIG}


def state(url: str) -> str:
    return config("state: sqlite:///state.db", f"state: {url}")


def unusable(id: str, url: str, place: str, files: dict[str, str] | None = None, **kw) -> Case:  # type: ignore[no-untyped-def]
    return Case(
        id,
        {"syncd.yaml": state(url), **(files or {})},
        kw.pop("command", RUN),
        2,
        place,
        fix=GOOD,
        **kw,
    )


def damaged(id: str, content: bytes, command: tuple[str, ...] = RUN) -> Case:
    """``syncd run`` moves the file aside and syncs; plan and status say so and change nothing."""
    if command == RUN:
        return Case(
            id, {"state.db": content}, command, 0, "state database was damaged", repairs=True
        )
    return Case(
        id,
        {"state.db": content},
        command,
        1,
        "state.db is damaged",
        fix={"state.db": None},
        state="any",
    )


CASES = [
    unusable(
        "state-is-a-folder",
        "sqlite:///statedir",
        "syncd.yaml:1: state: the state database @ROOT@/statedir is a folder; name a file in it",
        {"statedir/keep": ""},
    ),
    unusable(
        "state-under-a-regular-file",
        "sqlite:///./notes.txt/state.db",
        "syncd.yaml:1: state: cannot create the state database @ROOT@/notes.txt/state.db: "
        "@ROOT@/notes.txt is a file, not a folder",
        {"notes.txt": "a note\n"},
        command=("check",),
    ),
    unusable(
        "state-in-proc",
        "sqlite:////proc/syncd-bad-input.db",
        "syncd.yaml:1: state: cannot create the state database /proc/syncd-bad-input.db",
    ),
    unusable(
        "state-in-sys",
        "sqlite:////sys/syncd-bad-input/state.db",
        "syncd.yaml:1: state: cannot create the state database /sys/syncd-bad-input/state.db",
        command=("plan",),
    ),
    unusable(
        "state-in-a-read-only-folder",
        "sqlite:///locked/state.db",
        "syncd.yaml:1: state: cannot create the state database @ROOT@/locked/state.db "
        "(Permission denied)",
        {"locked/keep": ""},
        read_only=("locked",),
        root_only=False,
    ),
    Case(
        "state-from-the-environment-is-a-folder",
        {"statedir/keep": ""},
        ("status",),
        2,
        "syncd.yaml: SYNCD_STATE: the state database @ROOT@/statedir is a folder",
        env={"SYNCD_STATE": "sqlite:///@ROOT@/statedir"},
    ),
    damaged("state-is-a-text-file", b"these are my notes, not a database\n"),
    damaged("state-is-garbage-bytes", bytes(range(256)) * 64),
    damaged("state-is-a-truncated-database", b"SQLite format 3\x00" + b"\x10\x00\x02\x02" * 20),
    damaged("state-is-a-text-file-for-status", b"not a database\n", ("status",)),
    damaged("state-is-garbage-for-plan", b"\x00\xff" * 4096, ("plan",)),
]
