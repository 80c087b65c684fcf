"""End to end over HTTP: a secure organization passes; an insecure one fails exactly.

The organization is the shared fake (tests/fakes), answered at botocore's HTTP layer, so
every request is serialized, signed and parsed as against AWS. The insecure organization
breaks seven things at once; the test lists every finding that is not a pass, by (check,
account, resource, status), and the evidence each must carry.
"""

from __future__ import annotations

from collections import Counter

import pytest

from rootguard.alarm_catalog import load_catalog
from rootguard.audit.catalog import checks
from rootguard.audit.model import Finding, Status
from tests.fakes import MANAGEMENT, MEMBERS, OUS, FakeAws, FakeOrganization
from tests.fakes.organization import GUARDRAILS_NAME, AccessKey

from .conftest import audit


def not_passing(findings: list[Finding]) -> dict[tuple[str, str, str], Finding]:
    return {
        (f.check_id, f.account_id, f.resource): f for f in findings if f.status is not Status.PASS
    }


def test_secure_organization_passes_every_check(fake: FakeAws) -> None:
    findings = audit(fake)

    assert not_passing(findings) == {}
    # Every check ran, and ran on everything it should: nothing passes by being skipped.
    counts = Counter(f.check_id for f in findings)
    # (Drift needs a stack; so do rootguard's own alarms, which are not CIS controls.)
    not_without_a_stack = {c for c in checks() if c.startswith("DRIFT-")}
    own = {f"ALARM-{d.id}" for d in load_catalog() if not d.is_cis}
    assert set(counts) == set(checks()) - not_without_a_stack - own
    members = len(MEMBERS)
    for check_id in ("MEMBER-ROOT-PASSWORD", "MEMBER-ROOT-KEYS"):
        assert counts[check_id] == members
    assert counts["SCP-DENY-ROOT"] == 1 + len(OUS) + members  # root, every OU, every member
    assert counts["CONTACT-SECURITY"] == 1 + members  # the management account too
    # Member root credentials were read in audit sessions only.
    assert {c.root_task for c in fake.calls if c.root_task} == {"IAMAuditRootUserCredentials"}


def test_insecure_organization_fails_exactly_the_broken_checks(
    org: FakeOrganization, fake: FakeAws
) -> None:
    org.add_root_access_key()
    org.remove_root_mfa()
    org.stop_trail()
    unconfirmed_topic = org.leave_alarm_unconfirmed("4.3")
    org.delete_contact("payments", "SECURITY")
    # The guardrails leave the organization root but stay on Workloads.
    org.detach(GUARDRAILS_NAME, org.root_id)
    org.attach(GUARDRAILS_NAME, org.ou_id("Workloads"))
    org.deny_assume_root("sandbox-1")

    found = not_passing(audit(fake))

    root_arn = f"arn:aws:iam::{MANAGEMENT}:root"
    trail = org.trail.arn
    log_group = org.log_group_arn
    payments, sandbox = org.account_id("payments"), org.account_id("sandbox-1")
    outside_workloads = [
        (MANAGEMENT, org.root_id),
        (MANAGEMENT, org.ou_id("Security")),
        (MANAGEMENT, org.ou_id("Sandbox")),
        *((org.account_id(n), org.account_id(n)) for n in ("log-archive", "audit", "sandbox-1")),
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
            (check_id, account, target): (Status.FAIL, "SCPs in effect: FullAWSAccess")
            for account, target in outside_workloads
            for check_id in ("SCP-DENY-ROOT", "SCP-DENY-ROOT-KEYS")
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
def test_other_insecurities_fail_their_check(
    org: FakeOrganization, fake: FakeAws, insecurity: str
) -> None:
    payments = org.account_id("payments")
    if insecurity == "member root keys":
        org.account(payments).root.access_keys["AKIAIOSFODNN7EXAMPLE"] = AccessKey("Inactive")
        org.account(payments).root.password = org.now
        expected = {
            ("MEMBER-ROOT-KEYS", payments): "root access keys: AKIAIOSFODNN7EXAMPLE (Inactive)",
            ("MEMBER-ROOT-PASSWORD", payments): "has a password",
        }
    elif insecurity == "virtual mfa":
        serial = org.assign_virtual_mfa_to_root()
        expected = {("ROOT-HW-MFA", MANAGEMENT): f"virtual MFA device assigned to root: {serial}"}
    else:
        org.management_root.report_row["access_key_1_last_used_date"] = org.now.strftime(
            "%Y-%m-%dT%H:%M:%S+00:00"
        )
        expected = {("ROOT-UNUSED", MANAGEMENT): "root access key 1 last used"}

    found = {(f.check_id, f.account_id): f for f in audit(fake) if f.status is not Status.PASS}

    assert set(found) == set(expected)
    for key, evidence in expected.items():
        assert found[key].status is Status.FAIL
        assert evidence in found[key].evidence


def test_http_path_through_a_loopback_server(fake: FakeAws) -> None:
    """The same secure organization, every call over real HTTP to a loopback server."""
    with fake.serve() as url:
        findings = audit(fake, max_workers=4, endpoint_url=url)

    assert not_passing(findings) == {}
    assert fake.count("ListAccountsForParent") == 1 + len(OUS)  # the root and every OU
    assert len(findings) > 50
