"""`rootguard:trail.existing`: use an organization trail managed elsewhere (Control Tower's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from rootguard.offline import run_program
from rootguard.offline.plan_view import Labels, summary_lines
from rootguard.trail import OrgTrail
from tests.conftest import minimal_organization

CT_TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/aws-controltower-BaselineCloudTrail"
CT_LOG_GROUP = "aws-controltower/CloudTrailLogs"
EXISTING = {"trailArn": CT_TRAIL, "logGroupName": CT_LOG_GROUP}
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
# What only a created trail registers: none of it may appear for an existing one.
TRAIL_KINDS = (
    "aws:cloudtrail/trail:Trail",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
)


def test_an_existing_trail_registers_no_trail_resources_and_carries_the_alarms(
    run_stack: Callable[..., Any],
) -> None:
    recording = run_stack(
        {
            "rootguard:organization": minimal_organization(),
            "rootguard:trail": {"existing": EXISTING},
        }
    )
    # (The alarms' SNS topic has a key of its own: it is not the trail's.)
    outside_alarms = [r for r in recording if "rootguard:index:SecurityAlarms" not in r.urn]
    assert not [r for r in outside_alarms if r.type in TRAIL_KINDS]
    assert not recording.of_type("rootguard:index:OrgTrail")
    assert not [r for r in recording if r.import_id and "cloudtrail" in r.type]
    filters = recording.of_type(FILTER)
    assert filters and {f.inputs["logGroupName"] for f in filters} == {CT_LOG_GROUP}
    assert recording.exports["trailArn"] == CT_TRAIL
    assert recording.exports["trailLogGroupName"] == CT_LOG_GROUP
    assert "trailBucketName" not in recording.exports
    (warning,) = [w for w in recording.warnings if "trail.existing" in w]
    assert CT_TRAIL in warning and CT_LOG_GROUP in warning


def test_the_plan_summary_says_the_trail_is_adopted(run_stack: Callable[..., Any]) -> None:
    recording = run_stack(
        {
            "rootguard:organization": minimal_organization(),
            "rootguard:trail": {"existing": EXISTING},
        }
    )
    lines = list(summary_lines(recording, Labels(recording)))
    (line,) = [line for line in lines if line.strip().startswith("trail:")]
    assert f"existing {CT_TRAIL} (adopted, not created)" in line and CT_LOG_GROUP in line


def test_without_existing_the_trail_is_created_as_before(run_stack: Callable[..., Any]) -> None:
    recording = run_stack({"rootguard:organization": minimal_organization()})
    (trail,) = recording.of_type("aws:cloudtrail/trail:Trail")
    assert trail.inputs["name"] == "rootguard-organization-trail"
    assert "trailBucketName" in recording.exports
    assert not [line for line in summary_lines(recording, Labels(recording)) if "adopted" in line]


def test_org_trail_refuses_an_existing_trail_in_one_line() -> None:
    with pytest.raises(pulumi.RunError) as error:
        run_program(lambda: OrgTrail("trail", {"existing": EXISTING}))  # type: ignore[typeddict-item]
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("OrgTrail 'trail': existing: OrgTrail creates a trail")
