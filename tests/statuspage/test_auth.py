"""Without the token every page answers 401; a browser logs in once through a small form."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from syncd.statuspage.auth import COOKIE, UiAuth, safe_next, session_cookie
from syncd.statuspage.site import scrub
from tests.statuspage.conftest import Site
from tests.statuspage.scenario import UI_TOKEN

PAGES = ["/", "/index.html", "/mappings/dailies", "/mappings/client", "/mappings/nosuch"]


def _pages(site: Site) -> list[str]:
    page = site.text("/mappings/dailies")
    items = re.findall(r'href="(/mappings/dailies/items/[^"]+)"', page)
    thumbs = re.findall(r'src="(/thumbs/[^"]+)"', site.text(items[0]))
    return [*PAGES, *items, *thumbs, "/thumbs/" + "0" * 64 + ".jpg"]


def test_every_page_refuses_requests_without_the_token(site: Site) -> None:
    for path in _pages(site):
        for token in (None, "wrong-token", UI_TOKEN + "x", UI_TOKEN[:-1], ""):
            answer = site.get(path, token=token)
            assert answer.status == 401, (path, token)
            assert answer.body == b'{"error": "unauthorized"}\n'
            assert ("WWW-Authenticate", 'Bearer realm="syncd"') in answer.headers
        answer = site.get(path, token=None, Authorization=f"Basic {UI_TOKEN}")
        assert answer.status == 401


def test_a_browser_gets_the_login_form_then_a_session_cookie(site: Site) -> None:
    refused = site.get("/mappings/dailies", token=None, Accept="text/html,*/*")
    assert refused.status == 401
    form = refused.body.decode()
    assert '<form method="post" action="/login"' in form
    assert 'name="next" value="/mappings/dailies"' in form
    assert "dailies</td>" not in form and "sh010" not in form  # nothing of the review

    wrong = site.site.handle("POST", "/login", {}, urlencode({"token": "nope"}).encode())
    assert wrong is not None and wrong.status == 401 and b"That token is not right." in wrong.body
    assert not any(k == "Set-Cookie" for k, _ in wrong.headers)

    body = urlencode({"token": UI_TOKEN, "next": "/mappings/dailies"}).encode()
    answer = site.site.handle("POST", "/login", {}, body)
    assert answer is not None and answer.status == 303
    headers = dict(answer.headers)
    assert headers["Location"] == "/mappings/dailies"
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert UI_TOKEN not in cookie
    value = cookie.split(";", 1)[0]
    page = site.get("/mappings/dailies", token=None, Cookie=value)
    assert page.status == 200 and b"Reconciliation" in page.body
    tampered = value[:-1] + ("0" if value[-1] != "0" else "1")
    assert site.get("/", token=None, Cookie=tampered).status == 401

    out = site.site.handle("GET", "/logout", {"Cookie": value})
    assert out is not None and out.status == 303
    assert "Max-Age=0" in dict(out.headers)["Set-Cookie"]


def test_login_over_https_marks_the_cookie_secure_and_never_redirects_away(site: Site) -> None:
    body = urlencode({"token": UI_TOKEN, "next": "//evil.example/x"}).encode()
    answer = site.site.handle("POST", "/login", {"X-Forwarded-Proto": "https"}, body)
    assert answer is not None
    headers = dict(answer.headers)
    assert headers["Location"] == "/"
    assert "Secure" in headers["Set-Cookie"]


def test_pages_forbid_scripts_and_outside_resources(site: Site) -> None:
    headers = dict(site.get("/").headers)
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_sessions_expire_and_end_when_the_token_changes() -> None:
    now = [1_000_000.0]
    auth = UiAuth("first-token", session_seconds=60, clock=lambda: now[0], failure_delay=0)
    value = auth.session_value()
    assert auth.session_ok(value)
    assert auth.allowed({"Cookie": f"{COOKIE}={value}"})
    now[0] += 61
    assert not auth.session_ok(value)
    now[0] -= 61
    other = UiAuth("second-token", clock=lambda: now[0])
    assert not other.session_ok(value)
    assert not auth.session_ok("not-a-session") and not auth.session_ok("123.")
    assert auth.allowed({"Authorization": "Bearer first-token"})
    assert auth.allowed({"Authorization": "bearer  first-token "})
    assert not auth.allowed({"Authorization": "Bearer first-token2"})
    assert session_cookie('a=1; syncd_ui="x.y"') == "x.y"
    assert session_cookie("garbage;;=") is None


@pytest.mark.parametrize(
    ("asked", "where"),
    [
        ("/mappings/x", "/mappings/x"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/a\r\nSet-Cookie: x", "/"),
        (None, "/"),
    ],
)
def test_where_a_login_may_lead(asked: str | None, where: str) -> None:
    assert safe_next(asked) == where


def test_scrub_removes_secrets_raw_and_escaped() -> None:
    text = "a s3cr&t<> b s3cr&amp;t&lt;&gt; c"
    assert scrub(text, ["s3cr&t<>"]) == "a •••••• b •••••• c"
