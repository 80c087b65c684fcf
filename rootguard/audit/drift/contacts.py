"""Drift of `rootguard:contacts`: alternate contacts per account, the primary contact."""

from __future__ import annotations

from rootguard.config import RootGuardConfig
from rootguard.config.contacts import Contact, PrimaryContactInfo

from ..catalog import check
from ..facts import AccountContacts, AlternateContact, AuditFacts, Skipped, Unavailable
from ..model import Finding


def contact_drift(facts: AuditFacts, config: RootGuardConfig) -> list[Finding]:
    """Every contact rootguard sets, as the config says; nothing when it manages none."""
    contacts = config.contacts
    if contacts is None:
        return []
    item = check("DRIFT-CONTACT")
    org = facts.organization
    management = org.management_account_id
    live_by_name = {account.name: account.id for account in org.members}
    targets: list[tuple[str | None, str, AccountContacts | Skipped]] = [
        (None, management, facts.management_contacts)
    ]
    for declared in config.organization.accounts:
        account_id = declared.id or live_by_name.get(declared.name)
        member = facts.members.get(account_id or "")
        if account_id and member is not None:
            targets.append((declared.name, account_id, member.contacts))
    for account_id in contacts.existing_accounts:
        member = facts.members.get(account_id)
        if member is None:
            targets.append((account_id, account_id, Skipped("not a member of the organization")))
        else:
            targets.append((account_id, account_id, member.contacts))
    findings: list[Finding] = []
    for name, account_id, live in targets:
        for kind, wanted in contacts.contacts_for(name).items():
            resource = f"{account_id}/alternate-contact/{kind.upper()}"
            if isinstance(live, Skipped):
                findings.append(item.failed(account_id, resource, live.reason))
                continue
            found = live.contacts.get(kind.upper())
            if isinstance(found, Unavailable):
                findings.append(item.unknown(account_id, resource, found.reason))
            elif found is None:
                findings.append(
                    item.failed(
                        account_id,
                        resource,
                        f"no {kind.upper()} contact; the config sets "
                        f"{wanted.name} <{wanted.email}>",
                    )
                )
            else:
                differences = _contact_differences(found, wanted)
                findings.append(
                    item.judged(
                        not differences,
                        account_id,
                        resource,
                        "; ".join(differences) or f"{kind.upper()} is {found.name} <{found.email}>",
                    )
                )
    if contacts.management_account is not None:
        findings.append(_primary_contact_drift(facts, contacts.management_account))
    return findings


def _contact_differences(found: AlternateContact, wanted: Contact) -> list[str]:
    differences = []
    for what, live, configured in (
        ("email", found.email.lower(), wanted.email.lower()),
        ("name", found.name, wanted.name),
        ("title", found.title, wanted.title),
        ("phone", _digits(found.phone), _digits(wanted.phone)),
    ):
        if live != configured:
            differences.append(f"{what} differs from the config")
    return differences


def _primary_contact_drift(facts: AuditFacts, wanted: PrimaryContactInfo) -> Finding:
    item = check("DRIFT-CONTACT")
    account = facts.organization.management_account_id
    resource = f"{account}/contact-information"
    found = facts.management.contact_information
    if isinstance(found, Unavailable):
        return item.unknown(account, resource, found.reason)
    if found is None:
        return item.failed(account, resource, "no primary contact information on file")
    differences = [
        f"{what} differs from the config"
        for what, live, configured in (
            ("full name", found.full_name, wanted.full_name),
            ("phone", _digits(found.phone_number), _digits(wanted.phone)),
            ("country", found.country_code, wanted.country_code),
        )
        if live != configured
    ]
    return item.judged(
        not differences,
        account,
        resource,
        "; ".join(differences) or "primary contact as configured",
    )


def _digits(phone: str) -> str:
    # AWS keeps numbers as given; +1 (206) 555-0100 and +12065550100 are the same line.
    return "".join(c for c in phone if c.isdigit())
