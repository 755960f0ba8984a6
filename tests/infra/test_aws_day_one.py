"""What a real account needs on day one: moderators can sign in, both stages can share it, every
log is kept for a set time, the alarms are encrypted and the API logs its requests."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

if shutil.which("node") is None:
    pytest.skip("the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH", allow_module_level=True)

from aws_cdk.assertions import Match, Template  # noqa: E402

from agora import contract  # noqa: E402
from tests.infra.conftest import _stack  # noqa: E402
from tests.infra.helpers import lid, refs  # noqa: E402

pytestmark = pytest.mark.slow
O = contract.Output


def only(template: Template, kind: str) -> dict[str, Any]:
    (resource,) = template.find_resources(kind).values()
    return resource["Properties"]


def test_moderators_sign_in_with_the_code_flow_and_pkce_back_to_the_pages(template: Template, demo_stack: Any) -> None:
    client = only(template, "AWS::Cognito::UserPoolClient")
    assert client["AllowedOAuthFlows"] == ["code"]  # no implicit flow: tokens never in an address
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert set(client["AllowedOAuthScopes"]) == {"openid", "email"}
    assert client["GenerateSecret"] is False  # a page keeps no secret: PKCE instead
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    distribution = lid(demo_stack, demo_stack.edge.distribution)
    for urls in (client["CallbackURLs"], client["LogoutURLs"]):
        (url,) = urls
        assert refs(url) == {distribution} and "example.com" not in str(url)
        assert url["Fn::Join"][1][-1] == "/"  # the pages' root, where js/auth.js takes the code
    assert client["RefreshTokenValidity"] > client["IdTokenValidity"]


def test_the_invitation_says_where_to_sign_in(template: Template, prod_template: Template) -> None:
    for t, mfa in ((template, False), (prod_template, True)):
        body = only(t, "AWS::Cognito::UserPool")["AdminCreateUserConfig"]["InviteMessageTemplate"]["EmailMessage"]
        text = str(body)
        assert "{username}" in text and "{####}" in text and "/#/moderation" in text
        assert ("authenticator" in text) is mfa


def test_the_managed_login_has_a_domain_and_a_style(template: Template, demo_stack: Any) -> None:
    domain = only(template, "AWS::Cognito::UserPoolDomain")
    assert domain["ManagedLoginVersion"] == 2
    assert "agora-demo-dev-" in str(domain["Domain"]) and {"Ref": "AWS::AccountId"} in domain["Domain"]["Fn::Join"][1]
    branding = only(template, "AWS::Cognito::ManagedLoginBranding")
    assert branding["UseCognitoProvidedValues"] is True


def test_the_pages_know_where_to_sign_in_and_may_call_its_token_endpoint(template: Template, demo_stack: Any) -> None:
    # config.js gets the login URL and the client id as deploy-time values (the deployment's markers).
    markers = str(only(template, "Custom::CDKBucketDeployment")["SourceMarkers"])
    client = lid(demo_stack, demo_stack.api.user_pool_client)
    assert f"{{'Ref': '{client}'}}" in markers and "{'Ref': 'AWS::AccountId'}" in markers
    csp = only(template, "AWS::CloudFront::ResponseHeadersPolicy")["ResponseHeadersPolicyConfig"]
    policy = str(csp["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert ".auth." in policy and "amazoncognito.com" in policy
    outputs = template.to_json()["Outputs"]
    assert {O.LOGIN_URL.value, O.PAGES_URL.value} <= set(outputs)


def test_dev_and_prod_in_one_account_share_no_name(template: Template, prod_template: Template) -> None:
    for kind, key in (("AWS::ApiGateway::RestApi", "Name"),):
        assert only(template, kind)[key] == "agora-demo-dev" and only(prod_template, kind)[key] == "agora-demo-prod"
    dev_acl, prod_acl = only(template, "AWS::WAFv2::WebACL"), only(prod_template, "AWS::WAFv2::WebACL")
    assert dev_acl["VisibilityConfig"]["MetricName"] != prod_acl["VisibilityConfig"]["MetricName"]
    # The alarms read the API's metrics by its name: each stage its own.
    api_alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values() if a["Properties"].get("Namespace") == "AWS/ApiGateway"]
    assert api_alarms and all({"Name": "ApiName", "Value": "agora-demo-dev"} in a["Dimensions"] for a in api_alarms)


def test_every_function_has_a_log_group_with_retention(template: Template, prod_template: Template) -> None:
    for stage, t, days in (("dev", template, 7), ("prod", prod_template, 90)):
        groups = t.find_resources("AWS::Logs::LogGroup")
        assert all(g["Properties"]["RetentionInDays"] == days for g in groups.values()), stage
        names = [str(g["Properties"].get("LogGroupName")) for g in groups.values()]
        for logical_id, fn in t.find_resources("AWS::Lambda::Function").items():
            own = fn["Properties"].get("LoggingConfig", {}).get("LogGroup")
            # CDK's helpers (the pages' copy, dev's bucket emptying) get a group under Lambda's own name.
            assert own in [{"Ref": g} for g in groups] or any(logical_id in n for n in names), (stage, logical_id)
        for custom in t.find_resources("Custom::CDKBucketDeployment").values():
            assert set(custom["DependsOn"]) & set(groups)  # the group exists before the helper logs


def test_the_api_logs_every_request_without_addresses(template: Template) -> None:
    stage = only(template, "AWS::ApiGateway::Stage")
    settings = stage["AccessLogSetting"]
    assert refs(settings["DestinationArn"]) <= set(template.find_resources("AWS::Logs::LogGroup"))
    assert "$context.requestId" in settings["Format"] and "$context.status" in settings["Format"]
    assert "sourceIp" not in settings["Format"] and "$context.identity.user" not in settings["Format"]
    assert not template.find_resources("AWS::ApiGateway::Account")  # the account-wide role is agora deploy's opt-in


def test_the_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(template: Template) -> None:
    topic = only(template, "AWS::SNS::Topic")
    (key_id,) = refs(topic["KmsMasterKeyId"])
    key = template.find_resources("AWS::KMS::Key")[key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    statements = key["KeyPolicy"]["Statement"]
    assert any(s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"} and "kms:GenerateDataKey*" in s["Action"] for s in statements)


def test_prod_keeps_the_dead_letters_dev_does_not(template: Template, prod_template: Template) -> None:
    (dev_queue,) = template.find_resources("AWS::SQS::Queue").values()
    (prod_queue,) = prod_template.find_resources("AWS::SQS::Queue").values()
    assert dev_queue["DeletionPolicy"] == "Delete" and prod_queue["DeletionPolicy"] == "Retain"


def test_a_custom_domain_refuses_tls_below_1_2(tmp_path_factory: pytest.TempPathFactory) -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    stack = _stack(tmp_path_factory, "prod", domain_name="consult.example.org", certificate_arn=arn)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {"DistributionConfig": Match.object_like({
            "Aliases": ["consult.example.org"],
            "ViewerCertificate": {"AcmCertificateArn": arn, "MinimumProtocolVersion": "TLSv1.2_2021", "SslSupportMethod": "sni-only"},
        })},
    )
    # The pages' origin is the domain: CORS, callback URLs and result URLs follow it.
    client = only(template, "AWS::Cognito::UserPoolClient")
    assert client["CallbackURLs"] == ["https://consult.example.org/"]
