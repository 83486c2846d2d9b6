"""Remote systems answering with the wrong payload: one clear per-mapping error (exit 1), never a
traceback, and nothing written anywhere."""

from __future__ import annotations

from tests.cli.bad_input import Case
from tests.support.payload_server import HTML

J = "application/json"
RUN = ("run", "--once")
SS = """\
state: sqlite:///state.db
systems:
  studio: {type: file, path: ./studio}
  ss: {type: syncsketch, url: '@URL@', username: syncd, api_key: '@KEY@',
       retry: {attempts: 1, backoff: 0}}
mappings:
  - name: dailies
    endpoints:
      studio: {review: dailies}
      ss: {project_id: @SS_PROJECT@, review: Dailies, create: true}
"""
SG = """\
state: sqlite:///state.db
systems:
  studio: {type: file, path: ./studio}
  sg: {type: shotgrid, url: '@URL@', script_name: syncd, api_key: '@KEY@',
       retry: {attempts: 1, backoff: 0}}
mappings:
  - name: dailies
    endpoints:
      studio: {review: dailies}
      sg: {project_id: @SG_PROJECT@, playlist: Dailies, create: true}
"""
KITSU = """\
state: sqlite:///state.db
systems:
  studio: {type: file, path: ./studio}
  kitsu: {type: kitsu, url: '@BAD_URL@', email: syncd@studio.example, password: '${SS_KEY}',
          retry: {attempts: 1, backoff: 0}}
mappings:
  - name: dailies
    endpoints:
      studio: {review: dailies}
      kitsu: {project: Demo, playlist: Dailies, task_type: Animation}
"""
TOKEN = (200, J, b'{"access_token": "t", "refresh_token": "r", "user": {"id": "u1"}}')


def ss(url: str, key: str = "${SS_KEY}") -> str:
    return SS.replace("@URL@", url).replace("@KEY@", key)


def sg(url: str, key: str = "${SG_KEY}") -> str:
    return SG.replace("@URL@", url).replace("@KEY@", key)


def syncsketch(id: str, payload: dict, place: str, command: tuple[str, ...] = RUN, **kw) -> Case:  # type: ignore[type-arg]
    """SyncSketch at the wrong-payload server; the fix points it at the stand-in."""
    return Case(
        id,
        {"syncd.yaml": ss("@BAD_URL@")},
        command,
        1,
        place,
        fix={"syncd.yaml": ss("@SS_URL@")},
        state="any",
        payload=payload,
        converge="syncsketch",
        **kw,
    )


CASES = [
    syncsketch("syncsketch-html-instead-of-json", {}, "expected JSON but got text/html (HTTP 200)"),
    syncsketch(
        "syncsketch-list-instead-of-a-page",
        {"/": (200, J, b"[]")},
        "syncsketch: GET /api/v1/review/: the answer is not a list page; is the URL right?",
    ),
    syncsketch(
        "syncsketch-page-of-numbers",
        {"/": (200, J, b'{"meta": {"next": null}, "objects": [1, 2]}')},
        "syncsketch: GET /api/v1/review/: the answer is not a list page",
    ),
    syncsketch(
        "syncsketch-page-without-objects",
        {"/": (200, J, b'{"meta": {"next": null}, "objects": 5}')},
        "the answer is not a list page",
        ("check",),
    ),
    syncsketch(
        "syncsketch-html-error-page",
        {"/": (500, "text/html", HTML[2])},
        "HTTP 500 (gave up after 1 attempts)",
        ("plan",),
    ),
    Case(
        "syncsketch-refuses-the-key",
        {"syncd.yaml": ss("@SS_URL@", "not-the-key")},
        RUN,
        1,
        "HTTP 401 (Invalid credentials.): the credentials were refused; check them",
        fix={"syncd.yaml": ss("@SS_URL@")},
        state="any",
        converge="syncsketch",
        forbidden=("not-the-key",),
    ),
    Case(
        "shotgrid-html-instead-of-json",
        {"syncd.yaml": sg("@BAD_URL@")},
        RUN,
        1,
        "sg: cannot read the review: sg: the server does not answer like a ShotGrid site",
        fix={"syncd.yaml": sg("@SG_URL@")},
        state="any",
        payload={},
        converge="shotgrid",
    ),
    Case(
        "shotgrid-list-instead-of-an-object",
        {"syncd.yaml": sg("@BAD_URL@")},
        ("check",),
        1,
        "dailies/sg: FAILED: sg: the server does not answer like a ShotGrid site",
        fix={"syncd.yaml": sg("@SG_URL@")},
        state="any",
        payload={"/": (200, J, b"[]")},
        converge="shotgrid",
    ),
    Case(
        "shotgrid-refuses-the-key",
        {"syncd.yaml": sg("@SG_URL@", "not-the-key")},
        RUN,
        1,
        "sg: cannot read the review: sg: ShotGrid refused the credentials",
        fix={"syncd.yaml": sg("@SG_URL@")},
        state="any",
        converge="shotgrid",
        forbidden=("not-the-key",),
    ),
    Case(
        "kitsu-html-instead-of-json",
        {"syncd.yaml": KITSU},
        RUN,
        1,
        "kitsu: cannot read the review: kitsu: no Kitsu API found at",
        state="any",
        payload={},
    ),
    Case(
        "kitsu-login-answer-is-a-list",
        {"syncd.yaml": KITSU},
        RUN,
        1,
        "kitsu: the login answer of",
        state="any",
        payload={"/auth/login": (200, J, b"[]"), "/": (200, J, b'{"api": "Zou"}')},
    ),
    Case(
        "kitsu-list-of-strings-instead-of-objects",
        {"syncd.yaml": KITSU},
        ("plan",),
        1,
        "kitsu: cannot read the review: an answer of the server is not in the shape syncd expects",
        state="any",
        payload={"/auth/login": TOKEN, "/": (200, J, b'["Demo", "Other"]')},
    ),
    Case(
        "kitsu-object-instead-of-a-list",
        {"syncd.yaml": KITSU},
        ("check",),
        1,
        "dailies/kitsu: FAILED: kitsu: cannot read the review: an answer of the server is not in "
        "the shape syncd expects",
        state="any",
        payload={"/auth/login": TOKEN, "/": (200, J, b'{"data": []}')},
    ),
]
