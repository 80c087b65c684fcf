"""`rootguard:contacts`: who AWS contacts about an account, and who can prove a root recovery.

Alternate contacts (SECURITY, OPERATIONS, BILLING) are set on every account from one
organization-wide default, with per-account overrides. SECURITY is required: it is the
address AWS writes to about a security event, such as a compromised root user. The optional
primary contact of the management account carries the phone number AWS calls to verify a
root-user recovery. Limits are AWS Account Management's own (PutAlternateContact,
PutContactInformation), so a value that passes here is one AWS accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import AccountId, InvalidKey, Matching, StrictModel, no_duplicates, shorten
from .organization import OrganizationConfig

ContactType = Literal["security", "operations", "billing"]
CONTACT_TYPES: tuple[ContactType, ...] = ("security", "operations", "billing")

# AWS limits: AlternateContact Name 1-64, Title 1-50, EmailAddress 1-254 with the pattern
# below, PhoneNumber 1-25 of [\s0-9()+-]; ContactInformation PhoneNumber 1-20 starting "+".
# We ask more of a phone number than AWS does: "+", a country code and 7-15 digits in all
# (E.164), because a number without its country code fails the one call that matters,
# the one made from another country during an incident.
_TEXT = r"\S(?:[^\x00-\x1f\x7f]*\S)?"  # printable, no leading or trailing blanks
_INTERNATIONAL_PHONE = r"\+[1-9](?:[ ()-]*[0-9]){6,14}"
_PHONE_WHAT = (
    "a phone number in international format: '+', the country code, then the number, "
    "like +1 206 555 0100 (digits, spaces, ( ) and -"
)

ContactName = Annotated[
    str, Matching(_TEXT, "a name of 1-64 characters, no leading or trailing spaces", max_length=64)
]
ContactTitle = Annotated[
    str,
    Matching(_TEXT, "a title of 1-50 characters, no leading or trailing spaces", max_length=50),
]
ContactEmail = Annotated[
    str,
    Matching(
        r"[A-Za-z0-9_+=.#|!&-]+@[A-Za-z0-9_.-]+\.[A-Za-z0-9_]+",
        "an email address like security@example.com (5-254 characters)",
        min_length=5,
        max_length=254,
    ),
]
ContactPhone = Annotated[
    str, Matching(_INTERNATIONAL_PHONE, f"{_PHONE_WHAT}; 8-25 characters)", 8, 25)
]
PrimaryPhone = Annotated[
    str, Matching(_INTERNATIONAL_PHONE, f"{_PHONE_WHAT}; 8-20 characters)", 8, 20)
]


def _text(max_length: int) -> Matching:
    return Matching(
        _TEXT, f"1-{max_length} characters, no leading or trailing spaces", max_length=max_length
    )


class Contact(StrictModel):
    """One alternate contact. Prefer a role and a group mailbox over one person."""

    name: ContactName = Field(description="Person or team, e.g. 'Security Operations'.")
    title: ContactTitle = Field(description="Role, e.g. 'Security on-call'.")
    email: ContactEmail = Field(description="A monitored mailbox, ideally a group address.")
    phone: ContactPhone = Field(description="International format, e.g. +1 206 555 0100.")

    def same_mailbox(self, other: Contact) -> bool:
        # Email addresses are compared case-insensitively: AWS mail to either lands in the
        # same inbox, which is what "distinct contacts" is meant to prevent.
        return self.email.lower() == other.email.lower()


class ContactOverride(StrictModel):
    """Contacts of one account that differ from the default; each replaces that type whole."""

    security: Contact | None = None
    operations: Contact | None = None
    billing: Contact | None = None

    @model_validator(mode="after")
    def _sets_something(self) -> ContactOverride:
        if not self.types:
            raise ValueError("sets no contact; give security, operations or billing")
        return self

    @property
    def types(self) -> dict[ContactType, Contact]:
        found = {kind: getattr(self, kind) for kind in CONTACT_TYPES}
        return {kind: contact for kind, contact in found.items() if contact is not None}


class DefaultContacts(ContactOverride):
    """The organization-wide contacts. SECURITY is required: it is the emergency contact."""

    security: Contact = Field(description="Who AWS contacts about a security event.")


class PrimaryContactInfo(StrictModel):
    """The management account's primary contact (AWS Account Management ContactInformation).

    AWS calls this phone number to verify the caller's identity when the root user's MFA
    device is lost, so it must reach someone who can answer for the company at any time.
    """

    full_name: Annotated[str, _text(50)]
    company_name: Annotated[str, _text(50)] | None = None
    address_line1: Annotated[str, _text(60)]
    address_line2: Annotated[str, _text(60)] | None = None
    address_line3: Annotated[str, _text(60)] | None = None
    city: Annotated[str, _text(50)]
    state_or_region: Annotated[str, _text(50)] | None = Field(
        default=None, description="Required by AWS in some countries."
    )
    district_or_county: Annotated[str, _text(50)] | None = None
    postal_code: Annotated[str, _text(20)]
    country_code: Annotated[
        str, Matching(r"[A-Z]{2}", "an ISO 3166 two-letter country code like US", 2, 2)
    ]
    phone: PrimaryPhone = Field(description="The number AWS calls to verify a root recovery.")
    website_url: (
        Annotated[str, Matching(r"https?://\S+", "a URL like https://example.com", 8, 256)] | None
    ) = None


@dataclass(frozen=True)
class SharedContact:
    """A SECURITY contact that shares its mailbox with another contact type of one account."""

    path: str  # key below `rootguard:contacts` to change
    message: str


class ContactsConfig(StrictModel):
    """`rootguard:contacts`."""

    default: DefaultContacts = Field(description="Contacts applied to every account.")
    overrides: dict[str, ContactOverride] = Field(
        default_factory=dict,
        description=(
            "Per-account contacts, keyed by an account name from rootguard:organization.accounts "
            "or an id from existingAccounts; each contact given replaces the default of its type."
        ),
    )
    existing_accounts: list[AccountId] = Field(
        default_factory=list,
        description=(
            "Ids of member accounts not declared in rootguard:organization that should get the "
            "default contacts too (not the management account: it always gets them)."
        ),
    )
    management_account: PrimaryContactInfo | None = Field(
        default=None,
        description="Primary contact of the management account; its phone verifies root recovery.",
    )
    distinct_security_contact: Literal["warn", "error"] = Field(
        default="warn",
        description=(
            "What to do when an account's SECURITY contact shares its email address with its "
            "BILLING or OPERATIONS contact: report a warning, or reject the config."
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> ContactsConfig:
        no_duplicates("existingAccounts", self.existing_accounts)
        if self.distinct_security_contact == "error":
            shared = self.shared_security_contacts()
            if shared:
                raise InvalidKey(shared[0].path, shared[0].message)
        return self

    def contacts_for(self, account: str | None) -> dict[ContactType, Contact]:
        """Effective contacts of an account (name or existing id; None: the management account)."""
        contacts = dict(self.default.types)
        override = self.overrides.get(account) if account is not None else None
        if override is not None:
            contacts.update(override.types)
        return contacts

    def shared_security_contacts(self) -> list[SharedContact]:
        """Every SECURITY contact that shares a mailbox with BILLING or OPERATIONS.

        The default is reported once; an override is reported only when it causes the clash
        (a clash inherited from the default would only repeat the default's finding).
        """
        found = [
            SharedContact(f"default.{path}", message)
            for path, message in _clashes(
                self.default.types, set(CONTACT_TYPES), "default SECURITY contact"
            )
        ]
        for account, override in self.overrides.items():
            found.extend(
                SharedContact(f"overrides.{account}.{path}", message)
                for path, message in _clashes(
                    self.contacts_for(account),
                    set(override.types),
                    f"SECURITY contact of account {shorten(account)}",
                )
            )
        return found


def _clashes(
    contacts: dict[ContactType, Contact], changed: set[ContactType], subject: str
) -> list[tuple[str, str]]:
    """(key path, message) for each type whose mailbox equals SECURITY's, if either changed."""
    security = contacts["security"]
    found = []
    for kind in ("operations", "billing"):
        other = contacts.get(kind)
        if other is None or not security.same_mailbox(other):
            continue
        if not changed & {"security", kind}:
            continue
        where = "security" if "security" in changed else kind
        found.append(
            (
                f"{where}.email",
                f"the {subject} shares the mailbox {shorten(security.email)} with its "
                f"{kind.upper()} contact; give security events their own monitored mailbox",
            )
        )
    return found


MANAGEMENT = "management"


def contact_slug(account: str) -> str:
    """The account part of a contact's resource name: `Prod Workloads` -> `prod-workloads`."""
    return re.sub(r"[^a-z0-9]+", "-", account.lower()).strip("-") or "account"


def check_contact_targets(contacts: ContactsConfig, organization: OrganizationConfig) -> None:
    """Cross-check `contacts` against the accounts declared in `organization`.

    Raises InvalidKey with a path below the whole stack config (`contacts.overrides.x`).
    """
    declared = {account.name: account.id for account in organization.accounts}
    existing = set(contacts.existing_accounts)
    for account in contacts.overrides:
        if account not in declared and account not in existing:
            known = ", ".join(sorted(declared)) or "none"
            raise InvalidKey(
                f"contacts.overrides.{account}",
                f"account {shorten(account)} is neither declared in "
                "rootguard:organization.accounts "
                f"(declared: {known}) nor listed in existingAccounts",
            )
    declared_ids = {account_id: name for name, account_id in declared.items() if account_id}
    for index, account_id in enumerate(contacts.existing_accounts):
        if account_id in declared_ids:
            raise InvalidKey(
                f"contacts.existingAccounts[{index}]",
                f"{shorten(account_id)} is declared as account "
                f"{shorten(declared_ids[account_id])} in "
                "rootguard:organization.accounts, which already gets contacts; remove it here",
            )
    # Contact resources are named after the account; two accounts must not share a name.
    owners: dict[str, str] = {MANAGEMENT: "the management account"}
    targets = [
        (f"organization.accounts[{i}].name", a.name) for i, a in enumerate(organization.accounts)
    ]
    targets += [
        (f"contacts.existingAccounts[{i}]", a) for i, a in enumerate(contacts.existing_accounts)
    ]
    for path, account in targets:
        slug = contact_slug(account)
        if slug in owners:
            raise InvalidKey(
                path,
                f"account {shorten(account)} and {owners[slug]} would share the contact "
                "resource names "
                f"'<name>-{slug}-<type>'; names must differ in more than case or punctuation",
            )
        owners[slug] = f"account {shorten(account)}"
