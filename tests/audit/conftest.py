"""Fixtures for the audit: the shared fake organization (tests/fakes), answered over HTTP."""

from __future__ import annotations

from rootguard.audit.aws import Clients
from rootguard.audit.collect import CollectOptions
from rootguard.audit.model import Finding
from rootguard.audit.quotas import RateLimiter
from rootguard.audit.runner import run_audit
from rootguard.audit.settings import AuditSettings
from rootguard.config import RootGuardConfig
from tests.fakes import REGION, FakeAws


def audit_clients(
    fake: FakeAws,
    max_workers: int = 1,
    endpoint_url: str | None = None,
    *,
    paced: bool = False,
    **options: object,
) -> Clients:
    """The audit's clients, answered by `fake`.

    Unpaced by default (an empty quota table): these tests are about what is read and
    judged; tests/audit/test_quotas.py and the CLI tests run with the real quotas.
    """
    hook = None if endpoint_url else fake.attach
    return Clients(
        None,
        REGION,
        max_workers=max_workers,
        endpoint_url=endpoint_url,
        on_new_client=hook,
        rate_limiter=RateLimiter() if paced else None,
        **options,  # type: ignore[arg-type]
    )


def audit(
    fake: FakeAws,
    max_workers: int = 1,
    *,
    config: RootGuardConfig | None = None,
    endpoint_url: str | None = None,
    paced: bool = False,
    max_attempts: int = 8,
) -> list[Finding]:
    """Run the whole audit against the fake; every call it made must be one the fake models."""
    run = run_audit(
        audit_clients(fake, max_workers, endpoint_url, paced=paced, max_attempts=max_attempts),
        CollectOptions(max_workers=max_workers, report_timeout=5),
        AuditSettings(),
        config=config,
        sleep=lambda _: None,
    )
    unmodelled = {c.operation for c in fake.calls if c.outcome == "InvalidAction"}
    assert unmodelled == set(), f"the audit called operations the fake does not model: {unmodelled}"
    return run.findings
