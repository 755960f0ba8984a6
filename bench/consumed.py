"""What DynamoDB Local itself says the tally writes cost: a loopback proxy in front of the engine
asks for `ReturnConsumedCapacity` on every write to the tallies table and adds up the answers.

The embedded stack's functions run in worker processes, so nothing in this process sees their
calls; every DynamoDB call of the stack goes through the proxy instead, unchanged but for that one
request field (DynamoDB Local does not check request signatures). The same requests are priced by
the capacity model's own rule (`capacity.WriteMeter`), so the two can be held side by side.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

WRITES = ("TransactWriteItems", "BatchWriteItem", "PutItem", "UpdateItem", "DeleteItem")
HOP_BY_HOP = {"host", "content-length", "connection", "keep-alive", "transfer-encoding"}


def tables_written(operation: str, body: dict[str, Any]) -> set[str]:
    if operation == "TransactWriteItems":
        return {next(iter(action.values()))["TableName"] for action in body.get("TransactItems", [])}
    if operation == "BatchWriteItem":
        return set(body.get("RequestItems", {}))
    return {body["TableName"]} if "TableName" in body else set()


class Consumed:
    """Writes to one table that the engine carried out: what it reports as consumed, what they cost
    by DynamoDB's published prices (`price`, fed each request that succeeded), and their shape."""

    def __init__(self, table: str, price: Any) -> None:
        self.table, self.price = table, price  # price(operation, body): the model's rule
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.units, self.calls, self.failed = 0.0, Counter[str](), Counter[str]()
            self.items_per_transaction: list[int] = []

    def wants(self, operation: str, body: dict[str, Any]) -> bool:
        """Whether to meter this request; if so it asks the engine for the consumed capacity."""
        if operation not in WRITES or self.table not in tables_written(operation, body):
            return False
        body["ReturnConsumedCapacity"] = "TOTAL"
        return True

    def done(self, operation: str, body: dict[str, Any], status: int, reply: dict[str, Any]) -> None:
        with self._lock:
            if status != 200:  # refused (a condition, a conflict): the caller retries, the retry is metered
                self.failed[operation] += 1
                return
            self.calls[operation] += 1
            if operation == "TransactWriteItems":
                self.items_per_transaction.append(len(body["TransactItems"]))
            self.price(operation, body)
            consumed = reply.get("ConsumedCapacity") or []
            for entry in consumed if isinstance(consumed, list) else [consumed]:
                if entry.get("TableName") == self.table:
                    self.units += float(entry.get("CapacityUnits", 0.0))


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A call cut by the stack stopping: the caller sees its connection fail, as it would without the proxy."""


class MeteringProxy:
    def __init__(self, upstream: str, consumed: Consumed) -> None:
        target = urlsplit(upstream)
        local = threading.local()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:  # one line per call would drown the bench's output
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
                body, metered = {}, False
                if operation in WRITES:
                    body = json.loads(raw)
                    if metered := consumed.wants(operation, body):
                        raw = json.dumps(body).encode()
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                if not hasattr(local, "conn"):
                    local.conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                try:
                    local.conn.request("POST", self.path, raw, headers)
                    answer = local.conn.getresponse()
                except (OSError, http.client.HTTPException):
                    local.conn.close()  # a dropped keep-alive connection: once more on a new one
                    local.conn.request("POST", self.path, raw, headers)
                    answer = local.conn.getresponse()
                reply = answer.read()
                if metered:
                    consumed.done(operation, body, answer.status, json.loads(reply or b"{}"))
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self.server.serve_forever, name="metering-proxy", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class MeteredEngine:
    """DynamoDB Local behind the metering proxy, in the embedded stack's place for its engine."""

    def __init__(self, engine: Any, consumed: Consumed) -> None:
        self.engine, self.consumed = engine, consumed
        self.proxy: MeteringProxy | None = None

    def start(self) -> None:
        self.engine.start()
        self.proxy = MeteringProxy(self.engine.url, self.consumed)
        self.proxy.start()

    @property
    def url(self) -> str:
        assert self.proxy is not None, "start it first"
        return self.proxy.url

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        self.engine.stop()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)
