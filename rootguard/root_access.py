"""RootAccess: centralized root access management for the organization's member accounts."""

import pulumi
import pulumi_aws as aws

from .args import links_of, validated, waits_for
from .config.guardrails import ASSUME_ROOT_STATEMENT
from .config.root_access import RootAccessConfig
from .inputs import RootAccessArgs as RootAccessArgs  # re-exported

IAM_SERVICE_PRINCIPAL = "iam.amazonaws.com"

_LINKS = links_of(RootAccessArgs, RootAccessConfig)


class RootAccess(pulumi.ComponentResource):
    """Turns on RootCredentialsManagement and RootSessions (IAM OrganizationsFeatures).

    With both on, member accounts can be left without root credentials and the only way to
    act as root in one is a short AssumeRoot session opened from the management account.
    AWS needs trusted access for iam.amazonaws.com first, hence the organization id.
    """

    enabled_features: pulumi.Output[list[str]]
    """The IAM organization features turned on."""

    def __init__(
        self, name: str, args: RootAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        config = validated(RootAccessConfig, args, links=_LINKS, where=f"RootAccess {name!r}")
        super().__init__("rootguard:index:RootAccess", name, None, opts)
        features = config.enabled_features
        organization_id = args.get("organization_id")
        if features:
            aws.iam.OrganizationsFeatures(
                f"{name}-features",
                enabled_features=features,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[] if organization_id is None else [waits_for(organization_id)],
                ),
            )
        outputs: dict[str, object] = {}
        admin = config.delegated_administrator
        if admin is not None:
            # Registering needs trusted access for IAM, which the organization id carries.
            aws.organizations.DelegatedAdministrator(
                f"{name}-delegated-admin",
                account_id=admin.account_id,
                service_principal=IAM_SERVICE_PRINCIPAL,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[] if organization_id is None else [waits_for(organization_id)],
                ),
            )
            outputs["delegatedAdministrator"] = {
                "accountId": admin.account_id,
                "assumeRootRole": admin.role_arn_pattern,
                "exemptFrom": ASSUME_ROOT_STATEMENT,
            }
        self.enabled_features = pulumi.Output.from_input(features)
        self.register_outputs({"enabledFeatures": self.enabled_features, **outputs})
