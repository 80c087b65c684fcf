"""Many accounts, audited concurrently in a bounded pool, against the shared fake over HTTP.

The same fake drives bench/audit_scale.py, so these tests also prove the benchmark measures
a complete, passing audit.
"""

from __future__ import annotations

from rootguard.audit.collect import CollectOptions
from rootguard.audit.model import Finding, Status
from rootguard.audit.runner import run_audit
from rootguard.audit.settings import AuditSettings
from tests.fakes import FakeAws, FakeOrganization

from .conftest import audit_clients

CALLS_PER_MEMBER = 8  # AssumeRoot, 4 root-session reads, 3 alternate contacts
MEMBER_ROOT_CHECKS = (
    "MEMBER-ROOT-PASSWORD",
    "MEMBER-ROOT-KEYS",
    "MEMBER-ROOT-MFA",
    "MEMBER-ROOT-CERTS",
)


def audit(fake: FakeAws, workers: int, max_attempts: int = 8) -> list[Finding]:
    run = run_audit(
        audit_clients(fake, workers, max_attempts=max_attempts),
        CollectOptions(max_workers=workers, report_timeout=5),
        AuditSettings(),
        sleep=lambda _: None,
    )
    return sorted(run.findings, key=Finding.sort_key)


def test_concurrent_audit_equals_sequential_and_passes() -> None:
    fake = FakeAws(FakeOrganization.secure(members=45, ous=12))
    sequential = audit(fake, workers=1)
    fake.reset_records()
    fake.latency = 0.003  # long enough for calls to overlap
    concurrent = audit(fake, workers=8)

    assert concurrent == sequential
    assert {f.status for f in concurrent} == {Status.PASS}
    assert len({f.account_id for f in concurrent}) == 46
    # Work really overlapped, and never beyond the pool (plus the waiting main thread).
    assert 1 < fake.max_in_flight <= 8 + 1
    # Every member costs the same few calls: nothing per account is listed twice.
    assert set(fake.calls_by_member().values()) == {CALLS_PER_MEMBER}


def test_one_accounts_denial_or_timeout_never_aborts_the_run() -> None:
    org = FakeOrganization.secure(members=30, ous=5)
    denied, slow = org.members[3].id, org.members[17].id
    org.deny_assume_root(denied)
    fake = FakeAws(org)
    fake.inject("timeout", "GetAlternateContact", account=slow)

    # Two retries (botocore's max_attempts counts retries): a timeout is retried, and a call
    # that keeps timing out gives up.
    findings = audit(fake, workers=6, max_attempts=2)

    unknown = {(f.check_id, f.account_id) for f in findings if f.status is Status.UNKNOWN}
    assert unknown == {
        *((check_id, denied) for check_id in MEMBER_ROOT_CHECKS),
        ("CONTACT-SECURITY", slow),
        ("CONTACT-DISTINCT", slow),
    }
    reasons = {f.evidence for f in findings if f.status is Status.UNKNOWN}
    assert any(r.startswith("AccessDenied on sts:AssumeRoot") for r in reasons)
    assert any(
        r.startswith("ReadTimeoutError on account:GetAlternateContact(SECURITY)") for r in reasons
    )
    assert not [f for f in findings if f.status is Status.FAIL]
    assert fake.count("GetAlternateContact", slow) == 3 * (1 + 2)  # each type, retried twice
    # Every other account was still audited.
    assert len({f.account_id for f in findings}) == 31
