"""Each stack's plan shows the trail, its storage and every alarm with its pattern."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from rootguard.alarms import alarm_name
from rootguard.config.stack_file import load_stack_config, stack_names
from rootguard.offline import Recording
from rootguard.offline.fake_aws import MANAGEMENT_ACCOUNT_ID, PARTITION
from rootguard.offline.plan import plan_stack, render_tree
from tests.conftest import minimal_organization
from tests.policy_checks import Kind, lint, privilege_problems

TRAIL = "aws:cloudtrail/trail:Trail"


@pytest.mark.parametrize("stack", stack_names())
def test_plan_shows_trail_storage_and_every_alarm(stack: str) -> None:
    config = load_stack_config(stack)
    recording = plan_stack(stack)
    (trail,) = recording.of_type(TRAIL)
    assert trail.inputs["name"] == config.trail.name
    assert trail.inputs["isOrganizationTrail"] is True
    buckets = recording.of_type("aws:s3/bucket:Bucket")
    if config.trail.existing_bucket is not None:
        assert not buckets
        assert trail.inputs["s3BucketName"] == config.trail.existing_bucket.name
    else:
        (bucket,) = buckets
        assert bucket.protect
        assert trail.inputs["s3BucketName"] == bucket.outputs["bucket"]

    expected = config.alarms.selected_alarms()
    alarms = {a.inputs["name"] for a in recording.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert alarms == {alarm_name(d) for d in expected}
    filters = {
        f.inputs["name"]: f.inputs["pattern"]
        for f in recording.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    }
    quiet = config.alarms.quiet(PARTITION, MANAGEMENT_ACCOUNT_ID)  # the stacks' regions: aws
    assert filters == {alarm_name(d): d.render(quiet) for d in expected}

    tree = render_tree(stack, recording)
    assert f"Trail rootguard-trail-trail  ({TRAIL})" in tree
    for definition in expected:
        assert f"MetricAlarm rootguard-alarms-{definition.slug}-alarm" in tree

    exports = recording.exports
    assert exports["trailArn"] == trail.outputs["arn"]
    assert exports["trailLogGroupName"] == config.trail.log_group_name
    assert set(exports["alarmArns"]) == {d.id for d in expected}
    assert exports["alarmTopicArn"].endswith(f":{config.alarms.topic_name}")


def test_prod_locks_its_logs() -> None:
    recording = plan_stack("prod")
    (lock,) = recording.of_type(
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
    )
    assert lock.inputs["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 365}


def test_created_organization_trail_waits_for_cloudtrail_trusted_access(
    run_stack: Callable[..., Recording],
) -> None:
    recording = run_stack({"rootguard:organization": minimal_organization(mode="create")})
    (organization,) = recording.of_type("aws:organizations/organization:Organization")
    assert "cloudtrail.amazonaws.com" in organization.inputs["awsServiceAccessPrincipals"]
    (trail,) = recording.of_type(TRAIL)
    assert organization.urn in trail.depends_on


def test_trail_and_alarms_are_children_of_rootguard(run_stack: Callable[..., Recording]) -> None:
    recording = run_stack({"rootguard:organization": minimal_organization()})
    (guard,) = recording.of_type("rootguard:index:RootGuard")
    children = {r.type for r in recording.children(guard)}
    assert {"rootguard:index:OrgTrail", "rootguard:index:SecurityAlarms"} <= children
    assert {"trailArn", "alarmTopicArn"} <= set(recording.component_outputs[guard.urn])


# Where each resource keeps its policy document, and what kind of document it is.
POLICY_INPUTS: dict[str, tuple[str, Kind]] = {
    "aws:s3/bucketPolicy:BucketPolicy": ("policy", "resource"),
    "aws:kms/key:Key": ("policy", "key"),
    "aws:iam/role:Role": ("assumeRolePolicy", "trust"),
    "aws:iam/rolePolicy:RolePolicy": ("policy", "identity"),
    "aws:iam/policy:Policy": ("policy", "identity"),  # the AWS Chatbot guardrail
    "aws:sns/topicPolicy:TopicPolicy": ("policy", "resource"),
}


@pytest.mark.parametrize("stack", stack_names())
def test_every_planned_policy_is_linted_and_least_privilege(stack: str) -> None:
    recording = plan_stack(stack)
    (trail,) = recording.of_type(TRAIL)
    checked = 0
    for type_, (key, kind) in POLICY_INPUTS.items():
        for registration in recording.of_type(type_):
            document = json.loads(registration.inputs[key])
            assert lint(document, kind) == [], registration.name
            problems = privilege_problems(
                document,
                trail_arn=trail.outputs["arn"],
                admin_principal=f"arn:aws:iam::{MANAGEMENT_ACCOUNT_ID}:root",
            )
            assert problems == [], registration.name
            checked += 1
    # bucket policy (unless existingBucket), two keys, role trust, role policy, topic policy
    assert checked >= 5
