"""dev is built to be thrown away; prod keeps citizens' data, caps runaways and can warm up for a campaign."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

if shutil.which("node") is None:
    pytest.skip("the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH", allow_module_level=True)

from aws_cdk.assertions import Template  # noqa: E402

from agora import contract  # noqa: E402
from tests.infra.conftest import CAMPAIGN  # noqa: E402
from tests.infra.helpers import fn_id, lid, refs, table_id  # noqa: E402

pytestmark = pytest.mark.slow
F = contract.Function


def test_prod_keeps_durable_tables_protected_and_restorable(prod_template: Template, prod_stack: Any) -> None:
    tables = prod_template.find_resources("AWS::DynamoDB::Table")
    for spec in contract.TABLES:
        table = tables[table_id(prod_stack, spec)]
        props = table["Properties"]
        assert props["SSESpecification"] == {"SSEEnabled": True}
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": spec.durable}, spec
        assert props["DeletionProtectionEnabled"] is spec.durable, spec
        assert table["DeletionPolicy"] == ("Retain" if spec.durable else "Delete"), spec
    assert not contract.IDEMPOTENCY.durable and contract.CONTENT.durable and contract.TALLIES.durable


def test_dev_can_be_destroyed_with_everything_in_it(template: Template, demo_stack: Any) -> None:
    for table in template.find_resources("AWS::DynamoDB::Table").values():
        assert table["DeletionPolicy"] == "Delete" and table["Properties"]["DeletionProtectionEnabled"] is False
    bucket = lid(demo_stack, demo_stack.data.bucket)
    assert template.find_resources("AWS::S3::Bucket")[bucket]["DeletionPolicy"] == "Delete"
    # A versioned bucket is never empty: dev empties it on the way out.
    (emptying,) = template.find_resources("Custom::S3AutoDeleteObjects").values()
    assert emptying["Properties"]["BucketName"] == {"Ref": bucket}


def test_prod_keeps_its_bucket(prod_template: Template, prod_stack: Any) -> None:
    bucket = lid(prod_stack, prod_stack.data.bucket)
    assert prod_template.find_resources("AWS::S3::Bucket")[bucket]["DeletionPolicy"] == "Retain"
    assert not prod_template.find_resources("Custom::S3AutoDeleteObjects")


def test_log_retention_is_set_per_stage(template: Template, prod_template: Template, demo_stack: Any, prod_stack: Any) -> None:
    for tpl, stack, days in ((template, demo_stack, 7), (prod_template, prod_stack, 90)):
        functions = tpl.find_resources("AWS::Lambda::Function")
        log_groups = tpl.find_resources("AWS::Logs::LogGroup")
        for name in F:
            (log_group,) = refs(functions[fn_id(stack, name)]["Properties"]["LoggingConfig"])
            assert log_groups[log_group]["Properties"]["RetentionInDays"] == days, (stack.stage.name, name)


def test_prod_caps_the_functions_a_runaway_would_hurt(template: Template, prod_template: Template, demo_stack: Any, prod_stack: Any) -> None:
    reserved = {F.SNAPSHOT: 1, F.MODERATE: 10, F.PROPOSE: 50}
    prod_functions = prod_template.find_resources("AWS::Lambda::Function")
    dev_functions = template.find_resources("AWS::Lambda::Function")
    for name in F:
        assert prod_functions[fn_id(prod_stack, name)]["Properties"].get("ReservedConcurrentExecutions") == reserved.get(name), name
        assert "ReservedConcurrentExecutions" not in dev_functions[fn_id(demo_stack, name)]["Properties"], name
    # Never the vote path, nor score (bounded by its shards already).
    assert not {F.VOTE, F.NEXT_PROPOSAL, F.CONSULTATION, F.SCORE} & set(reserved)


def test_moderators_need_mfa_on_prod(template: Template, prod_template: Template) -> None:
    (prod_pool,) = prod_template.find_resources("AWS::Cognito::UserPool").values()
    assert prod_pool["Properties"]["MfaConfiguration"] == "ON"
    assert prod_pool["Properties"]["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert prod_pool["DeletionPolicy"] == "Retain"
    (dev_pool,) = template.find_resources("AWS::Cognito::UserPool").values()
    assert dev_pool["Properties"]["MfaConfiguration"] == "OFF"
    for pool in (prod_pool, dev_pool):
        policy = pool["Properties"]["Policies"]["PasswordPolicy"]
        assert policy["MinimumLength"] >= 12 and policy["RequireSymbols"] and policy["RequireNumbers"]


def test_a_campaign_warms_next_proposal_through_its_alias(template: Template, prod_template: Template, prod_stack: Any) -> None:
    (prod_alias,) = prod_template.find_resources("AWS::Lambda::Alias").values()
    provisioned = int(CAMPAIGN["next_proposal_provisioned"])
    assert prod_alias["Properties"]["ProvisionedConcurrencyConfig"] == {"ProvisionedConcurrentExecutions": provisioned}
    assert prod_alias["Properties"]["FunctionName"] == {"Ref": fn_id(prod_stack, F.NEXT_PROPOSAL)}
    # Without the switch the alias is there (the API calls it) but costs nothing.
    (dev_alias,) = template.find_resources("AWS::Lambda::Alias").values()
    assert "ProvisionedConcurrencyConfig" not in dev_alias["Properties"]
    # API Gateway may invoke the alias, which is what its integration calls.
    alias = lid(prod_stack, prod_stack.functions.next_proposal_alias)
    permissions = prod_template.find_resources("AWS::Lambda::Permission").values()
    assert any(p["Properties"]["FunctionName"] == {"Ref": alias} for p in permissions)


def test_a_campaign_warms_the_durable_tables(template: Template, prod_template: Template, prod_stack: Any) -> None:
    """At least as warm as prod's design crowd needs (contract.STAGE_CAPACITY), more if the campaign asks."""
    tables = prod_template.find_resources("AWS::DynamoDB::Table")
    design = contract.STAGE_CAPACITY["prod"].warm_write_units
    for spec in contract.TABLES:
        warm = tables[table_id(prod_stack, spec)]["Properties"].get("WarmThroughput")
        wanted = max(int(CAMPAIGN["warm_write_units"]), design.get(spec.logical_id, 0))
        assert warm == ({"WriteUnitsPerSecond": wanted} if spec.durable else None), spec
    assert any(design[spec.logical_id] > int(CAMPAIGN["warm_write_units"]) for spec in contract.TABLES if spec.logical_id in design)


def test_prod_throttles_the_api_for_its_design_crowd(template: Template, prod_template: Template) -> None:
    def stage_throttle(t: Template) -> dict[str, Any]:
        (stage,) = t.find_resources("AWS::ApiGateway::Stage").values()
        return next(s for s in stage["Properties"]["MethodSettings"] if s["ResourcePath"] == "/*")

    floor = contract.STAGE_CAPACITY["prod"]
    assert stage_throttle(prod_template)["ThrottlingRateLimit"] == floor.api_rate
    assert stage_throttle(prod_template)["ThrottlingBurstLimit"] == floor.api_burst
    assert stage_throttle(template)["ThrottlingRateLimit"] < floor.api_rate  # dev keeps the consultation's own
    assert not any("WarmThroughput" in t["Properties"] for t in template.find_resources("AWS::DynamoDB::Table").values())


def test_campaign_context_reaches_alarms_and_cloudfront(prod_template: Template, template: Template) -> None:
    prod_template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": CAMPAIGN["alarm_email"]}
    )
    assert not template.find_resources("AWS::SNS::Subscription")
    (distribution,) = prod_template.find_resources("AWS::CloudFront::Distribution").values()
    assert distribution["Properties"]["DistributionConfig"]["WebACLId"] == CAMPAIGN["cloudfront_web_acl_arn"]
