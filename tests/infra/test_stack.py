"""The synthesized demo stack has every resource and setting the architecture asks for.

One synth per session (conftest.demo_stack, bundling skipped); each test reads the template.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

if shutil.which("node") is None:
    pytest.skip("the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH", allow_module_level=True)

from aws_cdk.assertions import Match, Template  # noqa: E402

from agora import config, contract  # noqa: E402

pytestmark = pytest.mark.slow

F = contract.Function
ROOT = Path(__file__).resolve().parents[2]
DEMO = config.load(ROOT / "consultations" / "demo.toml")
FOLDERS = {p.parent.name for p in (ROOT / "functions").glob("*/handler.py")}
SIGNERS = {F.CONSULTATION, F.PROPOSE, F.VOTE, F.NEXT_PROPOSAL}

DDB_READ = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:Scan"}
DDB_WRITE = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


# --- helpers ------------------------------------------------------------------------------


def lid(stack: Any, construct: Any) -> str:
    """The logical id of a construct's CloudFormation resource."""
    return stack.get_logical_id(construct.node.default_child)


def fn_id(stack: Any, name: F) -> str:
    return lid(stack, stack.functions.by_name[name])


def table_id(stack: Any, spec: contract.Table) -> str:
    return lid(stack, stack.data.tables[spec.logical_id])


def refs(value: Any) -> set[str]:
    """Every logical id a CloudFormation value refers to (Ref / Fn::GetAtt), anywhere inside it,
    pseudo parameters (AWS::Region...) aside."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value and not value["Ref"].startswith("AWS::"):
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            found.add(value["Fn::GetAtt"][0])
        for v in value.values():
            found |= refs(v)
    elif isinstance(value, list):
        for v in value:
            found |= refs(v)
    return found


def grants(template: Template, stack: Any, name: F) -> dict[str, set[str]]:
    """Actions the function's role may take, by the logical id of the resource ("*" for any)."""
    role = stack.functions.by_name[name].role
    role_id = lid(stack, role)
    out: dict[str, set[str]] = {}
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} not in policy["Properties"]["Roles"]:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"]
            actions = {actions} if isinstance(actions, str) else set(actions)
            targets = {"*"} if statement["Resource"] == "*" else refs(statement["Resource"])
            for target in targets:
                out.setdefault(target, set()).update(actions)
    return out


def api_paths(template: Template) -> dict[str, str]:
    """Logical id of each API Gateway resource (and the root) -> its full path."""
    resources = template.find_resources("AWS::ApiGateway::Resource")
    api_id = next(iter(template.find_resources("AWS::ApiGateway::RestApi")))
    paths: dict[str, str] = {api_id: ""}

    def path_of(logical_id: str) -> str:
        if logical_id not in paths:
            props = resources[logical_id]["Properties"]
            (parent,) = refs(props["ParentId"])
            paths[logical_id] = path_of(parent) + "/" + props["PathPart"]
        return paths[logical_id]

    for logical_id in resources:
        path_of(logical_id)
    return {k: v or "/" for k, v in paths.items()}


# --- data -----------------------------------------------------------------------------------


def _key_schema(partition: str, sort: str | None) -> list[dict[str, str]]:
    keys = [{"AttributeName": partition, "KeyType": "HASH"}]
    return keys + ([{"AttributeName": sort, "KeyType": "RANGE"}] if sort else [])


@pytest.mark.parametrize("spec", contract.TABLES, ids=lambda s: s.logical_id)
def test_each_table_is_built_from_the_contract(template: Template, demo_stack: Any, spec: contract.Table) -> None:
    table = template.find_resources("AWS::DynamoDB::Table")[table_id(demo_stack, spec)]["Properties"]
    keys = [spec.partition_key, spec.sort_key] + [k for i in spec.indexes for k in (i.partition_key, i.sort_key)]
    assert table["KeySchema"] == _key_schema(spec.partition_key, spec.sort_key)
    # Every key is a string.
    assert sorted(table["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
        ({"AttributeName": k, "AttributeType": "S"} for k in dict.fromkeys(k for k in keys if k)),
        key=lambda a: a["AttributeName"],
    )
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table.get("GlobalSecondaryIndexes", []) == [
        {
            "IndexName": i.name,
            "KeySchema": _key_schema(i.partition_key, i.sort_key),
            "Projection": {"ProjectionType": "ALL"},
        }
        for i in spec.indexes
    ]
    assert table.get("StreamSpecification") == ({"StreamViewType": spec.stream} if spec.stream else None)
    assert table.get("TimeToLiveSpecification") == (
        {"AttributeName": spec.ttl_attribute, "Enabled": True} if spec.ttl_attribute else None
    )
    # Durable data can be restored to any second of the last 35 days; expiring records need not.
    durable = spec.ttl_attribute is None
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": durable}


def test_content_table_is_what_the_architecture_describes(template: Template) -> None:
    template.resource_count_is("AWS::DynamoDB::Table", len(contract.TABLES))
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [Match.object_like({"IndexName": "by_status", "Projection": {"ProjectionType": "ALL"}})],
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        },
    )


def test_bucket_is_private_versioned_encrypted_and_tls_only(template: Template, demo_stack: Any) -> None:
    template.resource_count_is("AWS::S3::Bucket", 1)
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
            "LifecycleConfiguration": {
                "Rules": [Match.object_like({"NoncurrentVersionExpiration": {"NoncurrentDays": 30}, "Status": "Enabled"})]
            },
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Effect": "Deny",
                                    "Action": "s3:*",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                }
                            )
                        ]
                    )
                }
            )
        },
    )


def test_signing_secret_is_generated_and_read_only_by_the_signers(template: Template, demo_stack: Any) -> None:
    template.resource_count_is("AWS::SecretsManager::Secret", 1)
    template.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {"GenerateSecretString": Match.object_like({"PasswordLength": 64, "ExcludePunctuation": True})},
    )
    secret = lid(demo_stack, demo_stack.data.signing_secret)
    functions = template.find_resources("AWS::Lambda::Function")
    for name in F:
        env = functions[fn_id(demo_stack, name)]["Properties"]["Environment"]["Variables"]
        may_read = "secretsmanager:GetSecretValue" in grants(template, demo_stack, name).get(secret, set())
        assert may_read is (name in SIGNERS), name
        assert env.get(contract.SECRET_ARN_ENV) == ({"Ref": secret} if name in SIGNERS else None), name


# --- functions --------------------------------------------------------------------------------


def test_one_function_per_folder(template: Template, demo_stack: Any) -> None:
    assert FOLDERS == {f.value for f in F}, "functions/ and contract.Function disagree"
    assert {f.value for f in demo_stack.functions.by_name} == FOLDERS
    functions = template.find_resources("AWS::Lambda::Function")
    assert {f["Properties"]["Description"].removeprefix("agora-demo ") for f in functions.values()} == FOLDERS
    template.resource_count_is("AWS::Lambda::Function", len(FOLDERS))


def test_every_function_runs_the_same_way(template: Template, demo_stack: Any) -> None:
    layer = lid(demo_stack, demo_stack.functions.layer)
    functions = template.find_resources("AWS::Lambda::Function")
    log_groups = template.find_resources("AWS::Logs::LogGroup")
    for name in F:
        props = functions[fn_id(demo_stack, name)]["Properties"]
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["Handler"] == "handler.lambda_handler"
        assert props["Layers"] == [{"Ref": layer}]
        assert props["TracingConfig"] == {"Mode": "Active"}
        # Sensible sizes: enough memory for CPU, HTTP functions under API Gateway's 29 s.
        assert 512 <= props["MemorySize"] <= 3008
        assert props["Timeout"] <= (25 if name in contract.HTTP_FUNCTIONS else 900)
        # Reserved concurrency 0 would switch a function off.
        assert props.get("ReservedConcurrentExecutions", 1) > 0
        (log_group,) = refs(props["LoggingConfig"])
        assert log_groups[log_group]["Properties"]["RetentionInDays"] == 30
    template.resource_count_is("AWS::Logs::LogGroup", len(FOLDERS))


def test_function_environment_wires_tables_bucket_consultation_and_edge(template: Template, demo_stack: Any) -> None:
    distribution = lid(demo_stack, demo_stack.edge.distribution)
    expected = {
        **{spec.env_var: {"Ref": table_id(demo_stack, spec)} for spec in contract.TABLES},
        contract.BUCKET_ENV: {"Ref": lid(demo_stack, demo_stack.data.bucket)},
        contract.CONSULTATION_FILE_ENV: "/opt/consultation.toml",
        contract.PUBLIC_BASE_URL_ENV: {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}]]},
        "POWERTOOLS_SERVICE_NAME": "agora",
        "POWERTOOLS_METRICS_NAMESPACE": "agora-demo",
    }
    functions = template.find_resources("AWS::Lambda::Function")
    for name in F:
        env = functions[fn_id(demo_stack, name)]["Properties"]["Environment"]["Variables"]
        assert {k: env.get(k) for k in expected} == expected, name


def test_layer_is_built_for_the_functions_platform(template: Template) -> None:
    template.resource_count_is("AWS::Lambda::LayerVersion", 1)
    template.has_resource_properties(
        "AWS::Lambda::LayerVersion",
        {"CompatibleRuntimes": ["python3.13"], "CompatibleArchitectures": ["arm64"]},
    )


def test_least_privilege(template: Template, demo_stack: Any) -> None:
    content = table_id(demo_stack, contract.CONTENT)
    tallies = table_id(demo_stack, contract.TALLIES)
    idempotency = table_id(demo_stack, contract.IDEMPOTENCY)
    bucket = lid(demo_stack, demo_stack.data.bucket)
    secret = lid(demo_stack, demo_stack.data.signing_secret)
    dlq = lid(demo_stack, demo_stack.scoring.dead_letters)
    xray = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
    read, write, read_write = "read", "write", "read_write"
    s3_read, s3_read_put = "s3_read", "s3_read_put"
    expected: dict[F, dict[str, str]] = {
        F.CONSULTATION: {content: read_write, bucket: s3_read},
        F.PROPOSE: {content: read_write, idempotency: read_write},
        F.VOTE: {content: write, bucket: s3_read},
        F.NEXT_PROPOSAL: {content: read, bucket: s3_read},
        F.MODERATE: {content: read_write},
        F.SCORE: {tallies: read_write},
        F.SNAPSHOT: {content: read, tallies: read, bucket: s3_read_put},
    }
    for name, needs in expected.items():
        granted = grants(template, demo_stack, name)
        assert granted.pop("*", set()) - {"dynamodb:ListStreams"} == xray, name
        granted.pop(secret, None)  # checked by test_signing_secret...
        if name is F.SCORE:
            # The stream (content's StreamArn) and the dead-letter queue, via its event source.
            assert granted.pop(dlq) >= {"sqs:SendMessage"}
            stream = granted[content]
            assert stream == {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
            granted.pop(content)
        assert set(granted) == set(needs), name
        for resource, level in needs.items():
            actions = granted[resource]
            if level == read:
                assert "dynamodb:Query" in actions and not actions & DDB_WRITE, (name, actions)
            elif level == write:
                # vote: conditional puts and deletes; the condition needs no read permission.
                assert actions == {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}, name
            elif level == read_write:
                assert DDB_READ | DDB_WRITE <= actions, (name, actions)
            elif level == s3_read:
                assert "s3:GetObject*" in actions and not {a for a in actions if a.startswith(("s3:Put", "s3:Delete"))}
            elif level == s3_read_put:
                assert {"s3:GetObject*", "s3:PutObject"} <= actions, name
                assert not {a for a in actions if a.startswith("s3:Delete")}, name


# --- API --------------------------------------------------------------------------------------


def test_every_route_is_an_api_method_on_its_function(template: Template, demo_stack: Any) -> None:
    paths = api_paths(template)
    authorizer = next(iter(template.find_resources("AWS::ApiGateway::Authorizer")))
    methods = {}
    for method in template.find_resources("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        methods[(props["HttpMethod"], paths[next(iter(refs(props["ResourceId"])))])] = props

    routes = {(r.method, r.path): r for r in contract.ROUTES}
    assert {key for key in methods if key[0] != "OPTIONS"} == set(routes)
    for key, route in routes.items():
        props = methods[key]
        integration = props["Integration"]
        assert integration["Type"] == "AWS_PROXY" and integration["IntegrationHttpMethod"] == "POST", key
        assert refs(integration["Uri"]) == {fn_id(demo_stack, route.function)}, key
        if route.auth is contract.Auth.MODERATOR:
            assert props["AuthorizationType"] == "COGNITO_USER_POOLS", key
            assert props["AuthorizerId"] == {"Ref": authorizer}, key
        else:
            assert props["AuthorizationType"] == "NONE", key
    # CORS preflight answered by API Gateway on every path.
    assert {("OPTIONS", p) for p in paths.values()} <= set(methods)


def test_moderators_sign_in_with_cognito_and_cannot_sign_up(template: Template, demo_stack: Any) -> None:
    pool = lid(demo_stack, demo_stack.api.user_pool)
    template.resource_count_is("AWS::Cognito::UserPool", 1)
    template.has_resource_properties(
        "AWS::Cognito::UserPool", {"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True}}
    )
    template.has_resource_properties(
        "AWS::ApiGateway::Authorizer",
        {"Type": "COGNITO_USER_POOLS", "ProviderARNs": [{"Fn::GetAtt": [pool, "Arn"]}]},
    )
    template.has_resource_properties(
        "AWS::Cognito::UserPoolClient", {"UserPoolId": {"Ref": pool}, "GenerateSecret": False}
    )


def test_stage_throttles_as_the_consultation_says(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "v1",
            "TracingEnabled": True,
            "MethodSettings": Match.array_with(
                [
                    Match.object_like(
                        {
                            "HttpMethod": "*",
                            "ResourcePath": "/*",
                            "ThrottlingRateLimit": DEMO.throttle.rate_limit,
                            "ThrottlingBurstLimit": DEMO.throttle.burst_limit,
                        }
                    )
                ]
            ),
        },
    )


@pytest.mark.parametrize(
    "response_type", ["UNAUTHORIZED", "ACCESS_DENIED", "THROTTLED", "MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX"]
)
def test_gateway_errors_have_our_error_shape(template: Template, response_type: str) -> None:
    (response,) = [
        r["Properties"]
        for r in template.find_resources("AWS::ApiGateway::GatewayResponse").values()
        if r["Properties"]["ResponseType"] == response_type
    ]
    body = response["ResponseTemplates"]["application/json"]
    # API Gateway substitutes a quoted JSON string for $context.error.messageString.
    error = json.loads(body.replace("$context.error.messageString", '"Unauthorized"'))
    assert set(error) == {"error"}
    assert set(error["error"]) == {"code", "message", "details"}
    assert isinstance(error["error"]["code"], str) and error["error"]["code"].islower()
    assert isinstance(error["error"]["message"], str) and error["error"]["details"] is None
    assert response["ResponseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"] == "'*'"
    if response_type == "MISSING_AUTHENTICATION_TOKEN":
        assert response["StatusCode"] == "404" and error["error"]["code"] == "no_such_route"


# --- score, snapshot, edge -------------------------------------------------------------------


def test_score_reads_the_filtered_stream_exactly_once_per_shard(template: Template, demo_stack: Any) -> None:
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)
    (mapping,) = template.find_resources("AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
    assert props["FunctionName"] == {"Ref": fn_id(demo_stack, F.SCORE)}
    assert props["EventSourceArn"] == {"Fn::GetAtt": [table_id(demo_stack, contract.CONTENT), "StreamArn"]}
    assert [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]] == list(contract.STREAM_FILTERS)
    assert props["StartingPosition"] == "TRIM_HORIZON"
    assert props["BatchSize"] == contract.SCORE_BATCH_SIZE
    assert props["MaximumBatchingWindowInSeconds"] == contract.SCORE_BATCHING_WINDOW_SECONDS
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert 0 < props["MaximumRetryAttempts"] <= 10
    assert props["MaximumRecordAgeInSeconds"] == 86400
    assert props["ParallelizationFactor"] == 1
    # The handler reads event["shardId"], which only tumbling-window events carry.
    assert props["TumblingWindowInSeconds"] >= 1
    dlq = lid(demo_stack, demo_stack.scoring.dead_letters)
    assert props["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [dlq, "Arn"]}}}


def test_dead_letter_queue_is_encrypted_kept_14_days_and_watched(template: Template, demo_stack: Any) -> None:
    template.has_resource_properties(
        "AWS::SQS::Queue", {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 14 * 86400}
    )
    dlq = lid(demo_stack, demo_stack.scoring.dead_letters)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Namespace": "AWS/SQS",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}],
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        },
    )


def test_snapshot_runs_on_the_consultations_schedule(template: Template, demo_stack: Any) -> None:
    minutes = max(1, -(-DEMO.snapshot_every_seconds // 60))
    (schedule,) = template.find_resources("AWS::Scheduler::Schedule").values()
    props = schedule["Properties"]
    assert props["ScheduleExpression"] == f"rate({minutes} minute{'s' if minutes > 1 else ''})"
    assert props["State"] == "ENABLED"
    snapshot = fn_id(demo_stack, F.SNAPSHOT)
    assert props["Target"]["Arn"] == {"Fn::GetAtt": [snapshot, "Arn"]}
    (role,) = refs(props["Target"]["RoleArn"])
    role_props = template.find_resources("AWS::IAM::Role")[role]["Properties"]
    assert role_props["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": role}],
            "PolicyDocument": Match.object_like(
                {"Statement": Match.array_with([Match.object_like({"Action": "lambda:InvokeFunction"})])}
            ),
        },
    )


def test_cloudfront_serves_the_bucket_through_origin_access_control(template: Template, demo_stack: Any) -> None:
    (oac_id,) = template.find_resources("AWS::CloudFront::OriginAccessControl")
    template.has_resource_properties(
        "AWS::CloudFront::OriginAccessControl",
        {"OriginAccessControlConfig": Match.object_like({"OriginAccessControlOriginType": "s3", "SigningBehavior": "always"})},
    )
    bucket = lid(demo_stack, demo_stack.data.bucket)
    template.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "DefaultCacheBehavior": Match.object_like({"ViewerProtocolPolicy": "redirect-to-https"}),
                    "Origins": [
                        Match.object_like(
                            {
                                "DomainName": {"Fn::GetAtt": [bucket, "RegionalDomainName"]},
                                "OriginAccessControlId": {"Fn::GetAtt": [oac_id, "Id"]},
                            }
                        )
                    ],
                }
            )
        },
    )
    distribution = lid(demo_stack, demo_stack.edge.distribution)
    (policy,) = template.find_resources("AWS::S3::BucketPolicy").values()
    reads = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow" and s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
    ]
    assert reads and all(distribution in refs(s["Condition"]) for s in reads)
    # ... but only results and web pages: the pool and internal indexes stay private.
    (deny,) = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
    ]
    assert deny["Action"] == "s3:GetObject"
    public = json.dumps(deny["NotResource"])
    assert len(deny["NotResource"]) == 2
    assert f"/{contract.RESULTS_PREFIX}*" in public and f"/{contract.WEB_PREFIX}*" in public


def test_outputs(template: Template) -> None:
    outputs = template.find_outputs("*")
    assert {"ApiUrl", "DistributionDomain", "BucketName", "UserPoolId"} <= set(outputs)


# --- the app ----------------------------------------------------------------------------------


def test_app_builds_one_stack_per_consultation_file(tmp_path: Path) -> None:
    from infra.app import build, default_context

    app = build({**default_context(), "aws:cdk:bundling-stacks": []}, outdir=tmp_path)
    stacks = {c.node.id for c in app.node.children if hasattr(c, "stack_name")}
    assert stacks == {f"agora-{k.slug}" for k in config.load_all(ROOT / "consultations")}


def test_app_refuses_an_unknown_consultation(tmp_path: Path) -> None:
    from infra.app import build

    with pytest.raises(SystemExit, match="no consultation 'nope'"):
        build({"consultation": "nope"}, outdir=tmp_path)


def test_app_reads_context_like_the_cdk_cli() -> None:
    from infra.app import cli_context

    assert cli_context(["-c", "consultation=demo", "--context", "aws:cdk:bundling-stacks=[]"]) == {
        "consultation": "demo",
        "aws:cdk:bundling-stacks": [],
    }
