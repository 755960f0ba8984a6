"""Services built from the environment, once per process (a Lambda container or the embedded stack)."""

from __future__ import annotations

import os
import time
from functools import cache
from typing import Any

from agora import config, contract
from agora.adapters.bucket import Bucket, CachedObject
from agora.adapters.content import ContentStore
from agora.adapters.pool import PublishedPool, decode
from agora.adapters.secrets import signing_secret
from agora.adapters.tallies import TallyStore
from agora.domain.identity import Signer
from agora.services.consultation import ConsultationService, parse_json
from agora.services.moderation import ModerationService
from agora.services.participants import ParticipantService
from agora.services.proposals import ProposalService
from agora.services.scoring import ScoringService
from agora.services.sequence import SequenceService
from agora.services.snapshot import SnapshotService
from agora.services.voting import VotingService


@cache
def content() -> ContentStore:
    return ContentStore.from_env()


@cache
def bucket() -> Bucket:
    return Bucket.from_env()


@cache
def signer() -> Signer:
    k = config.current()
    return Signer(signing_secret(), k.participant_token_ttl_seconds, k.sequence.proof_ttl_seconds)


@cache
def pool() -> CachedObject[PublishedPool]:
    return CachedObject(bucket(), contract.POOL_KEY, decode, config.current().sequence.pool_refresh_seconds, time.time)


def _cached_json(key: str) -> CachedObject[dict[str, Any]]:
    return CachedObject(bucket(), key, parse_json, config.current().sequence.pool_refresh_seconds, time.time)


@cache
def consultation() -> ConsultationService:
    return ConsultationService(
        config.current(), _cached_json(contract.MANIFEST_KEY), _cached_json(contract.LATEST_PREFIX + "summary.json")
    )


@cache
def participants() -> ParticipantService:
    return ParticipantService(config.current(), content(), signer())


@cache
def proposals() -> ProposalService:
    return ProposalService(config.current(), content())


@cache
def moderation() -> ModerationService:
    return ModerationService(config.current(), content())


@cache
def voting() -> VotingService:
    return VotingService(config.current(), content(), pool(), signer())


@cache
def sequence() -> SequenceService:
    return SequenceService(content(), pool(), signer())


@cache
def scoring() -> ScoringService:
    return ScoringService(TallyStore.from_env())


@cache
def snapshot() -> SnapshotService:
    return SnapshotService(content(), TallyStore.from_env(), bucket(), os.environ[contract.PUBLIC_BASE_URL_ENV])
