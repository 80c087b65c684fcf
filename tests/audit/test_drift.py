"""Drift: the live organization (moto) against a stack's validated config."""

from __future__ import annotations

import io
from typing import Any

from rootguard.audit.collect import CollectOptions
from rootguard.audit.model import Finding, Status
from rootguard.audit.runner import run_audit
from rootguard.audit.settings import AuditSettings
from rootguard.cli import main
from rootguard.config import RootGuardConfig, load_config
from tests.config_samples import ALARMS

from .world import World, deploy_guardrails, stack_config

GUARDRAILS: dict[str, Any] = {
    "exemptPrincipals": ["arn:aws:iam::*:role/BreakGlassAdmin"],
    "exemptAccounts": ["sandbox-1"],
}


def audit(world: World, config: RootGuardConfig) -> list[Finding]:
    run = run_audit(
        world.audit_clients(),
        CollectOptions(max_workers=1, report_timeout=5),
        AuditSettings(),
        config=config,
        sleep=lambda _: None,
    )
    world.assert_stubs_used()
    return run.findings


def drift(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.check_id.startswith("DRIFT-")]


def test_what_rootguard_deploys_passes_the_audit_and_shows_no_drift(world: World) -> None:
    config = stack_config(world, guardrails=GUARDRAILS)
    deploy_guardrails(world, config)

    findings = audit(world, config)

    assert [f for f in findings if f.status not in (Status.PASS, Status.NOT_APPLICABLE)] == []
    # The rendered guardrails are judged by content and deny root everywhere in scope...
    scp = {f.resource: f for f in findings if f.check_id == "SCP-DENY-ROOT"}
    sandbox = world.accounts["sandbox-1"]
    assert scp[sandbox].status is Status.NOT_APPLICABLE  # ...except the exempt account
    assert scp[world.ous["Security"]].status is Status.PASS
    assert "rootguard-guardrails-" in scp[world.ous["Security"]].evidence
    # Every declared OU, account and attachment was compared.
    kinds = {f.check_id for f in drift(findings)}
    assert kinds == {"DRIFT-OU", "DRIFT-ACCOUNT", "DRIFT-SCP", "DRIFT-ALARM"}
    assert all(f.status is Status.PASS for f in drift(findings))


def test_each_difference_is_a_finding(world: World) -> None:
    config = stack_config(world, guardrails=GUARDRAILS)
    deploy_guardrails(world, config)
    # Someone moves an account, adds an OU, and moves a guardrail attachment onto it...
    org = world.client("organizations")
    payments = world.accounts["payments"]
    org.move_account(
        AccountId=payments,
        SourceParentId=world.ous["Workloads/Prod"],
        DestinationParentId=world.ous["Sandbox"],
    )
    rogue = org.create_organizational_unit(ParentId=world.root_id, Name="Rogue")
    rogue_id = rogue["OrganizationalUnit"]["Id"]
    policy = world.policies["guardrails-1"]
    world.detach("guardrails-1", world.ous["Security"])
    world.attach("guardrails-1", rogue_id)
    # ...and the stack declares an account that was never created.
    declared = config.organization.model_dump(by_alias=True, exclude_none=True)
    declared["accounts"].append(
        {"name": "ghost", "email": "aws+ghost@example.com", "ou": "Sandbox"}
    )
    config = load_config({"organization": declared, "guardrails": GUARDRAILS, "alarms": ALARMS})

    failing = sorted(
        (f.check_id, f.resource, f.evidence)
        for f in drift(audit(world, config))
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


def test_an_scp_edited_in_the_console_is_drift(world: World) -> None:
    config = stack_config(world, guardrails=GUARDRAILS)
    (policy, *_) = deploy_guardrails(world, config)
    world.client("organizations").update_policy(
        PolicyId=policy,
        Content='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}',
    )

    findings = audit(world, config)

    edited = [f for f in drift(findings) if f.check_id == "DRIFT-SCP" and f.status is Status.FAIL]
    assert len(edited) == 1
    assert "no SCP has the content rootguard renders for DenyRootActions" in edited[0].evidence
    # And the posture checks see the root-deny is gone, wherever that policy carried it.
    assert any(f.check_id == "SCP-DENY-ROOT" and f.status is Status.FAIL for f in findings)


def test_cli_reads_the_stack_and_reports_drift(world: World) -> None:
    out = io.StringIO()
    code = main(
        ["audit", "--stack", "dev", "--max-workers", "1", "--no-progress", "--format", "json"],
        stdout=out,
        on_new_client=world.on_new_client,
    )
    assert code == 1  # the dev stack declares an organization unlike this one
    assert '"stack": "dev"' in out.getvalue()
    assert '"checkId": "DRIFT-ACCOUNT"' in out.getvalue()


def contacts_section(world: World) -> dict[str, Any]:
    """rootguard:contacts as the world has them (see World.put_contacts)."""

    def contact(kind: str, mailbox: str) -> dict[str, str]:
        return {
            "name": f"{kind} team",
            "title": f"{kind} on call",
            "email": f"{mailbox}@example.com",
            "phone": "+1 206 555 0123",
        }

    info = world.contact_information or {}
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


def test_contacts_and_alarms_drift(world: World) -> None:
    sections: dict[str, Any] = {
        "contacts": contacts_section(world),
        "alarms": {"email": ["security@example.com"]},
    }
    clean = audit(world, stack_config(world, **sections))
    compared = [f for f in drift(clean) if f.check_id in ("DRIFT-CONTACT", "DRIFT-ALARM")]
    assert len(compared) == 3 * 6 + 1 + 16 + 1  # contacts, primary, alarms, subscription
    assert all(f.status is Status.PASS for f in compared), [
        f.evidence for f in compared if f.status is not Status.PASS
    ]

    payments = world.accounts["payments"]
    world.client("account").put_alternate_contact(
        AccountId=payments,
        AlternateContactType="SECURITY",
        EmailAddress="someone@example.com",
        Name="Security team",
        Title="Security on call",
        PhoneNumber="+12065550123",
    )
    world.client("logs").delete_metric_filter(logGroupName="org-trail", filterName="rootguard-4-5")
    sections["alarms"] = {
        "email": ["security@example.com", "oncall@example.com"],
        "disabled": ["vpc-changes"],
    }

    failing = sorted(
        (f.check_id, f.resource, f.evidence)
        for f in drift(audit(world, stack_config(world, **sections)))
        if f.status is not Status.PASS and f.check_id in ("DRIFT-CONTACT", "DRIFT-ALARM")
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
            "DRIFT-ALARM",
            "subscription:oncall@example.com",
            f"oncall@example.com is not subscribed to {world.topics['security']}",
        ),
        (
            "DRIFT-CONTACT",
            f"{payments}/alternate-contact/SECURITY",
            "email differs from the config",
        ),
    ]
