"""End to end against moto: a secure organization passes; an insecure one fails exactly.

The insecure organization breaks seven things at once; the test lists every finding that is
not a pass, by (check, account, resource, status), and the evidence each must carry.
"""

from __future__ import annotations

from collections import Counter

import pytest

from rootguard.audit.catalog import checks
from rootguard.audit.collect import CollectOptions
from rootguard.audit.model import Finding, Status
from rootguard.audit.runner import run_audit
from rootguard.audit.settings import AuditSettings

from .world import MANAGEMENT, MEMBERS, OUS, World


def audit(world: World, max_workers: int = 1) -> list[Finding]:
    run = run_audit(
        world.audit_clients(max_workers),
        CollectOptions(max_workers=max_workers, report_timeout=5),
        AuditSettings(),
        sleep=lambda _: None,
    )
    world.assert_stubs_used()
    return run.findings


def not_passing(findings: list[Finding]) -> dict[tuple[str, str, str], Finding]:
    return {
        (f.check_id, f.account_id, f.resource): f for f in findings if f.status is not Status.PASS
    }


def test_secure_organization_passes_every_check(world: World) -> None:
    findings = audit(world)

    assert not_passing(findings) == {}
    # Every check ran, and ran on everything it should: nothing passes by being skipped.
    counts = Counter(f.check_id for f in findings)
    # (Drift needs a stack; so does rootguard's own AssumeRoot alarm, which is not CIS.)
    not_without_a_stack = {c for c in checks() if c.startswith("DRIFT-")}
    assert set(counts) == set(checks()) - not_without_a_stack - {"ALARM-4.3-assumeroot"}
    members = len(MEMBERS)
    for check_id in ("MEMBER-ROOT-PASSWORD", "MEMBER-ROOT-KEYS"):
        assert counts[check_id] == members
    assert counts["SCP-DENY-ROOT"] == 1 + len(OUS) + members  # root, every OU, every member
    assert counts["CONTACT-SECURITY"] == 1 + members  # the management account too


def test_insecure_organization_fails_exactly_the_broken_checks(world: World) -> None:
    world.add_root_access_key()
    world.remove_root_mfa()
    world.stop_trail()
    unconfirmed_topic = world.leave_alarm_unconfirmed("4.3")
    world.delete_security_contact("payments")
    # The root-deny SCP leaves the organization root but stays on Workloads.
    world.detach("RootGuardDenyRoot", world.root_id)
    world.attach("RootGuardDenyRoot", world.ous["Workloads"])
    world.deny_assume_root("sandbox-1")

    found = not_passing(audit(world))

    root_arn = f"arn:aws:iam::{MANAGEMENT}:root"
    trail = world.trail_arn
    log_group = f"arn:aws:logs:us-east-1:{MANAGEMENT}:log-group:org-trail:*"
    payments, sandbox = world.accounts["payments"], world.accounts["sandbox-1"]
    outside_workloads = [
        (MANAGEMENT, world.root_id),
        (MANAGEMENT, world.ous["Security"]),
        (MANAGEMENT, world.ous["Sandbox"]),
        *((world.accounts[n], world.accounts[n]) for n in ("log-archive", "audit", "sandbox-1")),
    ]
    expected = {
        ("ROOT-NO-KEYS", MANAGEMENT, root_arn): (Status.FAIL, "AccountAccessKeysPresent=1"),
        ("ROOT-MFA", MANAGEMENT, root_arn): (Status.FAIL, "AccountMFAEnabled=0"),
        ("ROOT-HW-MFA", MANAGEMENT, root_arn): (Status.FAIL, "no MFA device"),
        ("TRAIL-LOGGING", MANAGEMENT, trail): (Status.FAIL, "IsLogging=false"),
        ("ALARM-4.3", MANAGEMENT, log_group): (
            Status.FAIL,
            f"notifies {unconfirmed_topic} (1 pending) with no confirmed subscription",
        ),
        ("CONTACT-SECURITY", payments, f"{payments}/alternate-contact/SECURITY"): (
            Status.FAIL,
            "no SECURITY alternate contact",
        ),
        ("CONTACT-DISTINCT", payments, f"{payments}/alternate-contact/SECURITY"): (
            Status.NOT_APPLICABLE,
            "no SECURITY contact to compare",
        ),
        **{
            ("SCP-DENY-ROOT", account, target): (
                Status.FAIL,
                "no SCP in effect denies every action by the root user; SCPs in effect: "
                "FullAWSAccess",
            )
            for account, target in outside_workloads
        },
        **{
            (check_id, sandbox, f"arn:aws:iam::{sandbox}:root"): (
                Status.UNKNOWN,
                "AccessDenied on sts:AssumeRoot: User: ",
            )
            for check_id in (
                "MEMBER-ROOT-PASSWORD",
                "MEMBER-ROOT-KEYS",
                "MEMBER-ROOT-MFA",
                "MEMBER-ROOT-CERTS",
            )
        },
    }
    assert set(found) == set(expected)
    for key, (status, evidence) in expected.items():
        assert found[key].status is status, key
        assert evidence in found[key].evidence, (key, found[key].evidence)


@pytest.mark.parametrize("insecurity", ["member root keys", "virtual mfa", "recent root use"])
def test_other_insecurities_fail_their_check(world: World, insecurity: str) -> None:
    payments = world.accounts["payments"]
    if insecurity == "member root keys":
        world.member_roots[payments].access_keys.append(("AKIAIOSFODNN7EXAMPLE", "Inactive"))
        world.member_roots[payments].password = True
        expected = {
            ("MEMBER-ROOT-KEYS", payments): "root access keys: AKIAIOSFODNN7EXAMPLE (Inactive)",
            ("MEMBER-ROOT-PASSWORD", payments): "has a password",
        }
    elif insecurity == "virtual mfa":
        serial = world.assign_virtual_mfa_to_root()
        expected = {("ROOT-HW-MFA", MANAGEMENT): f"virtual MFA device assigned to root: {serial}"}
    else:
        world.root_row["access_key_1_last_used_date"] = (world.now).strftime(
            "%Y-%m-%dT%H:%M:%S+00:00"
        )
        expected = {("ROOT-UNUSED", MANAGEMENT): "root access key 1 last used"}

    found = {(f.check_id, f.account_id): f for f in audit(world) if f.status is not Status.PASS}

    assert set(found) == set(expected)
    for key, evidence in expected.items():
        assert found[key].status is Status.FAIL
        assert evidence in found[key].evidence


def test_http_path_through_a_moto_server(server_world: World) -> None:
    """The same secure organization, every call over HTTP to a moto server on loopback."""
    findings = audit(server_world)

    assert not_passing(findings) == {}
    # The calls the audit made went to the server, not to an in-process mock.
    assert ("organizations", "ListAccountsForParent", None) in server_world.calls
    assert len(findings) > 50
