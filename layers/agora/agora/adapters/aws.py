"""boto3 clients, created once per process with bounded retries and timeouts.

The endpoint comes from the environment (AWS_ENDPOINT_URL), which is how the embedded
stack points the very same code at its moto server.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=2,
    read_timeout=5,
    tcp_keepalive=True,
)


@cache
def client(service: str) -> Any:
    return boto3.session.Session().client(service, config=_CONFIG)
