"""moto on loopback, one request at a time.

moto's backends are not safe under concurrent requests: an UpdateItem deep-copies the item while
another request changes it ("dictionary changed size during iteration"). DynamoDB promises
atomic single-item writes, and the code under test relies on that, so the embedded stack
serializes what moto sees; moto is bound by the GIL anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from agora.local import moto_fixes


class MotoServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        moto_fixes.apply()
        dispatcher = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def serialized(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            with lock:
                return list(dispatcher(environ, start_response))  # the body is built inside the lock

        self._server = make_server(host, 0, serialized, threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
