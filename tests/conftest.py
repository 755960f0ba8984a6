"""Shared fixtures: the demo consultation and a fixed signer."""

from __future__ import annotations

from pathlib import Path

import pytest

from agora import config
from agora.domain.identity import Signer

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "consultations" / "demo.toml"


@pytest.fixture(scope="session")
def consultation() -> config.Consultation:
    return config.load(DEMO)


@pytest.fixture
def signer() -> Signer:
    return Signer(b"test-secret", token_ttl=3600, proof_ttl=600)
