"""Every partition: the components build their ARNs in the partition they are deployed to.

The prod stack is planned in a GovCloud and a China region. Every ARN in every resource's
inputs must name that partition (or any partition, `arn:*:`); one `arn:aws:` left over would
be a policy that grants or denies nothing there.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from rootguard.config.stack_file import read_stack_config, validate_stack_config
from rootguard.offline.engine import Recording
from rootguard.offline.fake_aws import FakeAws
from rootguard.offline.plan import run_main
from rootguard.regions import partition_of, partition_of_arn

ARN = re.compile(r"arn:[a-z*-]*:[^\"\s,]*")


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        if value.startswith(("{", "[")):  # a policy document rendered to JSON
            with contextlib.suppress(ValueError):
                yield from strings(json.loads(value))
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def plan(region: str) -> Recording:
    """The prod stack planned in `region`. The stack file's own ARNs (break-glass roles, trail
    readers) are the user's to write in their partition, so they are moved there first."""
    partition = partition_of(region)
    raw = json.dumps(read_stack_config("prod")).replace('"arn:aws:', f'"arn:{partition}:')
    config = {**json.loads(raw), "aws:region": region}
    if partition != "aws":
        # AWS Chatbot exists in the aws partition only: its channels are refused elsewhere
        # (tests/test_chatbot.py), so the stack would move them to email first.
        alarms = config["rootguard:alarms"]
        for subscribers in (alarms, *alarms.get("routes", {}).values()):
            subscribers.pop("slack", None)
            subscribers.pop("teams", None)
    validated = validate_stack_config(config)
    fake = FakeAws(region=region, trusted_services=validated.organization.service_principals)
    return run_main(config, stack="prod", fake=fake)


@pytest.mark.parametrize(
    ("region", "principal"),
    [
        ("us-east-1", "logs.us-east-1.amazonaws.com"),
        ("us-gov-west-1", "logs.us-gov-west-1.amazonaws.com"),
        ("cn-north-1", "logs.cn-north-1.amazonaws.com.cn"),
    ],
)
def test_the_log_group_key_trusts_the_regional_logs_principal(region: str, principal: str) -> None:
    keys = plan(region).of_type("aws:kms/key:Key")
    services = {
        statement["Principal"]["Service"]
        for key in keys
        for statement in json.loads(key.inputs["policy"])["Statement"]
        if "Service" in statement.get("Principal", {})
    }
    assert principal in services
    assert not any(s.startswith("logs.") and s != principal for s in services)


def planned_arns(region: str) -> list[str]:
    """Every ARN in the inputs of the prod stack planned in `region` (any ARN outside the
    partition was built by a component)."""
    recording = plan(region)
    return [
        match
        for registration in recording
        for text in strings(registration.inputs)
        for match in ARN.findall(text)
    ]


@pytest.mark.parametrize(
    ("region", "partition"), [("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")]
)
def test_every_component_arn_is_in_the_deployment_partition(region: str, partition: str) -> None:
    assert partition_of(region) == partition
    arns = planned_arns(region)
    assert len(arns) > 20  # the trail, alarm and key policies are all in there
    wrong = sorted({arn for arn in arns if arn.split(":")[1] not in (partition, "*")})
    assert wrong == []
    assert any(arn.startswith(f"arn:{partition}:iam::") for arn in arns)


def test_the_commercial_partition_is_unchanged() -> None:
    assert {arn.split(":")[1] for arn in planned_arns("eu-west-1")} <= {"aws", "*"}


@pytest.mark.parametrize(
    ("arn", "partition"),
    [
        ("arn:aws:iam::111122223333:root", "aws"),
        ("arn:aws-us-gov:sts::111122223333:assumed-role/Audit/me", "aws-us-gov"),
        ("arn:aws-cn:iam::111122223333:user/ops", "aws-cn"),
    ],
)
def test_partition_of_arn(arn: str, partition: str) -> None:
    assert partition_of_arn(arn) == partition


@pytest.mark.parametrize("text", ["", "arn", "arn::iam::1:root", "not:an:arn:at:all:x"])
def test_partition_of_a_non_arn_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match="not an ARN"):
        partition_of_arn(text)
