"""WAF on the API stage: a rate limit per address and AWS's managed rule groups.

CloudFront's own web ACL must live in us-east-1, which a per-consultation stack in another
region cannot create; the distribution takes an existing one's ARN instead (edge.py).
"""

from __future__ import annotations

import json

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

# Known-bad inputs and addresses first (cheap to evaluate), then the common rule set.
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesCommonRuleSet",
)
RATE_WINDOW_SECONDS = 60
THROTTLED_BODY = "throttled"


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


class Firewall(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: apigw.Stage, per_ip_per_minute: int) -> None:
        super().__init__(scope, id)
        name = f"{stage.rest_api.rest_api_name}-api"
        rate_rule = wafv2.CfnWebACL.RuleProperty(
            name="RatePerAddress",
            priority=0,
            statement=wafv2.CfnWebACL.StatementProperty(
                rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                    aggregate_key_type="IP",
                    limit=per_ip_per_minute,
                    evaluation_window_sec=RATE_WINDOW_SECONDS,
                )
            ),
            # Blocked like the API throttles: 429, our error shape, and when to come back.
            action=wafv2.CfnWebACL.RuleActionProperty(
                block=wafv2.CfnWebACL.BlockActionProperty(
                    custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                        response_code=429,
                        custom_response_body_key=THROTTLED_BODY,
                        response_headers=[
                            wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Retry-After", value=str(RATE_WINDOW_SECONDS)),
                            # Without it a browser hides the answer from the page.
                            wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Access-Control-Allow-Origin", value="*"),
                        ],
                    )
                )
            ),
            visibility_config=_visibility("RatePerAddress"),
        )
        managed = [
            wafv2.CfnWebACL.RuleProperty(
                name=group,
                priority=priority,
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group
                    )
                ),
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                visibility_config=_visibility(group),
            )
            for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1)
        ]
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=[rate_rule, *managed],
            custom_response_bodies={
                THROTTLED_BODY: wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON",
                    content=json.dumps(
                        {
                            "error": {
                                "code": "throttled",
                                "message": "Too many requests from your network; retry in a minute.",
                                "details": None,
                            }
                        }
                    ),
                )
            },
            visibility_config=_visibility(name),
        )
        association = wafv2.CfnWebACLAssociation(
            self, "OnApiStage", resource_arn=stage.stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
        # The stage ARN is a string the stage's resource does not yet back: wait for it.
        association.node.add_dependency(stage)
