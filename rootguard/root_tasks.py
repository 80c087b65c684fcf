"""The AssumeRoot task policies and the actions each allows (rootguard/catalog/root_tasks.yaml).

Pure data: the audit's read-only guard, the remediation's client allow-list and the test
fakes that enforce a root session's task policy all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_PATH = Path(__file__).parent / "catalog" / "root_tasks.yaml"
ARN_PREFIX = "iam::aws:policy/root-task/"

AUDIT = "IAMAuditRootUserCredentials"
CREATE_PASSWORD = "IAMCreateRootUserPassword"
DELETE = "IAMDeleteRootUserCredentials"


@dataclass(frozen=True)
class RootTask:
    name: str
    purpose: str
    actions: frozenset[str]  # "iam:DeleteAccessKey"

    def arn(self, partition: str = "aws") -> str:
        """`arn:<partition>:iam::aws:policy/root-task/<name>`."""
        return f"arn:{partition}:{ARN_PREFIX}{self.name}"

    def allows(self, action: str) -> bool:
        return action in self.actions

    def operations(self, service: str = "iam") -> frozenset[str]:
        """The API operation names this task allows on `service` (`DeleteAccessKey`)."""
        prefix = f"{service}:"
        return frozenset(a[len(prefix) :] for a in self.actions if a.startswith(prefix))


@dataclass(frozen=True)
class RootTasks:
    max_session_seconds: int
    tasks: dict[str, RootTask]

    def __getitem__(self, name: str) -> RootTask:
        return self.tasks[name]

    def by_arn(self, arn: str | None) -> RootTask | None:
        """The task an ARN names, in any partition; None for anything else."""
        if not arn or not arn.startswith("arn:"):
            return None
        parts = arn.split(":", 2)
        if len(parts) != 3 or not parts[2].startswith(ARN_PREFIX):
            return None
        return self.tasks.get(parts[2][len(ARN_PREFIX) :])


@cache
def root_tasks() -> RootTasks:
    raw: dict[str, Any] = yaml.safe_load(CATALOG_PATH.read_text())
    return RootTasks(
        max_session_seconds=int(raw["maxSessionSeconds"]),
        tasks={
            name: RootTask(name, str(entry["purpose"]), frozenset(entry["actions"]))
            for name, entry in raw["tasks"].items()
        },
    )
