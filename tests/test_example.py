"""examples/standalone-account: another Pulumi project reusing the trail and alarms from the
installed rootguard package, run under the offline engine with its own stack file."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from rootguard.offline import Recording, run_program
from rootguard.offline.fake_aws import FakeAws
from tests.package import REPO

EXAMPLE = REPO / "examples" / "standalone-account"
PROJECT = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())["name"]
STACK_CONFIG: dict[str, Any] = yaml.safe_load((EXAMPLE / "Pulumi.dev.yaml").read_text())["config"]


def run_example(config: dict[str, Any], fake: FakeAws | None = None) -> Recording:
    return run_program(
        lambda: runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__"),
        config=config,
        project=PROJECT,
        stack="dev",
        fake=fake,
    )


@pytest.fixture(scope="module")
def example() -> Recording:
    return run_example(STACK_CONFIG)


def test_project_is_a_python_program_whose_stack_config_is_its_own() -> None:
    project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    namespaces = {key.split(":", 1)[0] for key in STACK_CONFIG}
    assert namespaces == {"aws", PROJECT}
    assert (EXAMPLE / "requirements.txt").read_text().splitlines()[-1] == "../.."


def test_the_example_uses_two_components(example: Recording) -> None:
    assert sorted(r.type for r in example if not r.custom) == [
        "rootguard:index:OrgTrail",
        "rootguard:index:SecurityAlarms",
    ]


def test_the_trail_logs_this_account_only(example: Recording) -> None:
    (trail,) = example.of_type("aws:cloudtrail/trail:Trail")
    assert trail.inputs["name"] == "account-trail"
    assert trail.inputs["isOrganizationTrail"] is False
    assert trail.inputs["enableLogFileValidation"] is True
    assert not [r for r in example if r.type.startswith("aws:organizations/")]
    (lifecycle,) = example.of_type(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    )
    assert lifecycle.inputs["rules"][0]["expiration"]["days"] == 400  # logRetentionDays


def test_the_alarms_read_the_trails_log_group_and_mail_the_configured_address(
    example: Recording,
) -> None:
    (log_group,) = example.of_type("aws:cloudwatch/logGroup:LogGroup")
    filters = example.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    assert len(filters) >= 15
    assert {f.inputs["logGroupName"] for f in filters} == {log_group.outputs["name"]}
    assert all(log_group.urn in f.depends_on for f in filters)
    (subscription,) = example.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert subscription.inputs["endpoint"] == "security@example.com"
    (topic,) = example.of_type("aws:sns/topic:Topic")
    assert topic.inputs["name"] == "account-security-alarms"
    assert set(example.exports["alarmArns"]) >= {"4.1", "4.3"}
    assert example.exports["trailArn"]


def test_a_bad_value_in_the_examples_config_names_the_key(rootguard_installed: Path) -> None:
    with pytest.raises(pulumi.RunError) as error:
        run_example({**STACK_CONFIG, f"{PROJECT}:alarmEmails": ["not-an-address"]})
    assert str(error.value).startswith(
        "SecurityAlarms 'account-alarms': email[0]: must be an email address"
    )
