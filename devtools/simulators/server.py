"""One HTTP server for every simulated outside system, each under its own path prefix.

A system is a callable ``(method, path, query, headers, body) -> Reply`` mounted at a prefix
(``/portal``): ``run_simulators`` serves them all on one port, tests start the same server on a
spare port.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int
    body: object  # JSON, or bytes sent as they are (a file)
    delay: float = 0.0  # seconds to wait before answering (a slow or timing-out system)


System = Callable[[str, str, dict, dict, bytes], Reply]


def _handler(systems: dict[str, System]):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # see the agency simulator: delayed ACKs on keep-alive

        def log_message(self, format, *args):  # noqa: A002 — the base class's signature
            pass

        def _route(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            for prefix, system in systems.items():
                if parts.path == prefix or parts.path.startswith(prefix + "/"):
                    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                    reply = system(method, parts.path[len(prefix):] or "/", query,
                                   dict(self.headers.items()), raw)
                    break
            else:
                reply = Reply(404, {"error": "not found"})
            if reply.delay:
                time.sleep(reply.delay)
            if isinstance(reply.body, bytes):
                data, content_type = reply.body, "application/octet-stream"
            else:
                data = json.dumps(reply.body, ensure_ascii=False).encode()
                content_type = "application/json; charset=utf-8"
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self):  # noqa: N802 — http.server's naming
            self._route("GET")

        def do_POST(self):  # noqa: N802
            self._route("POST")

    return Handler


class SimulatorsServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def make_server(systems: dict[str, System], host: str = "127.0.0.1", port: int = 8765):
    return SimulatorsServer((host, port), _handler(systems))
