"""The one source of truth for names shared by CDK, the embedded stack, handlers and tests.

Tables and their keys, the HTTP routes and which function serves each, the stream
filter, the bucket layout and the environment variables that wire them together.
Nothing here imports boto3 or CDK, so every side can read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum

# --- item keys in the content table -------------------------------------------------

PARTICIPANT = "PARTICIPANT#"
PROPOSAL = "PROPOSAL#"
PROFILE_SK = "PROFILE"
VOTE_SK = "VOTE#"
META_SK = "META"
STATUS = "STATUS#"
DECISION_SK = "DECISION#"  # under a proposal: its moderation audit trail
SUBMISSIONS_SK = "SUBMISSIONS"  # under a participant: their proposal ids, for the caps and "my proposals"
THEMES = "THEMES"  # one partition holds the consultation's themes
THEME_SK = "THEME#"
IMPORT = "IMPORT#"  # one partition per imported conversation: its record (META_SK) and audit trail
IMPORT_RUN_SK = "RUN#"  # one entry per run of the import: who, when, what it wrote

# --- item keys in the tallies table ---------------------------------------------------

TALLY_PROPOSAL = "PROPOSAL#"
TALLY_CONSULTATION = "CONSULTATION"
TALLY_TOTAL_SK = "TOTAL"
TALLY_SEGMENT_SK = "SEGMENT#"
CHECKPOINT = "CHECKPOINT#"
STAGED = "STAGED#"  # tally changes written ahead of applying them, per shard (agora.services.tallies)


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class Table:
    """A DynamoDB table as both CDK and the embedded stack create it (all keys are strings)."""

    logical_id: str
    env_var: str
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[Index, ...] = ()
    stream: str | None = None
    ttl_attribute: str | None = None
    # Restorable to any second (PITR) and kept when a prod stack goes; not short-lived records.
    durable: bool = True


CONTENT = Table(
    logical_id="Content",
    env_var="AGORA_CONTENT_TABLE",
    partition_key="pk",
    sort_key="sk",
    # Proposals by status, oldest first: the moderation queue and the accepted list.
    indexes=(Index("by_status", partition_key="status_pk", sort_key="status_sk"),),
    stream="NEW_AND_OLD_IMAGES",
    # Profiles and votes (personal data) expire `personal_data_retention_days` after the close;
    # proposals and the tallies, the public figures, never do.
    ttl_attribute="expires_at",
)
TALLIES = Table(logical_id="Tallies", env_var="AGORA_TALLIES_TABLE", partition_key="pk", sort_key="sk")
IDEMPOTENCY = Table(
    logical_id="Idempotency",
    env_var="AGORA_IDEMPOTENCY_TABLE",
    partition_key="id",
    ttl_attribute="expiration",
    durable=False,
)
TABLES = (CONTENT, TALLIES, IDEMPOTENCY)

# score only sees what changes a tally: vote items and participant profiles.
STREAM_FILTERS = (
    {"dynamodb": {"Keys": {"sk": {"S": [{"prefix": VOTE_SK}]}}}},
    {"dynamodb": {"Keys": {"sk": {"S": [PROFILE_SK]}}}},
)

# score's batches and tumbling window: each shard's changes coalesce over the window into one
# tally update per proposal and segment, committed when it closes (bench/capacity.py: 0.5 write
# units per vote needs about 40,000 votes per shard-window at a TV spot's peak). The results only
# need tallies as fresh as a snapshot (every 300 s by default); Lambda allows windows up to 900 s.
SCORE_BATCH_SIZE = 1000  # records per stream read (GetRecords returns at most 1,000)
# Lambda's mapping gathers up to SCORE_MAPPING_BATCH_SIZE records (under its 6 MB payload: a record
# with both images is under 1 KB) for up to SCORE_BATCHING_WINDOW_SECONDS: each invocation unpacks
# and repacks the window's state, so fewer, fuller invocations keep a shard ahead at the peak.
SCORE_MAPPING_BATCH_SIZE = 4000
SCORE_BATCHING_WINDOW_SECONDS = 5
SCORE_WINDOW_SECONDS = 120
# The embedded stack's default (`agora dev --tally-window`): a vote reaches the tallies within about
# 2 s, and under load a window still spans several invocations, so the state-carrying path runs.
LOCAL_SCORE_WINDOW_SECONDS = 2.0

# --- bucket layout --------------------------------------------------------------------

RESULTS_PREFIX = "results/"
MANIFEST_KEY = "results/manifest.json"
LATEST_PREFIX = "results/latest/"
POOL_KEY = "sequence/pool.npz"
# Accepted and pending proposals, for similarity and search. Functions read it; no one else should.
PROPOSAL_INDEX_KEY = "internal/proposal-index.json"
WEB_PREFIX = "web/"

# --- environment ------------------------------------------------------------------------

BUCKET_ENV = "AGORA_BUCKET"
CONSULTATION_FILE_ENV = "AGORA_CONSULTATION_FILE"
PUBLIC_BASE_URL_ENV = "AGORA_PUBLIC_BASE_URL"
SECRET_ENV = "AGORA_SIGNING_SECRET"
SECRET_ARN_ENV = "AGORA_SIGNING_SECRET_ARN"
WEB_ORIGIN_ENV = "AGORA_WEB_ORIGIN"  # the origin serving the pages (CloudFront; the embedded gateway): CORS allows it

# --- functions and routes ---------------------------------------------------------------


class Function(str, Enum):
    CONSULTATION = "consultation"
    PROPOSE = "propose"
    VOTE = "vote"
    NEXT_PROPOSAL = "next_proposal"
    MODERATE = "moderate"
    SCORE = "score"
    SNAPSHOT = "snapshot"


class Auth(str, Enum):
    PUBLIC = "public"  # anyone; a participant token is checked by the handler where needed
    MODERATOR = "moderator"  # Cognito on AWS, the --moderator-key on the embedded stack


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: Function
    auth: Auth = Auth.PUBLIC
    status: int = 200  # on success (the OpenAPI description says so; schemathesis checks it)
    segments: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(p for p in self.path.split("/") if p))


F, M = Function, Auth.MODERATOR
ROUTES = (
    Route("GET", "/consultation", F.CONSULTATION),
    Route("GET", "/results", F.CONSULTATION),
    Route("POST", "/participants", F.CONSULTATION, status=201),
    Route("PATCH", "/participants/me", F.CONSULTATION),
    Route("GET", "/participants/me/proposals", F.PROPOSE),
    Route("POST", "/proposals", F.PROPOSE, status=201),
    Route("GET", "/proposals", F.PROPOSE),
    Route("GET", "/proposals/similar", F.PROPOSE),  # before /proposals/{proposal_id}, which would take "similar"
    Route("GET", "/proposals/{proposal_id}", F.PROPOSE),
    Route("GET", "/proposals/{proposal_id}/similar", F.PROPOSE),
    Route("GET", "/themes", F.PROPOSE),
    Route("GET", "/sequence", F.NEXT_PROPOSAL),
    Route("PUT", "/proposals/{proposal_id}/vote", F.VOTE),
    Route("DELETE", "/proposals/{proposal_id}/vote", F.VOTE, status=204),
    Route("PUT", "/proposals/{proposal_id}/vote/qualifications/{qualification}", F.VOTE),
    Route("DELETE", "/proposals/{proposal_id}/vote/qualifications/{qualification}", F.VOTE, status=204),
    Route("GET", "/moderation/queue", F.MODERATE, M),
    Route("POST", "/moderation/proposals/{proposal_id}/accept", F.MODERATE, M),
    Route("POST", "/moderation/proposals/{proposal_id}/refuse", F.MODERATE, M),
    Route("POST", "/moderation/proposals/{proposal_id}/postpone", F.MODERATE, M),
    Route("POST", "/moderation/proposals/{proposal_id}/reopen", F.MODERATE, M),
    Route("GET", "/moderation/proposals", F.MODERATE, M),
    Route("POST", "/moderation/locks", F.MODERATE, M),
    Route("GET", "/moderation/proposals/{proposal_id}/decisions", F.MODERATE, M),
    Route("POST", "/moderation/bulk", F.MODERATE, M),
    Route("POST", "/moderation/themes", F.MODERATE, M, status=201),
    Route("GET", "/moderation/groups", F.MODERATE, M),
)
del F, M

HTTP_FUNCTIONS = tuple(dict.fromkeys(r.function for r in ROUTES))


# --- deployed stacks ----------------------------------------------------------------------

STAGES = ("dev", "prod")
# Concurrency each stage reserves, by function: caps where a runaway (a loop, a flood on one route)
# would take the account's concurrency from voting: snapshot never overlaps itself, moderation and
# proposals stay small. Read by the stack (infra/stage.py) and by `agora deploy`'s quota check.
RESERVED_CONCURRENCY: dict[str, dict[Function, int]] = {
    "dev": {},
    "prod": {Function.SNAPSHOT: 1, Function.MODERATE: 10, Function.PROPOSE: 50},
}


@dataclass(frozen=True)
class StageCapacity:
    """What a stage is built to take without a campaign switch: a TV spot of `citizens` arriving
    within 10 minutes with no throttled request (bench/capacity.py sizes these, docs/capacity.md)."""

    citizens: int
    api_rate: int  # the API stage's throttle at least (requests/s); a consultation may set more
    api_burst: int
    lambda_concurrency: int  # what the account must allow, every function of the stack at its peak
    warm_write_units: dict[str, int] = field(default_factory=dict)  # by table logical id, at creation


STAGE_CAPACITY = {
    "dev": StageCapacity(citizens=0, api_rate=0, api_burst=0, lambda_concurrency=0),
    "prod": StageCapacity(
        citizens=250_000, api_rate=23_000, api_burst=5_000, lambda_concurrency=2_000,
        warm_write_units={"Content": 21_000, "Tallies": 6_000},
    ),  # fmt: skip
}


def stack_name(slug: str, stage: str) -> str:
    """One CloudFormation stack per consultation and stage; also its metrics namespace."""
    return f"agora-{slug}-{stage}"


class Context(str, Enum):
    """CDK context keys the app reads (`-c key=value`) and `agora deploy` sets."""

    CONSULTATION = "consultation"
    STAGE = "stage"  # one of STAGES; dev when not given
    NEXT_PROPOSAL_PROVISIONED = "next_proposal_provisioned"  # warm next_proposal containers for a campaign
    WARM_WRITE_UNITS = "warm_write_units"  # content and tallies tables ready for this many writes/s (docs/capacity.md)
    CLOUDFRONT_WEB_ACL = "cloudfront_web_acl_arn"  # made once per account in us-east-1
    ALARM_EMAIL = "alarm_email"  # subscribed to the alarms topic
    DOMAIN_NAME = "domain_name"  # the pages' own domain (CloudFront), with ...
    CERTIFICATE_ARN = "certificate_arn"  # ... its ACM certificate in us-east-1: TLS 1.2 at least


class Output(str, Enum):
    """The stack outputs the `agora` command reads (status, moderators, export, forget)."""

    API_URL = "ApiUrl"
    DISTRIBUTION_DOMAIN = "DistributionDomain"
    BUCKET = "BucketName"
    CONTENT_TABLE = "ContentTable"
    TALLIES_TABLE = "TalliesTable"
    DEAD_LETTERS = "DeadLetterQueueUrl"
    SCORE_FUNCTION = "ScoreFunctionName"
    METRICS_NAMESPACE = "MetricsNamespace"
    USER_POOL = "UserPoolId"
    USER_POOL_CLIENT = "UserPoolClientId"
    LOGIN_URL = "ModeratorLoginUrl"  # Cognito's managed login
    PAGES_URL = "PagesUrl"  # where citizens go, and moderators to /#/moderation


# --- metrics (EMF, namespace = the stack name, dimension service = METRICS_SERVICE) -----------

METRICS_SERVICE = "agora"


class Metric(StrEnum):
    VOTES_RECORDED = "VotesRecorded"
    VOTES_TRUSTED = "VotesTrusted"  # of VotesRecorded: served in a sequence, with a valid proof
    PROPOSALS_SUBMITTED = "ProposalsSubmitted"
    PROPOSALS_REFUSED = "ProposalsRefused"  # dimension reason: the charter's
    REJECTED = "Rejected"  # requests answered 4xx by a handler; dimension reason: the error code
    SEQUENCE_LATENCY = "SequenceLatency"  # milliseconds to choose one sequence
    SNAPSHOTS_PUBLISHED = "SnapshotsPublished"  # its absence is the staleness alarm
    CHANGES_COUNTED = "ChangesCounted"  # stream records committed to the tallies by score
    CHANGES_HELD = "ChangesHeld"  # stream records kept in a tumbling window's state, to commit when it closes
    REDELIVERIES_SKIPPED = "RedeliveriesSkipped"  # stream records the shard's checkpoint had counted already
    TALLY_TRANSACTIONS = "TallyTransactions"  # transactions written to the tallies table
