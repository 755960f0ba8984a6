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
from agora.adapters.proposal_index import ProposalIndex
from agora.adapters.proposal_index import decode as decode_index
from agora.adapters.proposals import ProposalStore
from agora.adapters.secrets import signing_secret
from agora.adapters.tallies import TallyStore
from agora.adapters.votes import VoteStore
from agora.adapters.themes import ThemeStore
from agora.domain.identity import Signer
from agora.services.consultation import ConsultationService, parse_json
from agora.services.moderation import ModerationService
from agora.services.participants import ParticipantService
from agora.services.proposals import ProposalService
from agora.services.scoring import ScoringService
from agora.services.sequence import SequenceService, settings_for
from agora.services.similar import SimilarityService
from agora.services.snapshot import SnapshotService
from agora.services.themes import ThemeService
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
def proposal_store() -> ProposalStore:
    return ProposalStore.from_env()


@cache
def proposal_index() -> CachedObject[ProposalIndex]:
    k = config.current()
    prefixes = tuple(k.proposals.prefix.values())
    return CachedObject(
        bucket(), contract.PROPOSAL_INDEX_KEY, lambda body: decode_index(body, prefixes), k.sequence.pool_refresh_seconds, time.time
    )


@cache
def proposals() -> ProposalService:
    return ProposalService(config.current(), content(), proposal_store(), proposal_index())


@cache
def similar() -> SimilarityService:
    return SimilarityService(config.current(), proposal_index(), content(), proposal_store())


@cache
def themes() -> ThemeService:
    return ThemeService(ThemeStore.from_env(), proposal_index())


@cache
def moderation() -> ModerationService:
    return ModerationService(config.current(), content(), proposal_store(), similar(), themes())


@cache
def votes() -> VoteStore:
    return VoteStore.from_env()


@cache
def voting() -> VotingService:
    return VotingService(config.current(), votes(), pool(), signer())


@cache
def sequence() -> SequenceService:
    return SequenceService(votes(), pool(), signer(), settings_for(config.current().sequence))


@cache
def scoring() -> ScoringService:
    return ScoringService(TallyStore.from_env())


@cache
def snapshot() -> SnapshotService:
    return SnapshotService(content(), TallyStore.from_env(), bucket(), os.environ[contract.PUBLIC_BASE_URL_ENV])
