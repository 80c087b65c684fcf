"""Contacts through the real program: every stack, create and adopt modes, warnings, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from rootguard.baseline import NO_CONTACTS_WARNING
from rootguard.cli import main
from rootguard.config.stack_file import load_stack_config, stack_names, stack_path
from rootguard.offline.engine import Recording
from rootguard.offline.fake_aws import FakeAws
from rootguard.offline.plan import plan_stack
from tests.conftest import minimal_organization

CONTACT = "aws:account/alternativeContact:AlternativeContact"
RunStack = Callable[..., Recording]


def contacts_section(**changes: Any) -> dict[str, Any]:
    section: dict[str, Any] = {
        "default": {
            "security": {
                "name": "Security Operations",
                "title": "Security on-call",
                "email": "security@example.com",
                "phone": "+1 206 555 0100",
            },
            "operations": {
                "name": "Platform SRE",
                "title": "Operations on-call",
                "email": "sre@example.com",
                "phone": "+1 206 555 0110",
            },
        }
    }
    section.update(changes)
    return section


def security_contacts_by_account(recording: Recording) -> dict[str | None, str]:
    """accountId (None: the management account) -> the SECURITY contact's email."""
    return {
        c.inputs.get("accountId"): c.inputs["emailAddress"]
        for c in recording.of_type(CONTACT)
        if c.inputs["alternateContactType"] == "SECURITY"
    }


@pytest.mark.parametrize("stack", stack_names())
def test_every_stack_sets_a_security_contact_on_every_account(stack: str) -> None:
    config = load_stack_config(stack)
    assert config.contacts is not None, f"{stack} must manage contacts"
    recording = plan_stack(stack)
    account_ids = recording.exports["accountIds"]
    expected = {
        None: config.contacts.contacts_for(None)["security"].email,
        **{
            account_ids[a.name]: config.contacts.contacts_for(a.name)["security"].email
            for a in config.organization.accounts
        },
        **{
            account_id: config.contacts.contacts_for(account_id)["security"].email
            for account_id in config.contacts.existing_accounts
        },
    }
    assert security_contacts_by_account(recording) == expected
    assert set(recording.exports["securityContacts"]) == {
        "management",
        *config.organization.account_names,
        *config.contacts.existing_accounts,
    }
    assert recording.warnings == []


def test_prod_plan_shows_the_payments_override_and_the_recovery_phone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plan", "prod"]) == 0
    printed = capsys.readouterr().out
    assert "AlternativeContact rootguard-contacts-management-security" in printed
    assert "AlternativeContact rootguard-contacts-payments-security" in printed
    assert '"payments": "payments-security@example.com"' in printed
    assert "PrimaryContact rootguard-contacts-management-primary" in printed
    recording = plan_stack("prod")
    payments = recording.named("rootguard-contacts-payments-security").inputs
    assert payments["accountId"] == "410987654321"
    assert payments["emailAddress"] == "payments-security@example.com"


def test_created_organization_enables_account_management_before_member_contacts(
    run_stack: RunStack,
) -> None:
    recording = run_stack(
        {
            "rootguard:organization": minimal_organization(mode="create"),
            "rootguard:contacts": contacts_section(existingAccounts=["123456789012"]),
        }
    )
    [organization] = recording.of_type("aws:organizations/organization:Organization")
    assert "account.amazonaws.com" in organization.inputs["awsServiceAccessPrincipals"]
    members = [c for c in recording.of_type(CONTACT) if "accountId" in c.inputs]
    assert {c.inputs["accountId"] for c in members} >= {"123456789012"}
    assert len(members) == 4  # (log-archive, 123456789012) x (SECURITY, OPERATIONS)
    for contact in members:
        assert organization.urn in contact.dependencies, contact.name
    management = [c for c in recording.of_type(CONTACT) if "accountId" not in c.inputs]
    assert len(management) == 2


def test_adopted_organization_without_account_management_access_enables_it_first(
    run_stack: RunStack,
) -> None:
    fake = FakeAws()
    fake.organization["awsServiceAccessPrincipals"] = ["cloudtrail.amazonaws.com"]
    recording = run_stack(
        {
            "rootguard:organization": minimal_organization(),
            "rootguard:contacts": contacts_section(),
        },
        fake=fake,
    )
    access = {
        r.inputs["servicePrincipal"]: r
        for r in recording.of_type("aws:organizations/awsServiceAccess:AwsServiceAccess")
    }
    assert "account.amazonaws.com" in access
    members = [c for c in recording.of_type(CONTACT) if "accountId" in c.inputs]
    assert members
    for contact in members:
        assert access["account.amazonaws.com"].urn in contact.depends_on, contact.name


def test_without_contacts_the_program_warns_and_manages_none(run_stack: RunStack) -> None:
    recording = run_stack({"rootguard:organization": minimal_organization()})
    assert recording.of_type(CONTACT) == []
    assert recording.warnings == [NO_CONTACTS_WARNING]
    assert "securityContacts" not in recording.exports


def test_a_shared_security_mailbox_warns_in_the_program_and_the_plan(run_stack: RunStack) -> None:
    section = contacts_section()
    section["default"]["operations"]["email"] = "Security@example.com"
    recording = run_stack(
        {"rootguard:organization": minimal_organization(), "rootguard:contacts": section}
    )
    assert recording.warnings == [
        "rootguard:contacts.default.security.email: the default SECURITY contact shares the "
        "mailbox 'security@example.com' with its OPERATIONS contact; give security events "
        "their own monitored mailbox (set distinctSecurityContact: error to reject this)"
    ]
    assert len(security_contacts_by_account(recording)) == 2  # still deployed


def test_plan_prints_warnings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dev = stack_path("dev").read_text()
    assert "aws-platform-dev@" in dev
    shared = dev.replace("aws-platform-dev@", "aws-security@")
    (tmp_path / "Pulumi.shared.yaml").write_text(shared)
    assert main(["plan", "shared", "--stacks-dir", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert (
        "Warnings:\n   rootguard:contacts.default.security.email: the default SECURITY" in printed
    )


def test_a_shared_security_mailbox_in_error_mode_registers_nothing(run_stack: RunStack) -> None:
    section = contacts_section(distinctSecurityContact="error")
    section["default"]["operations"]["email"] = "security@example.com"
    fake = FakeAws()
    with pytest.raises(pulumi.RunError, match=r"^rootguard:contacts\.default\.security\.email: "):
        run_stack(
            {"rootguard:organization": minimal_organization(), "rootguard:contacts": section},
            fake=fake,
        )
    assert fake.registered == []


def test_bad_contact_in_a_stack_fails_the_program_before_registering(run_stack: RunStack) -> None:
    section = contacts_section()
    section["default"]["security"]["phone"] = "(206) 555-0100"
    fake = FakeAws()
    with pytest.raises(
        pulumi.RunError,
        match=r"^rootguard:contacts\.default\.security\.phone: must be a phone number in "
        r"international format",
    ):
        run_stack(
            {"rootguard:organization": minimal_organization(), "rootguard:contacts": section},
            fake=fake,
        )
    assert fake.registered == []
