"""The stack's resources on moto's in-process mock, with the handlers called by API Gateway events.

For integration tests and benchmarks: no server, no threads, every AWS call countable.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from agora import bootstrap, contract
from agora.adapters import aws
from agora.local import moto_fixes, poller, resources
from agora.local.functions import FUNCTIONS_DIR, FunctionHost
from agora.local.gateway import match, proxy_event

REGION = "eu-west-3"
DEMO = FUNCTIONS_DIR.parent / "consultations" / "demo.toml"
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


class Calls:
    """AWS API calls made through the functions' clients, by operation."""

    def __init__(self) -> None:
        self.by_operation: Counter[str] = Counter()
        for service in ("dynamodb", "s3"):
            aws.client(service).meta.events.register(f"before-call.{service}", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.by_operation[model.name] += 1

    @property
    def writes(self) -> int:
        return sum(n for op, n in self.by_operation.items() if op in WRITES)

    @property
    def reads(self) -> int:
        return sum(n for op, n in self.by_operation.items() if op in READS)


class InProcessStack:
    def __init__(self, consultation_file: Path = DEMO, prefix: str = "it") -> None:
        self.consultation_file, self.prefix = consultation_file, prefix
        self.env: dict[str, str] = {}
        self.functions = FunctionHost()
        self._saved: dict[str, str | None] = {}
        self._counted: dict[str, str] = {}  # shard -> last sequence number handed to score
        self._mock = mock_aws()
        self._installed = ExitStack()
        self.services: bootstrap.Services | None = None  # the one root its containers share

    def __enter__(self) -> InProcessStack:
        self._set(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                "AWS_ENDPOINT_URL": None,
                contract.CONSULTATION_FILE_ENV: str(self.consultation_file),
                contract.SECRET_ENV: "in-process-secret",
                contract.PUBLIC_BASE_URL_ENV: "https://results.example",
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": "CRITICAL",
            }
        )
        moto_fixes.apply()
        self._mock.start()
        self.env = resources.create(
            boto3.client("dynamodb"), boto3.client("s3"), boto3.client("sqs"), prefix=self.prefix, region=REGION
        )
        self._set(dict(self.env))
        aws.client.cache_clear()  # clients made before the mock started would reach out of it
        self.services = self._installed.enter_context(bootstrap.installed(bootstrap.Services.from_environment()))
        return self

    def cold_start(self) -> None:
        """Every container cold again, sharing a new root: nothing cached from S3, rate-limit windows empty."""
        self._installed.close()
        self.services = self._installed.enter_context(bootstrap.installed(bootstrap.Services.from_environment()))
        self.functions = FunctionHost()

    def __exit__(self, *_: object) -> None:
        self._installed.close()
        aws.client.cache_clear()
        self._mock.stop()
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def _set(self, values: dict[str, str | None]) -> None:
        for name, value in values.items():
            self._saved.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    # --- calling the functions ----------------------------------------------------------------

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        return self.functions.invoke(function, event)

    def event(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        moderator: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        source_ip: str = "127.0.0.1",
    ) -> tuple[str, dict[str, Any]]:
        route, params = match(method, path.split("?")[0])
        if route is None:
            raise LookupError(f"no route {method} {path}")
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        claims = {"sub": moderator, "cognito:username": moderator} if moderator else None
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        event = proxy_event(route, params, method, path, {k: [v] for k, v in sent.items()}, data, source_ip, claims)
        return route.function.value, event

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Reply:
        result = self.invoke(*self.event(method, path, body, **kwargs))
        text = result.get("body") or ""
        multi = {k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items()}
        return Reply(result["statusCode"], json.loads(text) if text else None, {**(result.get("headers") or {}), **multi})

    # --- common journeys ------------------------------------------------------------------------

    def participant(self, demographics: dict[str, str] | None = None) -> str:
        reply = self.call("POST", "/participants", {"demographics": demographics or {}})
        assert reply.status == 201, reply.body
        return reply.body["participant_token"]

    def propose(self, token: str, text: str, language: str = "fr") -> str:
        reply = self.call("POST", "/proposals", {"text": text, "language": language}, token=token)
        assert reply.status == 201, reply.body
        return reply.body["id"]

    def accept(self, proposal_id: str, moderator: str = "mod") -> None:
        reply = self.call("POST", f"/moderation/proposals/{proposal_id}/accept", {}, moderator=moderator)
        assert reply.status == 200, reply.body

    def snapshot(self) -> dict[str, Any]:
        return self.invoke("snapshot", {})

    def count(self) -> None:
        """Hand score every stream record written since the last call, as one batch per shard."""
        table = self.env[contract.CONTENT.env_var]
        arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
        # moto serves streams only on their regional endpoint, not the account-based one botocore picks.
        streams = boto3.client("dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com")
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            after = self._counted.get(shard_id)
            position = {"ShardIteratorType": "TRIM_HORIZON"} if after is None else {
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, **position)["ShardIterator"]
            while records := streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]:
                wanted = [r for r in records if poller.wanted(r)]
                response = self.invoke("score", {"Records": wanted, "shardId": shard_id, "state": {}})
                assert not response["batchItemFailures"], response
                self._counted[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
                iterator = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                    SequenceNumber=self._counted[shard_id],
                )["ShardIterator"]

    def published(self, n: int) -> list[str]:
        """n accepted proposals, published in the sequence pool by a snapshot."""
        author = self.participant()
        ids = [self.propose(author, f"Il faut rénover l'école numéro {i}") for i in range(n)]
        for proposal_id in ids:
            self.accept(proposal_id)
        self.snapshot()
        return ids
