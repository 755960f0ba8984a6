"""Services built from the environment, once per process (a Lambda container or the embedded stack).

Each builder imports what it needs when first called: a function's cold start pays only for its
own services (numpy, for instance, never loads on the propose and vote paths).
"""

from __future__ import annotations

import os
import time
from functools import cache
from typing import TYPE_CHECKING, Any

from agora import config, contract

if TYPE_CHECKING:
    from agora.adapters.bucket import Bucket, CachedObject
    from agora.adapters.content import ContentStore
    from agora.adapters.pool import PublishedPool
    from agora.adapters.proposal_index import ProposalIndex
    from agora.adapters.proposals import ProposalStore
    from agora.adapters.votes import VoteStore
    from agora.domain.identity import Signer
    from agora.services.consultation import ConsultationService
    from agora.services.moderation import ModerationService
    from agora.services.participants import ParticipantService, TakingPart
    from agora.services.proposals import ProposalService
    from agora.services.scoring import ScoringService
    from agora.services.sequence import SequenceService
    from agora.services.similar import SimilarityService
    from agora.services.snapshot import SnapshotService
    from agora.services.themes import ThemeService
    from agora.services.voting import VotingService


def _cached(key: str, parse: Any) -> CachedObject[Any]:
    from agora.adapters.bucket import CachedObject

    return CachedObject(bucket(), key, parse, config.current().sequence.pool_refresh_seconds, time.time)


@cache
def content() -> ContentStore:
    from agora.adapters.content import ContentStore

    return ContentStore.from_env()


@cache
def bucket() -> Bucket:
    from agora.adapters.bucket import Bucket

    return Bucket.from_env()


@cache
def signer() -> Signer:
    from agora.adapters.secrets import signing_secret
    from agora.domain.identity import Signer

    k = config.current()
    return Signer(signing_secret(), k.participant_token_ttl_seconds, k.sequence.proof_ttl_seconds)


@cache
def pool() -> CachedObject[PublishedPool]:
    from agora.adapters.pool import decode

    return _cached(contract.POOL_KEY, decode)


@cache
def votable() -> CachedObject[frozenset[str]]:
    """The accepted proposals' ids, read from the pool file without building the numpy pool."""
    from agora.adapters.pool import accepted_ids

    return _cached(contract.POOL_KEY, accepted_ids)


@cache
def consultation() -> ConsultationService:
    from agora.services.consultation import ConsultationService, parse_json

    return ConsultationService(
        config.current(), _cached(contract.MANIFEST_KEY, parse_json), _cached(contract.LATEST_PREFIX + "summary.json", parse_json)
    )


@cache
def participants() -> ParticipantService:
    from agora.services.participants import ParticipantService, TakingPart

    return ParticipantService(config.current(), content(), signer())


@cache
def taking_part() -> TakingPart:
    from agora.services.participants import TakingPart

    return TakingPart(content())


@cache
def proposal_store() -> ProposalStore:
    from agora.adapters.proposals import ProposalStore

    return ProposalStore.from_env()


@cache
def proposal_index() -> CachedObject[ProposalIndex]:
    from agora.adapters.proposal_index import decode

    prefixes = tuple(config.current().proposals.prefix.values())
    return _cached(contract.PROPOSAL_INDEX_KEY, lambda body: decode(body, prefixes))


@cache
def proposals() -> ProposalService:
    from agora.services.proposals import ProposalService

    return ProposalService(config.current(), content(), proposal_store(), proposal_index(), taking_part())


@cache
def similar() -> SimilarityService:
    from agora.services.similar import SimilarityService

    return SimilarityService(config.current(), proposal_index(), content(), proposal_store())


@cache
def themes() -> ThemeService:
    from agora.adapters.themes import ThemeStore
    from agora.services.themes import ThemeService

    return ThemeService(ThemeStore.from_env(), proposal_index())


@cache
def moderation() -> ModerationService:
    from agora.services.moderation import ModerationService

    return ModerationService(config.current(), content(), proposal_store(), similar(), themes())


@cache
def votes() -> VoteStore:
    from agora.adapters.votes import VoteStore

    return VoteStore.from_env()


@cache
def voting() -> VotingService:
    from agora.services.voting import VotingService

    return VotingService(config.current(), votes(), votable(), signer(), taking_part())


@cache
def sequence() -> SequenceService:
    from agora.services.sequence import SequenceService

    consultation = config.current()
    return SequenceService(
        votes(), pool(), signer(), consultation.sequence, consultation.lookups.sequences_per_participant_per_minute
    )


@cache
def scoring() -> ScoringService:
    from agora.adapters.tallies import TallyStore
    from agora.services.scoring import ScoringService

    return ScoringService(TallyStore.from_env())


@cache
def snapshot() -> SnapshotService:
    from agora.adapters.tallies import TallyStore
    from agora.services.snapshot import SnapshotService

    return SnapshotService(content(), TallyStore.from_env(), bucket(), os.environ[contract.PUBLIC_BASE_URL_ENV])
