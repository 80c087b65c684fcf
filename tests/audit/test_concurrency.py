"""Many accounts, audited concurrently in a bounded pool, against the in-memory organization.

The same fake drives bench/audit_scale.py, so these tests also prove the benchmark measures
a complete, passing audit.
"""

from __future__ import annotations

from bench.audit_fake import REGION, FakeOrganization
from rootguard.audit.aws import Clients
from rootguard.audit.collect import CollectOptions
from rootguard.audit.model import Finding, Status
from rootguard.audit.runner import run_audit
from rootguard.audit.settings import AuditSettings

CALLS_PER_MEMBER = 8  # AssumeRoot, 4 root-session reads, 3 alternate contacts
MEMBER_ROOT_CHECKS = (
    "MEMBER-ROOT-PASSWORD",
    "MEMBER-ROOT-KEYS",
    "MEMBER-ROOT-MFA",
    "MEMBER-ROOT-CERTS",
)


def audit(fake: FakeOrganization, workers: int) -> list[Finding]:
    clients = Clients(None, REGION, max_workers=workers, on_new_client=fake.attach)
    run = run_audit(
        clients,
        CollectOptions(max_workers=workers, report_timeout=5),
        AuditSettings(),
        sleep=lambda _: None,
    )
    return sorted(run.findings, key=Finding.sort_key)


def test_concurrent_audit_equals_sequential_and_passes() -> None:
    fake = FakeOrganization(accounts=45, ous=12)
    sequential = audit(fake, workers=1)
    fake.calls.clear()
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
    fake = FakeOrganization(accounts=30, ous=5)
    denied, slow = fake.members[3], fake.members[17]
    fake.deny_assume_root.add(denied)
    fake.slow_contacts.add(slow)

    findings = audit(fake, workers=6)

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
    # Every other account was still audited.
    assert len({f.account_id for f in findings}) == 31
