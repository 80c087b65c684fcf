"""The audit's facts about a `FakeOrganization`, for the pure check and report tests.

The facts are read by the audit's own collectors, talking to `FakeAws` at the HTTP layer,
so they are exactly what a run against that organization would judge: no second model of
how AWS answers becomes facts. Facts are frozen, so one read is shared by every test; the
`with_*` helpers return changed copies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from rootguard.audit.aws import Clients
from rootguard.audit.collect import CollectOptions, collect
from rootguard.audit.facts import AccountContacts, AlternateContact, AuditFacts

from .aws import FakeAws
from .organization import MANAGEMENT, REGION, FakeOrganization

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def read_facts(org: FakeOrganization) -> AuditFacts:
    """What the audit's collectors read from `org` (in-process, at botocore's HTTP layer)."""
    fake = FakeAws(org)
    clients = Clients(None, org.region, max_workers=2, on_new_client=fake.attach)
    return collect(clients, CollectOptions(max_workers=2, report_timeout=5), sleep=lambda _: None)


def pure_organization() -> FakeOrganization:
    """Two members, `app` in Prod and `play` in Sandbox: small enough to list every finding."""
    return FakeOrganization.secure({"app": "Prod", "play": "Sandbox"}, ("Prod", "Sandbox"), now=NOW)


@cache
def secure_facts() -> AuditFacts:
    return read_facts(pure_organization())


_PURE = pure_organization()
ROOT_ID = _PURE.root_id
PROD, SANDBOX = _PURE.ou_id("Prod"), _PURE.ou_id("Sandbox")
APP, PLAY = _PURE.account_id("app"), _PURE.account_id("play")
TOPIC = _PURE.topic_arn("rootguard-security-alarms")
LOG_GROUP = _PURE.log_group_arn
assert _PURE.management_id == MANAGEMENT and _PURE.region == REGION


def contacts(security: str = "security@example.com") -> AccountContacts:
    return AccountContacts(
        {
            kind: AlternateContact(kind, f"{kind} team", email, "+12065550123", "on call")
            for kind, email in (
                ("SECURITY", security),
                ("BILLING", "billing@example.com"),
                ("OPERATIONS", "ops@example.com"),
            )
        }
    )


def with_management(facts: AuditFacts, **changes: Any) -> AuditFacts:
    return replace(facts, management=replace(facts.management, **changes))


def with_monitoring(facts: AuditFacts, **changes: Any) -> AuditFacts:
    return replace(facts, monitoring=replace(facts.monitoring, **changes))


def with_trail(facts: AuditFacts, **changes: Any) -> AuditFacts:
    assert facts.monitoring.trail is not None
    trail = replace(facts.monitoring.trail, **changes)
    return with_monitoring(facts, trail=trail, trails=(trail,))


def with_organization(facts: AuditFacts, **changes: Any) -> AuditFacts:
    return replace(facts, organization=replace(facts.organization, **changes))


def with_member(facts: AuditFacts, account_id: str, **changes: Any) -> AuditFacts:
    members = dict(facts.members)
    members[account_id] = replace(members[account_id], **changes)
    return replace(facts, members=members)
