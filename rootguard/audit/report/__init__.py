"""Reporters: the same findings as a table, JSON (documented schema), SARIF 2.1.0, ASFF or OCSF."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ... import __version__
from ...regions import partition_of_arn
from ..model import Finding, Severity, Status

TOOL_NAME = "rootguard-audit"
# The package's one version (its metadata), so a report names the code that wrote it.
TOOL_VERSION = __version__


@dataclass(frozen=True)
class RunInfo:
    """What the reports say about the run itself."""

    started_at: datetime
    finished_at: datetime
    caller_arn: str
    organization_id: str
    management_account_id: str
    region: str
    member_accounts: int
    stack: str | None
    fail_on: Severity
    allow_unknown: bool

    @property
    def partition(self) -> str:
        """The partition the audit ran in (from the caller's ARN)."""
        return partition_of_arn(self.caller_arn)


@dataclass(frozen=True)
class Report:
    run: RunInfo
    findings: Sequence[Finding]

    @property
    def blocking(self) -> list[Finding]:
        """Findings that make the run exit 1."""
        return [
            f
            for f in self.findings
            if f.blocks(self.run.fail_on, allow_unknown=self.run.allow_unknown)
        ]

    def counts(self) -> dict[str, int]:
        counted = Counter(f.status.value for f in self.findings)
        return {status.value: counted.get(status.value, 0) for status in Status}


def worst_first(findings: Sequence[Finding]) -> list[Finding]:
    """Failures before unknowns, then by severity, check, account and resource."""
    status_order = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.NOT_APPLICABLE: 2, Status.PASS: 3}
    return sorted(
        findings,
        key=lambda f: (status_order[f.status], -f.severity.rank, *f.sort_key()),
    )
