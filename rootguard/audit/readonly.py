"""Enforce that the audit never writes to AWS.

Every client the audit creates gets `refuse_writes` on its `before-parameter-build` event,
which fires before a request is serialized or sent. Operations outside a read-only
allow-list raise `ReadOnlyViolation`, so a write cannot leave the process even if a bug (or
a future edit) tries one.
"""

from __future__ import annotations

from typing import Any

from rootguard.regions import known_partitions, partition_of_arn
from rootguard.root_tasks import AUDIT, root_tasks

READ_ONLY_PREFIXES = ("Get", "List", "Describe")
# Not named like reads but without effect on the account: the credential report is a
# generated read-only snapshot.
ALSO_ALLOWED = frozenset({"GenerateCredentialReport"})
# AssumeRoot opens a short root session in a member account: allowed only with the task
# policy that can read, never change, the root user's credentials (rootguard/catalog/
# root_tasks.yaml). The policy lives in each partition
# (`arn:aws-us-gov:iam::aws:policy/root-task/...` in GovCloud).
AUDIT_TASK = AUDIT
MAX_ROOT_SESSION_SECONDS = root_tasks().max_session_seconds


def audit_task_policy_arn(partition: str = "aws") -> str:
    return root_tasks()[AUDIT_TASK].arn(partition)


AUDIT_TASK_POLICY_ARN = audit_task_policy_arn()


def _is_audit_task_policy(arn: object) -> bool:
    if not isinstance(arn, str):
        return False
    try:
        partition = partition_of_arn(arn)
    except ValueError:
        return False
    return partition in known_partitions() and arn == audit_task_policy_arn(partition)


class ReadOnlyViolation(RuntimeError):
    """The audit tried an operation that is not on the read-only allow-list."""


def check_operation(operation: str, params: dict[str, Any]) -> None:
    """Raise ReadOnlyViolation unless `operation` with `params` is a read."""
    if operation == "AssumeRoot":
        task_policy = (params.get("TaskPolicyArn") or {}).get("arn")
        if not _is_audit_task_policy(task_policy):
            raise ReadOnlyViolation(
                f"AssumeRoot refused: task policy {task_policy!r} is not "
                f"arn:<partition>:iam::aws:policy/root-task/{AUDIT_TASK} (the audit is read-only)"
            )
        duration = params.get("DurationSeconds", MAX_ROOT_SESSION_SECONDS)
        if not isinstance(duration, int) or duration > MAX_ROOT_SESSION_SECONDS:
            raise ReadOnlyViolation(
                f"AssumeRoot refused: DurationSeconds {duration!r} is over "
                f"{MAX_ROOT_SESSION_SECONDS}"
            )
        return
    if operation.startswith(READ_ONLY_PREFIXES) or operation in ALSO_ALLOWED:
        return
    raise ReadOnlyViolation(f"{operation} refused: the audit is read-only")


def refuse_writes(params: dict[str, Any], model: Any, **_: Any) -> None:
    """botocore `before-parameter-build` handler."""
    check_operation(model.name, params)


# `--to-security-hub` is the audit's one write: findings into the caller's own Security Hub.
# It goes through a separate client that can do exactly this and nothing else; every other
# client stays read-only and refuses it like any other write.
IMPORT_FINDINGS = "BatchImportFindings"


def refuse_all_but_import(params: dict[str, Any], model: Any, **_: Any) -> None:
    """botocore `before-parameter-build` handler for the Security Hub import client."""
    if model.name != IMPORT_FINDINGS:
        raise ReadOnlyViolation(
            f"{model.name} refused: the Security Hub client may only {IMPORT_FINDINGS}"
        )


def install_import_only(client: Any) -> None:
    client.meta.events.register_first(
        "before-parameter-build.*.*", refuse_all_but_import, unique_id="rootguard-audit-import"
    )


def install(client: Any) -> None:
    """Register the guard on a client, ahead of every other handler."""
    client.meta.events.register_first(
        "before-parameter-build.*.*", refuse_writes, unique_id="rootguard-audit-read-only"
    )
