"""The quota table and the client-side rate limiter that keeps the audit under it."""

from __future__ import annotations

import io
import threading

import pytest

from rootguard.audit.quotas import HEADROOM, Quota, RateLimiter, quotas
from rootguard.cli import main
from tests.fakes import FakeAws, FakeOrganization
from tests.fakes.aws import documented_quotas

from .conftest import audit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now = max(self.now, self.now + seconds)


def test_every_api_the_audit_calls_has_a_quota_and_documented_ones_a_source(
    fake: FakeAws,
) -> None:
    audit(fake)
    called = {f"{c.service}:{c.operation}" for c in fake.calls}
    assert called <= set(quotas()), called - set(quotas())
    for quota in quotas().values():
        if quota.documented:
            assert quota.source.startswith("https://docs.aws.amazon.com/"), quota.api
    assert quotas()["account:GetAlternateContact"].rate == 10  # Account Management's
    assert quotas()["iam:ListAccessKeys"].per_member  # each member's root session its own


def test_the_limiter_spends_the_burst_then_spaces_requests_under_the_rate() -> None:
    clock = Clock()
    table = {"x:Op": Quota("x:Op", rate=10, burst=4, per_member=False, documented=True, source="")}
    limiter = RateLimiter(table, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(13):
        limiter.acquire("x:Op")
        sent.append(clock.now)
    interval = 1 / (10 * HEADROOM)
    assert sent[:3] == [0.0, 0.0, 0.0]  # burst - 1 at once
    assert sent[3:] == pytest.approx([interval * i for i in range(1, 11)])
    # Over any window the limiter never sends more than AWS's bucket would allow.
    assert len(sent) <= 4 + 10 * sent[-1]


def test_budgets_are_per_api_and_per_member_where_the_quota_is() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    for _ in range(9):
        limiter.acquire("iam:ListAccessKeys", "111111111111")
        limiter.acquire("iam:ListAccessKeys", "222222222222")
    assert clock.now == 0.0  # two members' budgets: nobody waited
    limiter.acquire("iam:ListAccessKeys", "111111111111")
    assert clock.now > 0.0
    before = clock.now
    limiter.acquire("unknown:Op")  # not in the table: not limited
    assert clock.now == before


def test_the_audit_keeps_under_a_documented_quota_without_being_throttled() -> None:
    """The fake throttles GetAlternateContact at AWS's 10/s; the audit is never throttled."""
    org = FakeOrganization.secure(members=12, ous=2)
    fake = FakeAws(org, quotas=documented_quotas())
    assert fake.quotas["GetAlternateContact"] == (10, 15)
    findings = audit(fake, max_workers=8, paced=True)
    assert fake.throttled == 0
    assert fake.count("GetAlternateContact") == 3 * 13
    assert {f.status.value for f in findings} == {"pass"}


def test_the_command_paces_its_calls() -> None:
    """`rootguard audit` keeps under the quotas: a burst of 39 contact reads is not sent."""
    org = FakeOrganization.secure(members=12, ous=2)
    fake = FakeAws(org, quotas=documented_quotas())
    code = main(
        ["audit", "--no-progress", "--max-workers", "16"],
        stdout=io.StringIO(),
        on_new_client=fake.attach,
    )
    assert code == 0
    assert fake.count("GetAlternateContact") == 3 * 13
    assert fake.throttled == 0
