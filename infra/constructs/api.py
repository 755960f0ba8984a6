"""The REST API: every route of contract.ROUTES, moderators behind Cognito, errors in our shape."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from aws_cdk import Aws, Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from agora import contract
from agora.config import Consultation, Throttle
from infra import nag
from infra.stage import Stage

ALLOWED_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key"]  # as agora.http's CORSConfig
# What the pages ask Cognito for: an ID token (the API's authorizer checks it) naming the moderator.
LOGIN_SCOPES = [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL]


def login_domain_prefix(stack_name: str) -> str:
    """The managed login's domain prefix: unique per region across AWS, so with the account's id."""
    return f"{stack_name}-{Aws.ACCOUNT_ID}"


def login_url(stack_name: str) -> str:
    """Where moderators sign in (Cognito's managed login); the pages call its /oauth2/token too."""
    return f"https://{login_domain_prefix(stack_name)}.auth.{Aws.REGION}.amazoncognito.com"


def _error_body(code: str, message: str | None = None) -> str:
    """{"error": {"code", "message", "details"}}, as the handlers answer; API Gateway's own
    message (already a quoted JSON string) unless we have a better one."""
    body = json.dumps({"error": {"code": code, "message": "MESSAGE", "details": None}})
    return body.replace('"MESSAGE"', json.dumps(message) if message else "$context.error.messageString")


# Errors API Gateway answers by itself, before (or instead of) a handler:
# (type, status or None for API Gateway's own, code, message or None for API Gateway's own, extra headers).
GATEWAY_ERRORS: tuple[tuple[apigw.ResponseType, str | None, str, str | None, dict[str, str]], ...] = (
    (apigw.ResponseType.UNAUTHORIZED, None, "unauthorized", None, {}),
    (apigw.ResponseType.ACCESS_DENIED, None, "forbidden", None, {}),
    (apigw.ResponseType.THROTTLED, None, "throttled", None, {"Retry-After": "'1'"}),
    # REST APIs answer an unknown path or method with 403 "Missing Authentication Token";
    # the handlers (and the embedded stack) call that a 404 no_such_route.
    (
        apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
        "404",
        "no_such_route",
        "No such route: see the API description.",
        {},
    ),
    (apigw.ResponseType.DEFAULT_4_XX, None, "request_rejected", None, {}),
    (apigw.ResponseType.DEFAULT_5_XX, None, "internal", None, {}),
)


def route_throttles(throttle: Throttle) -> dict[str, apigw.MethodDeploymentOptions]:
    """Each route's share of the stage limits, keyed as API Gateway's method settings are ("/path/METHOD")."""
    options = {}
    for route, share in throttle.routes.items():
        method, path = route.split(" ", 1)
        options[f"{path}/{method}"] = apigw.MethodDeploymentOptions(
            throttling_rate_limit=share * throttle.rate_limit,
            throttling_burst_limit=math.ceil(share * throttle.burst_limit),
        )
    return options


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        consultation: Consultation,
        functions: Mapping[contract.Function, lambda_.IFunction],
        stage: Stage,
        web_origin: str,
    ) -> None:
        super().__init__(scope, id)
        throttle = consultation.throttle

        # Moderators are invited by an administrator (`agora moderators add`), never self-registered.
        self.user_pool = cognito.UserPool(
            self,
            "Moderators",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # A moderator can publish or bury any proposal: a stolen password must not be enough.
            mfa=cognito.Mfa.REQUIRED if stage.moderator_mfa else cognito.Mfa.OFF,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False) if stage.moderator_mfa else None,
            password_policy=cognito.PasswordPolicy(
                min_length=12, require_digits=True, require_lowercase=True, require_uppercase=True, require_symbols=True
            ),
            removal_policy=stage.removal_policy,
            # The invitation says where to go: the pages send the moderator on to the managed login.
            user_invitation=cognito.UserInvitationConfig(
                email_subject=f"agora {consultation.slug}: you are invited to moderate",
                email_body=(
                    f"Open {web_origin}/#/moderation and choose Sign in. Your user name is {{username}} and your "
                    "temporary password {####}: you will choose your own"
                    + (" and set up an authenticator app." if stage.moderator_mfa else ".")
                ),
            ),
        )
        nag.accept(self.user_pool, "COG8", "a handful of invited moderators, strong passwords, MFA on prod: threat protection's price buys little")
        if not stage.moderator_mfa:
            nag.accept(self.user_pool, "COG2", "dev pools hold test moderators only; prod requires MFA")
        # The moderation page signs in through the managed login: the authorization-code flow with
        # PKCE (a public client: no secret in a page), back to the pages and nowhere else. The
        # first sign-in sets the password (and, on prod, the authenticator app) there.
        pages = f"{web_origin}/"
        self.user_pool_client = self.user_pool.add_client(
            "ModeratorPages",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True, implicit_code_grant=False),
                scopes=LOGIN_SCOPES,
                callback_urls=[pages],
                logout_urls=[pages],
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            prevent_user_existence_errors=True,
            # A moderation shift: the page refreshes the hour-long tokens for up to twelve hours.
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.hours(12),
            enable_token_revocation=True,
        )
        self.login_domain = self.user_pool.add_domain(
            "Login",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=login_domain_prefix(Stack.of(self).stack_name)),
            managed_login_version=cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
        )
        # The newer managed login shows nothing for a client without a style: Cognito's own.
        cognito.CfnManagedLoginBranding(
            self,
            "LoginBranding",
            user_pool_id=self.user_pool.user_pool_id,
            client_id=self.user_pool_client.user_pool_client_id,
            use_cognito_provided_values=True,
        )
        self.login_url = login_url(Stack.of(self).stack_name)
        # The handler reads the caller from the ID token's claims (agora.http.moderator).
        authorizer = apigw.CognitoUserPoolsAuthorizer(self, "ModeratorAuthorizer", cognito_user_pools=[self.user_pool])

        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            # Per stage: dev and prod in one account must not share metrics (ApiName), alarms or WAF names.
            rest_api_name=contract.stack_name(consultation.slug, stage.name),
            description=f"agora consultation {consultation.slug}, API v1",
            # The CloudWatch role is account-wide: one stack per consultation must not own it;
            # `agora deploy` checks it is set (or sets it, when asked: --set-api-logs-role).
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                # One line per request: what, when, how it ended. No addresses nor callers: the
                # functions already log who did what, and a citizen's address is personal data.
                access_log_destination=apigw.LogGroupLogDestination(
                    logs.LogGroup(self, "AccessLogs", retention=stage.log_retention, removal_policy=stage.removal_policy)
                ),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False, http_method=True, ip=False, protocol=True, request_time=True,
                    resource_path=True, response_length=True, status=True, user=False,
                ),
                # Sheds a TV-spot spike at the door instead of in DynamoDB.
                throttling_rate_limit=throttle.rate_limit,
                throttling_burst_limit=throttle.burst_limit,
                # ... and no single route may take it all (consultation.throttle.routes).
                method_options=route_throttles(throttle),
                tracing_enabled=True,
            ),
            # Preflights as the handlers answer (agora.http): the pages' own origin and the config's.
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=[web_origin, *consultation.origins],
                allow_methods=apigw.Cors.ALL_METHODS,
                allow_headers=ALLOWED_HEADERS,
            ),
        )

        # Lambda proxy: the handlers' Powertools resolver does the routing and validation.
        integrations = {
            name: apigw.LambdaIntegration(functions[name], allow_test_invoke=False) for name in contract.HTTP_FUNCTIONS
        }
        for route in contract.ROUTES:
            resource = self.rest_api.root.resource_for_path(route.path)
            if route.auth is contract.Auth.MODERATOR:
                resource.add_method(
                    route.method,
                    integrations[route.function],
                    authorizer=authorizer,
                    authorization_type=apigw.AuthorizationType.COGNITO,
                )
            else:
                method = resource.add_method(route.method, integrations[route.function])
                for rule in ("APIG4", "COG4"):
                    nag.accept(method, rule, "citizens are anonymous: the handler checks a participant token where the route needs one")

        nag.accept(
            self.rest_api,
            "APIG2",
            "the handlers validate every body and parameter (pydantic), answering 422 in our error shape, not a 400 in API Gateway's",
        )
        nag.accept(
            self.rest_api.deployment_stage,
            "APIG6",
            "execution logs would repeat the access log and the functions' own request logs, at CloudWatch's price per GB",
        )

        for response_type, status, code, message, headers in GATEWAY_ERRORS:
            self.rest_api.add_gateway_response(
                f"Gateway{code.title().replace('_', '')}",
                type=response_type,
                status_code=status,
                templates={"application/json": _error_body(code, message)},
                # Without CORS headers a browser hides these errors from the page.
                response_headers={"Access-Control-Allow-Origin": "'*'", **headers},
            )
