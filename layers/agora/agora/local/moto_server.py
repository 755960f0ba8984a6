"""moto on loopback for the bucket and the queue, one request at a time; the stack's one AWS endpoint.

moto's backends are not safe under concurrent requests: an UpdateItem deep-copies the item while
another request changes it ("dictionary changed size during iteration"). DynamoDB promises
atomic single-item writes, and the code under test relies on that, so the embedded stack
serializes what moto sees; moto is bound by the GIL anyway.

When the tables live in DynamoDB Local, DynamoDB and DynamoDB Streams calls arriving here are
passed on to it (they name their API in X-Amz-Target), so tools given the single endpoint `agora dev`
prints (`agora status --endpoint-url`, the e2e tests) reach every service; the functions call
DynamoDB Local directly.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from agora.local import moto_fixes

DYNAMODB_TARGETS = ("DynamoDB_", "DynamoDBStreams_")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}


def forward(netloc: str, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
    headers["Content-Type"] = environ.get("CONTENT_TYPE", "application/x-amz-json-1.0")
    connection = http.client.HTTPConnection(netloc, timeout=60)
    try:
        connection.request(environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/", body, headers)
        reply = connection.getresponse()
        data = reply.read()
    finally:
        connection.close()
    start_response(f"{reply.status} {reply.reason}", [(k, v) for k, v in reply.getheaders() if k.lower() not in HOP_BY_HOP])
    return [data]


class MotoServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        moto_fixes.apply()
        dispatcher = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()
        self._dynamodb: str | None = None

        def serve(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            if self._dynamodb and environ.get("HTTP_X_AMZ_TARGET", "").startswith(DYNAMODB_TARGETS):
                return forward(self._dynamodb, environ, start_response)
            with lock:
                return list(dispatcher(environ, start_response))  # the body is built inside the lock

        self._server = make_server(host, 0, serve, threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)

    def forward_dynamodb_to(self, url: str) -> None:
        self._dynamodb = urlsplit(url).netloc

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
