"""RootGuard: the whole root-user baseline for one organization, from one validated config."""

import re
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel

from . import preflight
from .alarms import SecurityAlarms
from .args import Validated, links_of, validated
from .config import RootGuardConfig
from .config.guardrails import GuardrailsConfig
from .config.organization import OrganizationConfig
from .contacts import RecoveryContacts
from .guardrail_targets import Target
from .guardrails import Guardrails
from .inputs import RootGuardArgs as RootGuardArgs  # re-exported
from .organization import Organization
from .password_policy import PasswordPolicy
from .root_access import RootAccess
from .trail import OrgTrail

NO_CONTACTS_WARNING = (
    "rootguard:contacts is not set: no SECURITY alternate contact is managed, so AWS may have "
    "no one to reach about a security event or a root recovery (see README, Contacts)"
)


def adopted_trail_warning(trail_arn: str, log_group_name: str) -> str:
    return (
        f"rootguard:trail.existing: no trail is created; the alarms use the existing trail "
        f"{trail_arn} and its log group {log_group_name}, which rootguard does not manage "
        "(keep it multi-region, logging and delivering to that group; the audit judges it)"
    )


_LINKS = links_of(RootGuardArgs, RootGuardConfig)


class RootGuard(pulumi.ComponentResource):
    """The root-user baseline of an AWS Organization: the organization and its accounts,
    root-restricting SCPs, centralized root access, the password policy, recovery contacts, an
    organization trail and CIS alarms. Each part is also a component of its own."""

    organization_id: pulumi.Output[str]
    root_id: pulumi.Output[str]
    management_account_id: pulumi.Output[str]
    ou_ids: pulumi.Output[dict[str, str]]
    """Every declared OU's id, by path."""
    account_ids: pulumi.Output[dict[str, str]]
    """Every declared member account's id, by name."""
    guardrail_policy_ids: pulumi.Output[list[str]]
    root_access_features: pulumi.Output[list[str]]
    security_contacts: pulumi.Output[dict[str, str]] | None
    """Each account's SECURITY contact email; absent when `contacts` is not set."""
    trail_arn: pulumi.Output[str]
    trail_bucket_name: pulumi.Output[str] | None
    """The bucket of the trail rootguard creates; absent with `trail.existing`."""
    trail_log_group_name: pulumi.Output[str]
    alarm_topic_arn: pulumi.Output[str]
    alarm_arns: pulumi.Output[dict[str, str]]
    """Each alarm's ARN, by control id."""

    @classmethod
    def from_config(
        cls, name: str, config: RootGuardConfig, opts: pulumi.ResourceOptions | None = None
    ) -> "RootGuard":
        """The baseline from an already validated stack config (rootguard.program)."""
        return cls(name, _plain(config), opts)

    def __init__(
        self, name: str, args: RootGuardArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        config = validated(RootGuardConfig, args, links=_LINKS, where=f"RootGuard {name!r}")
        if config.organization.mode == "adopt":
            # Reads only, and before anything is registered: a full target stops the run.
            _preflight(name, config)
        super().__init__("rootguard:index:RootGuard", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # The children get their validated sections (the cross-section rules were checked
        # on the whole config), plus the links they need.
        self.organization = Organization(f"{name}-organization", _plain(config.organization), child)
        organization_id = self.organization.organization_id
        attach_to = _attachment_ids(config.guardrails, config.organization, self.organization)
        self.guardrails = Guardrails(
            f"{name}-guardrails",
            _plain(
                config.guardrails,
                attach_to=attach_to,
                organization_id=organization_id,
            ),
            child,
        )
        self.root_access = RootAccess(
            f"{name}-root-access",
            _plain(config.root_access, organization_id=organization_id),
            child,
        )
        self.password_policy = PasswordPolicy(
            f"{name}-password-policy", _plain(config.password_policy), child
        )

        self.contacts: RecoveryContacts | None = None
        if config.contacts is None:
            pulumi.log.warn(NO_CONTACTS_WARNING)
        else:
            members = {
                a.name: self.organization.account_id(a.name) for a in config.organization.accounts
            }
            self.contacts = RecoveryContacts(
                f"{name}-contacts",
                _plain(config.contacts, member_accounts=members, organization_id=organization_id),
                child,
            )
        existing = config.trail.existing
        self.trail: OrgTrail | None = None
        if existing is None:
            self.trail = OrgTrail(
                f"{name}-trail", _plain(config.trail, organization_id=organization_id), child
            )
            trail_arn = self.trail.trail_arn
            log_group_name = self.trail.log_group_name
            self.trail_bucket_name = self.trail.bucket_name
        else:
            # A trail managed elsewhere (Control Tower's, say): nothing of it is registered,
            # changed or imported; the alarms only add metric filters on its log group.
            pulumi.log.warn(adopted_trail_warning(existing.trail_arn, existing.log_group_name))
            trail_arn = pulumi.Output.from_input(existing.trail_arn)
            log_group_name = pulumi.Output.from_input(existing.log_group_name)
            self.trail_bucket_name = None
        self.alarms = SecurityAlarms(
            f"{name}-alarms",
            _plain(config.alarms, log_group_name=log_group_name),
            child,
        )

        self.organization_id = organization_id
        self.root_id = self.organization.root_id
        self.management_account_id = self.organization.management_account_id
        self.ou_ids = self.organization.ou_ids
        self.account_ids = self.organization.account_ids
        self.guardrail_policy_ids = self.guardrails.policy_ids
        self.root_access_features = self.root_access.enabled_features
        self.security_contacts = None if self.contacts is None else self.contacts.security_contacts
        self.trail_arn = trail_arn
        self.trail_log_group_name = log_group_name
        self.alarm_topic_arn = self.alarms.topic_arn
        self.alarm_arns = self.alarms.alarm_arns
        self.register_outputs(
            {
                "organizationId": self.organization_id,
                "rootId": self.root_id,
                "guardrailPolicyIds": self.guardrail_policy_ids,
                "rootAccessFeatures": self.root_access_features,
                **(
                    {"securityContacts": self.security_contacts}
                    if self.security_contacts is not None
                    else {}
                ),
                "trailArn": self.trail_arn,
                "trailLogGroupName": self.trail_log_group_name,
                "trailAdopted": existing is not None,
                "alarmTopicArn": self.alarm_topic_arn,
            }
        )


def _plain(section: BaseModel, **links: object) -> Any:
    """A validated section as a child's args: the model itself, plus links."""
    return Validated(section, **links)


def _attachment_ids(
    guardrails: GuardrailsConfig,
    organization_config: OrganizationConfig,
    organization: Organization,
) -> dict[str, pulumi.Input[str]]:
    """Where the SCPs attach, routed around the exemptions, as label -> root, OU or account id."""

    def target_id(target: Target) -> pulumi.Input[str]:
        if target.kind == "root":
            return organization.root_id
        if target.kind == "ou":
            return organization.ou_id(target.key)
        return organization.account_id(target.key)

    return {
        target.label: target_id(target)
        for target in guardrails.attachment_targets(organization_config)
    }


def _preflight(name: str, config: RootGuardConfig) -> None:
    """Adopt mode: count the live SCPs on every existing target (rootguard/preflight.py)."""
    organization = aws.organizations.get_organization()
    root_id = organization.roots[0].id
    declared_ous = {ou.path: ou.id for ou in config.organization.organizational_units}
    declared_accounts = {a.name: a.id for a in config.organization.accounts}

    def existing(target: Target) -> tuple[str, str | None]:
        if target.kind == "root":
            return "the root", root_id
        if target.kind == "ou":
            return f"OU {target.key}", declared_ous.get(target.key)
        return f"account {target.key}", declared_accounts.get(target.key)

    attach_to = {
        label: target_id
        for label, target_id in map(
            existing, config.guardrails.attachment_targets(config.organization)
        )
        if target_id is not None
    }
    # The root and every adopted OU: their SCPs reach the accounts below them too.
    also_read = {"the root": root_id} | {
        f"OU {path}": ou_id for path, ou_id in declared_ous.items() if ou_id is not None
    }
    # Routing around an exemption attaches to declared children only: the live nodes on
    # that route must have no other children (rootguard/preflight.py).
    account_ous = {a.name: a.ou for a in config.organization.accounts}
    holders = preflight.exemption_holders(
        config.guardrails.targets,
        config.guardrails.exempt_ous,
        [account_ous[name] for name in config.guardrails.exempt_accounts],
    )
    live_ids = {"": root_id} | {p: i for p, i in declared_ous.items() if i is not None}
    preflight.check_no_silent_gaps(
        {path: live_ids[path] for path in holders if path in live_ids},
        declared_ous,
        {a.name: (a.ou, a.id) for a in config.organization.accounts},
        organization.master_account_id,
    )
    preflight.run(
        attach_to,
        also_read,
        needed=len(config.guardrails.policies()),
        quota=config.guardrails.max_policies_per_target,
        own_policy=re.compile(rf"{re.escape(name)}-guardrails-\d+"),
        partition=aws.get_partition().partition,
    )
