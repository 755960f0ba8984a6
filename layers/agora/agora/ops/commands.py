"""The `agora` subcommands that operate deployed stacks (and the embedded one): argument parsing only,
the work is in this package's modules, imported when a command runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from agora import contract


def add_to(commands: argparse._SubParsersAction) -> None:
    for action, help in (
        ("synth", "write the consultation's CloudFormation template to cdk.out/ (cdk-nag checks it)"),
        ("diff", "show what a deploy would change"),
        ("deploy", "create or update the consultation's stack"),
    ):
        p = commands.add_parser(action, help=help)
        _target(p)
        p.add_argument("--provisioned-concurrency", type=int, default=0, metavar="N",
                       help="warm next_proposal containers for an announced campaign (0: none)")
        p.add_argument("--warm-write-units", type=int, default=0, metavar="N",
                       help="content and tallies tables ready for N writes/s (docs/capacity.md; 0: on-demand as is)")
        p.add_argument("--cloudfront-web-acl", metavar="ARN", help="a us-east-1 web ACL for CloudFront")
        p.add_argument("--alarm-email", help="subscribe this address to the alarms")
        p.add_argument("--domain", help="the pages' own domain name (its DNS points at the distribution)")
        p.add_argument("--certificate-arn", metavar="ARN",
                       help="the domain's ACM certificate, in us-east-1: CloudFront then refuses TLS below 1.2")
        p.add_argument("--output", type=Path, help="the cloud assembly's folder (default: cdk.out)")
        if action == "deploy":
            p.add_argument("--bootstrap", action="store_true",
                           help="run `cdk bootstrap` for this account and region when it is missing or older than v6")
            p.add_argument("--set-api-logs-role", action="store_true",
                           help="create API Gateway's account-wide CloudWatch role when the account has none (access logs)")
        p.set_defaults(run=_cdk, action=action)

    p = commands.add_parser("destroy", help="delete the consultation's stack (prod: --force; its data is retained)")
    _target(p)
    p.add_argument("--force", action="store_true", help="no confirmation; needed for prod")
    p.set_defaults(
        run=_cdk, action="destroy", provisioned_concurrency=0, warm_write_units=0, cloudfront_web_acl=None, alarm_email=None,
        domain=None, certificate_arn=None, output=None,
    )

    p = commands.add_parser("status", help="queues, votes per minute, score's lag and the last snapshot")
    _target(p)
    _endpoint(p)
    p.set_defaults(run=_status)

    p = commands.add_parser("forget", help="delete a participant's profile and anonymise their votes (tallies unchanged)")
    p.add_argument("participant_id")
    _target(p, positional=False)
    _endpoint(p)
    p.set_defaults(run=_forget)

    p = commands.add_parser("import", help="import another platform's consultation (Polis) into a consultation")
    sources = p.add_subparsers(dest="source", required=True)
    p = sources.add_parser("polis", help="a Polis conversation export: comments, votes and moderation (docs/operations.md)")
    p.add_argument("folder", type=Path, metavar="DIR", help="the export's folder: summary.csv, comments.csv, votes.csv")
    p.add_argument("--consultation", type=Path, required=True, metavar="FILE", help="the consultation's TOML file (its text rules)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--endpoint-url", help="the embedded stack's AWS endpoint, as `agora dev` prints it")
    where.add_argument("--stack", help="the deployed consultation's CloudFormation stack (AWS credentials from the environment)")
    p.add_argument("--region", help="the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)")
    p.add_argument("--profile", help="the AWS profile (default: AWS_PROFILE, else the default credentials)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=_import_polis)

    p = commands.add_parser("moderators", help="invite, remove or list the consultation's moderators (Cognito)")
    p.add_argument("what", choices=["add", "remove", "list"])
    p.add_argument("email", nargs="?")
    _target(p, positional=False)
    p.set_defaults(run=_moderators)


def _target(p: argparse.ArgumentParser, positional: bool = True) -> None:
    if positional:
        p.add_argument("consultation", help="the consultation's slug (consultations/<slug>.toml)")
    else:
        p.add_argument("--consultation", required=True, help="the consultation's slug (consultations/<slug>.toml)")
    p.add_argument("--stage", choices=contract.STAGES, default="dev")
    p.add_argument("--region", help="the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)")
    p.add_argument("--profile", help="the AWS profile (default: AWS_PROFILE, else the default credentials)")


def _connection(args: argparse.Namespace) -> Any:
    from agora.ops import stack

    return stack.Connection(getattr(args, "endpoint_url", None), region=args.region, profile=args.profile)


def _endpoint(p: argparse.ArgumentParser) -> None:
    p.add_argument("--endpoint-url", help="the embedded stack's AWS endpoint, as `agora dev` prints it")


def _cdk(args: argparse.Namespace) -> int:
    from agora.ops import cdk, stack

    deployment = cdk.Deployment(
        args.consultation,
        args.stage,
        next_proposal_provisioned=args.provisioned_concurrency,
        warm_write_units=args.warm_write_units,
        cloudfront_web_acl_arn=args.cloudfront_web_acl,
        alarm_email=args.alarm_email,
        domain_name=args.domain,
        certificate_arn=args.certificate_arn,
    )
    connection = _connection(args)
    try:
        argv = cdk.command(args.action, deployment, force=getattr(args, "force", False), output=args.output, profile=args.profile)
        if args.action == "deploy":
            cdk.preflight(connection, deployment, bootstrap=args.bootstrap, set_api_logs_role=args.set_api_logs_role)
        code = cdk.run(argv, region=connection.session.region_name if args.action != "synth" else None)
    except (cdk.Refused, stack.AwsSetupMissing) as e:
        print(e, file=sys.stderr)
        return 2
    if args.action == "synth" and code == 0:
        print(f"template: {cdk.template(deployment, args.output)}")
    return code


def _aws_command(run: Any) -> Any:
    """A command that needs a region: without one, say how to give it (not a traceback)."""

    def guarded(args: argparse.Namespace) -> int:
        from agora.ops import stack

        try:
            return run(args)
        except stack.AwsSetupMissing as e:
            print(e, file=sys.stderr)
            return 2

    return guarded


@_aws_command
def _status(args: argparse.Namespace) -> int:
    from agora.ops import stack, status

    connection = _connection(args)
    found = status.gather(connection, stack.locate(connection, args.consultation, args.stage))
    print("\n".join(found.lines()))
    return 1 if found.dead_letters else 0


@_aws_command
def _forget(args: argparse.Namespace) -> int:
    from agora.ops import forget, stack

    connection = _connection(args)
    table = stack.locate(connection, args.consultation, args.stage).content_table
    done = forget.forget(connection.client("dynamodb"), table, args.participant_id)
    profile = "profile deleted" if done.profile_deleted else "no profile found"
    print(f"{args.participant_id}: {profile}, {done.votes_anonymised} votes anonymised (tallies unchanged)")
    return 0


@_aws_command
def _import_polis(args: argparse.Namespace) -> int:
    import os

    from agora import config
    from agora.ops import importer, polis, stack

    os.environ[contract.CONSULTATION_FILE_ENV] = str(args.consultation.resolve())  # the items' expiry is the consultation's
    consultation = config.load(args.consultation)
    connection = _connection(args)
    if args.stack:
        table = stack.outputs_of(connection, args.stack)[contract.Output.CONTENT_TABLE.value]
    else:
        table = stack.locate(connection, consultation.slug, "dev").content_table
    try:
        conversation = polis.read(args.folder)
        report = importer.run(
            connection.client("dynamodb"), table, consultation, conversation, stack.operator(connection), progress=not args.no_progress
        )
    except (polis.MalformedExport, importer.ImportRefused) as e:
        print(f"nothing imported: {e}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0


@_aws_command
def _moderators(args: argparse.Namespace) -> int:
    from agora.ops import moderators, stack

    if args.what != "list" and not args.email:
        print(f"agora moderators {args.what} needs an email", file=sys.stderr)
        return 2
    connection = _connection(args)
    found = stack.locate(connection, args.consultation, args.stage)
    cognito = connection.client("cognito-idp")
    if args.what == "list":
        print("\n".join(moderators.listed(cognito, found.user_pool)))
    elif args.what == "add":
        moderators.add(cognito, found.user_pool, args.email)
        print(moderators.next_steps(args.email, found.pages_url, mfa=args.stage == "prod"))
    else:
        moderators.remove(cognito, found.user_pool, args.email)
        print(f"{args.email}: removed (signed out everywhere)")
    return 0
