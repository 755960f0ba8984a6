"""The embedded stack: DynamoDB Local for the tables and their stream (moto with `engine="moto"`),
moto on loopback for the bucket and the dead-letter queue, the handlers in worker processes behind
a local gateway, a stream poller feeding score, and a scheduler running snapshot. Everything a
restart must keep lives in the data directory (agora.local.datadir)."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from agora import contract
from agora.local import resources
from agora.local.bucket_mirror import BucketMirror, prune
from agora.local.datadir import DataDir
from agora.local.dynamodb_local import DynamoDBLocal
from agora.local.functions import FUNCTIONS_DIR, ProcessFunctionHost
from agora.local.gateway import FILES_PREFIX, Gateway
from agora.local.moto_server import MotoServer
from agora.local.poller import StreamPoller
from agora.local.scheduler import Scheduler

REGION = "eu-west-3"
STOP_SECONDS = 4.0  # Ctrl-C to exit within 5 s
WEB_DIR = FUNCTIONS_DIR.parent / "web"


@dataclass
class Options:
    consultation_file: Path
    port: int = 8000
    host: str = "127.0.0.1"
    moderator_key: str = ""
    snapshot_every: float = 300.0
    redeliver_every: int = 0  # chaos: hand every Nth stream batch to score twice
    tally_window: float = contract.LOCAL_SCORE_WINDOW_SECONDS  # score's tumbling window; 0: a commit per batch
    data_dir: Path | None = None  # default: .agora/<slug>/
    fresh: bool = False  # start empty
    engine: str = "dynamodb-local"  # or "moto": in memory, nothing kept (the benchmarks' baseline)


ENGINES = ("dynamodb-local", "moto")


class EmbeddedStack:
    def __init__(self, options: Options) -> None:
        if options.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {options.engine!r}")
        self.options = options
        self.moderator_key = options.moderator_key or secrets.token_urlsafe(12)
        # moto keeps nothing across runs: its engine gets a scratch directory.
        scratch = None if self.persistent else Path(tempfile.mkdtemp(prefix="agora-moto-"))
        self.data = DataDir(scratch or options.data_dir or Path(".agora") / self.slug)
        self.dynamodb_local = DynamoDBLocal(self.data.dynamodb, self.data.dynamodb_log) if self.persistent else None
        self.moto = MotoServer()
        self.env: dict[str, str] = {}
        self._stopping: list[tuple[str, Any]] = []  # the running parts (name, stop), stopped together
        self._first: list[Any] = []  # before them, in turn: no more answers, then the last snapshot to disk
        self._closing: list[Any] = []  # then the data directory, last

    @property
    def persistent(self) -> bool:
        return self.options.engine == "dynamodb-local"

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start every part, or stop those already started and raise."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
        self.data.open(fresh=self.options.fresh or not self.persistent)
        self._closing.append(self.data.close)
        ProcessFunctionHost.warm_up()
        if not self.persistent:
            self._closing.append(lambda: shutil.rmtree(self.data.root, ignore_errors=True))
        if self.dynamodb_local is not None:
            self.dynamodb_local.start()
            self._stopping.append(("DynamoDB Local", self.dynamodb_local.stop))
            self.moto.forward_dynamodb_to(self.dynamodb_local.url)
        self.moto.start()
        self._stopping.append(("moto", self.moto.stop))
        self.aws_endpoint = self.moto.url
        self.dynamodb_endpoint = self.dynamodb_local.url if self.dynamodb_local else self.moto.url
        self._configure_process()
        dynamodb, s3, sqs = (self.client(s) for s in ("dynamodb", "s3", "sqs"))
        self.env.update(resources.create(dynamodb, s3, sqs, prefix=self.slug, region=REGION))
        os.environ.update(self.env)
        self.bucket_mirror = BucketMirror(self.data.bucket)
        self.bucket_mirror.restore(s3, self.env[contract.BUCKET_ENV])

        self.functions = ProcessFunctionHost()
        self._stopping.append(("the function workers", lambda: self.functions.stop(grace=1.5)))
        from agora import pages  # imported when needed, as `consultation` below imports the config

        consultation = self.consultation
        self.gateway = Gateway(
            invoke=self.functions.invoke,
            read_file=self.read_file,
            moderator_key=self.moderator_key,
            openapi=self.openapi,
            web_dir=WEB_DIR if WEB_DIR.is_dir() else None,
            host=self.options.host,
            port=self.options.port,
            origins=consultation.origins,
            pages=pages.rendered(WEB_DIR, consultation) if WEB_DIR.is_dir() else None,
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
            window_seconds=self.options.tally_window,
            position_file=self.data.stream_position if self.persistent else None,
        )
        self.scheduler = Scheduler(self.options.snapshot_every, self.snapshot)
        self._serving = threading.Thread(target=self.gateway.serve_forever, name="gateway", daemon=True)
        self._serving.start()
        self._first.append(self.gateway.shutdown)
        self.poller.start()
        self._stopping.append(("the stream poller", lambda: self.poller.stop(timeout=1.0)))
        # Publish right away: an empty stack's first pool and manifest, a restarted one's current figures.
        self.scheduler.run_now()
        self.scheduler.start()
        self._first.append(self._keep_what_was_published)

    def snapshot(self) -> Any:
        """The scheduled job: snapshot, then keep the bucket bounded and on disk."""
        published = self.functions.invoke(contract.Function.SNAPSHOT.value, {"source": "agora.scheduler"})
        s3, bucket = self.client("s3"), self.env[contract.BUCKET_ENV]
        prune(s3, bucket)
        if self.persistent:
            self.bucket_mirror.sync(s3, bucket)
        return published

    def _keep_what_was_published(self) -> None:
        """A manifest answered before the stop names files a restart serves: once the gateway answers
        no more, no snapshot starts any more, and the bucket is copied to disk once more (after a snapshot cut short, its previous
        manifest and files, which are consistent: the manifest is written last)."""
        self.scheduler.stop(timeout=1.0)
        if self.persistent:
            try:
                self.bucket_mirror.sync(self.client("s3"), self.env[contract.BUCKET_ENV])
            except Exception as e:  # noqa: BLE001 - the last synced copy stays, and stopping goes on
                print(f"the bucket's last copy to disk failed: {type(e).__name__}: {e}", file=sys.stderr, flush=True)

    def stop(self) -> None:
        """Every part is told to stop at once, each within its own bound (all under 5 s together):
        nothing they leave is half-written (atomic files, SQLite's journal, the manifest written last,
        a batch not yet recorded as handed over is delivered again), so none waits for another,
        once the last snapshot is on disk."""
        deadline = time.monotonic() + STOP_SECONDS  # one bound for them all, not one each in turn
        while self._first:
            self._first.pop(0)()
        parts, self._stopping = self._stopping, []
        stopping = [threading.Thread(target=part, name=f"stopping {name}", daemon=True) for name, part in parts]
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if late := [t.name.removeprefix("stopping ") for t in stopping if t.is_alive()]:
            # Left to the exit: the workers and DynamoDB Local get SIGTERM as this process ends.
            print(f"still stopping after {STOP_SECONDS:.0f} s, left to the exit: {', '.join(late)}", file=sys.stderr, flush=True)
        while self._closing:
            self._closing.pop()()

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
        endpoint = self.dynamodb_endpoint if service in ("dynamodb", "dynamodbstreams") else self.aws_endpoint
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION)

    def read_file(self, key: str) -> tuple[bytes, str] | None:
        try:
            out = self.client("s3").get_object(Bucket=self.env[contract.BUCKET_ENV], Key=key)
        except self.client("s3").exceptions.NoSuchKey:
            return None
        return out["Body"].read(), out.get("ContentType", "application/octet-stream")

    def openapi(self) -> dict[str, Any]:
        from agora.local.openapi import specification

        return specification(server_url=self.url)

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until score has seen every change made so far (the stream is drained)."""
        return self.poller.drained(timeout)

    def _configure_process(self) -> None:
        """Point every boto3 client of this process and of the workers at the local services."""
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": self.aws_endpoint,
                "AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb_endpoint,
                "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": self.dynamodb_endpoint,
                "AWS_ACCESS_KEY_ID": "embedded",
                "AWS_SECRET_ACCESS_KEY": "embedded",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                contract.CONSULTATION_FILE_ENV: str(self.options.consultation_file.resolve()),
                contract.SECRET_ENV: os.environ.get(contract.SECRET_ENV) or self.data.signing_secret(),
                "POWERTOOLS_SERVICE_NAME": "agora",
                "POWERTOOLS_METRICS_NAMESPACE": "agora",
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
            }
        )
