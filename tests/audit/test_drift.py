"""Drift: the live organization (the shared fake, over HTTP) against a stack's validated config."""

from __future__ import annotations

import io
import json
from typing import Any

from rootguard.alarm_catalog import load_catalog
from rootguard.audit.model import Finding, Status
from rootguard.cli import main
from rootguard.config import RootGuardConfig, load_config
from tests.config_samples import ALARMS
from tests.fakes import FakeAws, FakeOrganization
from tests.fakes.organization import LOG_GROUP, Contact
from tests.fakes.stack import deploy_guardrails, stack_config

from .conftest import audit as run

GUARDRAILS: dict[str, Any] = {
    "exemptPrincipals": ["arn:aws:iam::*:role/BreakGlassAdmin"],
    "exemptAccounts": ["sandbox-1"],
}


def audit(fake: FakeAws, config: RootGuardConfig) -> list[Finding]:
    return run(fake, config=config)


def drift(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.check_id.startswith("DRIFT-")]


def test_what_rootguard_deploys_passes_the_audit_and_shows_no_drift(
    org: FakeOrganization, fake: FakeAws
) -> None:
    config = stack_config(org, guardrails=GUARDRAILS)
    deploy_guardrails(org, config)

    findings = audit(fake, config)

    assert [f for f in findings if f.status not in (Status.PASS, Status.NOT_APPLICABLE)] == []
    # The rendered guardrails are judged by content and deny root everywhere in scope...
    scp = {f.resource: f for f in findings if f.check_id == "SCP-DENY-ROOT"}
    sandbox = org.account_id("sandbox-1")
    assert scp[sandbox].status is Status.NOT_APPLICABLE  # ...except the exempt account
    assert scp[org.ou_id("Security")].status is Status.PASS
    assert "rootguard-guardrails-" in scp[org.ou_id("Security")].evidence
    # Every declared OU, account and attachment was compared.
    kinds = {f.check_id for f in drift(findings)}
    assert kinds == {"DRIFT-OU", "DRIFT-ACCOUNT", "DRIFT-SCP", "DRIFT-ALARM", "DRIFT-ALARM-TOPIC"}
    assert all(f.status is Status.PASS for f in drift(findings))


def test_each_difference_is_a_finding(org: FakeOrganization, fake: FakeAws) -> None:
    config = stack_config(org, guardrails=GUARDRAILS)
    (policy,) = deploy_guardrails(org, config)
    # Someone moves an account, adds an OU, and moves a guardrail attachment onto it...
    payments = org.account_id("payments")
    org.account(payments).parent_id = org.ou_id("Sandbox")
    rogue_id = org.add_ou("Rogue").id
    org.detach(policy, org.ou_id("Security"))
    org.attach(policy, rogue_id)
    # ...and the stack declares an account that was never created.
    declared = config.organization.model_dump(by_alias=True, exclude_none=True)
    declared["accounts"].append(
        {"name": "ghost", "email": "aws+ghost@example.com", "ou": "Sandbox"}
    )
    config = load_config({"organization": declared, "guardrails": GUARDRAILS, "alarms": ALARMS})

    failing = sorted(
        (f.check_id, f.resource, f.evidence)
        for f in drift(audit(fake, config))
        if f.status is not Status.PASS
    )

    (scp_resource,) = {f"scp:{'+'.join(p.statement_ids)}" for p in config.guardrails.policies()}
    assert failing == sorted(
        [
            (
                "DRIFT-ACCOUNT",
                "account:payments",
                f"account {payments}: OU is 'Sandbox', config says 'Workloads/Prod'",
            ),
            (
                "DRIFT-ACCOUNT",
                "account:ghost",
                "declared account ghost <aws+ghost@example.com> does not exist",
            ),
            (
                "DRIFT-OU",
                "ou:Rogue",
                f"OU Rogue ({rogue_id}) exists but the stack config does not declare it",
            ),
            (
                "DRIFT-SCP",
                scp_resource,
                f"rootguard-guardrails-1 ({policy}) is not attached to ou:Security",
            ),
            # Sandbox holds the exempt sandbox-1, so the guardrails go to ghost directly.
            ("DRIFT-SCP", scp_resource, "target account:ghost does not exist"),
            (
                "DRIFT-SCP",
                scp_resource,
                f"rootguard-guardrails-1 ({policy}) is also attached to ou:Rogue, which the "
                "stack config does not target",
            ),
        ]
    )


def test_an_scp_edited_in_the_console_is_drift(org: FakeOrganization, fake: FakeAws) -> None:
    config = stack_config(org, guardrails=GUARDRAILS)
    (policy, *_) = deploy_guardrails(org, config)
    deny_s3 = {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    org.policy(policy).document = json.dumps({"Version": "2012-10-17", "Statement": [deny_s3]})

    findings = audit(fake, config)

    edited = [f for f in drift(findings) if f.check_id == "DRIFT-SCP" and f.status is Status.FAIL]
    assert len(edited) == 1
    assert "no SCP has the content rootguard renders for DenyRootActions" in edited[0].evidence
    # And the posture checks see the root-deny is gone, wherever that policy carried it.
    assert any(f.check_id == "SCP-DENY-ROOT" and f.status is Status.FAIL for f in findings)


def test_cli_reads_the_stack_and_reports_drift(fake: FakeAws) -> None:
    out = io.StringIO()
    code = main(
        ["audit", "--stack", "dev", "--max-workers", "1", "--no-progress", "--format", "json"],
        stdout=out,
        on_new_client=fake.attach,
    )
    assert code == 1  # the dev stack declares an organization unlike this one
    assert '"stack": "dev"' in out.getvalue()
    assert '"checkId": "DRIFT-ACCOUNT"' in out.getvalue()


def contacts_section(org: FakeOrganization) -> dict[str, Any]:
    """rootguard:contacts as the organization has them (organization.default_contacts)."""

    def contact(kind: str, mailbox: str) -> dict[str, str]:
        return {
            "name": f"{kind} team",
            "title": f"{kind} on call",
            "email": f"{mailbox}@example.com",
            "phone": "+1 206 555 0123",
        }

    info = org.contact_information or {}
    return {
        "default": {
            "security": contact("Security", "security"),
            "billing": contact("Billing", "billing"),
            "operations": contact("Operations", "cloud-ops"),
        },
        "managementAccount": {
            "fullName": info["FullName"],
            "addressLine1": info["AddressLine1"],
            "city": info["City"],
            "postalCode": info["PostalCode"],
            "countryCode": info["CountryCode"],
            "phone": "+1 (206) 555-0100",
        },
    }


def test_contacts_and_alarms_drift(org: FakeOrganization, fake: FakeAws) -> None:
    sections: dict[str, Any] = {
        "contacts": contacts_section(org),
        "alarms": {"email": ["security@example.com"]},
    }
    clean = audit(fake, stack_config(org, **sections))
    alarm_checks = ("DRIFT-CONTACT", "DRIFT-ALARM", "DRIFT-ALARM-TOPIC")
    compared = [f for f in drift(clean) if f.check_id in alarm_checks]
    enabled = len([d for d in load_catalog() if d.enabled])
    # contacts, primary; each alarm, and where it notifies; the topic and its subscriber
    assert len(compared) == 3 * 6 + 1 + enabled * 2 + 1 + 1
    assert all(f.status is Status.PASS for f in compared), [
        f.evidence for f in compared if f.status is not Status.PASS
    ]

    payments = org.account_id("payments")
    org.account(payments).contacts["SECURITY"] = Contact(
        "Security team", "someone@example.com", "+12065550123", "Security on call"
    )
    org.metric_filters[LOG_GROUP] = [
        f for f in org.metric_filters[LOG_GROUP] if f.name != "rootguard-4-5"
    ]
    sections["alarms"] = {
        "email": ["security@example.com", "oncall@example.com"],
        "disabled": ["vpc-changes"],
    }

    failing = sorted(
        (f.check_id, f.resource, f.evidence)
        for f in drift(audit(fake, stack_config(org, **sections)))
        if f.status is not Status.PASS and f.check_id in alarm_checks
    )

    assert failing == [
        (
            "DRIFT-ALARM",
            "alarm:4.14",
            "disabled in the stack config, but filter "
            "rootguard-4-14 still publishes RootGuard/CIS/VPCChanges",
        ),
        (
            "DRIFT-ALARM",
            "alarm:4.5",
            "no metric filter publishes RootGuard/CIS/CloudTrailConfigChanges",
        ),
        (
            "DRIFT-ALARM-TOPIC",
            "subscription:rootguard-security-alarms/oncall@example.com",
            f"oncall@example.com is not subscribed to {org.topic_arn('rootguard-security-alarms')}",
        ),
        (
            "DRIFT-CONTACT",
            f"{payments}/alternate-contact/SECURITY",
            "email differs from the config",
        ),
    ]
