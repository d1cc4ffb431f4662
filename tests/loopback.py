"""A webhook receiver on loopback, shared by the watch tests and ``benchmarks/watch.py``."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    """Records each POSTed JSON body with its arrival time; with ``up = False`` it answers 503."""

    def __init__(self):
        self.arrivals: list[tuple[float, dict]] = []
        self.up = True
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if receiver.up:
                    receiver.arrivals.append((time.time(), body))
                self.send_response(200 if receiver.up else 503)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def received(self) -> list[dict]:
        return [body for _, body in self.arrivals]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
