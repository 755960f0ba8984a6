"""Handlers and services against moto (mock_aws), invoked with real API Gateway proxy events."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agora.local.inprocess import REGION, InProcessStack

__all__ = ["REGION"]


@pytest.fixture
def api() -> Iterator[InProcessStack]:
    with InProcessStack() as stack:
        yield stack


@pytest.fixture
def stack_env(api: InProcessStack) -> dict[str, str]:
    return api.env
