"""Create the stack's tables, bucket and dead-letter queue from the same contract CDK uses; a
restarted stack finds its tables (DynamoDB Local keeps them) and creates only what is missing."""

from __future__ import annotations

from typing import Any

from agora import contract


def table_definition(table: contract.Table, name: str) -> dict[str, Any]:
    keys = [table.partition_key, *([table.sort_key] if table.sort_key else [])]
    for index in table.indexes:
        keys += [index.partition_key, index.sort_key]
    definition: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in dict.fromkeys(keys)],
        "KeySchema": [
            {"AttributeName": table.partition_key, "KeyType": "HASH"},
            *([{"AttributeName": table.sort_key, "KeyType": "RANGE"}] if table.sort_key else []),
        ],
    }
    if table.indexes:
        definition["GlobalSecondaryIndexes"] = [
            {
                "IndexName": i.name,
                "KeySchema": [
                    {"AttributeName": i.partition_key, "KeyType": "HASH"},
                    {"AttributeName": i.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for i in table.indexes
        ]
    if table.stream:
        definition["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": table.stream}
    return definition


def table_name(prefix: str, table: contract.Table) -> str:
    return f"{prefix}-{table.logical_id.lower()}"


def bucket_name(prefix: str) -> str:
    return f"{prefix}-bucket"


def dead_letters_name(prefix: str) -> str:
    return f"{prefix}-score-failures"


def create(dynamodb: Any, s3: Any, sqs: Any, prefix: str, region: str) -> dict[str, str]:
    """Create whatever does not exist yet; return the environment that points the functions at it."""
    env = {}
    existing = set(dynamodb.get_paginator("list_tables").paginate().build_full_result().get("TableNames", []))
    for table in contract.TABLES:
        name = table_name(prefix, table)
        if name not in existing:
            dynamodb.create_table(**table_definition(table, name))
            dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
            if table.ttl_attribute:
                dynamodb.update_time_to_live(
                    TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute}
                )
        env[table.env_var] = name
    bucket = bucket_name(prefix)
    # Unversioned: the embedded bucket keeps current objects only (agora.local.bucket_mirror bounds it).
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    env[contract.BUCKET_ENV] = bucket
    env[DLQ_ENV] = sqs.create_queue(QueueName=dead_letters_name(prefix))["QueueUrl"]
    return env


DLQ_ENV = "AGORA_SCORE_DLQ_URL"
