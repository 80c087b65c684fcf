"""RootGuard: the whole root-user baseline for one organization, from one validated config."""

from __future__ import annotations

import pulumi

from .config import RootGuardConfig
from .guardrails import Guardrails, GuardrailsArgs
from .organization import Organization, OrganizationArgs
from .password_policy import PasswordPolicy, PasswordPolicyArgs
from .root_access import RootAccess, RootAccessArgs


class RootGuard(pulumi.ComponentResource):
    """Composes every concern; each child is also usable on its own from other projects."""

    organization: Organization
    guardrails: Guardrails
    root_access: RootAccess
    password_policy: PasswordPolicy

    def __init__(
        self, name: str, config: RootGuardConfig, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("rootguard:index:RootGuard", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.organization = Organization(
            f"{name}-organization", OrganizationArgs(config.organization), child
        )
        self.guardrails = Guardrails(
            f"{name}-guardrails",
            GuardrailsArgs.for_organization(
                config.guardrails, config.organization, self.organization
            ),
            child,
        )
        self.root_access = RootAccess(
            f"{name}-root-access",
            RootAccessArgs(config.root_access, depends_on=self.organization.trusted_access),
            child,
        )
        self.password_policy = PasswordPolicy(
            f"{name}-password-policy", PasswordPolicyArgs(config.password_policy), child
        )

        self.register_outputs(
            {
                "organizationId": self.organization.organization_id,
                "rootId": self.organization.root_id,
                "guardrailPolicyIds": self.guardrails.policy_ids,
                "rootAccessFeatures": self.root_access.enabled_features,
            }
        )
