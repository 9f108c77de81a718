"""Loopback HTTP servers of known behaviour for the probe's tests: one that serves a request at a
time with a fixed service time (a known capacity: 1 / service time requests per second)."""

from __future__ import annotations

import contextlib
import socketserver
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler


class _OneAtATime(BaseHTTPRequestHandler):
    """HTTP/1.0: one request per connection, so waiting connections queue in the backlog."""

    service_seconds = 0.0

    def do_GET(self) -> None:
        time.sleep(self.service_seconds)
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        # one request per connection, even when the client asks to keep it: a kept connection
        # would hold the only server while other clients' connections wait
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def handle(self) -> None:
        self.handle_one_request()


class _Server(socketserver.TCPServer):
    allow_reuse_address = True
    request_queue_size = 4096


@contextlib.contextmanager
def serial_server(service_seconds: float) -> Iterator[str]:
    """A server on 127.0.0.1 (a free port) answering one request at a time, each after
    `service_seconds`: its capacity is 1 / service_seconds requests per second. Yields its URL."""
    handler = type("Handler", (_OneAtATime,), {"service_seconds": service_seconds})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
