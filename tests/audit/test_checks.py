"""Pure checks on hand-made facts: each failure mode, with the evidence it reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from rootguard.alarm_catalog import AlarmDefinition, by_id, load_catalog
from rootguard.audit.checks import evaluate
from rootguard.audit.checks.alarms import covers
from rootguard.audit.checks.management import password_shortfalls
from rootguard.audit.facts import (
    AccountSummary,
    Alarm,
    AuditFacts,
    MetricFilter,
    PasswordPolicy,
    Skipped,
    TopicSubscriptions,
    TrailStatus,
    Unavailable,
)
from rootguard.audit.model import Finding, Severity, Status
from rootguard.audit.settings import AuditSettings, ScpScope
from rootguard.config.password_policy import PasswordPolicyConfig
from tests.fakes.facts import (
    APP,
    LOG_GROUP,
    MANAGEMENT,
    NOW,
    PLAY,
    PROD,
    ROOT_ID,
    SANDBOX,
    TOPIC,
    contacts,
    secure_facts,
    with_management,
    with_member,
    with_monitoring,
    with_organization,
    with_trail,
)


def judge(facts: AuditFacts, settings: AuditSettings | None = None) -> list[Finding]:
    return evaluate(facts, settings or AuditSettings(), NOW)


def problems(
    facts: AuditFacts, settings: AuditSettings | None = None
) -> dict[tuple[str, str], Finding]:
    """(check id, resource) -> finding, for everything that is not a pass."""
    return {
        (f.check_id, f.resource): f for f in judge(facts, settings) if f.status is not Status.PASS
    }


def only(found: dict[tuple[str, str], Finding], check_id: str) -> Finding:
    matching = [f for (c, _), f in found.items() if c == check_id]
    assert len(matching) == 1, (check_id, list(found))
    assert {c for c, _ in found} == {check_id}, list(found)
    return matching[0]


def test_the_secure_facts_pass_everything() -> None:
    assert problems(secure_facts()) == {}


# --- The management root user ----------------------------------------------------------------


@pytest.mark.parametrize(("days", "fails"), [(89, True), (91, False)])
def test_root_use_window(days: int, fails: bool) -> None:
    facts = secure_facts()
    usage = facts.management.root_usage
    assert not isinstance(usage, Unavailable)
    used = replace(usage, password_last_used=NOW - timedelta(days=days))
    found = problems(with_management(facts, root_usage=used), AuditSettings(unused_days=90))
    if fails:
        assert "root password last used" in only(found, "ROOT-UNUSED").evidence
    else:
        assert found == {}


def test_unreadable_summary_makes_three_checks_unknown() -> None:
    facts = with_management(
        secure_facts(), summary=Unavailable("AccessDenied on iam:GetAccountSummary")
    )
    found = problems(facts)
    assert {c for c, _ in found} == {"ROOT-MFA", "ROOT-HW-MFA", "ROOT-NO-KEYS"}
    assert all(f.status is Status.UNKNOWN and "AccessDenied" in f.evidence for f in found.values())


def test_hardware_mfa_unknown_when_devices_cannot_be_listed() -> None:
    facts = with_management(secure_facts(), virtual_mfa_on_root=Unavailable("Throttling"))
    assert only(problems(facts), "ROOT-HW-MFA").status is Status.UNKNOWN


def test_root_keys_and_no_mfa() -> None:
    facts = with_management(secure_facts(), summary=AccountSummary(False, True))
    found = problems(facts)
    assert {c for c, _ in found} == {"ROOT-MFA", "ROOT-HW-MFA", "ROOT-NO-KEYS"}


@pytest.mark.parametrize(
    ("features", "missing"),
    [
        (frozenset(), "RootCredentialsManagement, RootSessions"),
        (frozenset({"RootSessions"}), "RootCredentialsManagement"),
    ],
)
def test_centralized_root_access_needs_both_features(
    features: frozenset[str], missing: str
) -> None:
    facts = with_management(secure_facts(), root_access_features=features)
    assert f"missing: {missing}" in only(problems(facts), "ROOT-ACCESS-CENTRALIZED").evidence


def test_centralized_root_access_follows_the_stack_config() -> None:
    facts = with_management(secure_facts(), root_access_features=frozenset({"RootSessions"}))
    only_sessions = AuditSettings(root_access_features=("RootSessions",))
    assert problems(facts, only_sessions) == {}
    finding = only(
        problems(facts, AuditSettings(root_access_features=())), "ROOT-ACCESS-CENTRALIZED"
    )
    assert finding.status is Status.NOT_APPLICABLE


def test_password_policy_shortfalls() -> None:
    weak = PasswordPolicy(8, False, True, True, False, True, None, 5, False)
    assert password_shortfalls(weak, PasswordPolicyConfig()) == [
        "minimum length 8 < 14",
        "symbols not required",
        "lowercase letters not required",
        "reuse prevention 5 < 24",
    ]
    required = PasswordPolicyConfig(max_password_age=90, hard_expiry=True)
    assert password_shortfalls(replace(weak, max_age_days=None), required)[-2:] == [
        "maximum age unlimited > 90 days",
        "expired passwords do not need an administrator (no hard expiry)",
    ]
    stricter = PasswordPolicy(20, True, True, True, True, True, 30, 24, True)
    assert password_shortfalls(stricter, required) == []
    facts = with_management(secure_facts(), password_policy=None)
    assert "no password policy" in only(problems(facts), "PASSWORD-POLICY").evidence


# --- Members --------------------------------------------------------------------------------


def test_member_checks_not_applicable_without_centralized_root_access() -> None:
    facts = secure_facts()
    for account in (APP, PLAY):
        facts = with_member(
            facts, account, root=Skipped("centralized root credentials management is off")
        )
    findings = [f for f in judge(facts) if f.check_id.startswith("MEMBER-ROOT")]
    assert len(findings) == 8
    assert all(f.status is Status.NOT_APPLICABLE for f in findings)


# --- SCPs ------------------------------------------------------------------------------------


def test_scp_judged_per_target_with_inheritance() -> None:
    facts = secure_facts()
    policies = facts.organization.policies
    assert not isinstance(policies, Unavailable)
    moved = (policies[0], replace(policies[1], target_ids=frozenset({PROD})))
    found = problems(with_organization(facts, policies=moved))
    assert set(found) == {
        ("SCP-DENY-ROOT", ROOT_ID),
        ("SCP-DENY-ROOT", SANDBOX),
        ("SCP-DENY-ROOT", PLAY),
        ("SCP-DENY-ROOT-KEYS", ROOT_ID),
        ("SCP-DENY-ROOT-KEYS", SANDBOX),
        ("SCP-DENY-ROOT-KEYS", PLAY),
    }
    assert found[("SCP-DENY-ROOT", PLAY)].account_id == PLAY


def test_scp_scope_and_exemptions() -> None:
    facts = secure_facts()
    policies = facts.organization.policies
    assert not isinstance(policies, Unavailable)
    facts = with_organization(facts, policies=(policies[0],))  # no root-deny anywhere

    def statuses(scope: ScpScope) -> dict[str, tuple[Status, str]]:
        findings = judge(facts, AuditSettings(scp=scope))
        return {
            f.resource: (f.status, f.evidence) for f in findings if f.check_id == "SCP-DENY-ROOT"
        }

    # The root target with one exempt account: the policies go around it.
    found = statuses(ScpScope(exempt_accounts=frozenset({"app"})))
    assert found[APP] == (Status.NOT_APPLICABLE, "exempted by the guardrails config")
    for holder in (ROOT_ID, PROD):
        assert found[holder][0] is Status.NOT_APPLICABLE
        assert "holds an exempt OU or account" in found[holder][1]
    assert found[SANDBOX][0] is Status.FAIL
    assert found[PLAY][0] is Status.FAIL

    # Only the Prod OU is a target: everything outside it is out of scope.
    found = statuses(ScpScope(target_paths=("Prod",)))
    assert {r for r, (status, _) in found.items() if status is Status.FAIL} == {PROD, APP}
    assert found[SANDBOX] == (Status.NOT_APPLICABLE, "not a guardrails target in the config")

    # An exempt OU and everything in it.
    found = statuses(ScpScope(exempt_paths=frozenset({"Sandbox"})))
    assert found[SANDBOX] == (Status.NOT_APPLICABLE, "exempted by the guardrails config")
    assert found[PLAY] == (Status.NOT_APPLICABLE, "exempted by the guardrails config")
    assert found[ROOT_ID][0] is Status.NOT_APPLICABLE
    assert {r for r, (status, _) in found.items() if status is Status.FAIL} == {PROD, APP}


def test_scp_type_disabled_fails_everything() -> None:
    facts = with_organization(secure_facts(), scp_enabled=False)
    found = problems(facts)
    assert all(f.status is Status.FAIL for f in found.values())
    assert all("not enabled on the root" in f.evidence for f in found.values())
    assert len(found) == 2 * 5  # two checks x (root, two OUs, two accounts)


def test_unreadable_policy_is_unknown_not_fail() -> None:
    facts = secure_facts()
    policies = facts.organization.policies
    assert not isinstance(policies, Unavailable)
    hidden = (
        policies[0],
        replace(policies[1], document=Unavailable("AccessDenied on DescribePolicy")),
    )
    found = problems(with_organization(facts, policies=hidden))
    assert {f.status for f in found.values()} == {Status.UNKNOWN}
    assert all("AccessDenied on DescribePolicy" in f.evidence for f in found.values())


def test_suspended_accounts_are_not_applicable() -> None:
    facts = secure_facts()
    accounts = tuple(
        replace(a, state="SUSPENDED") if a.id == PLAY else a for a in facts.organization.accounts
    )
    facts = with_organization(facts, accounts=accounts)
    facts = with_member(
        facts, PLAY, root=Skipped("account is SUSPENDED"), contacts=Skipped("account is SUSPENDED")
    )
    findings = [f for f in judge(facts) if f.account_id == PLAY]
    assert findings
    assert {f.status for f in findings} == {Status.NOT_APPLICABLE}


# --- The trail --------------------------------------------------------------------------------


def test_no_organization_trail() -> None:
    facts = with_monitoring(
        secure_facts(),
        trails=(),
        trail=None,
        metric_filters=Skipped("no organization trail delivers to CloudWatch Logs"),
        alarms=Skipped("no organization trail delivers to CloudWatch Logs"),
    )
    found = problems(facts)
    trail_checks = {c for c, _ in found if c.startswith("TRAIL-")}
    assert trail_checks == {
        "TRAIL-ORG",
        "TRAIL-LOGGING",
        "TRAIL-VALIDATION",
        "TRAIL-KMS",
        "TRAIL-CWL",
    }
    assert all(f.status is Status.FAIL for f in found.values())
    cis_controls = [d for d in load_catalog() if d.is_cis]
    assert len([c for c, _ in found if c.startswith("ALARM-")]) == len(cis_controls)


@pytest.mark.parametrize(
    ("changes", "check_id", "evidence"),
    [
        ({"is_multi_region": False}, "TRAIL-ORG", "not multi-region"),
        ({"log_file_validation": False}, "TRAIL-VALIDATION", "LogFileValidationEnabled=false"),
        ({"kms_key_id": None}, "TRAIL-KMS", "SSE-S3 only"),
        ({"status": TrailStatus(False, NOW, None)}, "TRAIL-LOGGING", "IsLogging=false"),
        (
            {"status": TrailStatus(True, NOW - timedelta(days=2), "AccessDenied")},
            "TRAIL-CWL",
            "48.0 h ago",
        ),
        ({"status": TrailStatus(True, None, None)}, "TRAIL-CWL", "never delivered"),
    ],
)
def test_trail_properties(changes: dict[str, object], check_id: str, evidence: str) -> None:
    found = problems(with_trail(secure_facts(), **changes))
    assert evidence in only(found, check_id).evidence


def test_trail_status_unreadable() -> None:
    found = problems(
        with_trail(secure_facts(), status=Unavailable("AccessDenied on GetTrailStatus"))
    )
    assert {c for c, _ in found} == {"TRAIL-LOGGING", "TRAIL-CWL"}
    assert {f.status for f in found.values()} == {Status.UNKNOWN}


# --- Alarms ----------------------------------------------------------------------------------


def control(control_id: str) -> AlarmDefinition:
    return by_id()[control_id]


def test_coverage_is_semantic() -> None:
    root = control("4.3")
    assert covers('{ $.userIdentity.type = "Root" }', root)  # simpler, still covers
    assert covers('{ ($.userIdentity.type = Root) && ($.eventType != "AwsServiceEvent") }', root)
    assert not covers('{ $.userIdentity.type = "IAMUser" }', root)
    assert not covers('{ $.eventVersion = "*" }', root)  # matches everything: not targeted
    # The no-MFA sign-in filter also matches a failed sign-in, but it is not the 4.6 filter.
    assert not covers(
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        control("4.6"),
    )


def replace_root_filter(facts: AuditFacts, **changes: object) -> AuditFacts:
    filters = facts.monitoring.metric_filters
    assert isinstance(filters, tuple)
    return with_monitoring(
        facts,
        metric_filters=tuple(
            replace(f, **changes) if f.name == "rootguard-4-3" else f for f in filters
        ),
    )


def replace_root_alarm(facts: AuditFacts, **changes: object) -> AuditFacts:
    alarms = facts.monitoring.alarms
    assert isinstance(alarms, tuple)
    return with_monitoring(
        facts,
        alarms=tuple(replace(a, **changes) if a.name == "rootguard-4-3" else a for a in alarms),
    )


@pytest.mark.parametrize(
    ("change", "status", "evidence"),
    [
        (
            lambda f: replace_root_filter(f, pattern='{ $.userIdentity.type = "IAMUser" }'),
            Status.FAIL,
            "metric filters on org-trail matches the 4.3 sample",
        ),
        (
            lambda f: replace_root_filter(f, pattern="{ $.userIdentity.type > 3 }"),
            Status.UNKNOWN,
            "cannot read",
        ),
        (
            lambda f: replace_root_filter(f, metrics=(("CIS", "Unwatched"),)),
            Status.FAIL,
            "no alarm watches CIS/Unwatched",
        ),
        (
            lambda f: replace_root_alarm(f, actions_enabled=False),
            Status.FAIL,
            "has its actions disabled",
        ),
        (lambda f: replace_root_alarm(f, threshold=5.0), Status.FAIL, "does not fire on one event"),
        (
            lambda f: replace_root_alarm(f, alarm_actions=("arn:aws:automate:us-east-1:ec2:stop",)),
            Status.FAIL,
            "has no SNS topic action",
        ),
        (
            lambda f: replace_root_alarm(
                f, alarm_actions=("arn:aws:sns:us-east-1:111111111111:other",)
            ),
            Status.FAIL,
            "has no SNS topic action",
        ),
    ],
)
def test_alarm_chain(
    change: Callable[[AuditFacts], AuditFacts], status: Status, evidence: str
) -> None:
    found = problems(change(secure_facts()))
    finding = only(found, "ALARM-4.3")
    assert finding.status is status
    assert evidence in finding.evidence
    assert finding.resource == LOG_GROUP


def test_topic_without_confirmed_subscription_fails_every_alarm_on_it() -> None:
    facts = with_monitoring(secure_facts(), topics={TOPIC: TopicSubscriptions(0, 2)})
    found = problems(facts)
    assert len(found) == len([d for d in load_catalog() if d.is_cis])
    assert all("(2 pending) with no confirmed subscription" in f.evidence for f in found.values())


def test_topic_unreadable_is_unknown() -> None:
    facts = with_monitoring(secure_facts(), topics={TOPIC: Unavailable("AccessDenied on sns")})
    assert {f.status for f in problems(facts).values()} == {Status.UNKNOWN}


def test_a_second_alarm_on_the_same_metric_can_complete_the_chain() -> None:
    facts = replace_root_alarm(secure_facts(), actions_enabled=False)
    alarms = facts.monitoring.alarms
    assert isinstance(alarms, tuple)
    backup = Alarm(
        "root-backup",
        (("RootGuard/CIS", "RootCredentialsUsage"),),
        True,
        (TOPIC,),
        "GreaterThanThreshold",
        0.0,
    )
    assert problems(with_monitoring(facts, alarms=(*alarms, backup))) == {}


def test_only_enabled_controls_are_checked() -> None:
    facts = with_monitoring(secure_facts(), metric_filters=(MetricFilter("x", "{ $.a = 1 }", ()),))
    found = problems(facts, AuditSettings(alarm_controls=("4.3",)))
    assert {c for c, _ in found} == {"ALARM-4.3"}


# --- Contacts --------------------------------------------------------------------------------


def test_security_contact_shared_with_billing() -> None:
    facts = with_member(secure_facts(), APP, contacts=contacts(security="Billing@Example.com"))
    finding = only(problems(facts), "CONTACT-DISTINCT")
    assert finding.account_id == APP
    assert "is also the BILLING contact" in finding.evidence


def test_primary_contact_phone_is_masked() -> None:
    finding = next(f for f in judge(secure_facts()) if f.check_id == "CONTACT-PRIMARY")
    assert finding.status is Status.PASS
    assert "+12065550100" not in finding.evidence
    assert "ending 00" in finding.evidence
    facts = with_management(secure_facts(), contact_information=None)
    assert only(problems(facts), "CONTACT-PRIMARY").status is Status.FAIL


# --- Exit-code semantics ----------------------------------------------------------------------


def test_blocking_respects_severity_and_unknowns() -> None:
    facts = with_management(secure_facts(), summary=Unavailable("AccessDenied"))
    unknown = next(f for f in judge(facts) if f.check_id == "ROOT-MFA")
    assert unknown.severity is Severity.CRITICAL
    assert unknown.blocks(Severity.HIGH, allow_unknown=False)
    assert not unknown.blocks(Severity.HIGH, allow_unknown=True)
    low = next(f for f in judge(secure_facts()) if f.check_id == "MEMBER-ROOT-MFA")
    failing_low = replace(low, status=Status.FAIL)
    assert failing_low.blocks(Severity.LOW, allow_unknown=False)
    assert not failing_low.blocks(Severity.MEDIUM, allow_unknown=False)
    assert MANAGEMENT  # the factories' management account is the one judged


def test_an_scp_that_blocks_assume_root_fails_the_accounts_below_it() -> None:
    facts = secure_facts()
    policies = facts.organization.policies
    assert not isinstance(policies, Unavailable)
    control_tower = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "GRRESTRICTROOTUSER",
                    "Effect": "Deny",
                    "Action": "*",
                    "Resource": ["*"],
                    "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}},
                }
            ],
        }
    )
    blocker = replace(
        policies[0],
        id="p-ctguard01",
        name="aws-guardrails-AbCdEf",
        document=control_tower,
        target_ids=frozenset({SANDBOX}),
    )
    found = {
        f.resource: f
        for f in judge(with_organization(facts, policies=(*policies, blocker)))
        if f.check_id == "SCP-ASSUMEROOT-OPEN"
    }
    assert found[PLAY].status is Status.FAIL
    assert "aws-guardrails-AbCdEf (p-ctguard01, attached at " in found[PLAY].evidence
    assert found[APP].status is Status.PASS
    # rootguard's own policies (the secure organization's) never block AssumeRoot.
    clean = [f for f in judge(facts) if f.check_id == "SCP-ASSUMEROOT-OPEN"]
    assert {f.status for f in clean} == {Status.PASS} and len(clean) == 2
