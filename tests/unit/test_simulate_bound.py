"""`agora simulate` with a time allowed: citizens not started by then are left out and counted."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agora.local.simulate import simulate

CONSULTATION = {"demographics": [], "languages": ["fr"], "prefix": {"fr": "Il faut "}, "max_length": 140, "sequence_size": 1}


class Stand(BaseHTTPRequestHandler):
    """Answers what one citizen asks: the consultation, a registration, an empty sequence."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._answer(200, CONSULTATION if self.path == "/consultation" else {"proposals": []})

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(201, {"participant_token": "t"})

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_):
        pass


@pytest.fixture
def stand():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stand)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_without_a_bound_every_citizen_runs(stand):
    report = simulate(stand, 6, propose_share=0, concurrency=2, progress=False)
    assert (report.participants, report.not_started, report.errors) == (6, 0, [])


def test_past_the_time_allowed_no_further_citizen_starts(stand):
    report = simulate(stand, 6, propose_share=0, concurrency=2, progress=False, seconds=0)
    assert (report.participants, report.not_started, report.requests) == (0, 6, 0)
    assert "6 not started in the time allowed" in report.lines()[0]
