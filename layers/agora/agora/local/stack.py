"""The embedded stack: moto on loopback, the tables and bucket from the contract, the handlers
behind a local gateway, a stream poller feeding score, and a scheduler running snapshot."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from agora import contract
from agora.local import resources
from agora.local.functions import FUNCTIONS_DIR, FunctionHost
from agora.local.gateway import FILES_PREFIX, Gateway
from agora.local.moto_server import MotoServer
from agora.local.poller import StreamPoller
from agora.local.scheduler import Scheduler

REGION = "eu-west-3"
WEB_DIR = FUNCTIONS_DIR.parent / "web"


@dataclass
class Options:
    consultation_file: Path
    port: int = 8000
    host: str = "127.0.0.1"
    moderator_key: str = ""
    snapshot_every: float = 300.0
    redeliver_every: int = 0  # chaos: hand every Nth stream batch to score twice


class EmbeddedStack:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.moderator_key = options.moderator_key or secrets.token_urlsafe(12)
        self.moto = MotoServer()
        self.env: dict[str, str] = {}

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
        self.moto.start()
        self.aws_endpoint = self.moto.url
        self._configure_process(self.aws_endpoint)
        dynamodb, s3, sqs = (self.client(s) for s in ("dynamodb", "s3", "sqs"))
        self.env.update(resources.create(dynamodb, s3, sqs, prefix=self.slug, region=REGION))
        os.environ.update(self.env)

        self.functions = FunctionHost()
        self.gateway = Gateway(
            invoke=self.functions.invoke,
            read_file=self.read_file,
            moderator_key=self.moderator_key,
            openapi=self.openapi,
            web_dir=WEB_DIR if WEB_DIR.is_dir() else None,
            host=self.options.host,
            port=self.options.port,
            origins=self.consultation.origins,
        )
        os.environ[contract.PUBLIC_BASE_URL_ENV] = self.gateway.url + FILES_PREFIX.rstrip("/")
        os.environ[contract.WEB_ORIGIN_ENV] = self.gateway.url  # CORS: the pages' own origin

        table = self.env[contract.CONTENT.env_var]
        stream_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        self.streams = self.client("dynamodbstreams")
        self.poller = StreamPoller(
            self.streams,
            stream_arn,
            invoke=lambda event: self.functions.invoke(contract.Function.SCORE.value, event),
            send_to_dlq=lambda body: sqs.send_message(QueueUrl=self.env[resources.DLQ_ENV], MessageBody=body),
            redeliver_every=self.options.redeliver_every,
        )
        self.scheduler = Scheduler(
            self.options.snapshot_every,
            lambda: self.functions.invoke(contract.Function.SNAPSHOT.value, {"source": "agora.scheduler"}),
        )
        self._serving = threading.Thread(target=self.gateway.serve_forever, name="gateway", daemon=True)
        self._serving.start()
        self.poller.start()
        self.scheduler.run_now()  # publish an (empty) pool and manifest right away
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.stop()
        self.poller.stop()
        self.gateway.shutdown()
        self.moto.stop()

    # --- helpers ------------------------------------------------------------------------------

    @property
    def slug(self) -> str:
        return self.consultation.slug

    @property
    def consultation(self) -> Any:
        from agora import config

        return config.load(self.options.consultation_file)

    @property
    def url(self) -> str:
        return self.gateway.url

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.aws_endpoint, region_name=REGION)

    def read_file(self, key: str) -> tuple[bytes, str] | None:
        try:
            out = self.client("s3").get_object(Bucket=self.env[contract.BUCKET_ENV], Key=key)
        except self.client("s3").exceptions.NoSuchKey:
            return None
        return out["Body"].read(), out.get("ContentType", "application/octet-stream")

    def openapi(self) -> dict[str, Any]:
        from agora.local.openapi import specification

        return specification(self.functions, server_url=self.url)

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until score has seen every change made so far (the stream is drained)."""
        return self.poller.drained(timeout)

    def _configure_process(self, endpoint: str) -> None:
        """Point every boto3 client of this process (the handlers' included) at moto."""
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "embedded",
                "AWS_SECRET_ACCESS_KEY": "embedded",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                contract.CONSULTATION_FILE_ENV: str(self.options.consultation_file.resolve()),
                contract.SECRET_ENV: os.environ.get(contract.SECRET_ENV) or secrets.token_urlsafe(32),
                "POWERTOOLS_SERVICE_NAME": "agora",
                "POWERTOOLS_METRICS_NAMESPACE": "agora",
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
            }
        )
