"""CloudFront in front of the bucket: results and web pages absorb a spike without touching DynamoDB."""

from __future__ import annotations

from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from agora import contract

# What the world may read. The rest of the bucket (the sequence pool, with authors; internal
# indexes, with pending proposals) is for the functions only.
PUBLIC_PREFIXES = (contract.RESULTS_PREFIX, contract.WEB_PREFIX)


class Edge(Construct):
    def __init__(self, scope: Construct, id: str, *, bucket: s3.IBucket) -> None:
        super().__init__(scope, id)
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="agora results and web pages",
            default_behavior=cloudfront.BehaviorOptions(
                # OAC: the bucket stays private, only this distribution may read it.
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                # Honours each object's Cache-Control: seconds for results/latest, a year for
                # the immutable timestamped exports (set by snapshot).
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                # Results are open data: any site may fetch them.
                response_headers_policy=cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS,
            ),
            # Consultations are European: the cheapest class covers Europe and North America.
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
        )
        self.domain_name = self.distribution.distribution_domain_name
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
