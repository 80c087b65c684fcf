"""Every catalog pattern against the catalog's own sample CloudTrail events, by the matcher."""

from __future__ import annotations

from typing import Any

import pytest

from rootguard.alarm_catalog import AlarmDefinition, Event, benign_event, by_id, load_catalog
from rootguard.filter_pattern import matches

CATALOG = by_id()


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
    assert matches(definition.pattern, event)


@pytest.mark.parametrize(("definition", "event"), _cases("not_events") + _cases("quiet_events"))
def test_pattern_ignores_its_negative_events(definition: AlarmDefinition, event: Event) -> None:
    assert not matches(definition.pattern, event)


@pytest.mark.parametrize("definition", load_catalog(), ids=lambda d: d.id)
def test_every_alarm_is_proven_both_ways(definition: AlarmDefinition) -> None:
    assert definition.events, "needs events the pattern matches"
    assert definition.not_events or definition.quiet_events, "needs events it must ignore"
    assert not matches(definition.pattern, benign_event())


def test_a_broken_pattern_fails_its_samples() -> None:
    # The proof is not vacuous: dropping one eventName from 4.10 loses one of its events.
    broken = pattern("4.10").replace("($.eventName = CreateSecurityGroup) || ", "")
    assert broken != pattern("4.10")
    assert not all(matches(broken, event) for event in CATALOG["4.10"].events)


# --- Root activity: the two root alarms ----------------------------------------------------


def root_events() -> list[Event]:
    pair = (CATALOG["4.3"], CATALOG["4.3-assumeroot"])
    return [event for d in pair for event in d.events]


def test_every_root_event_raises_exactly_one_root_alarm() -> None:
    # Whatever AWS records for a session, the pair never goes silent and never double-fires.
    for event in root_events():
        fired = [c for c in ("4.3", "4.3-assumeroot") if matches(pattern(c), event)]
        assert len(fired) == 1, (event["userIdentity"], fired)


def test_sessions_recorded_as_root_and_as_another_type_are_both_sessions() -> None:
    session_calls = [e for e in CATALOG["4.3-assumeroot"].events if e["eventName"] != "AssumeRoot"]
    assert {e["userIdentity"]["type"] for e in session_calls} == {"Root", "AssumedRole"}
    assert not any(matches(pattern("4.3"), e) for e in session_calls)


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


def test_catalog_is_cis_41_to_415_plus_the_session_alarm() -> None:
    expected = [f"4.{n}" for n in range(1, 16)]
    expected.insert(3, "4.3-assumeroot")
    assert list(CATALOG) == expected


@pytest.mark.parametrize("definition", load_catalog(), ids=lambda d: d.id)
def test_each_definition_reads_well(definition: AlarmDefinition) -> None:
    assert definition.meaning.endswith(".") and "\n" not in definition.meaning
    assert len(definition.description()) <= 1024 and not definition.description().endswith("…")
    assert definition.response
    assert definition.id in definition.description()


def test_root_alarm_severities() -> None:
    assert CATALOG["4.3"].severity == "critical"
    assert CATALOG["4.3-assumeroot"].severity == "info"
