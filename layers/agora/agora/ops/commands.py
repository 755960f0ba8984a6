"""The `agora` subcommands that operate deployed stacks (and the embedded one): argument parsing only,
the work is in this package's modules, imported when a command runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
        p.add_argument("--output", type=Path, help="the cloud assembly's folder (default: cdk.out)")
        p.set_defaults(run=_cdk, action=action)

    p = commands.add_parser("destroy", help="delete the consultation's stack (prod: --force; its data is retained)")
    _target(p)
    p.add_argument("--force", action="store_true", help="no confirmation; needed for prod")
    p.set_defaults(
        run=_cdk, action="destroy", provisioned_concurrency=0, warm_write_units=0, cloudfront_web_acl=None, alarm_email=None, output=None
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


def _endpoint(p: argparse.ArgumentParser) -> None:
    p.add_argument("--endpoint-url", help="the embedded stack's AWS endpoint, as `agora dev` prints it")


def _cdk(args: argparse.Namespace) -> int:
    from agora.ops import cdk

    deployment = cdk.Deployment(
        args.consultation,
        args.stage,
        next_proposal_provisioned=args.provisioned_concurrency,
        warm_write_units=args.warm_write_units,
        cloudfront_web_acl_arn=args.cloudfront_web_acl,
        alarm_email=args.alarm_email,
    )
    try:
        code = cdk.run(cdk.command(args.action, deployment, force=getattr(args, "force", False), output=args.output))
    except cdk.Refused as e:
        print(e, file=sys.stderr)
        return 2
    if args.action == "synth" and code == 0:
        print(f"template: {cdk.template(deployment, args.output)}")
    if args.action == "deploy":
        from agora.ops import quotas

        print("\n".join(quotas.report(args.stage)))
    return code


def _status(args: argparse.Namespace) -> int:
    from agora.ops import stack, status

    connection = stack.Connection(args.endpoint_url)
    found = status.gather(connection, stack.locate(connection, args.consultation, args.stage))
    print("\n".join(found.lines()))
    return 1 if found.dead_letters else 0


def _forget(args: argparse.Namespace) -> int:
    from agora.ops import forget, stack

    connection = stack.Connection(args.endpoint_url)
    table = stack.locate(connection, args.consultation, args.stage).content_table
    done = forget.forget(connection.client("dynamodb"), table, args.participant_id)
    profile = "profile deleted" if done.profile_deleted else "no profile found"
    print(f"{args.participant_id}: {profile}, {done.votes_anonymised} votes anonymised (tallies unchanged)")
    return 0


def _moderators(args: argparse.Namespace) -> int:
    from agora.ops import moderators, stack

    if args.what != "list" and not args.email:
        print(f"agora moderators {args.what} needs an email", file=sys.stderr)
        return 2
    connection = stack.Connection()
    pool = stack.locate(connection, args.consultation, args.stage).user_pool
    cognito = connection.client("cognito-idp")
    if args.what == "list":
        print("\n".join(moderators.listed(cognito, pool)))
    else:
        getattr(moderators, args.what)(cognito, pool, args.email)
        print(f"{args.email}: {'invited' if args.what == 'add' else 'removed'}")
    return 0
