"""Finding and running ffprobe and ffmpeg, which syncd uses but does not ship.

Without them movies still move, unchecked and without poster frames: a missing tool is worth one
clear warning per process, never a crash and never a warning per movie.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass, field

import structlog

from syncd.errors import SkippableError

log = structlog.get_logger("syncd.media")
# The one piece of process-wide state in syncd.media, on purpose: "warn once per process" is
# about the process, not about any object in it. Tests clear it.
WARNED = threading.Event()
_WARN_LOCK = threading.Lock()


class ToolMissing(Exception):
    """The tool is not installed (or cannot be executed)."""


@dataclass(frozen=True, slots=True)
class MediaTools:
    """Where ffprobe and ffmpeg are (None when absent) and how long one call may take.

    ``warned`` is what "said once" is counted against: the process (``WARNED``) unless the
    tools were found ``for_run``, which makes it once per run of a mapping.
    """

    ffprobe: str | None
    ffmpeg: str | None
    timeout: float = 120.0
    warned: threading.Event = field(default=WARNED, compare=False, repr=False)

    @classmethod
    def find(cls, timeout: float = 120.0) -> MediaTools:
        """Look both up on PATH."""
        return cls(shutil.which("ffprobe"), shutil.which("ffmpeg"), timeout)

    @classmethod
    def for_run(cls, timeout: float = 120.0) -> MediaTools:
        """Look both up on PATH, with a warning of their own: a long-running service says
        in each run's log (not only in its first) that movies go unchecked."""
        return cls(shutil.which("ffprobe"), shutil.which("ffmpeg"), timeout, threading.Event())

    def run(
        self, tool: str | None, args: list[str], *, label: str
    ) -> subprocess.CompletedProcess[bytes]:
        """Run a tool on one file; ToolMissing when it is absent, SkippableError on a time-out."""
        if tool is None:
            raise ToolMissing
        try:
            return subprocess.run(
                [tool, *args],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except (FileNotFoundError, PermissionError, NotADirectoryError):
            raise ToolMissing from None
        except subprocess.TimeoutExpired:
            name = tool.rsplit("/", 1)[-1]
            raise SkippableError(
                f"media {label!r}: {name} did not finish within {self.timeout:g} s"
            ) from None

    def warn_missing(self, failed: str | None = None) -> None:
        """Say once (per process, or per run) what is missing (or ``failed`` to run) and what
        that costs."""
        named = (("ffprobe", self.ffprobe), ("ffmpeg", self.ffmpeg))
        missing = [name for name, path in named if not path or path == failed]
        with _WARN_LOCK:
            if self.warned.is_set():
                return
            self.warned.set()
        log.warning(
            f"{' and '.join(missing or ['ffprobe', 'ffmpeg'])} not usable: movies are uploaded "
            "without being checked and get no poster frame; install ffmpeg to check them",
            missing=missing or ["ffprobe", "ffmpeg"],
        )
