"""The audit cannot write: every client refuses non-read operations before they are sent."""

from __future__ import annotations

import pytest

from rootguard.audit.readonly import AUDIT_TASK_POLICY_ARN, ReadOnlyViolation, check_operation
from rootguard.audit.root_session import TemporaryCredentials
from tests.fakes import FakeAws, FakeOrganization
from tests.fakes.organization import GUARDRAILS_NAME

from .conftest import audit_clients


@pytest.mark.parametrize(
    "operation",
    [
        "GetAccountSummary",
        "ListAccountsForParent",
        "DescribeTrails",
        "GenerateCredentialReport",
        "GetAlternateContact",
    ],
)
def test_reads_are_allowed(operation: str) -> None:
    check_operation(operation, {})


@pytest.mark.parametrize(
    "operation",
    [
        "CreateOrganizationalUnit",
        "DetachPolicy",
        "PutAlternateContact",
        "DeleteAlternateContact",
        "StopLogging",
        "DeleteTrail",
        "PutMetricAlarm",
        "Unsubscribe",
        "UpdateAccountPasswordPolicy",
        "CreateAccessKey",
        "DeleteLoginProfile",
        "AssumeRole",
        "GenerateServiceLastAccessedDetails",
    ],
)
def test_writes_are_refused(operation: str) -> None:
    with pytest.raises(ReadOnlyViolation, match=f"{operation} refused"):
        check_operation(operation, {})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {
                "TaskPolicyArn": {
                    "arn": "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"
                }
            },
            "IAMDeleteRootUserCredentials",
        ),
        (
            {"TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"}},
            "S3Unlock",
        ),
        ({}, "task policy None"),
        ({"TaskPolicyArn": {"arn": AUDIT_TASK_POLICY_ARN}, "DurationSeconds": 3600}, "3600"),
    ],
)
def test_assume_root_only_with_the_audit_task_policy(
    params: dict[str, object], message: str
) -> None:
    with pytest.raises(ReadOnlyViolation, match=message):
        check_operation("AssumeRoot", {"TargetPrincipal": "222222222222", **params})
    check_operation(
        "AssumeRoot",
        {"TargetPrincipal": "222222222222", "TaskPolicyArn": {"arn": AUDIT_TASK_POLICY_ARN}},
    )


def test_the_audits_clients_refuse_writes_before_they_reach_aws(
    org: FakeOrganization, fake: FakeAws
) -> None:
    clients = audit_clients(fake)
    organizations = clients.management("organizations")
    organizations.list_organizational_units_for_parent(ParentId=org.root_id)
    guardrails = org.policy(GUARDRAILS_NAME).id

    with pytest.raises(ReadOnlyViolation, match="CreateOrganizationalUnit refused"):
        organizations.create_organizational_unit(ParentId=org.root_id, Name="Sneaky")
    with pytest.raises(ReadOnlyViolation, match="DetachPolicy refused"):
        organizations.detach_policy(PolicyId=guardrails, TargetId=org.root_id)
    with pytest.raises(ReadOnlyViolation, match="StopLogging refused"):
        clients.management("cloudtrail").stop_logging(Name="org-trail")
    with pytest.raises(ReadOnlyViolation, match="AssumeRoot refused"):
        clients.management("sts").assume_root(
            TargetPrincipal=org.account_id("payments"),
            TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"},
        )
    session = TemporaryCredentials("ASIAEXAMPLE", "s", "t")
    with (
        clients.root_session("iam", org.account_id("payments"), session) as root_iam,
        pytest.raises(ReadOnlyViolation, match="DeleteLoginProfile refused"),
    ):
        root_iam.delete_login_profile()

    # Only the read reached the (fake) AWS endpoint: the writes never left the process.
    assert [c.operation for c in fake.calls] == ["ListOrganizationalUnitsForParent"]
    assert org.policy(GUARDRAILS_NAME).targets == {org.root_id}
    assert org.trail.logging
