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

from aws_cdk import aws_cloudfront as cloudfront  # noqa: E402
from aws_cdk.assertions import Match, Template  # noqa: E402

from agora import config, contract  # noqa: E402
from tests.infra.helpers import api_paths, fn_id, grants, lid, refs, table_id  # noqa: E402

pytestmark = pytest.mark.slow

F = contract.Function
ROOT = Path(__file__).resolve().parents[2]
DEMO = config.load(ROOT / "consultations" / "demo.toml")
FOLDERS = {p.parent.name for p in (ROOT / "functions").glob("*/handler.py")}
SIGNERS = {F.CONSULTATION, F.PROPOSE, F.VOTE, F.NEXT_PROPOSAL}

DDB_WRITE = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


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
    # Encrypted with a key in the account; a dev stage is disposable (prod: test_stages.py).
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": False}
    assert table["DeletionProtectionEnabled"] is False


def test_content_table_is_what_the_architecture_describes(template: Template) -> None:
    template.resource_count_is("AWS::DynamoDB::Table", len(contract.TABLES))
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [Match.object_like({"IndexName": "by_status", "Projection": {"ProjectionType": "ALL"}})],
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "BillingMode": "PAY_PER_REQUEST",
            # Profiles and votes expire after the consultation's retention period.
            "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
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
    # Ours run on the agora layer (CDK adds its own: the pages' deployment, the dev bucket's emptying).
    layer = {"Ref": lid(demo_stack, demo_stack.functions.layer)}
    functions = template.find_resources("AWS::Lambda::Function").values()
    ours = [f["Properties"] for f in functions if layer in f["Properties"].get("Layers", [])]
    assert sorted(f["Description"].removeprefix("agora-demo-dev ") for f in ours) == sorted(FOLDERS)


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
        assert log_groups[log_group]["Properties"]["RetentionInDays"] == 7  # dev; prod: test_stages.py


def test_function_environment_wires_tables_bucket_consultation_and_edge(template: Template, demo_stack: Any) -> None:
    distribution = lid(demo_stack, demo_stack.edge.distribution)
    expected = {
        **{spec.env_var: {"Ref": table_id(demo_stack, spec)} for spec in contract.TABLES},
        contract.BUCKET_ENV: {"Ref": lid(demo_stack, demo_stack.data.bucket)},
        contract.CONSULTATION_FILE_ENV: "/opt/consultation.json",
        contract.PUBLIC_BASE_URL_ENV: {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}]]},
        # CORS (agora.http): the pages' own origin, the distribution's root.
        contract.WEB_ORIGIN_ENV: {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}]]},
        "POWERTOOLS_SERVICE_NAME": contract.METRICS_SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": "agora-demo-dev",
    }
    functions = template.find_resources("AWS::Lambda::Function")
    for name in F:
        env = functions[fn_id(demo_stack, name)]["Properties"]["Environment"]["Variables"]
        assert {k: env.get(k) for k in expected} == expected, name


def test_layer_is_built_for_the_functions_platform(template: Template, demo_stack: Any) -> None:
    layer = template.find_resources("AWS::Lambda::LayerVersion")[lid(demo_stack, demo_stack.functions.layer)]
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_least_privilege_outline(template: Template, demo_stack: Any) -> None:
    """What each role may do is proven call by call in the integration and e2e suites
    (tests/permissions.py); here, the outline no grant may cross."""
    tallies = table_id(demo_stack, contract.TALLIES)
    bucket = lid(demo_stack, demo_stack.data.bucket)
    anywhere = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams"}
    for name in F:
        granted = grants(template, demo_stack, name)
        assert granted.pop("*", set()) <= anywhere, name
        actions = {a for resource_actions in granted.values() for a in resource_actions}
        assert not {a for a in actions if a.endswith(":*") or a.startswith(("s3:Delete", "dynamodb:Delete*"))}, name
        if name is not F.SNAPSHOT:  # the only publisher
            assert not {a for a in granted.get(bucket, set()) if a.startswith("s3:Put")}, name
        if name is not F.SCORE:  # the only counter
            assert not granted.get(tallies, set()) & DDB_WRITE, name


# --- API --------------------------------------------------------------------------------------


def target_id(stack: Any, name: F) -> str:
    """What API Gateway invokes for a function: next_proposal through its alias (provisioned concurrency)."""
    return lid(stack, stack.functions.next_proposal_alias) if name is F.NEXT_PROPOSAL else fn_id(stack, name)


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
        assert refs(integration["Uri"]) == {target_id(demo_stack, route.function)}, key
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
    assert props["BatchSize"] == contract.SCORE_MAPPING_BATCH_SIZE
    assert props["MaximumBatchingWindowInSeconds"] == contract.SCORE_BATCHING_WINDOW_SECONDS
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert 0 < props["MaximumRetryAttempts"] <= 10
    assert props["MaximumRecordAgeInSeconds"] == 86400
    assert props["ParallelizationFactor"] == 1
    # The handler reads event["shardId"], which only tumbling-window events carry.
    assert props["TumblingWindowInSeconds"] >= 1
    dlq = lid(demo_stack, demo_stack.tallies.dead_letters)
    assert props["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [dlq, "Arn"]}}}


def test_dead_letter_queue_is_encrypted_kept_14_days_and_watched(template: Template, demo_stack: Any) -> None:
    template.has_resource_properties(
        "AWS::SQS::Queue", {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 14 * 86400}
    )
    dlq = lid(demo_stack, demo_stack.tallies.dead_letters)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Namespace": "AWS/SQS",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}],
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "AlarmActions": [{"Ref": lid(demo_stack, demo_stack.monitoring.topic)}],
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
    (distribution_props,) = template.find_resources("AWS::CloudFront::Distribution").values()
    config = distribution_props["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    for origin in origins.values():
        assert origin["DomainName"] == {"Fn::GetAtt": [bucket, "RegionalDomainName"]}
        assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    # The pages at the root, from web/ (index.html for /); results under /results/, from the bucket's root.
    assert config["DefaultRootObject"] == "index.html"
    assert origins[config["DefaultCacheBehavior"]["TargetOriginId"]]["OriginPath"] == "/" + contract.WEB_PREFIX.rstrip("/")
    (results,) = config["CacheBehaviors"]
    assert results["PathPattern"] == f"/{contract.RESULTS_PREFIX}*"
    assert origins[results["TargetOriginId"]].get("OriginPath", "") == ""
    for behaviour in (config["DefaultCacheBehavior"], results):
        assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
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


def test_cloudfront_honours_each_files_cache_control(template: Template, demo_stack: Any) -> None:
    """Snapshot sets Cache-Control (seconds for latest, a year for timestamped files): the cache policy
    must let it rule between 0 and a year, and keep a file without one a minute, not CloudFront's day."""
    from agora.services.snapshot import IMMUTABLE, SHORT

    (distribution,) = template.find_resources("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    policies = template.find_resources("AWS::CloudFront::CachePolicy")
    for behaviour in (config["DefaultCacheBehavior"], *config["CacheBehaviors"]):
        (policy_id,) = refs(behaviour["CachePolicyId"])
        policy = policies[policy_id]["Properties"]["CachePolicyConfig"]
        assert policy["MinTTL"] == 0 and policy["DefaultTTL"] <= 60
        for cache_control in (SHORT, IMMUTABLE):
            max_age = int(cache_control.split("max-age=")[1].split(",")[0])
            assert policy["MinTTL"] <= max_age <= policy["MaxTTL"], cache_control
        # Query strings, cookies and headers stay out of the key: one cached copy per file.
        key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
        assert key["QueryStringsConfig"]["QueryStringBehavior"] == "none"
        assert key["CookiesConfig"]["CookieBehavior"] == "none"
        assert key["EnableAcceptEncodingGzip"] and key["EnableAcceptEncodingBrotli"]


def test_web_pages_are_deployed_under_web_and_told_where_the_api_is(template: Template, demo_stack: Any) -> None:
    from infra.constructs.edge import PAGES_CONFIG

    (deployment,) = template.find_resources("Custom::CDKBucketDeployment").values()
    props = deployment["Properties"]
    assert props["DestinationBucketName"] == {"Ref": lid(demo_stack, demo_stack.data.bucket)}
    assert props["DestinationBucketKeyPrefix"] == contract.WEB_PREFIX
    assert props["Prune"] is True
    assert "max-age=60" in props["SystemMetadata"]["cache-control"]
    # Each deployment invalidates what CloudFront cached.
    assert props["DistributionId"] == {"Ref": lid(demo_stack, demo_stack.edge.distribution)}
    assert props["DistributionPaths"] == ["/*"]
    # The pages' config.js, with this stack's API (markers resolved at deploy time) and the results here.
    (markers,) = [m for m in props["SourceMarkers"] if m]
    rest_api = lid(demo_stack, demo_stack.api.rest_api)
    assert {"Ref": rest_api} in markers.values()
    outdir = Path(demo_stack.node.scope.outdir)
    (config,) = [p for p in outdir.glob(f"asset.*/{PAGES_CONFIG}") if "<<marker:" in p.read_text()]
    text = config.read_text()
    assert 'export const RESULTS_BASE = "/";' in text
    assert 'export const API_BASE = "https://<<marker:' in text and text.count('/";') == 1  # no trailing slash


def test_pages_get_the_embedded_gateways_security_headers_and_results_stay_open_data(template: Template, demo_stack: Any) -> None:
    from agora.local import gateway

    (distribution,) = template.find_resources("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    policies = template.find_resources("AWS::CloudFront::ResponseHeadersPolicy")
    (pages_id,) = refs(config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"])
    pages = policies[pages_id]["Properties"]["ResponseHeadersPolicyConfig"]
    security = pages["SecurityHeadersConfig"]
    csp = "".join(p if isinstance(p, str) else "<" + p["Ref"] + ">" for p in security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Join"][1])
    # The gateway's policy, word for word, but the pages may also call the API's execute-api host.
    local = gateway.PAGES["Content-Security-Policy"]
    # The API's hosts, and the moderators' sign-in (its token endpoint).
    login = "https://agora-demo-dev-<AWS::AccountId>.auth.<AWS::Region>.amazoncognito.com"
    assert csp == local.replace("connect-src 'self';", f"connect-src 'self' https://*.execute-api.<AWS::Region>.<AWS::URLSuffix> {login};")
    assert security["ContentTypeOptions"]["Override"] and security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == gateway.SECURITY["Referrer-Policy"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 365 * 86400
    assert pages["CustomHeadersConfig"]["Items"] == [
        {"Header": "Permissions-Policy", "Value": gateway.PAGES["Permissions-Policy"], "Override": True}
    ]
    (results,) = config["CacheBehaviors"]
    managed = cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS  # open data: any origin may read
    assert results["ResponseHeadersPolicyId"] == managed.response_headers_policy_id


def test_api_preflights_admit_the_pages_origin_only(template: Template, demo_stack: Any) -> None:
    distribution = lid(demo_stack, demo_stack.edge.distribution)
    origin = {"Fn::Join": ["", ["'https://", {"Fn::GetAtt": [distribution, "DomainName"]}, "'"]]}
    assert not DEMO.origins  # the demo adds none; each would be echoed when it asks
    for method in template.find_resources("AWS::ApiGateway::Method").values():
        if method["Properties"]["HttpMethod"] == "OPTIONS":
            (response,) = method["Properties"]["Integration"]["IntegrationResponses"]
            assert response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"] == origin


def test_pages_config_sets_each_constant_and_refuses_a_missing_one() -> None:
    from infra.constructs.edge import pages_config

    source = 'export const API_BASE = "";\n// note\nexport const RESULTS_BASE = "";\nexport const OTHER = 1;\n'
    assert pages_config(source, {"API_BASE": "https://api/v1", "RESULTS_BASE": "/"}) == (
        'export const API_BASE = "https://api/v1";\n// note\nexport const RESULTS_BASE = "/";\nexport const OTHER = 1;\n'
    )
    with pytest.raises(ValueError, match="MISSING"):
        pages_config(source, {"MISSING": "x"})


def test_outputs_name_what_the_agora_command_reads(template: Template, demo_stack: Any) -> None:
    outputs = template.find_outputs("*")
    assert {o.value for o in contract.Output} <= set(outputs)  # and RestApi's own Endpoint
    assert outputs["ContentTable"]["Value"] == {"Ref": table_id(demo_stack, contract.CONTENT)}
    assert outputs["MetricsNamespace"]["Value"] == "agora-demo-dev"


# --- the app ----------------------------------------------------------------------------------


def test_app_builds_one_stack_per_consultation_file(tmp_path: Path) -> None:
    from infra.app import build, default_context

    app = build({**default_context(), "aws:cdk:bundling-stacks": []}, outdir=tmp_path)
    stacks = {c.node.id for c in app.node.children if hasattr(c, "stack_name")}
    assert stacks == {f"agora-{k.slug}-dev" for k in config.load_all(ROOT / "consultations")}


def test_app_refuses_an_unknown_consultation(tmp_path: Path) -> None:
    from infra.app import build

    with pytest.raises(SystemExit, match="no consultation 'nope'"):
        build({"consultation": "nope"}, outdir=tmp_path)


def test_app_refuses_an_unknown_stage(tmp_path: Path) -> None:
    from infra.app import build

    with pytest.raises(SystemExit, match="no stage 'staging'"):
        build({"consultation": "demo", "stage": "staging"}, outdir=tmp_path)


def test_app_reads_context_like_the_cdk_cli() -> None:
    from infra.app import cli_context

    assert cli_context(["-c", "consultation=demo", "--context", "aws:cdk:bundling-stacks=[]"]) == {
        "consultation": "demo",
        "aws:cdk:bundling-stacks": [],
    }
