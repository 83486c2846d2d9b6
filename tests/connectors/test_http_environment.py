"""The connectors' HTTP session reads the environment once per host, with requests' meaning.

Proxies (``HTTPS_PROXY``, ``NO_PROXY``) and CA bundles (``REQUESTS_CA_BUNDLE``) must apply to
syncd's requests exactly as they apply to any requests-based tool; they are only looked up once
per host instead of on every request.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from syncd.connectors.http import EnvironmentOnce

CASES = [
    {"HTTPS_PROXY": "http://proxy.studio.example:3128"},
    {"HTTPS_PROXY": "http://proxy.studio.example:3128", "NO_PROXY": "kitsu.studio.example"},
    {"HTTP_PROXY": "http://proxy.studio.example:3128", "ALL_PROXY": "socks5://s.example:1080"},
    {"REQUESTS_CA_BUNDLE": "/etc/ssl/studio-ca.pem"},
    {"CURL_CA_BUNDLE": "/etc/ssl/curl-ca.pem", "no_proxy": "*"},
    {},
]
URLS = ["https://kitsu.studio.example/api/data", "http://shotgrid.studio.example/api3/json"]
VARIABLES = {
    "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "https_proxy", "http_proxy",
    "all_proxy", "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
}  # fmt: skip


@pytest.mark.parametrize("env", CASES)
@pytest.mark.parametrize("url", URLS)
def test_settings_are_those_requests_itself_takes(
    env: dict[str, str], url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ours, theirs = EnvironmentOnce(), requests.Session()
    for _ in range(2):  # the second answer comes from what the first read
        assert ours.merge_environment_settings(
            url, {}, None, None, None
        ) == theirs.merge_environment_settings(url, {}, None, None, None)


def test_the_environment_is_read_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = requests.utils.get_environ_proxies

    def counted(url: str, no_proxy: Any = None) -> dict[str, str]:
        reads.append(url)
        return real(url, no_proxy=no_proxy)

    monkeypatch.setattr(requests.utils, "get_environ_proxies", counted)

    class Ok(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        session = EnvironmentOnce()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for n in range(5):
            assert session.get(f"{base}/item/{n}", timeout=10).status_code == 200
    finally:
        server.shutdown()
        server.server_close()
    assert len(reads) == 1
