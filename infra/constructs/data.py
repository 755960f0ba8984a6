"""What the consultation keeps: the DynamoDB tables, the bucket, and the token-signing secret."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from agora import contract


def _string_key(name: str | None) -> dynamodb.Attribute | None:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING) if name else None


class Data(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)

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

    def _table(self, spec: contract.Table) -> dynamodb.Table:
        # Items that expire (idempotency records, a day at most) are not worth restoring.
        durable = spec.ttl_attribute is None
        table = dynamodb.Table(
            self,
            spec.logical_id,
            partition_key=_string_key(spec.partition_key),
            sort_key=_string_key(spec.sort_key),
            # Traffic comes in spikes (a TV spot), then nearly nothing: on-demand fits both.
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=durable
            ),
            stream=dynamodb.StreamViewType(spec.stream) if spec.stream else None,
            time_to_live_attribute=spec.ttl_attribute,
            removal_policy=RemovalPolicy.RETAIN if durable else RemovalPolicy.DESTROY,
        )
        for index in spec.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_string_key(index.partition_key),
                sort_key=_string_key(index.sort_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return table
