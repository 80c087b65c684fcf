"""`rootguard:alarms.verbatimCis`: the graders' exact filter texts beside the corrected ones.

Two graders are emulated here from what their owners publish, and the deployed plan is judged
by them with verbatimCis off (the default) and on:
- AWS Security Hub CloudWatch.1-14 (Security Hub User Guide, "Amazon CloudWatch controls"):
  a metric filter on the trail's log group with exactly the prescribed text ("Additional
  fields or terms cannot be added"), an alarm on its metric, an SNS topic with a subscriber.
  Whitespace is taken as insignificant: AWS's remediation text and the CIS v1.4 text it
  grades differ only in spaces.
- Prowler's CloudWatch checks (tests/data/prowler_cloudwatch_checks.yaml): required terms in
  the filter's text, and an alarm on the filter's metric name.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from rootguard.alarm_catalog import AlarmDefinition, by_id, load_catalog
from rootguard.config import ConfigError, load_config
from rootguard.filter_pattern import Comparison, NotExists, matches, parse
from rootguard.offline import Recording
from tests.test_alarms_component import ALARM, FILTER, SUBSCRIPTION, TOPIC, run_alarms

PROWLER = Path(__file__).parent / "data" / "prowler_cloudwatch_checks.yaml"
MAILBOX = {"email": ["security@example.com"]}
# The controls whose corrected pattern a grader fails, and the grader: what verbatimCis adds.
NEEDS_VERBATIM = {
    ("4.1", "securityhub"),  # exclusions for HeadBucket and log delivery added
    ("4.2", "securityhub"),  # Security Hub grades CIS v1.2's IAMUser-and-Success text
    ("4.3", "securityhub"),  # AssumeRoot sessions excluded
    ("4.13", "cis-7.0"),  # Prowler wants `$.eventSource = ec2.amazonaws.com`
}


def squeezed(text: str) -> str:
    return "".join(text.split())


@cache
def prowler_checks() -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = yaml.safe_load(PROWLER.read_text())["checks"]
    return checks


def securityhub_text(definition: AlarmDefinition) -> str:
    (text,) = [v.pattern for v in definition.verbatim if v.source == "securityhub"]
    return text


def alarmed_filters(recording: Recording) -> list[tuple[str, bool]]:
    """Each filter's pattern, and whether an alarm on its metric notifies a subscribed topic."""
    topics = {t.outputs["arn"] for t in recording.of_type(TOPIC)}
    subscribed = {s.inputs["topic"] for s in recording.of_type(SUBSCRIPTION)} & topics
    alarms = recording.of_type(ALARM)
    found = []
    for metric_filter in recording.of_type(FILTER):
        transformation = metric_filter.inputs["metricTransformation"]
        heard = any(
            (a.inputs["namespace"], a.inputs["metricName"])
            == (transformation["namespace"], transformation["name"])
            and set(a.inputs["alarmActions"]) & subscribed
            for a in alarms
        )
        found.append((metric_filter.inputs["pattern"], heard))
    return found


def security_hub_failures(recording: Recording) -> set[str]:
    """The CloudWatch.N controls Security Hub would fail on this plan."""
    filters = alarmed_filters(recording)
    return {
        control
        for definition in load_catalog()
        for control in definition.compliance["securityhub"]
        if not any(
            heard and squeezed(p) == squeezed(securityhub_text(definition)) for p, heard in filters
        )
    }


def prowler_passes(check: dict[str, Any], pattern: str) -> bool:
    conditions = list(parse(pattern).conditions())
    compared = {
        (".".join(c.selector), c.operator, c.value) for c in conditions if isinstance(c, Comparison)
    }
    absent = {".".join(c.selector) for c in conditions if isinstance(c, NotExists)}
    wanted = {tuple(term) for term in check.get("terms", [])}
    wanted |= {("eventName", "=", name) for name in check.get("event_names", [])}
    if "event_source" in check:
        wanted.add(("eventSource", "=", check["event_source"]))
    return wanted <= compared and set(check.get("not_exists", [])) <= absent


def prowler_failures(recording: Recording) -> set[str]:
    """Prowler has no SNS requirement: an alarm on the metric is enough."""
    metrics = {a.inputs["metricName"] for a in recording.of_type(ALARM)}
    filters = [
        f.inputs["pattern"]
        for f in recording.of_type(FILTER)
        if f.inputs["metricTransformation"]["name"] in metrics
    ]
    return {
        check["check"]
        for check in prowler_checks()
        if not any(prowler_passes(check, pattern) for pattern in filters)
    }


@pytest.fixture(scope="module")
def corrected() -> Recording:
    return run_alarms(MAILBOX)


@pytest.fixture(scope="module")
def verbatim() -> Recording:
    return run_alarms(
        {
            **MAILBOX,
            "verbatimCis": {"enabled": True},
            "routes": {"low": {"email": ["security-digest@example.com"]}},
        }
    )


# --- the catalog ------------------------------------------------------------------------


def test_every_security_hub_control_has_its_prescribed_text() -> None:
    graded = [d for d in load_catalog() if d.compliance["securityhub"]]
    assert sorted(c for d in graded for c in d.compliance["securityhub"]) == sorted(
        f"CloudWatch.{n}" for n in range(1, 15)
    )
    for definition in graded:
        assert securityhub_text(definition).startswith("{"), definition.id


def test_only_the_corrected_patterns_need_a_verbatim_filter() -> None:
    needed = {(d.id, v.source) for d in load_catalog() for v in d.verbatim_filters}
    assert needed == NEEDS_VERBATIM


@pytest.mark.parametrize("definition", load_catalog(), ids=lambda d: d.id)
def test_verbatim_texts_fire_on_the_controls_events(definition: AlarmDefinition) -> None:
    # Same control, the grader's words: every sample the control must catch, it catches.
    for text in definition.verbatim:
        for event in definition.events:
            assert matches(text.pattern, event), (definition.id, text.source, event["eventName"])


def test_the_trade_off_the_verbatim_texts_bring() -> None:
    """What the corrected patterns keep quiet and the graders' texts do not."""
    catalog = by_id()
    session = catalog["4.3"].quiet_events[-1]  # a call inside a sanctioned AssumeRoot session
    assert session["userIdentity"]["sessionContext"]["assumedRoot"] == "true"
    assert not matches(catalog["4.3"].pattern, session)
    assert matches(securityhub_text(catalog["4.3"]), session)
    head_bucket = next(e for e in catalog["4.1"].quiet_events if e["eventName"] == "HeadBucket")
    assert not matches(catalog["4.1"].pattern, head_bucket)
    assert matches(securityhub_text(catalog["4.1"]), head_bucket)


# --- what the graders see ---------------------------------------------------------------


def test_corrected_patterns_fail_security_hub_where_they_differ(corrected: Recording) -> None:
    assert security_hub_failures(corrected) == {"CloudWatch.1", "CloudWatch.2", "CloudWatch.3"}


def test_verbatim_filters_pass_every_security_hub_control(verbatim: Recording) -> None:
    assert security_hub_failures(verbatim) == set()


def test_prowler_fails_route_tables_without_the_verbatim_text(corrected: Recording) -> None:
    # Organizations changes: Prowler also wants CancelHandshake, CreateOrganization and
    # EnableAllFeatures, which no CIS version prints; no verbatim text can pass it.
    assert prowler_failures(corrected) == {
        "cloudwatch_changes_to_network_route_tables_alarm_configured",
        "cloudwatch_log_metric_filter_aws_organizations_changes",
    }


def test_verbatim_filters_pass_prowler_except_its_own_organizations_list(
    verbatim: Recording,
) -> None:
    assert prowler_failures(verbatim) == {"cloudwatch_log_metric_filter_aws_organizations_changes"}


# --- what is deployed -------------------------------------------------------------------


def verbatim_alarms(recording: Recording) -> list[Any]:
    return [a for a in recording.of_type(ALARM) if "rootguard:verbatim" in a.inputs["tags"]]


def test_off_by_default(corrected: Recording) -> None:
    assert verbatim_alarms(corrected) == []
    assert len(corrected.of_type(FILTER)) == len([d for d in load_catalog() if d.enabled])


def test_each_text_is_deployed_byte_for_byte_with_its_own_metric(verbatim: Recording) -> None:
    catalog = by_id()
    filters = {f.inputs["metricTransformation"]["name"]: f for f in verbatim.of_type(FILTER)}
    deployed = verbatim_alarms(verbatim)
    assert {
        (a.inputs["tags"]["rootguard:control"], a.inputs["tags"]["rootguard:verbatim"])
        for a in deployed
    } == NEEDS_VERBATIM
    corrected_metrics = {d.metric for d in load_catalog()}
    for alarm in deployed:
        definition = catalog[alarm.inputs["tags"]["rootguard:control"]]
        (text,) = [
            v for v in definition.verbatim if v.source == alarm.inputs["tags"]["rootguard:verbatim"]
        ]
        metric = alarm.inputs["metricName"]
        assert metric not in corrected_metrics  # never feeds the corrected alarm
        assert filters[metric].inputs["pattern"] == text.pattern
        assert alarm.inputs["name"] == filters[metric].inputs["name"]
        assert "act on that one" in alarm.inputs["alarmDescription"]


def test_verbatim_alarms_are_low_and_go_to_the_low_route(verbatim: Recording) -> None:
    topics = {t.inputs["name"]: t.outputs["arn"] for t in verbatim.of_type(TOPIC)}
    for alarm in verbatim_alarms(verbatim):
        assert alarm.inputs["tags"]["rootguard:severity"] == "low"
        assert alarm.inputs["alarmActions"] == [topics["rootguard-security-alarms-low"]]


def test_severity_info_and_the_default_topic() -> None:
    recording = run_alarms({**MAILBOX, "verbatimCis": {"enabled": True, "severity": "info"}})
    (default_topic,) = [t.outputs["arn"] for t in recording.of_type(TOPIC)]
    alarms = verbatim_alarms(recording)
    assert len(alarms) == len(NEEDS_VERBATIM)
    for alarm in alarms:
        assert alarm.inputs["tags"]["rootguard:severity"] == "info"
        assert alarm.inputs["alarmActions"] == [default_topic]


def test_a_disabled_alarm_gets_no_verbatim_filter() -> None:
    recording = run_alarms(
        {**MAILBOX, "verbatimCis": {"enabled": True}, "disabled": ["unauthorized-api-calls"]}
    )
    controls = {a.inputs["tags"]["rootguard:control"] for a in verbatim_alarms(recording)}
    assert controls == {"4.2", "4.3", "4.13"}


# --- the config contract ----------------------------------------------------------------


def config_error(alarms: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config({"organization": {}, "alarms": alarms})
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("alarms", "expected"),
    [
        (
            {**MAILBOX, "verbatimCis": True},
            "rootguard:alarms.verbatimCis: must be a mapping",
        ),
        (
            {**MAILBOX, "verbatimCis": {"enabled": True, "severity": "critical"}},
            "rootguard:alarms.verbatimCis.severity:",
        ),
        (
            {**MAILBOX, "verbatimCis": {"enabeld": True}},
            "rootguard:alarms.verbatimCis.enabeld:",
        ),
    ],
)
def test_bad_verbatim_config_is_one_line_naming_the_key(
    alarms: dict[str, Any], expected: str
) -> None:
    assert expected in config_error(alarms)


def test_verbatim_alarms_need_a_subscriber_too() -> None:
    # Every corrected alarm is routed, so the default topic would only carry the verbatim ones.
    routes = {s: {"email": ["p@example.com"]} for s in ("critical", "high", "medium", "low")}
    load_config({"organization": {}, "alarms": {"routes": routes}})  # fine without them
    message = config_error({"routes": routes, "verbatimCis": {"enabled": True, "severity": "info"}})
    assert "no subscriber" in message
    assert message.endswith("the verbatimCis alarms are info: give routes.info a subscriber")
