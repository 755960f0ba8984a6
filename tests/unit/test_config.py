from datetime import datetime, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from agora import config


def test_every_shipped_consultation_is_valid(consultation):
    slugs = [c.slug for c in config.load_all(Path(__file__).parents[2] / "consultations")]
    assert consultation.slug in slugs
    assert len(slugs) == len(set(slugs))


def test_status_follows_the_dates(consultation):
    assert consultation.status(datetime(2025, 6, 1, tzinfo=timezone.utc)) == "upcoming"
    assert consultation.status(datetime(2030, 6, 1, tzinfo=timezone.utc)) == "open"
    assert consultation.status(datetime(2040, 1, 1, tzinfo=timezone.utc)) == "closed"


def base(**overrides):
    data = {
        "slug": "x-test",
        "question": {"fr": "Quoi ?"},
        "languages": ["fr"],
        "opens_at": "2026-01-01T00:00:00Z",
        "closes_at": "2026-02-01T00:00:00Z",
        "proposals": {"prefix": {"fr": "Il faut "}},
    }
    data.update(overrides)
    return data


def test_a_minimal_consultation_gets_make_org_defaults():
    k = config.Consultation.model_validate(base())
    assert (k.proposals.min_length, k.proposals.max_length) == (12, 140)
    assert k.moderation.lock_seconds == 15
    assert "partisan" in k.moderation.refusal_reasons


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes_at": "2025-01-01T00:00:00Z"}, "closes_at"),
        ({"languages": ["fr", "en"]}, "prefix"),
        ({"proposals": {"prefix": {"fr": "Il faut "}, "min_length": 50, "max_length": 20}}, "min_length"),
        ({"slug": "Bad Slug"}, "slug"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_incoherent_settings_are_refused_with_a_reason(overrides, message):
    with pytest.raises(ValidationError, match=message):
        config.Consultation.model_validate(base(**overrides))
