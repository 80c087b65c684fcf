"""Facts of a small secure organization, built in memory, for the pure check tests."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from rootguard.audit.facts import (
    Account,
    AccountContacts,
    AccountSummary,
    Alarm,
    AlternateContact,
    AuditFacts,
    ContactInformation,
    Management,
    MemberFacts,
    MemberRoot,
    MetricFilter,
    Monitoring,
    Organization,
    OrganizationalUnit,
    PasswordPolicy,
    Policy,
    RootCredentialUsage,
    Subscription,
    TopicSubscriptions,
    Trail,
    TrailStatus,
)

from .world import ALARMS

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
MANAGEMENT = "111111111111"
ROOT_ID = "r-ab12"
PROD, SANDBOX = "ou-ab12-11111111", "ou-ab12-22222222"
APP, PLAY = "222222222222", "333333333333"
TOPIC = "arn:aws:sns:us-east-1:111111111111:rootguard-security-alarms"
LOG_GROUP = "arn:aws:logs:us-east-1:111111111111:log-group:org-trail:*"
DENY_ROOT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"},
                    "Null": {"aws:AssumedRoot": "true"},
                },
            }
        ],
    }
)
FULL_ACCESS = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


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


def secure_facts() -> AuditFacts:
    organization = Organization(
        id="o-a1b2c3d4e5",
        management_account_id=MANAGEMENT,
        feature_set="ALL",
        root_id=ROOT_ID,
        scp_enabled=True,
        ous=(
            OrganizationalUnit(PROD, "Prod", "Prod", ROOT_ID),
            OrganizationalUnit(SANDBOX, "Sandbox", "Sandbox", ROOT_ID),
        ),
        accounts=(
            Account(MANAGEMENT, "management", "aws@example.com", "ACTIVE", ROOT_ID),
            Account(APP, "app", "aws+app@example.com", "ACTIVE", PROD),
            Account(PLAY, "play", "aws+play@example.com", "ACTIVE", SANDBOX),
        ),
        policies=(
            Policy("p-FullAWSAccess", "FullAWSAccess", True, FULL_ACCESS, frozenset({ROOT_ID})),
            Policy("p-denyroot", "DenyRoot", False, DENY_ROOT, frozenset({ROOT_ID})),
        ),
    )
    management = Management(
        account_id=MANAGEMENT,
        summary=AccountSummary(mfa_enabled=True, access_keys_present=False),
        virtual_mfa_on_root=(),
        root_usage=RootCredentialUsage(
            password_last_used=NOW - timedelta(days=200),
            access_keys_active=(False, False),
            access_keys_last_used=(None, None),
            mfa_active=True,
        ),
        password_policy=PasswordPolicy(14, True, True, True, True, True, None, 24, False),
        root_access_features=frozenset({"RootCredentialsManagement", "RootSessions"}),
        contact_information=ContactInformation("Example Corp", "+12065550100", "US"),
    )
    filters = tuple(
        MetricFilter(f"rootguard-{a.slug}", a.pattern, (("RootGuard/CIS", a.metric),))
        for a in ALARMS.values()
    )
    alarms = tuple(
        Alarm(
            f"rootguard-{a.slug}",
            (("RootGuard/CIS", a.metric),),
            True,
            (TOPIC,),
            "GreaterThanOrEqualToThreshold",
            1.0,
        )
        for a in ALARMS.values()
    )
    trail = Trail(
        name="org-trail",
        arn="arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
        home_region="us-east-1",
        is_organization=True,
        is_multi_region=True,
        log_file_validation=True,
        kms_key_id="arn:aws:kms:us-east-1:111111111111:key/abc",
        log_group_arn=LOG_GROUP,
        status=TrailStatus(True, NOW - timedelta(minutes=5), None),
    )
    return AuditFacts(
        caller_arn="arn:aws:sts::111111111111:assumed-role/Audit/ci",
        region="us-east-1",
        organization=organization,
        management=management,
        management_contacts=contacts(),
        members={
            account: MemberFacts(account, MemberRoot(False, (), (), ()), contacts())
            for account in (APP, PLAY)
        },
        monitoring=Monitoring(
            trails=(trail,),
            trail=trail,
            metric_filters=filters,
            alarms=alarms,
            topics={
                TOPIC: TopicSubscriptions(
                    confirmed=1,
                    pending=0,
                    subscriptions=(Subscription("email", "security@example.com", True),),
                )
            },
        ),
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
