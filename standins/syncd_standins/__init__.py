"""Local stand-ins for SaaS review systems, used by the demo and the tests."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


def serve_in_background(server: ThreadingHTTPServer, name: str) -> threading.Thread:
    """Serve until ``shut_down``; a short poll interval lets ``stop()`` return at once."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
    )
    thread.start()
    return thread


def shut_down(server: ThreadingHTTPServer | None, thread: threading.Thread | None) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()
    if thread is not None:
        thread.join(timeout=5)
