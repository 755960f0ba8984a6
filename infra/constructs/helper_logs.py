"""Log retention for the functions CDK adds by itself (copying web/, emptying a dev bucket).

Lambda creates a function's log group on its first log line, kept forever. The stack's own
functions have theirs (functions.py); CDK's helpers get one here, named as Lambda would name it,
and every custom resource waits for them, so a helper never logs before its group exists.
"""

from __future__ import annotations

from aws_cdk import CfnResource, Fn, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from infra.stage import Stage

FUNCTION = "AWS::Lambda::Function"


def retain_helper_logs(stack: Stack, stage: Stage) -> list[logs.LogGroup]:
    resources = [c for c in stack.node.find_all() if isinstance(c, CfnResource)]
    helpers = [
        r for r in resources
        # The stack's own functions name their log group in LoggingConfig.
        if r.cfn_resource_type == FUNCTION and not (isinstance(r, lambda_.CfnFunction) and r.logging_config)
    ]
    groups = []
    for helper in helpers:
        group = logs.LogGroup(
            stack,
            f"{helper.node.path.split('/', 1)[1].replace('/', '')}Logs",
            log_group_name=Fn.join("", ["/aws/lambda/", helper.ref]),
            retention=stage.log_retention,
            removal_policy=stage.removal_policy,
        )
        groups.append(group)
    for custom in (r for r in resources if r.cfn_resource_type.startswith("Custom::")):
        for group in groups:
            custom.node.add_dependency(group)
    return groups
