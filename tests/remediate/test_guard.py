"""The remediation can make no call but its allowed reads and deletes: refused before sending."""

from __future__ import annotations

import json

import pytest

from rootguard.audit.aws import ClientScope
from rootguard.remediate import member
from rootguard.remediate.guard import MANAGEMENT_OPERATIONS, RemediationGuard, RemediationViolation
from rootguard.root_tasks import AUDIT, DELETE, root_tasks
from tests.fakes import MANAGEMENT, FakeAws, FakeOrganization

from .conftest import remediate

MEMBER, OTHER = "200000000003", "200000000004"


def guard(apply: bool) -> RemediationGuard:
    built = RemediationGuard(apply=apply)
    built.allow_targets([MEMBER], MANAGEMENT)
    return built


def management(service: str) -> ClientScope:
    return ClientScope(service, "us-east-1")


def root_session(account: str | None = MEMBER) -> ClientScope:
    return ClientScope("iam", "us-east-1", True, lambda: account)


def assume_root(task: str, target: str = MEMBER, **extra: object) -> dict[str, object]:
    return {
        "TargetPrincipal": target,
        "TaskPolicyArn": {"arn": root_tasks()[task].arn()},
        "DurationSeconds": 900,
        **extra,
    }


@pytest.mark.parametrize("action", sorted(MANAGEMENT_OPERATIONS))
def test_management_reads_are_allowed(action: str) -> None:
    service, operation = action.split(":")
    guard(apply=True).check(management(service), operation, {})


@pytest.mark.parametrize(
    "action",
    ["organizations:LeaveOrganization", "iam:CreateUser", "sts:AssumeRole", "iam:DeleteUser",
     "organizations:ListPolicies", "iam:DisableOrganizationsRootSessions"],
)  # fmt: skip
def test_anything_else_with_management_credentials_is_refused(action: str) -> None:
    service, operation = action.split(":")
    with pytest.raises(RemediationViolation, match="not a call rootguard remediate makes"):
        guard(apply=True).check(management(service), operation, {})


def test_assume_root_only_into_a_selected_member_with_the_run_s_task() -> None:
    sts = management("sts")
    guard(apply=True).check(sts, "AssumeRoot", assume_root(DELETE))
    guard(apply=True).check(sts, "AssumeRoot", assume_root(AUDIT))  # the prompt's read pass
    guard(apply=False).check(sts, "AssumeRoot", assume_root(AUDIT))
    refusals = [
        (guard(apply=False), assume_root(DELETE), "a dry run only reads"),
        (guard(apply=True), assume_root(DELETE, target=OTHER), "not a member account selected"),
        (guard(apply=True), assume_root(DELETE, target=MANAGEMENT), "not a member account"),
        (guard(apply=True), assume_root("IAMCreateRootUserPassword"), "is not IAMDelete"),
        (guard(apply=True), {**assume_root(DELETE), "DurationSeconds": 3600}, "is over 900"),
        (
            guard(apply=True),
            {**assume_root(DELETE), "TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/Admin"}},
            "is not IAMDelete",
        ),
    ]
    for built, params, message in refusals:
        with pytest.raises(RemediationViolation, match=message):
            built.check(sts, "AssumeRoot", params)


def test_the_management_account_can_never_be_a_target() -> None:
    with pytest.raises(RemediationViolation, match="management account"):
        RemediationGuard(apply=True).allow_targets([MEMBER, MANAGEMENT], MANAGEMENT)


def test_root_session_calls_are_the_task_policy_s_actions_only() -> None:
    virtual = {"SerialNumber": f"arn:aws:iam::{MEMBER}:mfa/root"}
    for action in sorted(root_tasks()[DELETE].actions):
        guard(apply=True).check(root_session(), action.split(":")[1], virtual)
    with pytest.raises(RemediationViolation, match="a dry run only reads"):
        guard(apply=False).check(root_session(), "DeleteAccessKey", {"AccessKeyId": "AKIA"})
    for operation in ("CreateLoginProfile", "CreateAccessKey", "UpdateAccessKey", "DeleteUser"):
        with pytest.raises(
            RemediationViolation, match="not allowed by IAMDeleteRootUserCredentials"
        ):
            guard(apply=True).check(root_session(), operation, {})


def test_root_session_calls_never_name_a_user_or_another_account_s_device() -> None:
    with pytest.raises(RemediationViolation, match="UserName would name an IAM user"):
        guard(apply=True).check(
            root_session(), "DeleteAccessKey", {"UserName": "ci", "AccessKeyId": "A"}
        )
    with pytest.raises(RemediationViolation, match="not a virtual MFA device of"):
        guard(apply=True).check(
            root_session(), "DeleteVirtualMFADevice",
            {"SerialNumber": f"arn:aws:iam::{OTHER}:mfa/root"},
        )  # fmt: skip
    with pytest.raises(RemediationViolation, match="no root session of a selected account"):
        guard(apply=True).check(root_session(OTHER), "ListAccessKeys", {})


def test_a_forbidden_call_never_reaches_aws(
    fake: FakeAws, org: FakeOrganization, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A bug that tried to re-create a password is stopped in the client, before sending."""
    org.give_root_credentials("payments", password=True)
    monkeypatch.setattr(member, "_steps", lambda credential: [("create_login_profile", {})])

    run = remediate(fake, capsys, "--account", "payments", "--apply", "--yes")

    assert run.code == 2
    assert "internal error, refused before sending: iam:CreateLoginProfile refused" in run.err
    assert fake.count("CreateLoginProfile") == 0
    assert fake.deleted == []


def test_the_evidence_names_who_ran_it_and_every_call(
    fake: FakeAws, org: FakeOrganization, capsys: pytest.CaptureFixture[str]
) -> None:
    org.give_root_credentials("payments", access_keys=1)

    run = remediate(fake, capsys, "--account", "payments", "--format", "json")

    account = json.loads(run.out)["accounts"][0]
    assert [c["operation"] for c in account["calls"]] == [
        "AssumeRoot", "ListAccessKeys", "GetAccessKeyLastUsed", "ListSigningCertificates",
        "GetLoginProfile", "ListMFADevices",
    ]  # fmt: skip
    assert [c["error"] for c in account["calls"]] == [None] * 4 + ["NoSuchEntity", None]
    assert {c.operation for c in fake.calls if c.account == account["accountId"]} == {
        c["operation"] for c in account["calls"]
    }
