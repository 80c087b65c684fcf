"""Faults at the HTTP layer on any call: the run goes on, the affected checks are unknown.

Each fault is injected by the fake (tests/fakes) into the real wire exchange, so botocore's
retries see throttling and timeouts as they would from AWS. A fault that persists through
every retry makes the facts that call reads unavailable: the checks that need them are
`unknown` with the reason (the operation and AWS's error), every other finding is what a
clean run reports, and nothing is lost. Only the calls without which nothing can be judged
(who is calling, the organization and its tree) stop the run, with a one-line error.
"""

from __future__ import annotations

import io
import types
from collections import Counter

import botocore.endpoint
import pytest

from rootguard.audit.collect import CollectOptions
from rootguard.audit.model import Finding, Status
from rootguard.audit.quotas import quotas
from rootguard.audit.runner import run_audit
from rootguard.audit.settings import AuditSettings
from rootguard.cli import main
from tests.fakes import FakeAws, FakeOrganization
from tests.fakes.aws import FAULT_KINDS

from .conftest import audit, audit_clients

# The calls that decide whether an audit can run at all.
FATAL = {
    "GetCallerIdentity",
    "DescribeOrganization",
    "ListRoots",
    "ListOrganizationalUnitsForParent",
    "ListAccountsForParent",
}
PERSISTENT = ("throttle", "timeout", "access_denied", "garbled")
# Read only with a stack that declares chat channels (not in this module's stack-less run);
# their faults are tested in test_drift_chat.py.
STACK_ONLY = {"DescribeSlackChannelConfigurations", "ListMicrosoftTeamsChannelConfigurations"}


@pytest.fixture(autouse=True)
def _no_backoff_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore sleeps between retries in botocore.endpoint; the retries still happen."""
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=lambda _: None))


def findings_by_key(findings: list[Finding]) -> dict[tuple[str, str, str], Finding]:
    return {(f.check_id, f.account_id, f.resource): f for f in findings}


@pytest.fixture(scope="module")
def clean() -> tuple[dict[tuple[str, str, str], Finding], list[str]]:
    """A clean run's findings, and every operation the audit made (in first-call order)."""
    fake = FakeAws(FakeOrganization.secure())
    with pytest.MonkeyPatch.context() as env:  # module scope: before the per-test fixtures
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.setenv(key, "testing")
        env.setenv("AWS_CONFIG_FILE", "/nonexistent")
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        findings = audit(fake, max_workers=4)
    assert {f.status for f in findings} == {Status.PASS}
    operations = list(dict.fromkeys(c.operation for c in fake.calls))
    assert set(operations) == {op for op, _ in operations_under_test()}
    return findings_by_key(findings), operations


def operations_under_test() -> list[tuple[str, str]]:
    """Every API the audit calls without a stack (the quota table lists them; `clean` checks
    that), each with one persistent fault kind in turn, so all four kinds recur."""
    operations = [api.split(":", 1)[1] for api in quotas()]
    operations = [op for op in operations if op not in STACK_ONLY]
    return [(op, PERSISTENT[i % len(PERSISTENT)]) for i, op in enumerate(operations)]


@pytest.mark.parametrize(("operation", "kind"), operations_under_test())
def test_a_persistent_fault_on_any_call_loses_nothing_else(
    clean: tuple[dict[tuple[str, str, str], Finding], list[str]],
    operation: str,
    kind: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    baseline, _ = clean
    fake = FakeAws(FakeOrganization.secure())
    fake.inject(kind, operation)

    if operation in FATAL:  # the command stops with one line and exit 2
        code = main(["audit", "--no-progress"], stdout=io.StringIO(), on_new_client=fake.attach)
        err = capsys.readouterr().err
        assert code == 2
        assert err.count("\n") == 1 and "Traceback" not in err, err
        return
    found = findings_by_key(audit(fake, max_workers=4, max_attempts=2))

    # Every check on every account: nothing lost. (Resources may read "(no organization
    # trail)" where the trail itself could not be listed.)
    assert Counter(k[:2] for k in found) == Counter(k[:2] for k in baseline)
    changed = {key: f for key, f in found.items() if f.status is not Status.PASS}
    assert changed, f"a {kind} on {operation} changed nothing"
    for key, finding in changed.items():
        assert finding.status is Status.UNKNOWN, (key, finding.evidence)
        assert operation in finding.evidence, (key, finding.evidence)
    assert {c.outcome for c in fake.calls if c.operation == operation} != {"OK"}


@pytest.mark.parametrize("kind", PERSISTENT)
def test_each_fault_kind_on_one_members_calls(
    clean: tuple[dict[tuple[str, str, str], Finding], list[str]], kind: str
) -> None:
    """A fault on one member account's root session: only that member's checks are unknown."""
    baseline, _ = clean
    org = FakeOrganization.secure()
    payments = org.account_id("payments")
    fake = FakeAws(org)
    fake.inject(kind, "ListAccessKeys", account=payments)

    found = findings_by_key(audit(fake, max_workers=4, max_attempts=2))

    assert set(found) == set(baseline)
    changed = {k: f for k, f in found.items() if f.status is not Status.PASS}
    assert {(c, a) for c, a, _ in changed} == {("MEMBER-ROOT-KEYS", payments)}
    (finding,) = changed.values()
    assert finding.status is Status.UNKNOWN
    assert "iam:ListAccessKeys" in finding.evidence
    reason = {
        "throttle": "Throttling",
        "timeout": "ReadTimeoutError",
        "access_denied": "AccessDenied",
        "garbled": "ResponseParserError",
    }[kind]
    assert reason in finding.evidence


def test_transient_throttling_is_retried_and_loses_nothing(
    clean: tuple[dict[tuple[str, str, str], Finding], list[str]],
) -> None:
    baseline, _ = clean
    fake = FakeAws(FakeOrganization.secure())
    for operation in ("AssumeRoot", "GetAlternateContact", "ListMFADevices", "DescribeAlarms"):
        fake.inject("throttle", operation, times=3)
    fake.inject("timeout", "GetLoginProfile", times=2)

    clients = audit_clients(fake, 4)
    run = run_audit(clients, CollectOptions(max_workers=4), AuditSettings(), sleep=lambda _: None)
    found = findings_by_key(run.findings)

    assert found.keys() == baseline.keys()
    assert {f.status for f in found.values()} == {Status.PASS}
    assert fake.throttled == 4 * 3
    assert clients.throttles.count == 4 * 3  # the audit saw every one (and retried it)
    outcomes = Counter(c.outcome for c in fake.calls)
    assert outcomes["timeout"] == 2


def test_garbled_json_is_not_read_as_an_empty_answer() -> None:
    """botocore reads an HTML page from a JSON service as `{}`: no alarms, no accounts.

    The audit refuses it instead, so the alarm checks are unknown, not failed.
    """
    fake = FakeAws(FakeOrganization.secure())
    fake.inject("garbled", "DescribeAlarms")
    findings = audit(fake, max_workers=4)
    alarms = [f for f in findings if f.check_id.startswith("ALARM-")]
    assert alarms
    assert {f.status for f in alarms} == {Status.UNKNOWN}
    assert all("ResponseParserError on cloudwatch:DescribeAlarms" in f.evidence for f in alarms)
    assert "garbled" in FAULT_KINDS
