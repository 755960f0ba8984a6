"""The embedded gateway answers malformed HTTP with a 400 in the error shape, never a dropped
connection, a traceback or a body silently taken as empty."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from agora.local.gateway import Gateway


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    (tmp_path / "index.html").write_text("<p>hello</p>")
    bodies: list[str | None] = []

    def invoke(function: str, event: dict) -> dict:
        bodies.append(event["body"])
        return {"statusCode": 201, "headers": {"Content-Type": "application/json"}, "body": "{}"}

    gw = Gateway(invoke, lambda key: None, "key", dict, tmp_path, port=0)
    gw.bodies = bodies  # type: ignore[attr-defined]
    thread = threading.Thread(target=gw.serve_forever, daemon=True)
    thread.start()
    yield gw
    gw.shutdown()


def exchange(gw: Gateway, raw: bytes) -> tuple[int, dict]:
    host, port = gw.server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/json" in head.lower(), head
    return status, json.loads(body)


def post(length_header: bytes, body: bytes = b'{"demographics": {}}') -> bytes:
    return b"POST /participants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + length_header + b"\r\n\r\n" + body


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /index.html%00.js HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /files/results/latest/summary.json%00 HTTP/1.1\r\nHost: x\r\n\r\n",
        post(b"Content-Length: -5"),
        post(b"Content-Length: abc"),
        post(b"Content-Length: 1e3"),
        post(b"Content-Length: 500"),  # announces more than it sends
        post(b"Transfer-Encoding: gzip"),
        post(b"Transfer-Encoding: chunked", b"zz\r\n{}\r\n0\r\n\r\n"),
        post(b"Transfer-Encoding: chunked\r\nContent-Length: 4", b"2\r\n{}\r\n0\r\n\r\n"),
        b"GARBAGE\r\n\r\n",
    ],
    ids=["nul-in-page", "nul-in-file", "length-negative", "length-abc", "length-float", "length-short",
         "unknown-encoding", "bad-chunk-size", "chunked-and-length", "bad-request-line"],
)
def test_malformed_requests_are_400_in_the_error_shape_and_reach_no_function(gateway, raw):
    status, body = exchange(gateway, raw)
    assert status == 400 and body["error"]["code"] == "bad_request" and body["error"]["message"]
    assert gateway.bodies == []


def test_a_chunked_body_is_read_whole(gateway):
    raw = post(b"Transfer-Encoding: chunked", b'7\r\n{"demog\r\n0D\r\nraphics": {}}\r\n0\r\n\r\n')
    assert exchange(gateway, raw)[0] == 201
    assert gateway.bodies == ['{"demographics": {}}']


def test_a_control_character_in_a_route_parameter_is_the_handler_s_to_refuse(gateway):
    """The handler validates its parameters (ids have a pattern: a documented 422)."""
    assert exchange(gateway, b"GET /proposals/abc%00 HTTP/1.1\r\nHost: x\r\n\r\n")[0] == 201
    assert gateway.bodies == [None]
