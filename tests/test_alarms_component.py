"""SecurityAlarms under the offline engine, wired to an OrgTrail's log group."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from rootguard.alarm_catalog import load_catalog
from rootguard.alarms import SecurityAlarms
from rootguard.audit.drift.alarm_topics import declared_topic_arns
from rootguard.audit.drift.stack_alarms import deployed
from rootguard.config.alarms import AlarmsConfig
from rootguard.offline import Recording, Registration, run_program
from rootguard.offline.fake_aws import MANAGEMENT_ACCOUNT_ID, ORGANIZATION_ID, PARTITION, FakeAws
from rootguard.trail import OrgTrail
from tests.conftest import plain_args

FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
CHAT = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
EXISTING_TOPIC = "arn:aws:sns:us-east-1:123456789012:org-security"


def run_alarms(raw: dict[str, Any] | None = None, fake: FakeAws | None = None) -> Recording:
    def program() -> None:
        trail = OrgTrail("trail", {"organization_id": ORGANIZATION_ID})
        alarms = SecurityAlarms(
            "alarms", plain_args(AlarmsConfig, raw or {}, log_group_name=trail.log_group_name)
        )
        pulumi.export("topic_arn", alarms.topic_arn)
        pulumi.export("alarm_arns", alarms.alarm_arns)

    return run_program(program, fake=fake)


def one(recording: Recording, type_: str) -> Registration:
    (found,) = recording.of_type(type_)
    return found


@pytest.fixture(scope="module")
def default() -> Recording:
    return run_alarms(
        {
            "email": ["security@example.com", "oncall@example.com"],
            "https": ["https://hooks.example.com/aws"],
        }
    )


def test_every_enabled_control_has_a_filter_and_an_alarm(default: Recording) -> None:
    expected = [d.id for d in load_catalog() if d.enabled]
    assert sorted(default.exports["alarm_arns"]) == sorted(expected)
    assert len(default.of_type(FILTER)) == len(default.of_type(ALARM)) == len(expected)


def test_every_alarm_counts_a_filter_on_the_trail_log_group(default: Recording) -> None:
    log_group = one(default, "aws:cloudwatch/logGroup:LogGroup")
    filters = {
        (f.inputs["metricTransformation"]["namespace"], f.inputs["metricTransformation"]["name"]): f
        for f in default.of_type(FILTER)
    }
    for alarm in default.of_type(ALARM):
        source = filters[(alarm.inputs["namespace"], alarm.inputs["metricName"])]
        assert source.inputs["logGroupName"] == log_group.outputs["name"]
        assert log_group.urn in source.depends_on
        assert source.urn in alarm.depends_on
        assert source.inputs["metricTransformation"]["value"] == "1"


def test_filters_use_the_catalog_patterns(default: Recording) -> None:
    # Sanctioned principals are rendered as ARNs in the deployment's partition and account.
    config = AlarmsConfig.model_validate({"email": ["security@example.com"]})
    quiet = config.quiet(PARTITION, MANAGEMENT_ACCOUNT_ID)
    patterns = {d.metric: d.render(quiet) for d in load_catalog()}
    for metric_filter in default.of_type(FILTER):
        metric = metric_filter.inputs["metricTransformation"]["name"]
        assert metric_filter.inputs["pattern"] == patterns[metric]
        assert metric_filter.inputs["metricTransformation"]["namespace"] == "RootGuard/CIS"


def test_sanctioned_sessions_are_rendered_for_this_account() -> None:
    recording = run_alarms(
        {
            "email": ["security@example.com"],
            "sanctionedSessions": [{"role": "ops/root-tasks", "tasks": ["S3UnlockBucketPolicy"]}],
        }
    )
    (session,) = [
        f
        for f in recording.of_type(FILTER)
        if f.inputs["name"].startswith("rootguard-4.3-assumeroot")
    ]
    pattern = session.inputs["pattern"]
    role = f"arn:{PARTITION}:iam::{MANAGEMENT_ACCOUNT_ID}:role/ops/root-tasks"
    assert f'!= "{role}"' in pattern
    assert "root-task/S3UnlockBucketPolicy" in pattern
    assert "rootguard-ci-read" not in pattern  # the stack's list replaces the default


def test_every_alarm_notifies_the_topic_at_the_cis_threshold(default: Recording) -> None:
    topic = one(default, TOPIC)
    for alarm in default.of_type(ALARM):
        assert alarm.inputs["alarmActions"] == [topic.outputs["arn"]]
        assert topic.urn in alarm.depends_on
        assert {
            key: alarm.inputs[key]
            for key in (
                "statistic",
                "period",
                "evaluationPeriods",
                "datapointsToAlarm",
                "threshold",
                "comparisonOperator",
                "treatMissingData",
            )
        } == {
            "statistic": "Sum",
            "period": 300,
            "evaluationPeriods": 1,
            "datapointsToAlarm": 1,
            "threshold": 1,
            "comparisonOperator": "GreaterThanOrEqualToThreshold",
            "treatMissingData": "notBreaching",
        }
    assert default.exports["topic_arn"] == topic.outputs["arn"]


def test_alarm_descriptions_say_what_to_do(default: Recording) -> None:
    by_name = {a.inputs["name"]: a for a in default.of_type(ALARM)}
    root = by_name["rootguard-4.3-RootCredentialsUsage"]
    assert root.inputs["alarmDescription"].startswith("[4.3 CRITICAL] Root user credentials used")
    assert "When it fires:" in root.inputs["alarmDescription"]
    assert root.inputs["tags"] == {"rootguard:control": "4.3", "rootguard:severity": "critical"}
    session = by_name["rootguard-4.3-assumeroot-UnsanctionedAssumeRoot"]
    assert session.inputs["tags"]["rootguard:severity"] == "high"


def test_topic_is_encrypted_with_its_own_protected_key(default: Recording) -> None:
    topic = one(default, TOPIC)
    (key,) = [k for k in default.of_type("aws:kms/key:Key") if k.name == "alarms-topic-key"]
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert key.protect and key.inputs["enableKeyRotation"] is True
    key_policy = json.loads(key.inputs["policy"])
    context = key_policy["Statement"][1]["Condition"]["StringEquals"]
    assert context == {"kms:EncryptionContext:aws:sns:topicArn": topic.outputs["arn"]}


def test_topic_policy_admits_only_this_accounts_alarms(default: Recording) -> None:
    topic = one(default, TOPIC)
    topic_policy = one(default, "aws:sns/topicPolicy:TopicPolicy")
    assert topic_policy.inputs["arn"] == topic.outputs["arn"]
    (publish,) = json.loads(topic_policy.inputs["policy"])["Statement"]
    assert publish["Resource"] == topic.outputs["arn"]
    assert publish["Condition"]["ArnLike"] == {
        "aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{MANAGEMENT_ACCOUNT_ID}:alarm:*"
    }


def test_subscriptions_come_from_the_config(default: Recording) -> None:
    topic = one(default, TOPIC)
    subscriptions = default.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sorted((s.inputs["protocol"], s.inputs["endpoint"]) for s in subscriptions) == [
        ("email", "oncall@example.com"),
        ("email", "security@example.com"),
        ("https", "https://hooks.example.com/aws"),
    ]
    assert all(s.inputs["topic"] == topic.outputs["arn"] for s in subscriptions)


def test_subscription_names_do_not_shift_when_one_is_removed() -> None:
    both = run_alarms({"email": ["a@example.com", "b@example.com"]})
    second_only = run_alarms({"email": ["b@example.com"]})

    def names(recording: Recording) -> dict[str, str]:
        subs = recording.of_type("aws:sns/topicSubscription:TopicSubscription")
        return {s.inputs["endpoint"]: s.name for s in subs}

    assert names(second_only)["b@example.com"] == names(both)["b@example.com"]


def test_disabled_controls_are_not_deployed() -> None:
    recording = run_alarms(
        {"email": ["a@example.com"], "disabled": ["4.1", "security-group-changes"]}
    )
    names = {a.inputs["name"] for a in recording.of_type(ALARM)}
    assert not any(name.startswith(("rootguard-4.1-", "rootguard-4.10-")) for name in names)
    assert "4.1" not in recording.exports["alarm_arns"]
    assert len(recording.of_type(FILTER)) == len([d for d in load_catalog() if d.enabled]) - 2


def test_existing_topic_is_notified_and_nothing_else_is_made() -> None:
    recording = run_alarms({"existingTopicArn": EXISTING_TOPIC, "namespace": "Org/Security"})
    assert not [r for r in recording if r.type.startswith("aws:sns/")]
    assert [k.name for k in recording.of_type("aws:kms/key:Key")] == ["trail-key"]
    for alarm in recording.of_type(ALARM):
        assert alarm.inputs["alarmActions"] == [EXISTING_TOPIC]
        assert alarm.inputs["namespace"] == "Org/Security"
    assert recording.exports["topic_arn"] == EXISTING_TOPIC


def test_component_registers_its_outputs(default: Recording) -> None:
    component = one(default, "rootguard:index:SecurityAlarms")
    outputs = default.component_outputs[component.urn]
    assert set(outputs) == {"topic_arn", "alarm_arns"}
    assert all(r.parent == component.urn for r in default.of_type(ALARM))


def test_every_control_off_leaves_an_empty_alarm_map() -> None:
    recording = run_alarms({"disabled": [d.name for d in load_catalog()]})
    assert not recording.of_type(ALARM) and not recording.of_type(FILTER)
    assert recording.exports["alarm_arns"] == {}


def test_every_alarm_notifies_a_topic_someone_hears(default: Recording) -> None:
    """No silent alarm: each has an action, and each topic it notifies has a subscriber."""
    routed = run_alarms(
        {
            "email": ["security@example.com"],
            "routes": {
                "critical": {"https": ["https://events.pagerduty.example.com/enqueue"]},
                "high": {"slack": [{"workspaceId": "T07EA123LEP", "channelId": "C07SEC"}]},
                "info": {"email": ["security-digest@example.com"]},
            },
            "enabled": ["assumeroot-session-activity"],
        }
    )
    for recording in (default, routed):
        topics = {t.outputs["arn"]: t for t in recording.of_type(TOPIC)}
        subscribed = {s.inputs["topic"] for s in recording.of_type(SUBSCRIPTION)}
        # An AWS Chatbot channel configuration subscribes to its topics (rootguard/chatbot.py).
        subscribed |= {
            arn for channel in recording.of_type(CHAT) for arn in channel.inputs["snsTopicArns"]
        }
        for alarm in recording.of_type(ALARM):
            assert alarm.inputs["alarmActions"], alarm.name
            for action in alarm.inputs["alarmActions"]:
                assert action in topics and action in subscribed, (alarm.name, action)


def test_each_severity_goes_to_its_route() -> None:
    recording = run_alarms(
        {
            "email": ["security@example.com"],
            "routes": {"critical": {"https": ["https://events.pagerduty.example.com/enqueue"]}},
        }
    )
    topics = {t.inputs["name"]: t.outputs["arn"] for t in recording.of_type(TOPIC)}
    paging = topics["rootguard-security-alarms-critical"]
    for alarm in recording.of_type(ALARM):
        critical = alarm.inputs["tags"]["rootguard:severity"] == "critical"
        wanted = paging if critical else topics["rootguard-security-alarms"]
        assert alarm.inputs["alarmActions"] == [wanted], alarm.name
    keys = [k for k in recording.of_type("aws:kms/key:Key") if "topic" in k.name]
    assert {k.name for k in keys} == {"alarms-topic-key", "alarms-critical-topic-key"}
    assert all(t.inputs["kmsMasterKeyId"] for t in recording.of_type(TOPIC))


def test_the_audit_expects_what_the_component_deploys() -> None:
    """The drift audit (rootguard/audit/drift/) derives from AlarmsConfig the filters, alarms
    and topics a stack deploys and where each alarm goes: they must be what the component
    built, verbatim CIS filters and per-severity routes included."""
    raw = {
        "email": ["security@example.com"],
        "routes": {
            "critical": {"https": ["https://events.pagerduty.example.com/enqueue"]},
            "low": {"topicName": "security-digest", "email": ["digest@example.com"]},
        },
        "verbatimCis": {"enabled": True},
    }
    fake = FakeAws(region="eu-west-1")
    recording = run_alarms(raw, fake)
    config = AlarmsConfig.model_validate(raw)
    place = (fake.partition, fake.region, MANAGEMENT_ACCOUNT_ID)
    expected = deployed(config, fake.partition, MANAGEMENT_ACCOUNT_ID)
    alarms = {a.inputs["metricName"]: a for a in recording.of_type(ALARM)}
    filters = {
        f.inputs["metricTransformation"]["name"]: f.inputs["pattern"]
        for f in recording.of_type(FILTER)
    }

    assert sorted(alarms) == sorted(filters) == sorted(a.metric[1] for a in expected)
    assert any("/verbatim-" in a.resource for a in expected)
    for stack_alarm in expected:
        namespace, metric = stack_alarm.metric
        assert filters[metric] == stack_alarm.pattern, stack_alarm.resource
        assert alarms[metric].inputs["namespace"] == namespace
        wanted = config.topic_arn(config.notified_route(stack_alarm.severity), *place)
        assert alarms[metric].inputs["alarmActions"] == [wanted], stack_alarm.resource
    created = {t.outputs["arn"] for t in recording.of_type(TOPIC)}
    assert set(declared_topic_arns(config, *place)) == created
    assert len(created) == 3
