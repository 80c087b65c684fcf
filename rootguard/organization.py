"""Organization: the AWS Organization (created or adopted), its OU tree and member accounts."""

from typing import Any

import pulumi
import pulumi_aws as aws

from .args import links_of, validated
from .config.organization import OrganizationConfig, ou_parent
from .errors import RootGuardError
from .inputs import OrganizationArgs as OrganizationArgs  # re-exported

SCP_POLICY_TYPE = "SERVICE_CONTROL_POLICY"

# Changing either of these on an existing account makes the provider replace it; they only
# matter at creation, so they are never diffed (and protect blocks a replacement anyway).
CREATION_ONLY_ACCOUNT_INPUTS = ["iam_user_access_to_billing", "role_name"]


_LINKS = links_of(OrganizationArgs, OrganizationConfig)


class Organization(pulumi.ComponentResource):
    """The organization, its OUs (created parent first) and its member accounts.

    Existing OUs and accounts named by id in the config are imported, never created again.
    Accounts are protected, retained on delete and never closed by a destroy.
    """

    organization_id: pulumi.Output[str]
    """The organization's id (o-...)."""
    arn: pulumi.Output[str]
    root_id: pulumi.Output[str]
    """The id of the organization's root (r-...)."""
    management_account_id: pulumi.Output[str]
    ou_ids: pulumi.Output[dict[str, str]]
    """Every declared OU's id, by path."""
    account_ids: pulumi.Output[dict[str, str]]
    """Every declared member account's id, by name."""

    def __init__(
        self, name: str, args: OrganizationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Validated before anything is registered: bad input registers nothing.
        config = validated(OrganizationConfig, args, links=_LINKS, where=f"Organization {name!r}")
        super().__init__("rootguard:index:Organization", name, None, opts)

        # Anything that needs the organization's settings (SCPs enabled, trusted access) waits
        # for `organization_id`: created here, it carries the organization as a dependency
        # (see args.waits_for); adopted, the settings are verified and nothing need wait.
        if config.mode == "create":
            organization = aws.organizations.Organization(
                f"{name}-organization",
                feature_set="ALL",
                aws_service_access_principals=config.service_principals,
                enabled_policy_types=[SCP_POLICY_TYPE],
                opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
            )
            self.organization_id = organization.id
            self.arn = organization.arn
            self.management_account_id = organization.master_account_id
            self.root_id = organization.roots.apply(_root_id)
        else:
            existing = aws.organizations.get_organization(opts=pulumi.InvokeOptions(parent=self))
            _verify_adopted(existing, config)
            # Missing trusted access is enabled here rather than stopping the run. Retained on
            # delete: other tools come to rely on it, so `pulumi destroy` never disables it.
            access = [
                aws.organizations.AwsServiceAccess(
                    f"{name}-trusted-access-{principal}",
                    service_principal=principal,
                    opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
                )
                for principal in missing_trusted_access(existing, config)
            ]
            # Whatever waits for the organization waits for its trusted access too.
            self.organization_id = pulumi.Output.all(existing.id, *[a.id for a in access]).apply(
                lambda values: str(values[0])
            )
            self.arn = pulumi.Output.from_input(existing.arn)
            self.management_account_id = pulumi.Output.from_input(existing.master_account_id)
            self.root_id = pulumi.Output.from_input(_root_id(existing.roots))

        self.organizational_units: dict[str, aws.organizations.OrganizationalUnit] = {}
        for ou in config.organizational_units:
            parent = ou_parent(ou.path)
            parent_id = self.root_id if parent is None else self.organizational_units[parent].id
            self.organizational_units[ou.path] = aws.organizations.OrganizationalUnit(
                f"{name}-ou-{ou.path}",
                name=ou.path.rsplit("/", 1)[-1],
                parent_id=parent_id,
                tags=ou.tags or None,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=True,
                    retain_on_delete=True,
                    import_=ou.id,
                ),
            )

        self.accounts: dict[str, aws.organizations.Account] = {}
        for account in config.accounts:
            self.accounts[account.name] = aws.organizations.Account(
                f"{name}-account-{account.name}",
                name=account.name,
                email=account.email,
                parent_id=self.organizational_units[account.ou].id,
                # An imported account's billing access is whatever it is; AWS cannot read it
                # back, so setting it would make the import fail to match.
                iam_user_access_to_billing=None
                if account.id
                else account.iam_user_access_to_billing,
                close_on_deletion=False,
                tags=account.tags or None,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=True,
                    retain_on_delete=True,
                    import_=account.id,
                    ignore_changes=CREATION_ONLY_ACCOUNT_INPUTS,
                ),
            )

        self.ou_ids = _id_map(self.organizational_units)
        self.account_ids = _id_map(self.accounts)
        self.register_outputs(
            {
                "organizationId": self.organization_id,
                "rootId": self.root_id,
                "managementAccountId": self.management_account_id,
                "ouIds": self.ou_ids,
                "accountIds": self.account_ids,
            }
        )

    def ou_id(self, path: str) -> pulumi.Output[str]:
        """The id of a declared OU, by path."""
        return self.organizational_units[path].id

    def account_id(self, name: str) -> pulumi.Output[str]:
        """The id of a declared member account, by name."""
        return self.accounts[name].id


def _root_id(roots: Any) -> str:
    return str(roots[0].id)


def _id_map(resources: dict[str, Any]) -> pulumi.Output[dict[str, str]]:
    return pulumi.Output.all(**{key: res.id for key, res in resources.items()}).apply(dict)


def missing_trusted_access(
    existing: aws.organizations.GetOrganizationResult, config: OrganizationConfig
) -> list[str]:
    """The service principals rootguard needs that have no trusted access yet."""
    return sorted(set(config.service_principals) - set(existing.aws_service_access_principals))


def _verify_adopted(
    existing: aws.organizations.GetOrganizationResult, config: OrganizationConfig
) -> None:
    """What no resource can switch on for an adopted organization must already be on:
    all features and the SCP policy type (pulumi-aws has no resource for either outside
    `aws.organizations.Organization`, which would take over the organization)."""
    problems: list[str] = []
    if existing.feature_set != "ALL":
        problems.append(
            f"feature set is {existing.feature_set}, not ALL "
            "(aws organizations enable-all-features)"
        )
    root = existing.roots[0]
    scp_enabled = any(
        p.type == SCP_POLICY_TYPE and p.status == "ENABLED" for p in root.policy_types
    )
    if not scp_enabled:
        problems.append(
            "SCPs are not enabled (aws organizations enable-policy-type "
            f"--root-id {root.id} --policy-type {SCP_POLICY_TYPE})"
        )
    if problems:
        raise RootGuardError(
            f"rootguard:organization.mode: adopted organization {existing.id} is not ready: "
            + "; ".join(problems)
        )
