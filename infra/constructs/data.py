"""What the consultation keeps: the DynamoDB tables, the bucket, and the token-signing secret."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from agora import contract
from infra import nag
from infra.stage import Stage


def _string_key(name: str | None) -> dynamodb.Attribute | None:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING) if name else None


class Data(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: Stage, warm_write_units: int = 0) -> None:
        super().__init__(scope, id)
        self.stage = stage
        self.warm_write_units = warm_write_units

        # Built from contract.TABLES, the definitions the embedded stack uses too.
        self.tables = {spec.logical_id: self._table(spec) for spec in contract.TABLES}
        self.content = self.tables[contract.CONTENT.logical_id]
        self.tallies = self.tables[contract.TALLIES.logical_id]
        self.idempotency = self.tables[contract.IDEMPOTENCY.logical_id]

        self.bucket = s3.Bucket(
            self,
            "Bucket",
            # Every snapshot overwrites results/latest/ and the manifest: versions let us
            # recover a good publication after a bad one.
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,  # CloudFront reads it through OAC
            enforce_ssl=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            # ... but a snapshot every few minutes would keep thousands of stale copies.
            lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30))],
            removal_policy=stage.removal_policy,
            # A versioned bucket is never empty: dev empties it (a custom resource) so it can go.
            auto_delete_objects=not stage.keeps_data,
        )
        nag.accept(
            self.bucket,
            "S1",
            "the world reads it through CloudFront and only our functions write it; access logs would need a bucket more",
        )

        # HMAC key for participant tokens and sequence proofs; rotating it logs everyone out.
        self.signing_secret = secretsmanager.Secret(
            self,
            "SigningSecret",
            description="agora: signs participant tokens and sequence proofs",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
        )
        nag.accept(
            self.signing_secret,
            "SMG4",
            "rotating it signs every participant out and voids the proofs they were served: by hand, between consultations",
        )

    def _warm(self, spec: contract.Table) -> int:
        default = contract.STAGE_CAPACITY[self.stage.name].warm_write_units.get(spec.logical_id, 0)
        return max(self.warm_write_units, default) if spec.durable else 0

    def _table(self, spec: contract.Table) -> dynamodb.Table:
        # Only durable tables of a stage that keeps data are worth restoring or keeping.
        kept = spec.durable and self.stage.keeps_data
        table = dynamodb.Table(
            self,
            spec.logical_id,
            partition_key=_string_key(spec.partition_key),
            sort_key=_string_key(spec.sort_key),
            # Traffic comes in spikes (a TV spot), then nearly nothing: on-demand fits both.
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=kept
            ),
            deletion_protection=kept,
            # A KMS key in the account: every use of it is in CloudTrail.
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            stream=dynamodb.StreamViewType(spec.stream) if spec.stream else None,
            time_to_live_attribute=spec.ttl_attribute,
            removal_policy=RemovalPolicy.RETAIN if kept else RemovalPolicy.DESTROY,
            # A new on-demand table serves 4,000 writes/s at once; a TV spot's votes and their
            # tallies need more from the first second (docs/capacity.md): prod is warmed for its
            # design crowd (contract.STAGE_CAPACITY), a campaign may ask more.
            warm_throughput=dynamodb.WarmThroughput(write_units_per_second=warm) if (warm := self._warm(spec)) else None,
        )
        if not kept:
            nag.accept(table, "DDB3", "disposable: a dev stage, or idempotency records that expire within a day")
        for index in spec.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_string_key(index.partition_key),
                sort_key=_string_key(index.sort_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return table
