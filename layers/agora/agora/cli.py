"""The `agora` command: run the embedded stack, drive simulated citizens, print the OpenAPI spec,
and deploy and operate a consultation's stacks (agora.ops)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from agora import contract
from agora.ops.commands import add_to as add_operations

if TYPE_CHECKING:
    from agora.local.stack import EmbeddedStack
    from agora.ops.polis import Conversation

DEFAULT_CONSULTATION = Path("consultations/demo.toml")


def dev(args: argparse.Namespace) -> int:
    from agora.local.datadir import InUse
    from agora.local.dynamodb_local import Unavailable
    from agora.local.stack import EmbeddedStack, Options

    conversation = None
    if args.import_polis:
        from agora.ops import polis, polis_dev

        try:
            conversation = polis.read(args.import_polis)
        except polis.MalformedExport as e:
            print(f"nothing imported: {e}", file=sys.stderr)
            return 2
        args.consultation = args.consultation or polis_dev.write_consultation(conversation)
    stack = EmbeddedStack(
        Options(
            consultation_file=args.consultation or DEFAULT_CONSULTATION,
            port=args.port,
            moderator_key=args.moderator_key,
            snapshot_every=args.snapshot_every,
            redeliver_every=args.redeliver_every,
            tally_window=args.tally_window,
            data_dir=args.data_dir,
            fresh=args.fresh,
            engine=args.engine,
        )
    )
    try:
        stack.start()
    except (InUse, Unavailable) as e:
        print(f"agora dev: {e}", file=sys.stderr, flush=True)
        return 1
    print(f"agora embedded stack for '{stack.slug}' at {stack.url}", flush=True)
    print(f"  moderator key: {stack.moderator_key}   (Authorization: Bearer <key>)", flush=True)
    print(f"  API description: {stack.url}/openapi.json", flush=True)
    print(f"  AWS endpoint: {stack.aws_endpoint}   (S3 and SQS on moto; DynamoDB on {stack.options.engine})", flush=True)
    print(f"  DynamoDB endpoint ({stack.options.engine}): {stack.dynamodb_endpoint}", flush=True)
    if stack.persistent:
        print(f"  data: {stack.data.root}   (kept across restarts; --fresh starts empty)", flush=True)
    if args.seed_demo:
        from agora.local.seed import seed

        print("  seeding demo proposals and votes…", flush=True)
        report = seed(stack)
        print(f"  seeded: {report.votes} votes from {report.participants} participants", flush=True)
        for error in report.errors[:10]:  # a demo that half-seeded must say so
            print(f"  seeding error: {error}", flush=True)
    if conversation is not None and not _import_polis(stack, conversation):
        stack.stop()
        return 2
    print(f"ready: {stack.url}  (Ctrl-C to stop)", flush=True)
    stopped = threading.Event()
    for stopping in (signal.SIGTERM, signal.SIGINT):  # SIGINT too: a shell's `cmd &` starts us ignoring it
        signal.signal(stopping, lambda *_: stopped.set())
    # Waiting in slices: Python runs signal handlers on the main thread only, and an untimed
    # wait never wakes when a busy stack's Ctrl-C or SIGTERM lands on another thread.
    while not stopped.wait(0.5):
        pass
    stack.stop()
    print("stopped", flush=True)
    return 0


def _import_polis(stack: EmbeddedStack, conversation: Conversation) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    from agora.ops import importer, polis_dev
    from agora.ops import stack as operated

    print(f"  consultation: {stack.options.consultation_file}", flush=True)
    print(f"  importing the Polis conversation in {conversation.folder}…", flush=True)
    try:
        report, published = polis_dev.serve(stack, conversation, operated.operator(operated.Connection(stack.aws_endpoint)))
    except importer.ImportRefused as e:
        print(f"nothing imported: {e}", file=sys.stderr)
        return False
    except (KeyboardInterrupt, RuntimeError, BotoCoreError, ClientError) as e:
        print(f"import stopped ({type(e).__name__}: {e}): what was written stays; the same import finishes it", file=sys.stderr)
        return False
    print("\n".join(report.lines()), flush=True)
    print(f"  {published}", flush=True)
    return True


def simulate(args: argparse.Namespace) -> int:
    from agora.local.simulate import simulate as run

    report = run(args.base_url, args.participants, args.propose_share, args.concurrency, args.seed)
    print("\n".join(report.lines()))
    return 1 if report.errors else 0


def openapi(_: argparse.Namespace) -> int:
    from agora.local.openapi import specification

    json.dump(specification(), sys.stdout, indent=2, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def export(args: argparse.Namespace) -> int:
    """Download the latest snapshot's files, each checked against the manifest's checksum."""
    import hashlib

    import requests

    if args.stack:
        from agora.ops import stack

        connection = stack.Connection(region=args.region, profile=args.profile)
        try:
            bucket = stack.outputs_of(connection, args.stack)["BucketName"]
            s3 = connection.client("s3")
        except stack.AwsSetupMissing as e:
            print(e, file=sys.stderr)
            return 2
        manifest = json.loads(s3.get_object(Bucket=bucket, Key="results/manifest.json")["Body"].read())
        urls = {
            f["name"]: s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": manifest["folder"] + f["name"]}, ExpiresIn=600)
            for f in manifest["files"]
        }
    else:
        manifest = requests.get(args.base_url.rstrip("/") + "/results", timeout=30).json()
        urls = {f["name"]: f["url"] for f in manifest["files"]}
    folder = args.out / manifest["folder"].rstrip("/").rsplit("/", 1)[-1]
    folder.mkdir(parents=True, exist_ok=True)
    for f in manifest["files"]:
        body = requests.get(urls[f["name"]], timeout=120).content
        if hashlib.sha256(body).hexdigest() != f["sha256"]:
            print(f"{f['name']}: checksum mismatch, not saved", file=sys.stderr)
            return 1
        (folder / f["name"]).write_bytes(body)
    print(f"{len(manifest['files'])} files of the snapshot of {manifest['generated_at']} in {folder}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="agora", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    p = commands.add_parser("dev", help="run the embedded stack on 127.0.0.1")
    p.add_argument("--consultation", type=Path, help=f"consultation TOML file (default: {DEFAULT_CONSULTATION}, or with"
                   " --import-polis one built from the conversation)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--moderator-key", default="", help="local moderator credential (default: random, printed)")
    p.add_argument("--snapshot-every", type=float, default=10.0, metavar="SECONDS")
    p.add_argument("--seed-demo", action="store_true", help="add sample proposals, decisions and votes")
    p.add_argument("--data-dir", type=Path, default=None, metavar="DIR", help="where the consultation is kept (default: .agora/<slug>/)")
    p.add_argument("--fresh", action="store_true", help="empty the data directory first")
    p.add_argument("--engine", choices=("dynamodb-local", "moto"), default="dynamodb-local",
                   help="DynamoDB Local (kept on disk) or moto (in memory, nothing kept)")
    p.add_argument("--import-polis", type=Path, metavar="DIR", help="import this Polis conversation export before serving it")
    p.add_argument("--redeliver-every", type=int, default=0, metavar="N", help=argparse.SUPPRESS)
    p.add_argument("--tally-window", type=float, default=contract.LOCAL_SCORE_WINDOW_SECONDS, metavar="SECONDS",
                   help=f"score's tumbling window (default: %(default)s, tallies fresh within seconds; AWS runs "
                   f"{contract.SCORE_WINDOW_SECONDS}; 0: a commit per stream batch)")
    p.set_defaults(run=dev)

    p = commands.add_parser("simulate", help="drive simulated citizens against a running API")
    p.add_argument("--base-url", default="http://127.0.0.1:8000")
    p.add_argument("--participants", type=int, default=100)
    p.add_argument("--propose-share", type=float, default=0.1)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(run=simulate)

    p = commands.add_parser("export", help="download the latest result files listed in the manifest")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--base-url", help="the consultation's API, e.g. http://127.0.0.1:8000")
    source.add_argument("--stack", help="the consultation's CloudFormation stack (AWS credentials from the environment)")
    p.add_argument("--region", help="with --stack: the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)")
    p.add_argument("--profile", help="with --stack: the AWS profile (default: AWS_PROFILE)")
    p.add_argument("--out", type=Path, default=Path("results"), help="folder for the files (default: ./results/<timestamp>/)")
    p.set_defaults(run=export)

    p = commands.add_parser("openapi", help="print the OpenAPI description generated from the handlers")
    p.set_defaults(run=openapi)

    add_operations(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
