"""CloudFront in front of the bucket: results and web pages absorb a spike without touching DynamoDB."""

from __future__ import annotations

import re
from pathlib import Path

from aws_cdk import Aws, Duration
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as deployment
from constructs import Construct

from agora import contract, pages
from agora.config import Consultation
from agora.local import gateway
from infra import nag

# What the world may read. The rest of the bucket (the sequence pool, with authors; internal
# indexes, with pending proposals) is for the functions only.
PUBLIC_PREFIXES = (contract.RESULTS_PREFIX, contract.WEB_PREFIX)
# The pages' one place that says where the API and the results are (web/js/config.js).
PAGES_CONFIG = "js/config.js"
# Browsers check back every minute; CloudFront keeps pages a day, and each deployment invalidates them.
PAGES_CACHE_CONTROL = "public, max-age=60, s-maxage=86400"
# The pages call the API on its own execute-api host: the embedded gateway's policy, but connecting
# there too. By region, not by API id: the API already depends on this distribution (CORS, URLs).
API_HOSTS = f"https://*.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}"


def pages_security_policy(login_url: str) -> str:
    """The embedded gateway's Content-Security-Policy for the pages, with the API's hosts allowed
    and the moderators' sign-in (its token endpoint: the sign-in itself is a navigation away)."""
    policy = gateway.PAGES["Content-Security-Policy"]
    if "connect-src 'self';" not in policy:
        raise ValueError("the pages' CSP no longer says connect-src 'self': update edge.py with it")
    return policy.replace("connect-src 'self';", f"connect-src 'self' {API_HOSTS} {login_url};")


def pages_config(source: str, values: dict[str, str]) -> str:
    """web/js/config.js with each `export const NAME = "...";` set to this deployment's value."""
    for name, value in values.items():
        source, found = re.subn(
            rf'export const {name} = "[^"]*";', lambda _, n=name, v=value: f'export const {n} = "{v}";', source
        )
        if found != 1:
            raise ValueError(f'{PAGES_CONFIG} must declare `export const {name} = "...";` once')
    return source


class Edge(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket,
        web_acl_arn: str | None = None,
        domain_name: str | None = None,
        certificate_arn: str | None = None,
        login_url: str,
    ) -> None:
        super().__init__(scope, id)
        if bool(domain_name) != bool(certificate_arn):
            raise ValueError("a custom domain needs both domain_name and certificate_arn (ACM, us-east-1)")
        self.bucket = bucket
        access = cloudfront.S3OriginAccessControl(self, "OriginAccess")
        # Snapshot sets each file's Cache-Control (seconds for results/latest and the manifest, a
        # year for the immutable timestamped files) and this policy honours it; what has none is
        # kept a minute, never CloudFront's default day.
        cache = cloudfront.CachePolicy(
            self,
            "HonourCacheControl",
            comment="agora: the object's Cache-Control, else a minute",
            min_ttl=Duration.seconds(0),
            default_ttl=Duration.minutes(1),
            max_ttl=Duration.days(365),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )

        # The headers the embedded gateway sends with the pages (agora.local.gateway), on AWS.
        pages_headers = cloudfront.ResponseHeadersPolicy(
            self,
            "PagesHeaders",
            comment="agora pages: CSP, no sniffing, no framing, no referrer, HTTPS only",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=pages_security_policy(login_url), override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365), include_subdomains=False, override=True
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy", value=gateway.PAGES["Permissions-Policy"], override=True
                    )
                ]
            ),
        )

        def behaviour(origin_path: str | None, headers: cloudfront.IResponseHeadersPolicy) -> cloudfront.BehaviorOptions:
            return cloudfront.BehaviorOptions(
                # OAC: the bucket stays private, only this distribution may read it.
                origin=origins.S3BucketOrigin.with_origin_access_control(
                    bucket, origin_access_control=access, origin_path=origin_path
                ),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cache,
                response_headers_policy=headers,
            )

        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="agora results and web pages",
            # The pages at the root (web/index.html at /), the results under their own path.
            default_behavior=behaviour("/" + contract.WEB_PREFIX.rstrip("/"), pages_headers),
            # Results are open data: any site may fetch them (and they get AWS's security headers).
            additional_behaviors={
                f"/{contract.RESULTS_PREFIX}*": behaviour(
                    None, cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS
                )
            },
            default_root_object="index.html",
            # CloudFront web ACLs live in us-east-1 only: one made there, once per account, by ARN.
            web_acl_id=web_acl_arn,
            # Consultations are European: the cheapest class covers Europe and North America.
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            # The default *.cloudfront.net certificate admits TLS 1.0 whatever is asked: only a
            # domain of our own (its certificate in us-east-1) can refuse anything below TLS 1.2.
            domain_names=[domain_name] if domain_name else None,
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn) if certificate_arn else None,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate_arn else None,
        )
        self.domain_name = domain_name or self.distribution.distribution_domain_name
        self.url = f"https://{self.domain_name}"  # the pages' origin, and the base of every result URL
        for rule, reason in (
            ("CFR1", "a consultation is open to anyone, wherever they live"),
            ("CFR2", "CloudFront web ACLs exist in us-east-1 only: pass cloudfront_web_acl_arn; it serves cached files only"),
            ("CFR3", "access logs need a log bucket with ACLs per consultation; CloudFront's metrics show a spike"),
        ):
            nag.accept(self.distribution, rule, reason)
        if not domain_name:
            nag.accept(self.distribution, "CFR4", "the default *.cloudfront.net certificate admits TLS 1.0: pass a domain and its certificate")
        # The OAC grant covers the whole bucket; an explicit deny wins over it everywhere else.
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudFrontServesPublicPrefixesOnly",
                effect=iam.Effect.DENY,
                principals=[iam.ServicePrincipal("cloudfront.amazonaws.com")],
                actions=["s3:GetObject"],
                not_resources=[bucket.arn_for_objects(prefix + "*") for prefix in PUBLIC_PREFIXES],
            )
        )

    def publish_pages(
        self, web_dir: Path, consultation: Consultation, api_base_url: str, login_url: str, login_client_id: str
    ) -> deployment.BucketDeployment:
        """Copy `web/` to the bucket's web/ prefix, told where this stack's API is and where its
        moderators sign in, with the consultation's question in what a shared link previews."""
        config = pages_config(
            (web_dir / PAGES_CONFIG).read_text(),
            # Results from this very distribution, so a spike on them never reaches Lambda.
            {"API_BASE": api_base_url, "RESULTS_BASE": "/", "LOGIN_URL": login_url, "LOGIN_CLIENT_ID": login_client_id},
        )
        files = {**pages.rendered(web_dir, consultation), PAGES_CONFIG: config}
        return deployment.BucketDeployment(
            self,
            "Pages",
            sources=[
                deployment.Source.asset(str(web_dir), exclude=list(files)),
                *(deployment.Source.data(path, text) for path, text in files.items()),
            ],
            destination_bucket=self.bucket,
            destination_key_prefix=contract.WEB_PREFIX,
            cache_control=[deployment.CacheControl.from_string(PAGES_CACHE_CONTROL)],
            distribution=self.distribution,
            distribution_paths=["/*"],
        )
