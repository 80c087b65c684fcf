"""RootGuard: the whole root-user baseline for one organization, from one validated config."""

from __future__ import annotations

import pulumi

from .config import RootGuardConfig
from .organization import Organization, OrganizationArgs


class RootGuard(pulumi.ComponentResource):
    """Composes every concern; each child is also usable on its own from other projects."""

    organization: Organization

    def __init__(
        self, name: str, config: RootGuardConfig, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("rootguard:index:RootGuard", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.organization = Organization(
            f"{name}-organization", OrganizationArgs(config.organization), child
        )

        self.register_outputs(
            {
                "organizationId": self.organization.organization_id,
                "rootId": self.organization.root_id,
            }
        )
