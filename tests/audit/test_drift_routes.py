"""Drift of where the alarms go: per-severity routes (rootguard:alarms.routes), their topics and
subscribers, judged against the shared fake organization over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from rootguard.alarm_catalog import load_catalog
from rootguard.audit.model import Finding, Status
from rootguard.config import RootGuardConfig
from tests.fakes import FakeAws, FakeOrganization
from tests.fakes.organization import LOG_GROUP, SubscriptionState
from tests.fakes.stack import stack_config

from .conftest import audit

PAGER = "https://events.pagerduty.example.com/enqueue"
ROUTES: dict[str, Any] = {
    "email": ["security@example.com"],
    "routes": {
        "critical": {"https": [PAGER]},
        "low": {"topicName": "security-digest", "email": ["digest@example.com"]},
    },
}
CHECK = "DRIFT-ALARM-TOPIC"


@pytest.fixture
def routed(org: FakeOrganization) -> dict[str, str]:
    """The organization as rootguard deploys ROUTES: topic ARN by route (default: "default")."""
    return {
        "default": org.topic_arn("rootguard-security-alarms"),
        "critical": org.route_alarms("critical", "rootguard-security-alarms-critical", PAGER),
        "low": org.route_alarms("low", "security-digest", "digest@example.com"),
    }


def judged(fake: FakeAws, org: FakeOrganization, alarms: dict[str, Any] = ROUTES) -> list[Finding]:
    config: RootGuardConfig = stack_config(org, alarms=alarms)
    return [f for f in audit(fake, config=config) if f.check_id == CHECK]


def failing(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return sorted(
        (f.status.value, f.resource, f.evidence) for f in findings if f.status is not Status.PASS
    )


def severity_ids(severity: str) -> list[str]:
    return [d.id for d in load_catalog() if d.enabled and d.severity.value == severity]


def test_routes_deployed_as_configured_show_no_drift(
    org: FakeOrganization, fake: FakeAws, routed: dict[str, str]
) -> None:
    config = stack_config(org, alarms=ROUTES)
    findings = audit(fake, config=config)

    assert [f for f in findings if f.status not in (Status.PASS, Status.NOT_APPLICABLE)] == []
    topic = [f for f in findings if f.check_id == CHECK]
    destinations = {f.resource: f.evidence for f in topic if f.resource.startswith("alarm:")}
    # Every enabled alarm was compared with its route's topic...
    assert len(destinations) == len([d for d in load_catalog() if d.enabled])
    for control in severity_ids("critical"):
        assert destinations[f"alarm:{control}"].endswith(f"notifies {routed['critical']}")
    for control in severity_ids("low"):
        assert destinations[f"alarm:{control}"].endswith(f"notifies {routed['low']}")
    assert destinations["alarm:4.1"].endswith(f"notifies {routed['default']}")  # medium
    # ...and every topic, with each configured subscriber.
    assert sorted(f.resource for f in topic if not f.resource.startswith("alarm:")) == sorted(
        [
            *(f"topic:{arn}" for arn in routed.values()),
            "subscription:rootguard-security-alarms/security@example.com",
            f"subscription:rootguard-security-alarms-critical/{PAGER}",
            "subscription:security-digest/digest@example.com",
        ]
    )


def test_an_alarm_re_pointed_elsewhere_says_where_it_goes(
    org: FakeOrganization, fake: FakeAws, routed: dict[str, str]
) -> None:
    # The root-usage alarm (critical) back on the default topic, an unrelated topic on 4.10
    # (low), and 4.1's (default topic) actions switched off.
    org.put_alarm("4.3", routed["default"])
    elsewhere = org.topic_arn("someone-elses-topic")
    org.topics[elsewhere] = [SubscriptionState("email", "someone@example.com")]
    org.put_alarm("4.10", elsewhere)
    next(a for a in org.alarms if a.name == "rootguard-4-1").actions_enabled = False

    assert failing(judged(fake, org)) == [
        (
            "fail",
            "alarm:4.1",
            f"alarm rootguard-4-1 has its actions disabled, not {routed['default']} (the "
            "default topic, for medium alarms)",
        ),
        (
            "fail",
            "alarm:4.10",
            f"alarm rootguard-4-10 notifies {elsewhere}, not {routed['low']} (routes.low, for "
            "low alarms)",
        ),
        (
            "fail",
            "alarm:4.3",
            f"alarm rootguard-4-3 notifies {routed['default']}, not {routed['critical']} "
            "(routes.critical, for critical alarms)",
        ),
    ]


def test_a_deleted_route_topic_is_reported_even_when_no_alarm_notifies_it(
    org: FakeOrganization, fake: FakeAws, routed: dict[str, str]
) -> None:
    del org.topics[routed["critical"]]
    config = stack_config(org, alarms=ROUTES)

    findings = audit(fake, config=config)

    # The alarms still notify the deleted topic: the posture check sees it gone too.
    gone = f"topic:{routed['critical']}"
    drifted = [f for f in findings if f.check_id == CHECK and f.status is Status.FAIL]
    assert [(f.resource, f.evidence) for f in drifted] == [
        (gone, f"routes.critical's topic {routed['critical']} does not exist")
    ]
    root_usage = next(f for f in findings if f.check_id == "ALARM-4.3")
    assert root_usage.status is Status.FAIL
    assert f"notifies {routed['critical']}, which does not exist" in root_usage.evidence

    # Re-pointed to the default topic, no alarm names the deleted topic any more: the audit
    # still reads it because the stack declares it.
    for control in severity_ids("critical"):
        org.put_alarm(control, routed["default"])
    drifted = [f for f in judged(fake, org) if f.status is Status.FAIL]
    assert {f.resource for f in drifted} == {
        gone,
        *(f"alarm:{control}" for control in severity_ids("critical")),
    }
    assert next(f for f in drifted if f.resource == gone).evidence.endswith("does not exist")


def test_an_unreadable_route_topic_is_unknown_with_the_reason(
    org: FakeOrganization, fake: FakeAws, routed: dict[str, str]
) -> None:
    # SNS's own answer to a caller without sns:ListSubscriptionsByTopic (HTTP 403).
    fake.inject(
        "error", "ListSubscriptionsByTopic", code="AuthorizationError", message="denied", status=403
    )

    findings = judged(fake, org)

    unknown = {f.resource: f.evidence for f in findings if f.status is Status.UNKNOWN}
    assert set(unknown) == {f"topic:{arn}" for arn in routed.values()}
    assert unknown[f"topic:{routed['critical']}"] == (
        f"AuthorizationError on sns:ListSubscriptionsByTopic({routed['critical']}): denied"
    )
    assert not [f for f in findings if f.status is Status.FAIL]


def test_a_route_topic_subscriber_removed_is_reported(
    org: FakeOrganization, fake: FakeAws, routed: dict[str, str]
) -> None:
    org.topics[routed["low"]] = []

    assert failing(judged(fake, org)) == [
        (
            "fail",
            "subscription:security-digest/digest@example.com",
            f"digest@example.com is not subscribed to {routed['low']}",
        )
    ]


def test_a_pending_route_subscription_is_reported(
    org: FakeOrganization, fake: FakeAws, routed: dict[str, str]
) -> None:
    org.topics[routed["critical"]] = [SubscriptionState("https", PAGER, confirmed=False)]

    assert failing(judged(fake, org)) == [
        (
            "fail",
            f"subscription:rootguard-security-alarms-critical/{PAGER}",
            f"{PAGER}'s subscription to {routed['critical']} is pending confirmation",
        )
    ]


def test_every_severity_routed_needs_no_alarm_on_the_default_topic(
    org: FakeOrganization, fake: FakeAws
) -> None:
    """The component still creates the default topic (no subscribers needed): it must exist,
    but no alarm has to notify it."""
    severities = sorted({d.severity.value for d in load_catalog() if d.enabled})
    routes = {s: {"email": [f"{s}@example.com"]} for s in severities}
    for severity in severities:
        org.route_alarms(
            severity, f"rootguard-security-alarms-{severity}", f"{severity}@example.com"
        )
    org.topics[org.topic_arn("rootguard-security-alarms")] = []

    findings = judged(fake, org, {"routes": routes})

    assert failing(findings) == []
    assert f"topic:{org.topic_arn('rootguard-security-alarms')}" in {f.resource for f in findings}


def test_an_existing_topic_beside_routes_is_judged_by_its_arn(
    org: FakeOrganization, fake: FakeAws, routed: dict[str, str]
) -> None:
    """existingTopicArn: another stack's topic, whose subscribers its owner manages."""
    alarms = {"existingTopicArn": routed["default"], "routes": ROUTES["routes"]}
    assert failing(judged(fake, org, alarms)) == []

    del org.topics[routed["default"]]
    assert failing(judged(fake, org, alarms)) == [
        (
            "fail",
            f"topic:{routed['default']}",
            f"existingTopicArn's topic {routed['default']} does not exist",
        )
    ]


def test_verbatim_cis_alarms_are_compared_and_follow_their_route(
    org: FakeOrganization, fake: FakeAws, routed: dict[str, str]
) -> None:
    """verbatimCis: each grader's filter beside the corrected one, its alarm on the route of
    verbatimCis.severity (low here)."""
    on = {**ROUTES, "verbatimCis": {"enabled": True}}
    verbatim = stack_config(org, alarms=on).alarms.verbatim_filters()
    names = {
        f"alarm:{d.id}/verbatim-{text.source}": org.put_verbatim_alarm(
            d.id, text.source, routed["low"]
        )
        for d, text in verbatim
    }
    assert "alarm:4.1/verbatim-securityhub" in names

    def drift(alarms: dict[str, Any]) -> list[tuple[str, str, str]]:
        config = stack_config(org, alarms=alarms)
        return sorted(
            (f.check_id, f.resource, f.evidence)
            for f in audit(fake, config=config)
            if f.check_id.startswith("DRIFT-ALARM") and f.status is not Status.PASS
        )

    assert drift(on) == []
    compared = {
        (f.check_id, f.resource)
        for f in audit(fake, config=stack_config(org, alarms=on))
        if f.check_id.startswith("DRIFT-ALARM")
    }
    assert {(c, r) for r in names for c in ("DRIFT-ALARM", CHECK)} <= compared

    # One verbatim alarm re-pointed at the default topic, another's filter deleted.
    org.put_verbatim_alarm("4.1", "securityhub", routed["default"])
    org.metric_filters[LOG_GROUP] = [
        f
        for f in org.metric_filters[LOG_GROUP]
        if f.name != names["alarm:4.3/verbatim-securityhub"]
    ]
    assert drift(on) == [
        (
            "DRIFT-ALARM",
            "alarm:4.3/verbatim-securityhub",
            "no metric filter publishes RootGuard/CIS/RootCredentialsUsageVerbatimSecurityHub",
        ),
        (
            CHECK,
            "alarm:4.1/verbatim-securityhub",
            f"alarm {names['alarm:4.1/verbatim-securityhub']} notifies {routed['default']}, not "
            f"{routed['low']} (routes.low, for low alarms)",
        ),
    ]
    # verbatimCis turned off, the grader's filters left behind: each is reported.
    left = [r for (c, r, _) in drift(ROUTES) if c == "DRIFT-ALARM"]
    assert sorted(left) == sorted(r for r in names if r != "alarm:4.3/verbatim-securityhub")
