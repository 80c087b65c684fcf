"""RecoveryContacts under mocks: every account gets its contacts, in the right order."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from rootguard.config.contacts import ContactsConfig
from rootguard.contacts import RecoveryContacts
from rootguard.offline import Recording, Registration, run_program
from tests.conftest import plain_args

CONTACT = "aws:account/alternativeContact:AlternativeContact"
PRIMARY = "aws:account/primaryContact:PrimaryContact"
EXISTING = "123456789012"

SECTION: dict[str, Any] = {
    "default": {
        "security": {
            "name": "Security Operations",
            "title": "Security on-call",
            "email": "security@example.com",
            "phone": "+1 206 555 0100",
        },
        "billing": {
            "name": "Finance",
            "title": "Accounts payable",
            "email": "aws-billing@example.com",
            "phone": "+1 206 555 0101",
        },
    },
    "overrides": {
        "Prod Workloads": {
            "operations": {
                "name": "Platform SRE",
                "title": "Operations on-call",
                "email": "sre@example.com",
                "phone": "+44 20 7946 0000",
            }
        }
    },
    "existingAccounts": [EXISTING],
    "managementAccount": {
        "fullName": "Example Corp Cloud Team",
        "addressLine1": "1 Main Street",
        "city": "Seattle",
        "stateOrRegion": "WA",
        "postalCode": "98101",
        "countryCode": "US",
        "phone": "+1 206 555 0199",
    },
}


def run(section: dict[str, Any] = SECTION) -> Recording:
    def program() -> None:
        # Stand-ins for what the Organization component provides: trusted access for
        # account.amazonaws.com and the declared member accounts' ids.
        trusted = aws.organizations.Organization(
            "org", aws_service_access_principals=["account.amazonaws.com"], feature_set="ALL"
        )
        accounts = {
            name: aws.organizations.Account(name.lower(), name=name, email=email).id
            for name, email in [("Prod Workloads", "p@example.com"), ("Dev", "d@example.com")]
        }
        contacts = RecoveryContacts(
            "contacts",
            plain_args(
                ContactsConfig, section, member_accounts=accounts, organization_id=trusted.id
            ),
        )
        pulumi.export("security_contacts", contacts.security_contacts)

    return run_program(program)


def account_of(recording: Recording, contact: Registration) -> str:
    """The contact's target: 'management' or the declared account's name / existing id."""
    account_id = contact.inputs.get("accountId")
    if account_id is None:
        return "management"
    names = {r.id: r.inputs["name"] for r in recording.of_type("aws:organizations/account:Account")}
    return names.get(account_id, account_id)


def test_every_account_gets_its_contact_types_with_overrides_applied() -> None:
    recording = run()
    found = {
        (account_of(recording, c), c.inputs["alternateContactType"]): c.inputs["emailAddress"]
        for c in recording.of_type(CONTACT)
    }
    assert found == {
        ("management", "SECURITY"): "security@example.com",
        ("management", "BILLING"): "aws-billing@example.com",
        ("Prod Workloads", "SECURITY"): "security@example.com",
        ("Prod Workloads", "BILLING"): "aws-billing@example.com",
        ("Prod Workloads", "OPERATIONS"): "sre@example.com",
        ("Dev", "SECURITY"): "security@example.com",
        ("Dev", "BILLING"): "aws-billing@example.com",
        (EXISTING, "SECURITY"): "security@example.com",
        (EXISTING, "BILLING"): "aws-billing@example.com",
    }
    ops = recording.named("contacts-prod-workloads-operations").inputs
    assert (ops["name"], ops["title"], ops["phoneNumber"]) == (
        "Platform SRE",
        "Operations on-call",
        "+44 20 7946 0000",
    )


def test_the_management_account_is_written_without_an_account_id() -> None:
    recording = run()
    management = [
        c for c in recording.of_type(CONTACT) if c.name.startswith("contacts-management-")
    ]
    assert sorted(c.inputs["alternateContactType"] for c in management) == ["BILLING", "SECURITY"]
    assert all("accountId" not in c.inputs for c in management)
    members = [c for c in recording.of_type(CONTACT) if c not in management]
    assert len(members) == 7
    assert all(c.inputs.get("accountId") for c in members)


def test_every_member_contact_waits_for_account_management_trusted_access() -> None:
    recording = run()
    trusted = recording.named("org").urn
    members = [c for c in recording.of_type(CONTACT) if "accountId" in c.inputs]
    assert members
    for contact in members:
        assert trusted in contact.dependencies, contact.name


def test_declared_member_contacts_also_wait_for_their_account() -> None:
    recording = run()
    dev = recording.named("dev").urn
    assert dev in recording.named("contacts-dev-security").depends_on


def test_contacts_are_children_named_after_account_and_type_and_kept_on_delete() -> None:
    recording = run()
    component = recording.named("contacts")
    assert component.type == "rootguard:index:RecoveryContacts"
    children = recording.children(component)
    assert {c.name for c in children} == {
        "contacts-management-security",
        "contacts-management-billing",
        "contacts-management-primary",
        "contacts-prod-workloads-security",
        "contacts-prod-workloads-billing",
        "contacts-prod-workloads-operations",
        "contacts-dev-security",
        "contacts-dev-billing",
        f"contacts-{EXISTING}-security",
        f"contacts-{EXISTING}-billing",
    }
    assert all(c.retain_on_delete for c in children)


def test_the_management_primary_contact_carries_the_recovery_phone() -> None:
    recording = run()
    [primary] = recording.of_type(PRIMARY)
    assert "accountId" not in primary.inputs
    assert primary.inputs["phoneNumber"] == "+1 206 555 0199"
    assert primary.inputs["fullName"] == "Example Corp Cloud Team"
    assert (primary.inputs["countryCode"], primary.inputs["stateOrRegion"]) == ("US", "WA")


def test_no_primary_contact_unless_configured() -> None:
    section = {key: value for key, value in SECTION.items() if key != "managementAccount"}
    recording = run(section)
    assert recording.of_type(PRIMARY) == []
    outputs = recording.component_outputs[recording.named("contacts").urn]
    assert outputs["primaryContactManaged"] is False


def test_outputs_name_the_security_contact_of_every_account() -> None:
    recording = run()
    expected = {
        "management": "security@example.com",
        "Prod Workloads": "security@example.com",
        "Dev": "security@example.com",
        EXISTING: "security@example.com",
    }
    assert recording.exports["security_contacts"] == expected
    outputs = recording.component_outputs[recording.named("contacts").urn]
    assert outputs["primaryContactManaged"] is True


def test_a_shared_security_mailbox_is_logged_as_a_warning() -> None:
    section = {**SECTION, "default": {**SECTION["default"]}}
    section["default"]["billing"] = {
        **section["default"]["billing"],
        "email": "security@example.com",
    }
    recording = run(section)
    assert recording.warnings == [
        "rootguard:contacts.default.security.email: the default SECURITY contact shares the "
        "mailbox 'security@example.com' with its BILLING contact; give security events their "
        "own monitored mailbox (set distinctSecurityContact: error to reject this)"
    ]
    assert len(recording.of_type(CONTACT)) == 9  # a warning does not stop the deployment


def test_distinct_contacts_log_no_warning() -> None:
    assert run().warnings == []
