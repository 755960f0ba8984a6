"""cdk-nag's AwsSolutions checks on every synth, and how a construct accepts a finding: with its reason.

Each `accept` sits next to what it is about (api.py, functions.py...), so the reason is read with the code.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aspects, Stack
from cdk_nag import AwsSolutionsChecks, NagPackSuppression, NagSuppressions
from constructs import Construct, IConstruct

BASIC_EXECUTION_POLICY = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
# The one function CDK adds to copy web/ into the bucket (BucketDeployment), shared by the stack.
BUCKET_DEPLOYMENT_HANDLER = "Custom::CDKBucketDeployment"


def check(scope: IConstruct) -> None:
    """Run the AwsSolutions pack on everything below `scope`: findings are errors and warnings on synth."""
    Aspects.of(scope).add(AwsSolutionsChecks())


def accept(construct: IConstruct, rule: str, reason: str, applies_to: Sequence[str] = ()) -> None:
    """Accept one rule's finding on `construct` and everything below it, for `reason`."""
    NagSuppressions.add_resource_suppressions(
        construct,
        [NagPackSuppression(id=f"AwsSolutions-{rule}", reason=reason, applies_to=list(applies_to) or None)],
        apply_to_children=True,
    )


def resource_arn(construct: Construct, suffix: str = "") -> str:
    """How cdk-nag names a grant on this construct's ARN in its findings (e.g. "<DataBucketE6B0FAA8.Arn>/*")."""
    stack = Stack.of(construct)
    return f"Resource::<{stack.get_logical_id(construct.node.default_child)}.Arn>{suffix}"


def accept_bucket_deployment(stack: Stack) -> None:
    """The findings on the BucketDeployment handler, a singleton CDK adds at the stack's root."""
    for child in stack.node.children:
        if child.node.id.startswith(BUCKET_DEPLOYMENT_HANDLER):
            accept(child, "IAM4", "CDK's own handler: the basic execution policy writes its logs only", [BASIC_EXECUTION_POLICY])
            accept(
                child,
                "IAM5",
                "CDK grants its handler the bucket and the bootstrap asset bucket; it runs only while deploying web/",
            )
            accept(child, "L1", "CDK chooses and updates its handler's runtime")
