"""RootAccess: centralized root access management for the organization's member accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .config.root_access import RootAccessConfig


@dataclass(frozen=True)
class RootAccessArgs:
    """`depends_on`: the resources that give IAM trusted access in the organization."""

    config: RootAccessConfig
    depends_on: Sequence[pulumi.Resource] = field(default_factory=tuple)


class RootAccess(pulumi.ComponentResource):
    """Turns on RootCredentialsManagement and RootSessions (IAM OrganizationsFeatures).

    With both on, member accounts can be left without root credentials and the only way to
    act as root in one is a short AssumeRoot session opened from the management account.
    AWS needs trusted access for iam.amazonaws.com first, hence `depends_on`.
    """

    enabled_features: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: RootAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("rootguard:index:RootAccess", name, None, opts)
        features = args.config.enabled_features
        if features:
            aws.iam.OrganizationsFeatures(
                f"{name}-features",
                enabled_features=features,
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
            )
        self.enabled_features = pulumi.Output.from_input(features)
        self.register_outputs({"enabledFeatures": self.enabled_features})
