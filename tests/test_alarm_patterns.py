"""Every catalog pattern against the catalog's own sample CloudTrail events, by the matcher."""

from __future__ import annotations

from typing import Any

import pytest

from rootguard.alarm_catalog import (
    ISSUER,
    AlarmDefinition,
    Event,
    Quiet,
    benign_event,
    by_id,
    load_catalog,
)
from rootguard.config.alarms import AlarmsConfig
from rootguard.filter_pattern import matches
from tests.config_samples import ALARMS

CATALOG = by_id()
# The stack's defaults (sanctioned audit and remediation sessions, the deploy role), as ARNs
# in the samples' management account.
MANAGEMENT = "111111111111"
QUIET = AlarmsConfig.model_validate(ALARMS).quiet("aws", MANAGEMENT)


def pattern(control: str) -> str:
    return CATALOG[control].pattern


def _cases(kind: str) -> list[Any]:
    return [
        pytest.param(d, event, id=f"{d.id}-{kind}-{index}-{event['eventName']}")
        for d in load_catalog()
        for index, event in enumerate(getattr(d, kind))
    ]


@pytest.mark.parametrize(("definition", "event"), _cases("events"))
def test_pattern_matches_its_events(definition: AlarmDefinition, event: Event) -> None:
    # As written in the catalog and as deployed with the stack's sanctioned principals.
    assert matches(definition.pattern, event)
    assert matches(definition.render(QUIET), event)


@pytest.mark.parametrize(("definition", "event"), _cases("not_events") + _cases("quiet_events"))
def test_pattern_ignores_its_negative_events(definition: AlarmDefinition, event: Event) -> None:
    assert not matches(definition.render(QUIET), event)


@pytest.mark.parametrize("definition", load_catalog(), ids=lambda d: d.id)
def test_every_alarm_is_proven_both_ways(definition: AlarmDefinition) -> None:
    assert definition.events, "needs events the pattern matches"
    assert definition.not_events or definition.quiet_events, "needs events it must ignore"
    assert not matches(definition.render(QUIET), benign_event())


def test_a_broken_pattern_fails_its_samples() -> None:
    # The proof is not vacuous: dropping one eventName from 4.10 loses one of its events.
    broken = pattern("4.10").replace("($.eventName = CreateSecurityGroup) || ", "")
    assert broken != pattern("4.10")
    assert not all(matches(broken, event) for event in CATALOG["4.10"].events)


# --- Root activity: the two root alarms ----------------------------------------------------


def test_every_root_event_raises_exactly_one_root_alarm() -> None:
    # Root credentials (4.3) or a session's own call (4.3-session): never silent, never both.
    pair = ("4.3", "4.3-session")
    for event in (*CATALOG["4.3"].events, *CATALOG["4.3-session"].events):
        fired = [c for c in pair if matches(pattern(c), event)]
        assert len(fired) == 1, (event["userIdentity"], fired)


def test_sessions_recorded_as_root_and_as_another_type_are_both_sessions() -> None:
    session_calls = CATALOG["4.3-session"].events
    assert {e["userIdentity"]["type"] for e in session_calls} == {"Root", "AssumedRole"}
    assert not any(matches(pattern("4.3"), e) for e in session_calls)


# --- Sanctioned AssumeRoot sessions: quiet for the stack's (role, task) pairs only ----------

ASSUME_ROOT = CATALOG["4.3-assumeroot"]


def call(role: str, task: str, account: str = MANAGEMENT, **identity: Any) -> Event:
    """An sts:AssumeRoot call, shaped as the IAM User Guide's example records it."""
    (template, *_) = ASSUME_ROOT.quiet_events
    issuer = {**template["userIdentity"]["sessionContext"]["sessionIssuer"]}
    issuer["arn"] = f"arn:aws:iam::{account}:role/{role}"
    context = {**template["userIdentity"]["sessionContext"], "sessionIssuer": issuer}
    return {
        **template,
        "userIdentity": {**template["userIdentity"], "sessionContext": context, **identity},
        "requestParameters": {
            "targetPrincipal": "222222222222",
            "taskPolicyArn": {"arn": f"arn:aws:iam::aws:policy/root-task/{task}"},
        },
    }


@pytest.mark.parametrize(
    ("role", "task", "account", "alarms"),
    [
        ("rootguard-ci-read", "IAMAuditRootUserCredentials", MANAGEMENT, False),  # the audit
        ("rootguard-ci-remediate", "IAMDeleteRootUserCredentials", MANAGEMENT, False),
        ("Admin", "IAMAuditRootUserCredentials", MANAGEMENT, True),  # same task, other role
        ("rootguard-ci-read", "IAMCreateRootUserPassword", MANAGEMENT, True),  # other task
        ("rootguard-ci-read", "IAMDeleteRootUserCredentials", MANAGEMENT, True),
        ("rootguard-ci-remediate", "IAMAuditRootUserCredentials", MANAGEMENT, True),
        # a role with the sanctioned name in another account (an IAM delegated admin)
        ("rootguard-ci-read", "IAMAuditRootUserCredentials", "333333333333", True),
        ("ci/rootguard-ci-read", "IAMAuditRootUserCredentials", MANAGEMENT, True),  # a path
    ],
)
def test_only_sanctioned_sessions_are_quiet(
    role: str, task: str, account: str, alarms: bool
) -> None:
    assert matches(ASSUME_ROOT.render(QUIET), call(role, task, account)) is alarms


def test_a_caller_without_a_role_session_alarms() -> None:
    # An IAM user has no sessionIssuer: `!=` alone would not match it (absent property).
    user = {"type": "IAMUser", "arn": f"arn:aws:iam::{MANAGEMENT}:user/bob", "userName": "bob"}
    event = call("rootguard-ci-read", "IAMAuditRootUserCredentials")
    event["userIdentity"] = user
    assert matches(ASSUME_ROOT.render(QUIET), event)


def test_the_exclusion_needs_not_exists_for_callers_without_a_role() -> None:
    broken = ASSUME_ROOT.render(QUIET).replace(f"{ISSUER} NOT EXISTS || ", "")
    user_call = next(e for e in ASSUME_ROOT.events if e["userIdentity"]["type"] == "IAMUser")
    assert not matches(broken, user_call)
    assert matches(ASSUME_ROOT.render(QUIET), user_call)


def test_without_sanctioned_sessions_every_call_alarms() -> None:
    for event in (*ASSUME_ROOT.events, *ASSUME_ROOT.quiet_events):
        assert matches(ASSUME_ROOT.render(Quiet()), event)


def test_the_session_activity_record_is_off_by_default() -> None:
    assert not CATALOG["4.3-session"].enabled
    (call_event, *_) = ASSUME_ROOT.quiet_events
    assert call_event["userIdentity"]["sessionContext"]["assumedRoot"] == "true"  # AWS's example
    assert not matches(pattern("4.3-session"), call_event)  # the call is 4.3-assumeroot's


def test_contact_changes_by_the_pipeline_are_quiet_and_others_alarm() -> None:
    contacts = CATALOG["1.2-contacts"]
    by_pipeline = next(e for e in contacts.quiet_events if "rootguard-ci-deploy" in str(e))
    assert matches(contacts.pattern, by_pipeline)  # as written ...
    assert not matches(contacts.render(QUIET), by_pipeline)  # ... and quiet once deployed
    assert all(matches(contacts.render(QUIET), e) for e in contacts.events)


def test_cis_root_pattern_alone_would_page_for_every_session_call() -> None:
    # Why the split exists: the unmodified CIS 4.3 pattern cannot tell the two apart when AWS
    # records a session as type Root.
    cis_43 = (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }'
    )
    (session,) = [e for e in CATALOG["4.3"].quiet_events if "inScopeOf" in e["userIdentity"]]
    assert matches(cis_43, session)
    assert not matches(pattern("4.3"), session)


def test_marker_exclusion_uses_not_exists() -> None:
    # `!= "true"` alone would be false when the marker is absent (CloudWatch Logs semantics),
    # silencing the critical alarm for real root sign-ins; the pattern must cover absence.
    broken = pattern("4.3").replace(
        "($.userIdentity.sessionContext.assumedRoot NOT EXISTS || "
        '$.userIdentity.sessionContext.assumedRoot != "true")',
        '$.userIdentity.sessionContext.assumedRoot != "true"',
    )
    assert broken != pattern("4.3")
    sign_in = next(e for e in CATALOG["4.3"].events if e["eventName"] == "ConsoleLogin")
    assert not matches(broken, sign_in)
    assert matches(pattern("4.3"), sign_in)


def test_41_is_the_corrected_form() -> None:
    # The printed CIS v3.0 text joins the two exclusions with ||: one of them is always true,
    # so denied HeadBucket calls and log-delivery denials page people.
    printed = pattern("4.1").replace(
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")',
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket")',
    )
    assert printed != pattern("4.1")
    excluded = [e for e in CATALOG["4.1"].quiet_events if e.get("errorCode") == "AccessDenied"]
    assert len(excluded) == 2
    assert all(matches(printed, event) for event in excluded)
    assert not any(matches(pattern("4.1"), event) for event in excluded)


def test_catalog_is_cis_41_to_415_plus_rootguards_own() -> None:
    assert [i for i in CATALOG if "-" not in i] == [f"4.{n}" for n in range(1, 16)]
    own = [d.id for d in CATALOG.values() if not d.is_cis]
    assert own == [
        "4.3-assumeroot",
        "4.3-session",
        "4.3-recovery",
        "4.3-password",
        "4.3-mfa",
        "4.3-loginprofile",
        "4.3-accesskey",
        "1.2-contacts",
    ]


def test_the_recovery_path_pages() -> None:
    recovery = ["4.3-recovery", "4.3-password", "4.3-mfa", "4.3-loginprofile", "4.3-accesskey"]
    assert all(CATALOG[i].severity == "critical" and CATALOG[i].enabled for i in recovery)


@pytest.mark.parametrize("definition", load_catalog(), ids=lambda d: d.id)
def test_each_definition_reads_well(definition: AlarmDefinition) -> None:
    assert definition.meaning.endswith(".") and "\n" not in definition.meaning
    assert len(definition.description()) <= 1024 and not definition.description().endswith("…")
    assert definition.response
    assert definition.id in definition.description()


def test_root_alarm_severities() -> None:
    assert CATALOG["4.3"].severity == "critical"
    assert CATALOG["4.3-assumeroot"].severity == "high"
    assert CATALOG["4.3-session"].severity == "info"
