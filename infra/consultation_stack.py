"""One consultation, one stack: its data, functions, API, firewall, tallies, snapshots, edge and
monitoring (docs/architecture.md §1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from agora import contract
from agora.config import Consultation
from infra.bundling import ROOT
from infra.constructs.api import Api, login_url
from infra.constructs.data import Data
from infra.constructs.edge import Edge
from infra.constructs.firewall import Firewall
from infra.constructs.functions import Functions
from infra.constructs.monitoring import Monitoring
from infra.constructs.tallies import Tallies
from infra.constructs.snapshots import Snapshots
from infra.constructs.helper_logs import retain_helper_logs
from infra.nag import accept_bucket_deployment
from infra.stage import Stage

F, O = contract.Function, contract.Output
WEB_DIR = ROOT / "web"


class ConsultationStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        consultation: Consultation,
        *,
        stage: Stage,
        consultation_file: Path | None = None,
        next_proposal_provisioned: int = 0,
        warm_write_units: int = 0,
        cloudfront_web_acl_arn: str | None = None,
        alarm_email: str | None = None,
        domain_name: str | None = None,
        certificate_arn: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("description", f"agora consultation {consultation.slug} ({stage.name})")
        super().__init__(scope, id, **kwargs)
        Tags.of(self).add("agora:consultation", consultation.slug)
        Tags.of(self).add("agora:stage", stage.name)
        self.consultation, self.stage = consultation, stage

        self.data = Data(self, "Data", stage=stage, warm_write_units=warm_write_units)
        # The edge comes before the functions: snapshot writes its URL into every manifest.
        self.edge = Edge(
            self,
            "Edge",
            bucket=self.data.bucket,
            web_acl_arn=cloudfront_web_acl_arn,
            domain_name=domain_name,
            certificate_arn=certificate_arn,
            login_url=login_url(id),
        )
        self.functions = Functions(
            self,
            "Functions",
            consultation=consultation,
            consultation_file=consultation_file or ROOT / "consultations" / f"{consultation.slug}.toml",
            data=self.data,
            public_base_url=self.edge.url,
            stage=stage,
            stack_name=id,
            next_proposal_provisioned=next_proposal_provisioned,
        )
        fn = self.functions.by_name
        self.api = Api(
            self,
            "Api",
            consultation=consultation,
            functions=self.functions.http_targets,
            stage=stage,
            web_origin=self.edge.url,
        )
        self.firewall = Firewall(
            self, "Firewall", stage=self.api.rest_api.deployment_stage, per_ip_per_minute=consultation.throttle.per_ip_per_minute
        )
        # Its id stays "Scoring": the logical ids of deployed resources (the dead-letter queue, the
        # event source mapping) derive from it, and a new id would replace them.
        self.tallies = Tallies(
            self, "Scoring", function=fn[F.SCORE], table=self.data.content, removal_policy=stage.removal_policy
        )
        self.snapshots = Snapshots(
            self, "Snapshots", function=fn[F.SNAPSHOT], every_seconds=consultation.snapshot_every_seconds
        )
        # Pages call the API by its own URL (no trailing slash: they add the path).
        self.pages = self.edge.publish_pages(
            WEB_DIR,
            consultation,
            self.api.rest_api.url.rstrip("/"),
            login_url=self.api.login_url,
            login_client_id=self.api.user_pool_client.user_pool_client_id,
        )
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            namespace=id,
            functions=fn,
            rest_api=self.api.rest_api,
            tables=self.data.tables,
            dead_letters=self.tallies.dead_letters,
            snapshot_every_seconds=consultation.snapshot_every_seconds,
            removal_policy=stage.removal_policy,
            alarm_email=alarm_email,
        )
        accept_bucket_deployment(self)
        retain_helper_logs(self, stage)

        for key, value in {
            O.API_URL: self.api.rest_api.url,
            O.DISTRIBUTION_DOMAIN: self.edge.domain_name,
            O.BUCKET: self.data.bucket.bucket_name,
            O.CONTENT_TABLE: self.data.content.table_name,
            O.TALLIES_TABLE: self.data.tallies.table_name,
            O.DEAD_LETTERS: self.tallies.dead_letters.queue_url,
            O.SCORE_FUNCTION: fn[F.SCORE].function_name,
            O.METRICS_NAMESPACE: id,
            O.USER_POOL: self.api.user_pool.user_pool_id,
            O.USER_POOL_CLIENT: self.api.user_pool_client.user_pool_client_id,
            O.LOGIN_URL: self.api.login_url,
            O.PAGES_URL: f"{self.edge.url}/",
        }.items():
            CfnOutput(self, key.value, value=value)
