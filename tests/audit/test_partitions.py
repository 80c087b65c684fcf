"""GovCloud and China organizations are judged in their own partition.

The audit takes the partition from the caller's ARN (GetCallerIdentity). A root-deny SCP
that names `arn:aws-us-gov:iam::*:root` protects a GovCloud root user; the commercial
`arn:aws:iam::*:root` matches nobody there and must fail.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from botocore.stub import Stubber

from rootguard.audit.collect.members import read_member_root
from rootguard.audit.facts import AuditFacts, MemberRoot, Policy, Unavailable
from rootguard.audit.model import Status
from rootguard.audit.policy import denies_root_access_keys, denies_root_actions
from rootguard.audit.readonly import ReadOnlyViolation, audit_task_policy_arn, check_operation
from tests.fakes.facts import MANAGEMENT, ROOT_ID, secure_facts, with_organization

from .test_checks import judge
from .test_collectors import MEMBER, NOW, StubbedClients, root_user_without_credentials

ACCOUNT = "210987654321"


def deny_root(principal: str) -> str:
    """AWS's published root-deny form (AssumeRoot sessions exempt) for `principal`."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {
                        "ArnLike": {"aws:PrincipalArn": [principal]},
                        "Null": {"aws:AssumedRoot": "true"},
                    },
                },
                {
                    "Effect": "Deny",
                    "Action": "iam:CreateAccessKey",
                    "Resource": ["*"],
                    "Condition": {"ArnLike": {"aws:PrincipalArn": [principal]}},
                },
            ],
        }
    )


@pytest.mark.parametrize(
    ("principal", "partition", "denied"),
    [
        ("arn:aws-us-gov:iam::*:root", "aws-us-gov", True),
        ("arn:aws:iam::*:root", "aws-us-gov", False),  # the commercial form, in GovCloud
        ("arn:*:iam::*:root", "aws-us-gov", True),
        ("arn:aws-cn:iam::*:root", "aws-cn", True),
        ("arn:aws:iam::*:root", "aws-cn", False),
        ("arn:aws-us-gov:iam::*:root", "aws", False),
        ("arn:aws:iam::*:root", "aws", True),
    ],
)
def test_policy_evaluation_uses_the_partition(principal: str, partition: str, denied: bool) -> None:
    document = deny_root(principal)
    assert denies_root_actions(document, ACCOUNT, partition) is denied
    assert denies_root_access_keys(document, ACCOUNT, partition) is denied


def in_partition(facts: AuditFacts, partition: str, principal: str) -> AuditFacts:
    policies = facts.organization.policies
    assert not isinstance(policies, Unavailable)
    deny = Policy("p-denyroot", "DenyRoot", False, deny_root(principal), frozenset({ROOT_ID}))
    facts = with_organization(facts, policies=(policies[0], deny))
    return replace(facts, caller_arn=f"arn:{partition}:sts::{MANAGEMENT}:assumed-role/Audit/ci")


def scp_statuses(facts: AuditFacts) -> dict[Status, int]:
    counted: dict[Status, int] = {}
    for finding in judge(facts):
        if finding.check_id.startswith("SCP-DENY-ROOT"):
            counted[finding.status] = counted.get(finding.status, 0) + 1
    return counted


@pytest.mark.parametrize("partition", ["aws-us-gov", "aws-cn"])
def test_a_correct_scp_in_the_partition_passes(partition: str) -> None:
    facts = in_partition(secure_facts(), partition, f"arn:{partition}:iam::*:root")
    assert facts.partition == partition
    assert set(scp_statuses(facts)) == {Status.PASS}


@pytest.mark.parametrize("partition", ["aws-us-gov", "aws-cn"])
def test_a_commercial_arn_scp_does_not_protect_another_partition(partition: str) -> None:
    facts = in_partition(secure_facts(), partition, "arn:aws:iam::*:root")
    findings = [f for f in judge(facts) if f.check_id.startswith("SCP-DENY-ROOT")]
    assert findings and {f.status for f in findings} == {Status.FAIL}
    assert all(f"(partition {partition})" in f.evidence for f in findings)


def test_every_arn_the_audit_reports_is_in_the_partition() -> None:
    facts = in_partition(secure_facts(), "aws-us-gov", "arn:aws-us-gov:iam::*:root")
    resources = [f.resource for f in judge(facts) if f.resource.startswith("arn:")]
    assert any(r.endswith(":root") for r in resources)
    built = [r for r in resources if ":iam::" in r]
    assert built and all(r.startswith("arn:aws-us-gov:iam::") for r in built)


# --- the read-only guard and AssumeRoot ------------------------------------------------------


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_the_audit_task_policy_of_any_partition_is_allowed(partition: str) -> None:
    arn = audit_task_policy_arn(partition)
    assert arn == f"arn:{partition}:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
    check_operation("AssumeRoot", {"TargetPrincipal": ACCOUNT, "TaskPolicyArn": {"arn": arn}})


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws-us-gov:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
        "arn:aws-mars:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
        "arn:*:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
        "IAMAuditRootUserCredentials",
    ],
)
def test_other_task_policies_are_refused(arn: str) -> None:
    with pytest.raises(ReadOnlyViolation, match="AssumeRoot refused"):
        check_operation("AssumeRoot", {"TargetPrincipal": ACCOUNT, "TaskPolicyArn": {"arn": arn}})


def test_assume_root_asks_for_the_partitions_task_policy() -> None:
    stubbed = StubbedClients()
    sts: Stubber = stubbed.stub("sts")
    credentials: dict[str, Any] = {
        "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
        "SecretAccessKey": "secret",
        "SessionToken": "token",
        "Expiration": NOW,
    }
    sts.add_response(
        "assume_root",
        {"Credentials": credentials},
        expected_params={
            "TargetPrincipal": MEMBER,
            "TaskPolicyArn": {"arn": audit_task_policy_arn("aws-us-gov")},
            "DurationSeconds": 900,
        },
    )

    stubbed.root_sessions.append(root_user_without_credentials)
    assert read_member_root(stubbed.clients, MEMBER, "aws-us-gov") == MemberRoot(False, (), (), ())
    stubbed.verify()
