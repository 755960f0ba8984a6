"""Surviving spikes and seeing what happens: WAF, per-route throttles, alarms, dashboard, cdk-nag and
least privilege over every role of the stack."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

if shutil.which("node") is None:
    pytest.skip("the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH", allow_module_level=True)

from aws_cdk.assertions import Annotations, Match, Template  # noqa: E402

from agora import config, contract  # noqa: E402
from tests.infra.helpers import fn_id, lid, role_grants, table_id  # noqa: E402

pytestmark = pytest.mark.slow
F, M = contract.Function, contract.Metric
ROOT = Path(__file__).resolve().parents[2]
DEMO = config.load(ROOT / "consultations" / "demo.toml")


# --- surviving spikes -------------------------------------------------------------------------


def test_each_busy_route_has_its_share_of_the_stage_throttle(template: Template) -> None:
    (stage,) = template.find_resources("AWS::ApiGateway::Stage").values()
    settings = {(s["HttpMethod"], s["ResourcePath"]): s for s in stage["Properties"]["MethodSettings"]}
    throttle = DEMO.throttle
    assert throttle.routes, "the demo keeps the default per-route shares"
    for route, share in throttle.routes.items():
        method, path = route.split(" ", 1)
        setting = settings[(method, "/" + path.replace("/", "~1"))]
        assert setting["ThrottlingRateLimit"] == pytest.approx(share * throttle.rate_limit)
        assert setting["ThrottlingBurstLimit"] == math.ceil(share * throttle.burst_limit)
        assert setting["ThrottlingRateLimit"] <= throttle.rate_limit


def test_the_api_stage_sits_behind_a_web_acl(template: Template, demo_stack: Any) -> None:
    (acl_id, acl), = template.find_resources("AWS::WAFv2::WebACL").items()
    props = acl["Properties"]
    assert props["Scope"] == "REGIONAL" and props["DefaultAction"] == {"Allow": {}}
    rules = {r["Name"]: r for r in props["Rules"]}
    rate = rules["RatePerAddress"]
    assert rate["Statement"]["RateBasedStatement"] == {
        "AggregateKeyType": "IP",
        "Limit": DEMO.throttle.per_ip_per_minute,
        "EvaluationWindowSec": 60,
    }
    # Blocked in our error shape, as a 429 a page can read and retry.
    response = rate["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    body = json.loads(props["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])
    assert body["error"]["code"] == "throttled"
    assert {h["Name"] for h in response["ResponseHeaders"]} == {"Retry-After", "Access-Control-Allow-Origin"}
    managed = {r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in props["Rules"] if "ManagedRuleGroupStatement" in r["Statement"]}
    assert managed == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"}
    assert len({r["Priority"] for r in props["Rules"]}) == len(props["Rules"])
    (association,) = template.find_resources("AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    stage = lid(demo_stack, demo_stack.api.rest_api.deployment_stage)
    assert stage in json.dumps(association["Properties"]["ResourceArn"]) and stage in association["DependsOn"]


def test_the_waf_never_blocks_before_the_vote_paths_own_limit() -> None:
    assert DEMO.throttle.per_ip_per_minute >= DEMO.votes.per_source_per_minute
    with pytest.raises(ValueError, match="per_ip_per_minute"):
        DEMO.model_validate({**DEMO.model_dump(), "throttle": {"per_ip_per_minute": 100}})


# --- seeing what happens ------------------------------------------------------------------------


def alarms_by_metric(template: Template) -> dict[str, list[dict[str, Any]]]:
    """Alarm properties by metric name (for a metric-math alarm, each of its metrics)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for alarm in template.find_resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        names = [props["MetricName"]] if "MetricName" in props else [
            m["MetricStat"]["Metric"]["MetricName"] for m in props["Metrics"] if "MetricStat" in m
        ]
        for name in names:
            out.setdefault(name, []).append(props)
    return out


def dimension(props: dict[str, Any], name: str) -> Any:
    return next(d["Value"] for d in props["Dimensions"] if d["Name"] == name)


def test_alarms_cover_errors_throttles_lag_dead_letters_and_staleness(template: Template, demo_stack: Any) -> None:
    alarms = alarms_by_metric(template)
    topic = {"Ref": lid(demo_stack, demo_stack.monitoring.topic)}
    for props in (p for found in alarms.values() for p in found):
        assert props["AlarmActions"] == [topic] and props["OKActions"] == [topic]
        assert props["AlarmDescription"]

    (server_errors,) = alarms["5XXError"]
    assert server_errors["Statistic"] == "Average" and server_errors["Threshold"] == 0.01
    for metric in ("Errors", "Throttles"):
        watched = {dimension(p, "FunctionName")["Ref"] for p in alarms[metric]}
        assert watched == {fn_id(demo_stack, name) for name in F}, metric
    (iterator_age,) = alarms["IteratorAge"]
    assert dimension(iterator_age, "FunctionName") == {"Ref": fn_id(demo_stack, F.SCORE)}
    assert iterator_age["Statistic"] == "Maximum" and iterator_age["Threshold"] <= 300_000
    (dead_letters,) = alarms["ApproximateNumberOfMessagesVisible"]
    assert dead_letters["Threshold"] == 1
    # Every table, reads and writes.
    for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
        assert {
            m["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"]
            for p in alarms[metric]
            for m in p["Metrics"]
            if m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == metric
        } == {table_id(demo_stack, spec) for spec in contract.TABLES}
    # Snapshot's own metric; no datapoint at all is what a stopped snapshot looks like.
    (stale,) = alarms[M.SNAPSHOTS_PUBLISHED.value]
    assert stale["Namespace"] == "agora-demo-dev"
    assert stale["Dimensions"] == [{"Name": "service", "Value": contract.METRICS_SERVICE}]
    assert stale["ComparisonOperator"] == "LessThanThreshold" and stale["Threshold"] == 1
    assert stale["TreatMissingData"] == "breaching"
    assert stale["Period"] * stale["EvaluationPeriods"] >= 3 * DEMO.snapshot_every_seconds


def test_one_dashboard_shows_the_business_metrics(template: Template) -> None:
    (dashboard,) = template.find_resources("AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == "agora-demo-dev"
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for metric in M:
        assert metric.value in body, metric
    for aws_metric in ("IteratorAge", "ConcurrentExecutions", "ConsumedWriteCapacityUnits", "5XXError", "Latency"):
        assert aws_metric in body, aws_metric


def test_alarm_topic_accepts_tls_only(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": Match.object_like(
                {"Statement": [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]}
            )
        },
    )


# --- keeping data safe --------------------------------------------------------------------------

# Actions a statement may grant on "*": they name no data (tracing, stream discovery, the pages'
# CDN invalidation).
ANY_RESOURCE_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "dynamodb:ListStreams",
    "cloudfront:CreateInvalidation",
    "cloudfront:GetInvalidation",
}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_no_wildcard_action_and_no_data_action_on_any_resource(stage: str, template: Template, prod_template: Template) -> None:
    tpl = template if stage == "dev" else prod_template
    for policy in tpl.find_resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not [a for a in actions if a == "*" or a.endswith(":*")], statement
            if statement["Resource"] == "*":
                assert set(actions) <= ANY_RESOURCE_ACTIONS, statement


def test_the_pages_deployment_touches_the_bucket_only(template: Template, demo_stack: Any) -> None:
    data = {lid(demo_stack, t) for t in demo_stack.data.tables.values()}
    data |= {lid(demo_stack, demo_stack.data.signing_secret), lid(demo_stack, demo_stack.tallies.dead_letters)}
    (handler,) = [
        f["Properties"]
        for f in template.find_resources("AWS::Lambda::Function").values()
        if f["Properties"].get("Handler") == "index.handler" and "Layers" in f["Properties"]
    ]
    granted = role_grants(template, handler["Role"]["Fn::GetAtt"][0])
    assert lid(demo_stack, demo_stack.data.bucket) in granted
    assert not set(granted) & data


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_cdk_nag_aws_solutions_finds_nothing_unaccepted(stage: str, demo_stack: Any, prod_stack: Any, template: Template, prod_template: Template) -> None:
    stack = demo_stack if stage == "dev" else prod_stack
    annotations = Annotations.from_stack(stack)
    for find in (annotations.find_error, annotations.find_warning):
        findings = find("*", Match.string_like_regexp("AwsSolutions-.*"))
        assert not findings, [f"{f.id}: {f.entry.data}"[:300] for f in findings]


def test_every_accepted_finding_says_why(template: Template, prod_template: Template) -> None:
    accepted = 0
    for tpl in (template, prod_template):
        for resource in tpl.to_json()["Resources"].values():
            for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
                accepted += 1
                assert rule["id"].startswith("AwsSolutions-")
                assert len(rule["reason"]) >= 20, rule
    assert accepted
