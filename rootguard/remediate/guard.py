"""Enforce that `rootguard remediate` makes no call but the allowed reads and deletes.

Like the audit's read-only guard (rootguard/audit/readonly.py), every client gets a
`before-parameter-build` handler that runs before a request is serialized or sent and raises
`RemediationViolation` for anything outside the allow-list:

- with the management account's credentials: who am I, the organization tree, the
  centralized-root-access features, and `sts:AssumeRoot`, only into an account selected for
  this run (never the management account), for at most 900 s, with the audit task policy
  (dry run) or the delete task policy (`--apply` only);
- as a member's root user: only the actions of the task policy the run uses
  (rootguard/catalog/root_tasks.yaml), never with a `UserName` (which would name an IAM
  user instead of the root user), and a virtual MFA device only of the account at hand.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

from rootguard.audit.aws import ClientScope
from rootguard.root_tasks import AUDIT, DELETE, root_tasks

MAX_ROOT_SESSION_SECONDS = root_tasks().max_session_seconds

# Reads made with the management account's credentials (docs/remediate-iam-policy.json).
MANAGEMENT_OPERATIONS = frozenset(
    {
        "sts:GetCallerIdentity",
        "organizations:DescribeOrganization",
        "organizations:ListRoots",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListAccountsForParent",
        "iam:ListOrganizationsFeatures",
    }
)


class RemediationViolation(RuntimeError):
    """A call outside the allow-list: refused before it was sent."""


class RemediationGuard:
    """The allow-list of one run: its mode and the member accounts it may act on."""

    def __init__(self, *, apply: bool) -> None:
        self.apply = apply
        self.task = root_tasks()[DELETE if apply else AUDIT]
        self._targets: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def allow_targets(self, account_ids: Iterable[str], management_account_id: str) -> None:
        """The selected member accounts: the only AssumeRoot targets from now on."""
        targets = frozenset(account_ids)
        if management_account_id in targets:
            raise RemediationViolation(
                f"the management account {management_account_id} cannot be a target"
            )
        with self._lock:
            self._targets = targets

    def check(self, scope: ClientScope, operation: str, params: dict[str, Any]) -> None:
        action = f"{scope.service}:{operation}"
        if scope.root_session:
            self._check_root_session(scope, action, params)
        elif action == "sts:AssumeRoot":
            self._check_assume_root(params)
        elif action not in MANAGEMENT_OPERATIONS:
            raise RemediationViolation(f"{action} refused: not a call rootguard remediate makes")

    def _check_assume_root(self, params: dict[str, Any]) -> None:
        target = params.get("TargetPrincipal")
        if target not in self._targets:
            raise RemediationViolation(
                f"sts:AssumeRoot refused: {target!r} is not a member account selected for this run"
            )
        arn = (params.get("TaskPolicyArn") or {}).get("arn")
        task = root_tasks().by_arn(arn)
        if task is None or task.name not in (AUDIT, self.task.name):
            raise RemediationViolation(
                f"sts:AssumeRoot refused: task policy {arn!r} is not {self.task.name}"
                + ("" if self.apply else " (a dry run only reads)")
            )
        duration = params.get("DurationSeconds", MAX_ROOT_SESSION_SECONDS)
        if not isinstance(duration, int) or duration > MAX_ROOT_SESSION_SECONDS:
            raise RemediationViolation(
                f"sts:AssumeRoot refused: DurationSeconds {duration!r} is over "
                f"{MAX_ROOT_SESSION_SECONDS}"
            )

    def _check_root_session(self, scope: ClientScope, action: str, params: dict[str, Any]) -> None:
        account = scope.current_account()
        if account not in self._targets:
            raise RemediationViolation(f"{action} refused: no root session of a selected account")
        if not self.task.allows(action):
            raise RemediationViolation(
                f"{action} refused: not allowed by {self.task.name}"
                + ("" if self.apply else " (a dry run only reads)")
            )
        if "UserName" in params:
            raise RemediationViolation(
                f"{action} refused: UserName would name an IAM user, not the root user"
            )
        if action == "iam:DeleteVirtualMFADevice":
            serial = str(params.get("SerialNumber", ""))
            if not re.fullmatch(rf"arn:aws(?:-[a-z]+)*:iam::{account}:mfa/.+", serial):
                raise RemediationViolation(
                    f"{action} refused: {serial!r} is not a virtual MFA device of {account}"
                )

    def install(self, client: Any, scope: ClientScope) -> None:
        """Register the guard on a client, ahead of every other handler."""

        def refuse(params: dict[str, Any], model: Any, **_: Any) -> None:
            self.check(scope, model.name, params)

        client.meta.events.register_first(
            "before-parameter-build.*.*", refuse, unique_id="rootguard-remediate-allow-list"
        )
