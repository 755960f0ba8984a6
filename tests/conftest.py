"""Shared fixtures: the demo consultation and a fixed signer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from agora import config
from agora.domain.identity import Signer

# Every AWS call the functions make in the integration and e2e suites, against their roles.
pytest_plugins = ["tests.permissions"]

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "consultations" / "demo.toml"

# Property tests read their example budget from the profile: `pytest` runs "default";
# `pytest --hypothesis-profile=long` runs ten times as many (before a release, or overnight).
# Tests on moto take a fraction of it (see `examples`). No deadline: the machine is shared.
PROFILES = {"default": 300, "long": 3000}
for _name, _examples in PROFILES.items():
    settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example, HealthCheck.data_too_large],
        print_blob=True,
    )


def examples(share: float) -> int:
    """A share of the active profile's example budget, for property tests whose examples are costly."""
    return max(1, round(settings.default.max_examples * share))


@pytest.fixture(scope="session")
def consultation() -> config.Consultation:
    return config.load(DEMO)


@pytest.fixture
def signer() -> Signer:
    return Signer(b"test-secret", token_ttl=3600, proof_ttl=600)
