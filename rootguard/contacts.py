"""RecoveryContacts: the alternate contacts of every account, and the management account's
primary contact.

AWS writes to the SECURITY alternate contact about security events in an account (a root user
signing in from somewhere new, exposed keys, abuse reports), and support uses the contacts on
file when a root user must be recovered. Every account gets the organization-wide default
with per-account overrides. Member accounts are written from the management account with
`account_id`, which needs trusted access for AWS Account Management (`account.amazonaws.com`);
the management account itself is written without it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .args import links_of, validated, waits_for
from .config.contacts import MANAGEMENT, ContactsConfig, contact_slug
from .errors import RootGuardError
from .inputs import RecoveryContactsArgs as RecoveryContactsArgs  # re-exported

_LINKS = links_of(RecoveryContactsArgs, ContactsConfig)


@dataclass(frozen=True)
class _Target:
    label: str  # "management", a member account's name, or an existing account id
    account_id: pulumi.Input[str] | None  # None: the account running the program
    override_key: str | None  # key into contacts.overrides (None: management)


class RecoveryContacts(pulumi.ComponentResource):
    """SECURITY/OPERATIONS/BILLING contacts on every account, and the primary contact."""

    security_contacts: pulumi.Output[dict[str, str]]
    """Account (name, existing id or "management") -> its SECURITY contact's email."""
    primary_contact_managed: pulumi.Output[bool]
    """Whether the management account's primary contact is managed here."""

    def __init__(
        self,
        name: str,
        args: RecoveryContactsArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        where = f"RecoveryContacts {name!r}"
        config = validated(ContactsConfig, args, links=_LINKS, where=where)
        members: Mapping[str, pulumi.Input[str]] = args.get("member_accounts") or {}
        _check_targets(config, members, where)
        super().__init__("rootguard:index:RecoveryContacts", name, None, opts)
        self._warn_shared_mailboxes(config)
        organization_id = args.get("organization_id")
        trusted_access = [] if organization_id is None else [waits_for(organization_id)]

        targets = [_Target(MANAGEMENT, None, None)]
        targets += [_Target(n, account_id, n) for n, account_id in members.items()]
        targets += [_Target(i, i, i) for i in config.existing_accounts]

        security: dict[str, str] = {}
        for target in targets:
            contacts = config.contacts_for(target.override_key)
            member = target.account_id is not None
            for kind, contact in contacts.items():
                aws.account.AlternativeContact(
                    f"{name}-{contact_slug(target.label)}-{kind}",
                    account_id=target.account_id,
                    alternate_contact_type=kind.upper(),
                    name=contact.name,
                    title=contact.title,
                    email_address=contact.email,
                    phone_number=contact.phone,
                    opts=pulumi.ResourceOptions(
                        parent=self,
                        depends_on=trusted_access if member else None,
                        # Removing an account from the stack, or renaming it, must not leave
                        # the account with no one on file: the contact stays in AWS.
                        retain_on_delete=True,
                    ),
                )
            security[target.label] = contacts["security"].email

        primary = config.management_account
        if primary is not None:
            aws.account.PrimaryContact(
                f"{name}-{MANAGEMENT}-primary",
                full_name=primary.full_name,
                company_name=primary.company_name,
                address_line1=primary.address_line1,
                address_line2=primary.address_line2,
                address_line3=primary.address_line3,
                city=primary.city,
                state_or_region=primary.state_or_region,
                district_or_county=primary.district_or_county,
                postal_code=primary.postal_code,
                country_code=primary.country_code,
                phone_number=primary.phone,
                website_url=primary.website_url,
                # AWS has no way to delete a primary contact; keep Pulumi from pretending to.
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )

        self.security_contacts = pulumi.Output.from_input(security)
        self.primary_contact_managed = pulumi.Output.from_input(primary is not None)
        self.register_outputs(
            {
                "securityContacts": self.security_contacts,
                "primaryContactManaged": self.primary_contact_managed,
            }
        )

    @staticmethod
    def _warn_shared_mailboxes(config: ContactsConfig) -> None:
        # In "error" mode the config was rejected before anything was registered; here only
        # warnings remain. Logged without a resource so the message is sent synchronously.
        for shared in config.shared_security_contacts():
            pulumi.log.warn(
                f"rootguard:contacts.{shared.path}: {shared.message} "
                "(set distinctSecurityContact: error to reject this)"
            )


def _check_targets(config: ContactsConfig, members: Mapping[str, object], where: str) -> None:
    """Overrides must name an account that gets contacts, and resource names must not clash.

    RootGuard checks the same against the organization config (naming the stack keys);
    this covers the component used on its own.
    """
    known = set(members) | set(config.existing_accounts)
    for account in config.overrides:
        if account not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise RootGuardError(
                f"{where}: overrides.{account}: account {account!r} is neither in member_accounts "
                f"nor in existing_accounts (known: {listed})"
            )
    owners: dict[str, str] = {contact_slug(MANAGEMENT): "the management account"}
    for account in [*members, *config.existing_accounts]:
        slug = contact_slug(account)
        if slug in owners:
            raise RootGuardError(
                f"{where}: member_accounts: account {account!r} and {owners[slug]} would share "
                f"the contact resource names '<name>-{slug}-<type>'"
            )
        owners[slug] = f"account {account!r}"
