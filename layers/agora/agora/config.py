"""A consultation's settings, read from `consultations/<slug>.toml` by CDK, Lambda and the embedded stack.

The TOML is validated wherever it is read. Lambda reads instead the document the layer's bundling
wrote from the validated settings (`document`, `/opt/consultation.json`) and builds the same
objects without validating them again: the validators are built only when something validates
(`defer_build`), which keeps building them off every cold start.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from agora import contract

# The ethics charter a moderator refuses against (Make.org's, with "discriminatory or hateful"
# and "insults" named apart); `already_exists` is the one that may link to the original.
# The longest demographic choice and refusal reason a consultation may define: the API refuses
# longer answers and reasons before reading them.
MAX_ANSWER = 64
MAX_REASON = 60
DEFAULT_REFUSAL_REASONS = (
    "incomprehensible",
    "off_topic",
    "hateful",
    "partisan",
    "advertising",
    "multiple_ideas",
    "insults",
    "illegal",
    "already_exists",
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ProposalRules(Strict):
    prefix: dict[str, str] = Field(
        description=(
            "Fixed opening per language, counted in the length (Make.org's 'Il faut '). Left out of the file:"
            " no prefix in any language (a Polis-style consultation); \"\" for one language: none in that one."
        )
    )
    min_length: int = Field(12, ge=1)
    max_length: int = Field(140, ge=1)
    # At most 100, so that a participant's own proposals are read back in one BatchGetItem.
    per_participant: int = Field(20, ge=1, le=100, description="Most proposals one participant may submit.")
    per_participant_per_hour: int = Field(10, ge=1, description="Most proposals one participant may submit in any hour.")
    per_source_per_hour: int = Field(60, ge=1, description="Most proposals from one network in any hour.")

    @model_validator(mode="after")
    def _bounds(self) -> ProposalRules:
        if self.min_length > self.max_length:
            raise ValueError("min_length must not exceed max_length")
        return self


class ModerationSettings(Strict):
    lock_seconds: int = Field(15, ge=1, le=3600)
    queue_page: int = Field(10, ge=1, le=100)
    refusal_reasons: tuple[Annotated[str, StringConstraints(min_length=1, max_length=MAX_REASON)], ...] = (
        DEFAULT_REFUSAL_REASONS
    )


class SequenceConfig(Strict):
    size: int = Field(12, ge=1, le=50)
    pool_refresh_seconds: float = Field(5.0, gt=0)
    proof_ttl_seconds: int = Field(86_400, ge=60)
    min_votes: int = Field(10, ge=1, description="Trusted votes a new proposal is exposed for before it is ranked.")
    retire_at: int = Field(1500, ge=1, description="Trusted votes after which a proposal is no longer served.")
    new_share: float = Field(0.3, ge=0, le=1, description="Share of a sequence kept for new proposals while any wait.")

    @model_validator(mode="after")
    def _exposure_before_retirement(self) -> SequenceConfig:
        if self.retire_at <= self.min_votes:
            raise ValueError("retire_at must exceed min_votes")
        return self


class VoteLimits(Strict):
    """Votes and qualifications per minute; a person reads a card before voting, a bot does not."""

    per_participant_per_minute: int = Field(30, ge=1)
    per_source_per_minute: int = Field(600, ge=1, description="Per network: many people may share one address.")


class LookupLimits(Strict):
    """Reads that cost little but must not become a free oracle or a scraper's loop."""

    similar_per_participant_per_minute: int = Field(120, ge=1, description="Look-ups while typing, debounced by the page.")
    similar_per_source_per_minute: int = Field(600, ge=1, description="Per network, signed in or not.")
    sequences_per_participant_per_minute: int = Field(
        20, ge=1, description="A sequence holds `sequence.size` cards; 30 votes a minute need 3 of them."
    )


# Per citizen in a TV spot: 12 votes, a few qualifications, one sequence, one registration and
# rarely a proposal (docs/capacity.md). Each route may take its share plus headroom, so a flood on
# one cannot take the whole stage from the others.
ROUTE_SHARES = {
    "PUT /proposals/{proposal_id}/vote": 0.8,
    "PUT /proposals/{proposal_id}/vote/qualifications/{qualification}": 0.4,
    "GET /sequence": 0.2,
    "POST /participants": 0.2,
    "POST /proposals": 0.05,
}


class Throttle(Strict):
    rate_limit: float = Field(500.0, gt=0, description="Steady requests per second for the API stage.")
    burst_limit: int = Field(1000, ge=1)
    routes: dict[str, float] = Field(
        default_factory=lambda: dict(ROUTE_SHARES),
        description="Largest share (0-1] of the stage's rate and burst one route may take, by 'METHOD /path'.",
    )
    per_ip_per_minute: int = Field(
        1200, ge=10, description="Requests per minute from one address before the WAF blocks it for a while."
    )

    @field_validator("routes")
    @classmethod
    def _known_routes(cls, routes: dict[str, float]) -> dict[str, float]:
        known = {f"{r.method} {r.path}" for r in contract.ROUTES}
        unknown = sorted(set(routes) - known)
        if unknown:
            raise ValueError(f"throttle.routes names no route: {unknown}; routes are 'METHOD /path' of the API")
        if not all(0 < share <= 1 for share in routes.values()):
            raise ValueError("throttle.routes shares must be in (0, 1]")
        return routes




class DemographicQuestion(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")
    label: dict[str, str]
    choices: tuple[Annotated[str, StringConstraints(min_length=1, max_length=MAX_ANSWER)], ...] = Field(min_length=1)
    margins: dict[str, float] = Field(
        default_factory=dict,
        description="Share of the target population per choice (all choices, summing to 1); empty: no weighting.",
    )
    choice_labels: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="What people read for a choice, per language (e.g. 29 → Finistère); a choice without one shows as written.",
    )

    @model_validator(mode="after")
    def _labels_name_choices(self) -> DemographicQuestion:
        unknown = set(self.choice_labels) - set(self.choices)
        if unknown:
            raise ValueError(f"choice_labels of {self.id!r} name choices it does not have: {sorted(unknown)}")
        return self

    def choice_label(self, choice: str, language: str) -> str:
        labels = self.choice_labels.get(choice, {})
        return labels.get(language) or next(iter(labels.values()), choice)

    @model_validator(mode="after")
    def _margins_cover_the_choices(self) -> DemographicQuestion:
        if not self.margins:
            return self
        if set(self.margins) != set(self.choices):
            raise ValueError(f"margins of {self.id!r} must give exactly the choices {list(self.choices)}")
        if any(share < 0 for share in self.margins.values()):
            raise ValueError(f"margins of {self.id!r} must not be negative")
        # Published census shares are rounded; a thousandth of slack accepts them as printed.
        if abs(sum(self.margins.values()) - 1) > 1e-3:
            raise ValueError(f"margins of {self.id!r} sum to {sum(self.margins.values()):.4f}, not 1")
        return self


class Consultation(Strict):
    slug: str = Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")
    question: dict[str, str]
    context: dict[str, str] = {}
    steps: dict[str, tuple[str, ...]] = {}
    languages: tuple[str, ...] = Field(min_length=1)
    opens_at: datetime
    closes_at: datetime
    proposals: ProposalRules
    demographics: tuple[DemographicQuestion, ...] = ()
    moderation: ModerationSettings = ModerationSettings()
    sequence: SequenceConfig = SequenceConfig()
    throttle: Throttle = Throttle()
    votes: VoteLimits = VoteLimits()
    lookups: LookupLimits = LookupLimits()
    snapshot_every_seconds: int = Field(300, ge=1)
    k_anonymity: int = Field(10, ge=1)
    participant_token_ttl_seconds: int = Field(90 * 86_400, ge=60)
    personal_data_retention_days: int = Field(
        180, ge=1, description="Days after closes_at before profiles and votes expire; tallies and results stay."
    )
    origins: tuple[str, ...] = Field(
        (),
        description=(
            "Other web origins (scheme://host[:port]) whose pages may call the API from a browser (CORS). "
            "The origin serving the consultation's own pages is always allowed: the embedded stack's, or "
            "on AWS the CloudFront distribution's, which the deployment gives the functions in AGORA_WEB_ORIGIN. "
            "The published results files are open data and allow any origin."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _no_prefix_unless_given(cls, data: object) -> object:
        # The rules keep one (possibly empty) prefix per language, so that the language check
        # and the length count stay one code path with or without a prefix.
        if isinstance(data, dict) and isinstance(data.get("proposals"), dict) and "prefix" not in data["proposals"]:
            languages = data.get("languages") or ()
            return {**data, "proposals": {**data["proposals"], "prefix": {lang: "" for lang in languages}}}
        return data

    @field_validator("origins")
    @classmethod
    def _origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        for origin in origins:
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
                raise ValueError(f"origin {origin!r} is not scheme://host[:port] (no path, no wildcard)")
        return origins

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

    @model_validator(mode="after")
    def _coherent(self) -> Consultation:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        missing = [lang for lang in self.languages if lang not in self.proposals.prefix]
        if missing:
            raise ValueError(f"proposals.prefix has no entry for languages {missing}")
        if self.languages[0] not in self.question:
            raise ValueError(f"question has no text in the default language {self.languages[0]!r}")
        # Otherwise the WAF would block a busy network before the vote path answers its 429 with Retry-After.
        if self.throttle.per_ip_per_minute < self.votes.per_source_per_minute:
            raise ValueError("throttle.per_ip_per_minute must be at least votes.per_source_per_minute")
        return self

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def personal_data_expiry(self) -> int:
        """When profiles and votes expire (epoch seconds, the content table's TTL attribute)."""
        return int(self.closes_at.timestamp()) + self.personal_data_retention_days * 86_400

    def status(self, now: datetime) -> str:
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


def load(path: str | Path) -> Consultation:
    """A consultation's TOML file, validated; or the document `document` wrote from one, trusted."""
    if Path(path).suffix == ".json":
        with open(path, "rb") as f:
            return _trusted(Consultation, json.load(f))
    import tomllib  # compiles its regular expressions on import: not on Lambda's path

    with open(path, "rb") as f:
        return Consultation.model_validate(tomllib.load(f))


def document(consultation: Consultation) -> str:
    """The validated settings, every default filled in, as the JSON `load` trusts."""
    return consultation.model_dump_json(indent=1)


def _trusted(annotation: Any, value: Any) -> Any:
    """What validation builds from a value of `document`'s JSON, built without validating it:
    models from objects, tuples from arrays, datetimes from ISO strings; everything else is JSON already."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = annotation.model_fields
        return annotation.model_construct(**{name: _trusted(fields[name].annotation, v) for name, v in value.items()})
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation is datetime:
        return datetime.fromisoformat(value)
    if origin is Annotated:
        return _trusted(args[0], value)
    if origin is tuple:
        return tuple(_trusted(args[0], v) for v in value)
    if origin is dict:
        return {k: _trusted(args[1], v) for k, v in value.items()}
    return value


def load_all(directory: str | Path) -> list[Consultation]:
    return [load(p) for p in sorted(Path(directory).glob("*.toml"))]
