"""The Lambda functions (one per `functions/<name>/` folder), their shared layer, and who may touch what."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from agora import contract
from agora.config import Consultation
from infra.bundling import LAYER_CONSULTATION_FILE, ROOT, function_code, layer_code
from infra import nag
from infra.constructs.data import Data
from infra.stage import Stage

F = contract.Function
FUNCTIONS_DIR = ROOT / "functions"
RUNTIME = lambda_.Runtime.PYTHON_3_13
# Graviton: cheaper per GB-second; the layer is built for it (see bundling.py).
ARCHITECTURE = lambda_.Architecture.ARM_64

# (memory MB, timeout s). Memory buys CPU, which is what the request path waits on; HTTP
# functions stay well under API Gateway's 29 s integration limit.
DEFAULT_SIZE = (512, 10)
SIZING: dict[F, tuple[int, int]] = {
    F.CONSULTATION: (512, 10),
    F.PROPOSE: (512, 10),
    F.VOTE: (512, 10),
    F.NEXT_PROPOSAL: (1024, 10),  # numpy selection over the whole pool, on every call
    F.MODERATE: (512, 10),
    F.SCORE: (1024, 120),  # a window's commit: ~150 transactions at a TV spot's peak (docs/capacity.md)
    F.SNAPSHOT: (1024, 300),  # reads every tally and writes every export file
}
# Reading, creating and editing single items: what every writer of the content table does.
SINGLE_ITEMS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
# Functions that issue or check participant tokens and sequence proofs (`Services.signer` in agora.bootstrap).
SIGNERS = (F.CONSULTATION, F.PROPOSE, F.VOTE, F.NEXT_PROPOSAL)


def discover(folder: Path = FUNCTIONS_DIR) -> list[F]:
    """Every function folder with a handler; a folder contract.Function does not name is an error."""
    names = [p.parent.name for p in sorted(folder.glob("*/handler.py"))]
    unknown = sorted(set(names) - {f.value for f in F})
    if unknown:
        raise ValueError(f"functions/{unknown} have no name in agora.contract.Function")
    return [F(n) for n in names]


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        consultation: Consultation,
        consultation_file: Path,
        data: Data,
        public_base_url: str,
        stage: Stage,
        stack_name: str,
        next_proposal_provisioned: int = 0,
    ) -> None:
        super().__init__(scope, id)
        # One layer for all: the agora package, its dependencies and this consultation's TOML.
        self.layer = lambda_.LayerVersion(
            self,
            "Layer",
            code=layer_code(consultation_file),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description=f"agora package, dependencies and consultation {consultation.slug}",
        )
        environment = {
            **{spec.env_var: data.tables[spec.logical_id].table_name for spec in contract.TABLES},
            contract.BUCKET_ENV: data.bucket.bucket_name,
            contract.CONSULTATION_FILE_ENV: LAYER_CONSULTATION_FILE,
            contract.PUBLIC_BASE_URL_ENV: public_base_url,
            # The pages are served at the distribution's root: their origin is the one CORS allows.
            contract.WEB_ORIGIN_ENV: public_base_url,
            "POWERTOOLS_SERVICE_NAME": contract.METRICS_SERVICE,
            "POWERTOOLS_METRICS_NAMESPACE": stack_name,  # one namespace per consultation and stage
        }
        self.by_name: dict[F, lambda_.Function] = {}
        for name in discover():
            memory, timeout = SIZING.get(name, DEFAULT_SIZE)
            env = dict(environment)
            if name in SIGNERS:
                env[contract.SECRET_ARN_ENV] = data.signing_secret.secret_arn
            self.by_name[name] = lambda_.Function(
                self,
                name.value,
                description=f"{stack_name} {name.value}",
                runtime=RUNTIME,
                architecture=ARCHITECTURE,
                handler="handler.lambda_handler",
                code=function_code(FUNCTIONS_DIR / name.value),
                layers=[self.layer],
                memory_size=memory,
                timeout=Duration.seconds(timeout),
                tracing=lambda_.Tracing.ACTIVE,
                environment=env,
                reserved_concurrent_executions=stage.reserved_concurrency.get(name),
                # An explicit group: retention is set at creation, not by a custom resource later.
                log_group=logs.LogGroup(
                    self,
                    f"{name.value}-logs",
                    retention=stage.log_retention,
                    removal_policy=stage.removal_policy,
                ),
            )
        # The API calls next_proposal through an alias, so provisioned concurrency for an announced
        # campaign (warm containers with the pool loaded) is switched on and off without the API changing.
        self.next_proposal_alias = lambda_.Alias(
            self,
            "NextProposalLive",
            alias_name="live",
            version=self.by_name[F.NEXT_PROPOSAL].current_version,
            provisioned_concurrent_executions=next_proposal_provisioned or None,
        )
        # What each HTTP route invokes.
        self.http_targets: dict[F, lambda_.IFunction] = {
            **{name: self.by_name[name] for name in contract.HTTP_FUNCTIONS},
            F.NEXT_PROPOSAL: self.next_proposal_alias,
        }
        self._grant_least_privilege(data)
        self._accept_findings(data)

    def _accept_findings(self, data: Data) -> None:
        for fn in self.by_name.values():
            nag.accept(fn, "L1", f"{RUNTIME.name}: the layer's wheels are built and tested for it (infra/bundling.py)")
            nag.accept(fn, "IAM4", "the basic execution policy lets the function write its own logs, nothing else", [nag.BASIC_EXECUTION_POLICY])
            nag.accept(
                fn,
                "IAM5",
                "CDK's grants: object actions (GetObject*, List*...) on the bucket's objects, queries on the content "
                "table's indexes; X-Ray and ListStreams take no resource (tests/infra: test_least_privilege)",
                [
                    "Action::s3:GetBucket*",
                    "Action::s3:GetObject*",
                    "Action::s3:List*",
                    "Action::s3:Abort*",
                    "Resource::*",
                    nag.resource_arn(data.bucket, "/*"),
                    nag.resource_arn(data.content, "/index/*"),
                ],
            )

    def _grant_least_privilege(self, data: Data) -> None:
        fn = self.by_name
        for name in SIGNERS:
            data.signing_secret.grant_read(fn[name])

        # Item by item, what each function's code calls (proven by the integration and e2e suites,
        # tests/permissions.py): never a Scan, BatchWriteItem or DeleteItem from the request path.
        # The bucket's grant_read includes s3:ListBucket: without it S3 answers a missing key 403, not 404.
        # consultation: registers participants and edits their demographics, reads the themes
        # (content); serves the published manifest and summary (bucket).
        data.content.grant(fn[F.CONSULTATION], *SINGLE_ITEMS, "dynamodb:Query")
        data.bucket.grant_read(fn[F.CONSULTATION])

        # propose: writes and reads back proposals (content); Idempotency-Key records; the
        # proposal index for similar proposals and search (bucket).
        # Submissions go in one transaction (Put) with the author's count; similar ones by BatchGetItem.
        data.content.grant(fn[F.PROPOSE], *SINGLE_ITEMS, "dynamodb:BatchGetItem", "dynamodb:Query")
        # Powertools' idempotency records: created, completed, read on a repeat, deleted on a failure.
        data.idempotency.grant(fn[F.PROPOSE], *SINGLE_ITEMS, "dynamodb:DeleteItem")
        data.bucket.grant_read(fn[F.PROPOSE])

        # vote: one conditional put or delete per vote (the condition is evaluated by DynamoDB);
        # the qualification routes edit a vote in place (UpdateItem) and, when the condition
        # fails (a retry, no vote, a vote of another key), read the vote to say why (GetItem).
        # Checks votability against the published pool (bucket).
        data.content.grant(fn[F.VOTE], "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:GetItem")
        data.bucket.grant_read(fn[F.VOTE])

        # next_proposal: the participant's voted set (one Query) and the pool (bucket).
        data.content.grant_read_data(fn[F.NEXT_PROPOSAL])
        data.bucket.grant_read(fn[F.NEXT_PROPOSAL])

        # moderate: the queue (status index), locks and decisions on proposal items; the proposal
        # index for duplicates and theme suggestions (bucket).
        # Decisions are a transaction: the proposal (Update) and its audit record (Put).
        data.content.grant(fn[F.MODERATE], *SINGLE_ITEMS, "dynamodb:BatchGetItem", "dynamodb:Query")
        data.bucket.grant_read(fn[F.MODERATE])

        # score: reads its checkpoint and commits counters with it (tallies); the stream
        # read and the dead-letter queue are granted by its event source (tallies.py).
        data.tallies.grant_read_write_data(fn[F.SCORE])

        # snapshot: accepted proposals and status counts (content), every tally, and the
        # export files, manifest and pool it publishes (bucket: put and read back, never
        # delete; versioning keeps what it overwrites).
        data.content.grant_read_data(fn[F.SNAPSHOT])
        data.tallies.grant_read_data(fn[F.SNAPSHOT])
        data.bucket.grant_read(fn[F.SNAPSHOT])
        data.bucket.grant_put(fn[F.SNAPSHOT])
