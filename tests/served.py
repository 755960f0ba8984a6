"""The embedded gateway (real HTTP, the moderator authorizer, CORS, security headers, static pages) in
front of an InProcessStack's handlers on moto: what `agora dev` serves, without a subprocess."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import boto3

from agora import contract, pages
from agora.local.gateway import FILES_PREFIX, Gateway
from agora.local.inprocess import InProcessStack
from agora.local.openapi import specification
from agora.local.stack import WEB_DIR

MODERATOR_KEY = "served-moderator-key"


@contextlib.contextmanager
def served(api: InProcessStack) -> Iterator[Gateway]:
    """Serve the stack over HTTP; the consultation's `origins` are CORS-allowed, as `agora dev` does."""
    bucket = api.env[contract.BUCKET_ENV]

    def read_file(key: str) -> tuple[bytes, str] | None:
        try:
            out = boto3.client("s3").get_object(Bucket=bucket, Key=key)
        except boto3.client("s3").exceptions.NoSuchKey:
            return None
        return out["Body"].read(), out.get("ContentType", "application/octet-stream")

    holder: dict[str, Gateway] = {}
    gateway = Gateway(
        invoke=api.invoke,
        read_file=read_file,
        moderator_key=MODERATOR_KEY,
        openapi=lambda: specification(api.functions, server_url=holder["gw"].url),
        web_dir=WEB_DIR if WEB_DIR.is_dir() else None,
        port=0,
        origins=api.services.consultation.origins,
        pages=pages.rendered(WEB_DIR, api.services.consultation) if WEB_DIR.is_dir() else None,
    )
    holder["gw"] = gateway
    api._set({contract.WEB_ORIGIN_ENV: gateway.url, contract.PUBLIC_BASE_URL_ENV: gateway.url + FILES_PREFIX.rstrip("/")})
    api.cold_start()  # services built before read the old base URL
    thread = threading.Thread(target=gateway.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        gateway.shutdown()
        thread.join(timeout=5)
