"""RootGuard: the whole root-user baseline for one organization, from one validated config."""

from __future__ import annotations

import pulumi

from .alarms import SecurityAlarms, SecurityAlarmsArgs
from .config import RootGuardConfig
from .contacts import RecoveryContacts, RecoveryContactsArgs
from .guardrails import Guardrails, GuardrailsArgs
from .organization import Organization, OrganizationArgs
from .password_policy import PasswordPolicy, PasswordPolicyArgs
from .root_access import RootAccess, RootAccessArgs
from .trail import OrgTrail, OrgTrailArgs

NO_CONTACTS_WARNING = (
    "rootguard:contacts is not set: no SECURITY alternate contact is managed, so AWS may have "
    "no one to reach about a security event or a root recovery (see README, Contacts)"
)


class RootGuard(pulumi.ComponentResource):
    """Composes every concern; each child is also usable on its own from other projects."""

    organization: Organization
    guardrails: Guardrails
    root_access: RootAccess
    password_policy: PasswordPolicy
    contacts: RecoveryContacts | None
    trail: OrgTrail
    alarms: SecurityAlarms

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

        self.contacts = None
        if config.contacts is None:
            pulumi.log.warn(NO_CONTACTS_WARNING)
        else:
            members = {
                a.name: self.organization.account_id(a.name) for a in config.organization.accounts
            }
            self.contacts = RecoveryContacts(
                f"{name}-contacts",
                RecoveryContactsArgs(config.contacts, members, self.organization.trusted_access),
                child,
            )
        self.trail = OrgTrail(
            f"{name}-trail",
            OrgTrailArgs(
                config.trail,
                organization_id=self.organization.organization_id,
                trusted_access=self.organization.trusted_access,
            ),
            child,
        )
        self.alarms = SecurityAlarms(
            f"{name}-alarms",
            SecurityAlarmsArgs(config.alarms, log_group_name=self.trail.log_group_name),
            child,
        )

        self.register_outputs(
            {
                "organizationId": self.organization.organization_id,
                "rootId": self.organization.root_id,
                "guardrailPolicyIds": self.guardrails.policy_ids,
                "rootAccessFeatures": self.root_access.enabled_features,
                **(
                    {"securityContacts": self.contacts.security_contacts}
                    if self.contacts is not None
                    else {}
                ),
                "trailArn": self.trail.trail_arn,
                "alarmTopicArn": self.alarms.topic_arn,
            }
        )
