"""The task-policy catalog (rootguard/catalog/root_tasks.yaml): well-formed, real IAM actions."""

from __future__ import annotations

import botocore.session

from rootguard.audit.readonly import AUDIT_TASK_POLICY_ARN, MAX_ROOT_SESSION_SECONDS
from rootguard.root_tasks import AUDIT, CREATE_PASSWORD, DELETE, root_tasks


def test_every_action_is_an_iam_operation() -> None:
    iam = botocore.session.get_session().get_service_model("iam")
    for task in root_tasks().tasks.values():
        assert task.operations() <= set(iam.operation_names), task.name
        assert all(action.startswith("iam:") for action in task.actions), task.name


def test_the_audit_task_reads_only_and_the_delete_task_adds_only_deletes() -> None:
    audit, delete = root_tasks()[AUDIT], root_tasks()[DELETE]
    assert all(op.startswith(("Get", "List")) for op in audit.operations())
    assert audit.actions < delete.actions
    assert {op for op in delete.operations() - audit.operations()} == {
        "DeactivateMFADevice",
        "DeleteAccessKey",
        "DeleteLoginProfile",
        "DeleteSigningCertificate",
        "DeleteVirtualMFADevice",
    }
    assert root_tasks()[CREATE_PASSWORD].allows("iam:CreateLoginProfile")


def test_arns_in_every_partition_and_the_audits_guard_reads_them() -> None:
    delete = root_tasks()[DELETE]
    assert delete.arn() == "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"
    assert root_tasks().by_arn(delete.arn("aws-us-gov")) == delete
    assert root_tasks().by_arn("arn:aws:iam::aws:policy/AdministratorAccess") is None
    assert root_tasks().by_arn(None) is None
    assert root_tasks()[AUDIT].arn() == AUDIT_TASK_POLICY_ARN
    assert MAX_ROOT_SESSION_SECONDS == 900
