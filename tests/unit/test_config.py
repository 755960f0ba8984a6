import subprocess
import sys
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


def test_a_consultation_may_declare_no_prefix_and_keeps_its_length_and_content_rules():
    from agora.domain.errors import InvalidInput
    from agora.domain.proposals import validate_text

    k = config.Consultation.model_validate(base(languages=["en", "fr"], question={"en": "What?"}, proposals={"max_length": 40}))
    assert k.proposals.prefix == {"en": "", "fr": ""}
    assert validate_text("  Lower the voting age to 16 ", "en", k.proposals) == "Lower the voting age to 16"
    for text, code in (("Too short", "too_short"), ("x" * 41, "too_long"), ("Ban <b>cars</b> now", "html"), ("", "empty")):
        with pytest.raises(InvalidInput) as refused:
            validate_text(text, "en", k.proposals)
        assert refused.value.code == code
    with pytest.raises(InvalidInput) as refused:
        validate_text("Lower the voting age to 16", "de", k.proposals)
    assert refused.value.code == "unsupported_language"


def test_a_prefix_given_for_some_languages_only_is_still_refused():
    with pytest.raises(ValidationError, match="prefix"):
        config.Consultation.model_validate(base(languages=["fr", "en"], proposals={"prefix": {"fr": "Il faut "}}))


def test_the_document_lambda_reads_builds_the_settings_validation_builds(tmp_path):
    shipped = config.load_all(Path(__file__).parents[2] / "consultations")
    rich = config.Consultation.model_validate(base(
        context={"fr": "Pourquoi"},
        steps={"fr": ("un", "deux")},
        origins=["https://example.org"],
        demographics=[{
            "id": "region", "label": {"fr": "Région"}, "choices": ["29", "56"],
            "margins": {"29": 0.6, "56": 0.4}, "choice_labels": {"29": {"fr": "Finistère"}},
        }],
        throttle={"routes": {"GET /sequence": 0.5}},
    ))
    for consultation in (*shipped, rich):
        path = tmp_path / f"{consultation.slug}.json"
        path.write_text(config.document(consultation), encoding="utf-8")
        trusted = config.load(path)
        # Equality compares field by field and type by type: a list for a tuple, or a dict for a model, differs.
        assert trusted == consultation
        assert trusted.opens_at.tzinfo is not None
    assert trusted.demographics[0].choice_label("29", "fr") == "Finistère"  # the last one: the rich settings


def test_reading_the_document_builds_no_validator(tmp_path):
    # A fresh interpreter: in this one, other tests have validated settings already.
    path = tmp_path / "demo.json"
    path.write_text(config.document(config.load(Path(__file__).parents[2] / "consultations" / "demo.toml")), encoding="utf-8")
    probe = (
        "import sys\nfrom agora import config\n"
        f"k = config.load({str(path)!r})\n"
        "print(k.slug, config.Consultation.__pydantic_complete__, 'tomllib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["demo", "False", "False"]
