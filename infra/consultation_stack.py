"""One consultation, one stack: its data, functions, API, scoring, snapshots and edge (ARCHITECTURE §1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from agora import contract
from agora.config import Consultation
from infra.bundling import ROOT
from infra.constructs.api import Api
from infra.constructs.data import Data
from infra.constructs.edge import Edge
from infra.constructs.functions import Functions
from infra.constructs.scoring import Scoring
from infra.constructs.snapshots import Snapshots

F = contract.Function


class ConsultationStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        consultation: Consultation,
        *,
        consultation_file: Path | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("description", f"agora consultation {consultation.slug}")
        super().__init__(scope, id, **kwargs)
        Tags.of(self).add("agora:consultation", consultation.slug)
        self.consultation = consultation

        self.data = Data(self, "Data")
        # The edge comes before the functions: snapshot writes its URL into every manifest.
        self.edge = Edge(self, "Edge", bucket=self.data.bucket)
        self.functions = Functions(
            self,
            "Functions",
            consultation=consultation,
            consultation_file=consultation_file or ROOT / "consultations" / f"{consultation.slug}.toml",
            data=self.data,
            public_base_url=f"https://{self.edge.domain_name}",
        )
        fn = self.functions.by_name
        self.api = Api(self, "Api", consultation=consultation, functions=fn)
        self.scoring = Scoring(self, "Scoring", function=fn[F.SCORE], table=self.data.content)
        self.snapshots = Snapshots(
            self, "Snapshots", function=fn[F.SNAPSHOT], every_seconds=consultation.snapshot_every_seconds
        )

        CfnOutput(self, "ApiUrl", value=self.api.rest_api.url)
        CfnOutput(self, "DistributionDomain", value=self.edge.domain_name)
        CfnOutput(self, "BucketName", value=self.data.bucket.bucket_name)
        CfnOutput(self, "UserPoolId", value=self.api.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.api.user_pool_client.user_pool_client_id)
