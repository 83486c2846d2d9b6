"""Bad input, case by case: what a new user gets wrong in their first hour, and what syncd says.

Each case writes some files (a configuration, review files, a state file), runs one ``syncd``
command and expects an exit code and a message naming the place; nothing may be written. With a
``fix`` the corrected files then sync with ``syncd run --once`` and a second run writes nothing.

Placeholders in file contents are filled in when a case runs: ``@SS_URL@`` and ``@SG_URL@`` (the
SyncSketch and ShotGrid stand-ins), ``@SS_PROJECT@`` and ``@SG_PROJECT@`` (a project in each),
``@BAD_URL@`` (a server answering with the wrong payload, see ``Case.payload``) and ``@ROOT@``
(the case's folder).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.support.payload_server import Reply

CONFIG = """\
state: sqlite:///state.db
systems:
  studio: {type: file, path: ./studio}
  client: {type: file, path: ./client}
mappings:
  - name: dailies
    endpoints:
      studio: {review: dailies}
      client: {review: dailies}
    sync: {notes: both, statuses: both}
    statuses:
      - {studio: wfa, client: for_review}
      - {studio: done, client: approved}
"""
REVIEW = """\
review: dailies
items:
  - name: sh010
    status: wfa
    notes:
      - text: Fix the contact shadow.
        author: Dana <dana@studio.example>
        frame: 12
        replies:
          - text: On it.
  - name: sh020
    status: done
    notes:
      - text: Grade is a touch warm.
"""
REVIEW_PATH = "studio/dailies.yaml"
SECRET = "s3cr3t-key-value"
ENV = {"SS_KEY": SECRET, "SG_KEY": "sg-key-for-tests"}


def config(old: str, new: str, base: str = CONFIG) -> str:
    """The good configuration with one change (which must apply)."""
    assert old in base, old
    return base.replace(old, new, 1)


def review(old: str, new: str) -> str:
    """The good review file with one change (which must apply)."""
    assert old in REVIEW, old
    return REVIEW.replace(old, new, 1)


@dataclass(frozen=True)
class Case:
    id: str
    files: Mapping[str, str | bytes | None]
    """Relative path -> content; ``syncd.yaml`` and the review file default to the good ones,
    None leaves a default file out."""
    command: tuple[str, ...]
    exit: int
    place: str
    """A substring of one line of the output: the place named and what went wrong."""
    fix: Mapping[str, str | bytes | None] | None = None
    """Files that correct the input (None deletes one); then the run converges."""
    env: Mapping[str, str] = field(default_factory=dict)
    state: str = "absent"
    """``absent``: no state database may be created; ``any``: the run may have recorded itself."""
    payload: Mapping[str, Reply] | None = None
    """Routes of the wrong-payload server at ``@BAD_URL@``; None: no such server."""
    forbidden: tuple[str, ...] = (SECRET,)
    """Strings that must appear nowhere in the output."""
    repairs: bool = False
    """A damaged state database under ``syncd run``: it is moved aside (the place names the
    warning), the run syncs everything, and a second run writes nothing."""
    read_only: tuple[str, ...] = ()
    """Folders made read-only before the command runs."""
    root_only: bool | None = None
    """True: needs root; False: cannot work as root (permissions do not bind root)."""
    converge: str = "files"
    """What the fixed run is checked against: ``files`` (studio and client review files hold the
    same items and notes), ``syncsketch`` or ``shotgrid`` (the stand-in holds the items)."""
