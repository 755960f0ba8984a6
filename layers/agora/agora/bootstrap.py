"""The composition root: a process's services, built explicitly from its consultation and its stores.

One root per process: each Lambda container's handler module holds one (`container()`), so does
each worker of the embedded stack (a process, like a container); the in-process stack builds one
and shares it with its containers (`installed`); unit tests build theirs from in-memory fakes
(`tests/fakes.py`). Each service is built on first use and imports its modules then: a function's
cold start pays only for its own services (numpy never loads on the propose and vote paths).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from agora import contract

if TYPE_CHECKING:
    from agora.adapters.pool import PublishedPool
    from agora.adapters.proposal_index import ProposalIndex
    from agora.config import Consultation
    from agora.domain.identity import Claims, Signer
    from agora.services import ports
    from agora.services.consultation import ConsultationService
    from agora.services.moderation import ModerationService
    from agora.services.participants import ParticipantService, TakingPart
    from agora.services.proposals import ProposalService
    from agora.services.sequence import SequenceService
    from agora.services.similar import SimilarityService
    from agora.services.snapshot import SnapshotService
    from agora.services.tallies import TallyService
    from agora.services.themes import ThemeService
    from agora.services.voting import VotingService


class Stores(Protocol):
    """Where a root's services keep things: one store per aggregate, and the published files."""

    @property
    def participants(self) -> ports.ParticipantStore: ...
    @property
    def proposals(self) -> ports.ProposalStore: ...
    @property
    def votes(self) -> ports.VoteStore: ...
    @property
    def tallies(self) -> ports.TallyStore: ...
    @property
    def themes(self) -> ports.ThemeStore: ...
    @property
    def files(self) -> ports.PublishedFiles: ...
    @property
    def once(self) -> ports.Once: ...


class AwsStores:
    """The DynamoDB tables and the S3 bucket a deployed stack (or the embedded one) names in the environment."""

    def __init__(self, environment: dict[str, str], personal_data_expiry: Callable[[], int]) -> None:
        self.environment, self.expiry = environment, personal_data_expiry

    def _dynamodb(self) -> tuple[str, Any]:
        from agora.adapters.aws import client

        return self.environment[contract.CONTENT.env_var], client("dynamodb")

    @cached_property
    def participants(self) -> ports.ParticipantStore:
        from agora.adapters.participants import ParticipantStore

        return ParticipantStore(*self._dynamodb(), self.expiry())

    @cached_property
    def proposals(self) -> ports.ProposalStore:
        from agora.adapters.proposals import ProposalStore

        return ProposalStore(*self._dynamodb())

    @cached_property
    def votes(self) -> ports.VoteStore:
        from agora.adapters.votes import VoteStore

        return VoteStore(*self._dynamodb(), self.expiry())

    @cached_property
    def tallies(self) -> ports.TallyStore:
        from agora.adapters.aws import client
        from agora.adapters.tallies import TallyStore

        return TallyStore(self.environment[contract.TALLIES.env_var], client("dynamodb"))

    @cached_property
    def themes(self) -> ports.ThemeStore:
        from agora.adapters.themes import ThemeStore

        return ThemeStore(*self._dynamodb())

    @cached_property
    def files(self) -> ports.PublishedFiles:
        from agora.adapters.aws import client
        from agora.adapters.bucket import Bucket

        return Bucket(self.environment[contract.BUCKET_ENV], client("s3"))

    @cached_property
    def once(self) -> ports.Once:
        from agora.services.idempotency import PowertoolsOnce

        table = contract.IDEMPOTENCY
        return PowertoolsOnce(self.environment[table.env_var], table.partition_key, table.ttl_attribute or "expiration")


class Services:
    """Every service of one consultation, each built once, on first use, from what it is given."""

    def __init__(
        self,
        consultation: Callable[[], Consultation],
        stores: Callable[[Services], Stores],
        signing_secret: Callable[[], bytes],
        public_base_url: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._consultation, self._stores, self._secret = consultation, stores, signing_secret
        self.public_base_url, self.clock = public_base_url, clock

    @classmethod
    def from_environment(cls, environment: dict[str, str] | None = None) -> Services:
        """What a deployed function (or the embedded stack's) is given: the consultation file, the
        tables and bucket, the signing secret, all named in its environment."""
        env = dict(os.environ if environment is None else environment)

        def consultation() -> Consultation:
            from agora.config import load

            return load(env[contract.CONSULTATION_FILE_ENV])

        def secret() -> bytes:
            from agora.adapters.secrets import signing_secret

            return signing_secret()

        return cls(
            consultation,
            lambda root: AwsStores(env, lambda: root.consultation.personal_data_expiry()),
            secret,
            env.get(contract.PUBLIC_BASE_URL_ENV, ""),
        )

    # --- what the services share ---------------------------------------------------------------

    @cached_property
    def consultation(self) -> Consultation:
        """Parsed once per root, from the consultation file, and passed to every service."""
        return self._consultation()

    @cached_property
    def stores(self) -> Stores:
        return self._stores(self)

    @cached_property
    def signer(self) -> Signer:
        from agora.domain.identity import Signer

        k = self.consultation
        return Signer(self._secret(), k.participant_token_ttl_seconds, k.sequence.proof_ttl_seconds)

    def _published(self, key: str, parse: Callable[[bytes], Any]) -> ports.Published[Any]:
        from agora.adapters.bucket import CachedObject

        return CachedObject(self.stores.files, key, parse, self.consultation.sequence.pool_refresh_seconds, self.clock)

    @cached_property
    def pool(self) -> ports.Published[PublishedPool]:
        from agora.adapters.pool import decode

        return self._published(contract.POOL_KEY, decode)

    @cached_property
    def votable(self) -> ports.Published[frozenset[str]]:
        """The accepted proposals' ids, read from the pool file without building the numpy pool."""
        from agora.adapters.pool import accepted_ids

        return self._published(contract.POOL_KEY, accepted_ids)

    @cached_property
    def proposal_index(self) -> ports.Published[ProposalIndex]:
        from agora.adapters.proposal_index import decode

        prefixes = tuple(self.consultation.proposals.prefix.values())
        return self._published(contract.PROPOSAL_INDEX_KEY, lambda body: decode(body, prefixes))

    def authenticate(self, token: str) -> Claims:
        return self.participants.authenticate(token)

    # --- the services, one per use case ----------------------------------------------------------

    @cached_property
    def about(self) -> ConsultationService:
        """The consultation's question, rules and live counts, and its published results."""
        from agora.services.consultation import ConsultationService, parse_json

        manifest = self._published(contract.MANIFEST_KEY, parse_json)
        summary = self._published(contract.LATEST_PREFIX + "summary.json", parse_json)
        return ConsultationService(self.consultation, manifest, summary, self.clock)

    @cached_property
    def participants(self) -> ParticipantService:
        from agora.services.participants import ParticipantService

        return ParticipantService(self.consultation, self.stores.participants, self.signer, self.clock)

    @cached_property
    def taking_part(self) -> TakingPart:
        """Who took part: shared by voting and proposing, so each container remembers a person once."""
        from agora.services.participants import TakingPart

        return TakingPart(self.stores.participants)

    @cached_property
    def proposals(self) -> ProposalService:
        from agora.services.proposals import ProposalService

        return ProposalService(
            self.consultation, self.stores.proposals, self.proposal_index, self.stores.once, self.taking_part, self.clock
        )

    @cached_property
    def similar(self) -> SimilarityService:
        from agora.services.similar import SimilarityService

        return SimilarityService(self.consultation, self.proposal_index, self.stores.proposals, self.clock)

    @cached_property
    def themes(self) -> ThemeService:
        from agora.services.themes import ThemeService

        return ThemeService(self.stores.themes, self.proposal_index, self.clock)

    @cached_property
    def moderation(self) -> ModerationService:
        from agora.services.moderation import ModerationService

        return ModerationService(self.consultation, self.stores.proposals, self.similar, self.themes, self.clock)

    @cached_property
    def voting(self) -> VotingService:
        from agora.services.voting import VotingService

        return VotingService(self.consultation, self.stores.votes, self.votable, self.signer, self.taking_part, self.clock)

    @cached_property
    def sequence(self) -> SequenceService:
        from agora.services.sequence import SequenceService

        k = self.consultation
        return SequenceService(
            self.stores.votes, self.pool, self.signer, k.sequence, k.lookups.sequences_per_participant_per_minute, self.clock
        )

    @cached_property
    def tallies(self) -> TallyService:
        from agora.services.tallies import TallyService

        return TallyService(self.stores.tallies)

    @cached_property
    def snapshot(self) -> SnapshotService:
        from agora.services.snapshot import SnapshotService

        s = self.stores
        return SnapshotService(
            self.consultation, s.proposals, s.votes, s.tallies, s.files, self.public_base_url, self.clock
        )


_shared: list[Services] = []


def container() -> Services:
    """The root a handler module holds for its container's life: the one an embedding process
    installed to share with its containers, or a new one from the environment (Lambda, a worker)."""
    return _shared[-1] if _shared else Services.from_environment()


@contextmanager
def installed(services: Services) -> Iterator[Services]:
    """Handler modules loaded meanwhile share `services` (the in-process stack: one process, many containers)."""
    _shared.append(services)
    try:
        yield services
    finally:
        _shared.remove(services)
