"""A local API Gateway: HTTP requests become REST proxy events for the very same handlers.

It routes by the contract's route table, emulates the moderator authorizer with the local
key, serves the bucket's files (so manifest URLs fetch as they would through CloudFront),
the OpenAPI description and the web pages.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import mimetypes
import time
import uuid
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from agora import contract
from agora.domain.identity import looks_like_token, network_of

MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
FILES_PREFIX = "/files/"
# CORS for an allowed origin (the stack's own, and the consultation's `origins`); the results files
# are open data and allow any origin, as CloudFront serves them.
CORS = {
    "Access-Control-Allow-Headers": "Authorization,Content-Type,Idempotency-Key,X-Moderator-Name",
    "Access-Control-Allow-Methods": "GET,POST,PUT,PATCH,DELETE,OPTIONS",
    "Access-Control-Expose-Headers": "Retry-After",
    "Vary": "Origin",
}
OPEN_DATA_CORS = {"Access-Control-Allow-Origin": "*"}
PUBLIC_PREFIXES = (contract.RESULTS_PREFIX, contract.WEB_PREFIX)
# Every response: no MIME sniffing, no referrer leaving the site (URLs carry proposal ids).
SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
# The pages: scripts and styles only from the site itself (style attributes stay allowed: the charts
# size their bars with them), no plugins, no framing (clickjacking), forms post nowhere else.
# CloudFront's response headers policy must send the same on AWS (docs/security.md).
PAGES = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


class BadRequest(ValueError):
    def __init__(self, message: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST, code: str = "bad_request") -> None:
        super().__init__(message)
        self.status, self.code = status, code


def _too_large() -> BadRequest:
    return BadRequest(f"Bodies are limited to {MAX_BODY} bytes.", HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too_large")


def read_body(headers: Any, stream: Any) -> bytes:
    """The request body as API Gateway would take it: by Content-Length, or chunked; never a guess."""
    encoding = (headers.get("Transfer-Encoding") or "").strip().lower()
    if encoding:
        if encoding != "chunked":
            raise BadRequest(f"Transfer-Encoding {encoding!r} is not supported; send chunked or a Content-Length.")
        if headers.get("Content-Length") is not None:
            raise BadRequest("Send either Transfer-Encoding or Content-Length, not both.")
        return _read_chunks(stream)
    raw = headers.get("Content-Length")
    if raw is None:
        return b""
    if not raw.strip().isdigit():
        raise BadRequest(f"Content-Length must be a whole number of bytes, not {raw!r}.")
    length = int(raw)
    if length > MAX_BODY:
        raise _too_large()
    body = stream.read(length) if length else b""
    if len(body) < length:
        raise BadRequest(f"The body ended after {len(body)} of the {length} bytes announced.")
    return body


def _read_chunks(stream: Any) -> bytes:
    body = bytearray()
    while True:
        size_line = stream.readline(1024).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise BadRequest(f"A chunk size must be hexadecimal, not {size_line[:20]!r}.") from None
        if size < 0:
            raise BadRequest("A chunk size cannot be negative.")
        if size == 0:
            while stream.readline(1024).strip():  # trailers, up to the blank line
                pass
            return bytes(body)
        if len(body) + size > MAX_BODY:
            raise _too_large()
        chunk = stream.read(size)
        if len(chunk) < size or stream.readline(3).strip():
            raise BadRequest("A chunk is shorter than its size or not followed by CRLF.")
        body += chunk


def public_file(key: str) -> bool:
    """What CloudFront serves from the bucket: the published results and the pages, nothing else (the
    sequence pool holds author ids, the internal index pending texts)."""
    return key.startswith(PUBLIC_PREFIXES) and ".." not in key.split("/")


def match(method: str, path: str) -> tuple[contract.Route, dict[str, str]] | tuple[None, None]:
    parts = [p for p in path.split("/") if p]
    for route in contract.ROUTES:
        if route.method != method or len(route.segments) != len(parts):
            continue
        params: dict[str, str] = {}
        for pattern, part in zip(route.segments, parts, strict=True):
            if pattern.startswith("{"):
                params[pattern[1:-1]] = unquote(part)
            elif pattern != part:
                break
        else:
            return route, params
    return None, None


def _bearer(headers: dict[str, list[str]]) -> str:
    scheme, _, value = next(iter(headers.get("Authorization", [])), "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def proxy_event(
    route: contract.Route, params: dict[str, str], method: str, url: str, headers: dict[str, list[str]],
    body: bytes, source_ip: str, claims: dict[str, str] | None,
) -> dict[str, Any]:
    split = urlsplit(url)
    query = parse_qs(split.query, keep_blank_values=True)
    try:
        text, encoded = body.decode(), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    return {
        "resource": route.path,
        "path": split.path,
        "httpMethod": method,
        "headers": {k: v[-1] for k, v in headers.items()},
        "multiValueHeaders": headers,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": params or None,
        "stageVariables": None,
        "body": text if body else None,
        "isBase64Encoded": encoded,
        "requestContext": {
            "resourcePath": route.path,
            "httpMethod": method,
            "path": split.path,
            "stage": "local",
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": source_ip},
            "authorizer": {"claims": claims} if claims else None,
        },
    }


class Server(ThreadingHTTPServer):
    # A burst's connections wait in the kernel's queue, not reset: the stdlib's default keeps 5.
    request_queue_size = 256


class Gateway:
    def __init__(
        self,
        invoke: Callable[[str, dict[str, Any]], Any],
        read_file: Callable[[str], tuple[bytes, str] | None],
        moderator_key: str,
        openapi: Callable[[], dict[str, Any]],
        web_dir: Path | None,
        host: str = "127.0.0.1",
        port: int = 8000,
        origins: tuple[str, ...] = (),
        pages: Mapping[str, str] | None = None,
    ) -> None:
        self.invoke, self.read_file, self.moderator_key = invoke, read_file, moderator_key
        self.openapi, self.web_dir = openapi, web_dir
        # Files of web_dir rendered for this consultation at start (agora.pages), by relative path.
        self.pages = {path: text.encode() for path, text in (pages or {}).items()}
        self.origins = frozenset(origins)
        self.server = Server((host, port), self._handler_class())
        self.server.daemon_threads = True
        self.server.block_on_close = False  # idle keep-alive connections must not hold up Ctrl-C

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def allowed(self, origin: str | None) -> bool:
        """May a page from `origin` call the API? Its own pages, and the consultation's other origins."""
        return bool(origin) and (origin == self.url or origin in self.origins)

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def authorize(self, headers: dict[str, list[str]]) -> dict[str, str] | None:
        """The Cognito authorizer's job: admit the local key, name the moderator (X-Moderator-Name)."""
        key = _bearer(headers)
        if not key or not hmac.compare_digest(key.encode("utf-8", "surrogateescape"), self.moderator_key.encode()):
            return None
        name = next(iter(headers.get("X-Moderator-Name", [])), "moderator")
        return {"sub": f"local-{name}", "cognito:username": name}

    @staticmethod
    def refusal(headers: dict[str, list[str]]) -> tuple[HTTPStatus, str, str]:
        """Why a moderator route turns a caller away: a citizen is known but not allowed (403);
        anyone else has no valid credentials (401)."""
        if looks_like_token(_bearer(headers)):
            return HTTPStatus.FORBIDDEN, "not_a_moderator", "This route is for moderators; a participant token does not open it."
        return HTTPStatus.UNAUTHORIZED, "unauthorized", "Moderator credentials are missing or wrong."

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            default_request_version = "HTTP/1.1"  # an unreadable request line still gets a status line
            server_version = "agora-embedded"
            timeout = 60  # an idle keep-alive connection frees its thread after a minute

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet by default
                pass

            def do_OPTIONS(self) -> None:  # noqa: N802 - http.server's naming
                self._send(HTTPStatus.NO_CONTENT, b"", {})

            def do_GET(self) -> None:  # noqa: N802
                self._dispatch()

            do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET  # noqa: N815

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                """http.server's own refusals (a malformed request line or header) in the error shape."""
                self.close_connection = True
                status = HTTPStatus(code)
                self._error(status, "bad_request" if code == 400 else status.phrase.lower().replace(" ", "_"), message or status.phrase)

            def _dispatch(self) -> None:
                try:
                    body = read_body(self.headers, self.rfile)
                except BadRequest as e:
                    self.close_connection = True  # the rest of the stream cannot be framed
                    return self._error(e.status, e.code, str(e))
                path = urlsplit(self.path).path
                route, params = match(self.command, path)
                if route is not None:
                    return self._api(route, params or {}, body)
                if self.command in ("GET", "HEAD"):
                    return self._static(path)
                self._error(HTTPStatus.NOT_FOUND, "no_such_route", f"No route {self.command} {path}.")

            def _api(self, route: contract.Route, params: dict[str, str], body: bytes) -> None:
                headers: dict[str, list[str]] = {}
                for k, v in self.headers.items():
                    headers.setdefault(k, []).append(v)
                claims = None
                if route.auth is contract.Auth.MODERATOR:
                    claims = gateway.authorize(headers)
                    if claims is None:
                        return self._error(*gateway.refusal(headers))
                event = proxy_event(route, params, self.command, self.path, headers, body, self._source(), claims)
                try:
                    result = gateway.invoke(route.function.value, event)
                except Exception:  # noqa: BLE001 - a failed invocation is API Gateway's 502, not a dropped connection
                    logging.getLogger(__name__).exception("function %s failed", route.function.value)
                    return self._error(HTTPStatus.BAD_GATEWAY, "internal", "Something went wrong on our side.")
                out = dict(result.get("headers") or {})
                for k, values in (result.get("multiValueHeaders") or {}).items():
                    out[k] = ", ".join(values)
                payload = result.get("body") or ""
                data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
                self._send(HTTPStatus(result["statusCode"]), data, out)

            def _source(self) -> str:
                """The caller's address. Simulated citizens (`agora simulate`, the demo seed) all come
                from loopback, so they name theirs in X-Forwarded-For; fine on a loopback-only dev server.
                A header that names no address is ignored: the connection's address is never blank."""
                forwarded = (self.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
                return forwarded if network_of(forwarded) else self.client_address[0]

            def _static(self, path: str) -> None:
                # A route's parameters are the handler's to validate (a documented 422); a file name
                # with a control character (`/index.html%00.js`) names no file anywhere.
                if any(ord(ch) < 0x20 or ch == "\x7f" for ch in unquote(path)):
                    return self._error(HTTPStatus.BAD_REQUEST, "bad_request", "The path holds a control character (such as %00).")
                if path == "/openapi.json":
                    return self._send(HTTPStatus.OK, json.dumps(gateway.openapi()).encode(), {"Content-Type": "application/json"})
                if path.startswith(FILES_PREFIX):
                    key = unquote(path.removeprefix(FILES_PREFIX))
                    found = gateway.read_file(key) if public_file(key) else None
                    if found is None:
                        return self._error(HTTPStatus.NOT_FOUND, "no_such_file", f"No file {path}.")
                    data, content_type = found
                    return self._send(HTTPStatus.OK, data, {"Content-Type": content_type, **OPEN_DATA_CORS})
                if gateway.web_dir is not None:
                    root = gateway.web_dir.resolve()
                    target = (root / unquote(path).lstrip("/")).resolve()
                    if target.is_dir():
                        target = target / "index.html"
                    if target.is_relative_to(root) and target.is_file():
                        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                        if kind.startswith("text/"):  # web/ is UTF-8; a preview robot may not read <meta charset>
                            kind += "; charset=utf-8"
                        data = gateway.pages.get(target.relative_to(root).as_posix()) or target.read_bytes()
                        return self._send(HTTPStatus.OK, data, {"Content-Type": kind, **PAGES})
                self._error(HTTPStatus.NOT_FOUND, "no_such_route", f"No route GET {path}.")

            def _error(self, status: HTTPStatus, code: str, message: str) -> None:
                body = json.dumps({"error": {"code": code, "message": message, "details": None}}).encode()
                self._send(status, body, {"Content-Type": "application/json"})

            def _send(self, status: HTTPStatus, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status.value)
                received = getattr(self, "headers", None)  # none yet when the request line was unreadable
                origin = received.get("Origin") if received is not None else None
                cors = {**CORS, "Access-Control-Allow-Origin": origin} if gateway.allowed(origin) else {}
                for k, v in {**SECURITY, **cors, **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

        return Handler
