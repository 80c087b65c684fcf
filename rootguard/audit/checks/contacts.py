"""Contact checks: a distinct SECURITY alternate contact everywhere; a reachable primary contact.

Evidence names contacts by email but never prints a full phone number: reports travel to
CI logs and code scanning.
"""

from __future__ import annotations

from ..catalog import check
from ..facts import AccountContacts, AuditFacts, Skipped, Unavailable
from ..model import Finding

SECURITY = "SECURITY"


def contact_findings(facts: AuditFacts) -> list[Finding]:
    findings: list[Finding] = []
    management = facts.management.account_id
    accounts: list[tuple[str, AccountContacts | Skipped]] = [
        (management, facts.management_contacts)
    ]
    for account in sorted(facts.organization.members, key=lambda a: (a.name, a.id)):
        member = facts.members.get(account.id)
        accounts.append((account.id, member.contacts if member else Skipped("not collected")))
    for account_id, contacts in accounts:
        findings.extend(_alternate_contacts(account_id, contacts))
    findings.append(_primary_contact(facts))
    return findings


def _alternate_contacts(account_id: str, contacts: AccountContacts | Skipped) -> list[Finding]:
    present, distinct = check("CONTACT-SECURITY"), check("CONTACT-DISTINCT")
    resource = f"{account_id}/alternate-contact/{SECURITY}"
    if isinstance(contacts, Skipped):
        return [
            c.not_applicable(account_id, resource, contacts.reason) for c in (present, distinct)
        ]
    security = contacts.contacts.get(SECURITY)
    if isinstance(security, Unavailable):
        return [c.unknown(account_id, resource, security.reason) for c in (present, distinct)]
    if security is None:
        return [
            present.failed(account_id, resource, "no SECURITY alternate contact"),
            distinct.not_applicable(account_id, resource, "no SECURITY contact to compare"),
        ]
    findings = [
        present.passed(account_id, resource, f"SECURITY contact {security.name} <{security.email}>")
    ]
    shared: list[str] = []
    for kind in ("BILLING", "OPERATIONS"):
        other = contacts.contacts.get(kind)
        if isinstance(other, Unavailable):
            findings.append(distinct.unknown(account_id, resource, other.reason))
            return findings
        if other is not None and other.email.strip().lower() == security.email.strip().lower():
            shared.append(kind)
    if shared:
        findings.append(
            distinct.failed(
                account_id,
                resource,
                f"the SECURITY contact <{security.email}> is also the {' and '.join(shared)} "
                "contact",
            )
        )
    else:
        findings.append(
            distinct.passed(
                account_id,
                resource,
                f"<{security.email}> is not the BILLING or OPERATIONS contact",
            )
        )
    return findings


def _primary_contact(facts: AuditFacts) -> Finding:
    item = check("CONTACT-PRIMARY")
    account = facts.management.account_id
    resource = f"{account}/contact-information"
    info = facts.management.contact_information
    if isinstance(info, Unavailable):
        return item.unknown(account, resource, info.reason)
    if info is None:
        return item.failed(account, resource, "no primary contact information on file")
    if not info.phone_number.strip():
        return item.failed(account, resource, f"primary contact {info.full_name} has no phone")
    return item.passed(
        account,
        resource,
        f"primary contact {info.full_name}, {info.country_code} phone ending "
        f"{mask_phone(info.phone_number)}",
    )


def mask_phone(phone: str) -> str:
    digits = [c for c in phone if c.isdigit()]
    return "".join(digits[-2:]) if len(digits) > 2 else "**"
