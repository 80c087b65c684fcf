"""What the audit reports: checks (from the catalog) and the findings they produce."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from rootguard.compliance import NO_COMPLIANCE, Compliance
from rootguard.severity import Severity as Severity  # the one scale, re-exported


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    # The audit could not read what the check needs (AccessDenied, a timeout): not a pass.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Check:
    """One catalog entry; its methods make findings that carry its metadata."""

    id: str
    title: str
    severity: Severity
    scope: str
    cis_control: str | None
    seed_practice: str
    remediation: str
    # CIS v1.4/v3.0/v7.0 and Security Hub control ids (rootguard/compliance.py).
    compliance: Compliance = field(default_factory=lambda: NO_COMPLIANCE, compare=False)

    def remediation_for(self, account_id: str) -> str:
        """`{account}` in a remediation is the finding's account, so the text can name the
        exact command to run (MEMBER-ROOT-*: `rootguard remediate --account ...`)."""
        return self.remediation.replace("{account}", account_id)

    def finding(self, status: Status, account_id: str, resource: str, evidence: str) -> Finding:
        return Finding(
            check_id=self.id,
            title=self.title,
            severity=self.severity,
            status=status,
            account_id=account_id,
            resource=resource,
            cis_control=self.cis_control,
            seed_practice=self.seed_practice,
            evidence=evidence,
            remediation=self.remediation_for(account_id),
            compliance=self.compliance,
        )

    def passed(self, account_id: str, resource: str, evidence: str) -> Finding:
        return self.finding(Status.PASS, account_id, resource, evidence)

    def failed(self, account_id: str, resource: str, evidence: str) -> Finding:
        return self.finding(Status.FAIL, account_id, resource, evidence)

    def unknown(self, account_id: str, resource: str, reason: str) -> Finding:
        return self.finding(Status.UNKNOWN, account_id, resource, reason)

    def not_applicable(self, account_id: str, resource: str, reason: str) -> Finding:
        return self.finding(Status.NOT_APPLICABLE, account_id, resource, reason)

    def judged(self, ok: bool, account_id: str, resource: str, evidence: str) -> Finding:
        return self.finding(Status.PASS if ok else Status.FAIL, account_id, resource, evidence)


@dataclass(frozen=True)
class Finding:
    """One check's verdict on one resource. The JSON report is exactly these fields."""

    check_id: str
    title: str
    severity: Severity
    status: Status
    account_id: str
    resource: str
    cis_control: str | None
    seed_practice: str
    evidence: str
    remediation: str
    compliance: Compliance = field(default_factory=lambda: NO_COMPLIANCE, compare=False)

    def blocks(self, threshold: Severity, *, allow_unknown: bool) -> bool:
        """Whether this finding makes the run exit 1 at `--fail-on threshold`.

        An unknown counts as a failure unless allowed: a control nobody could verify is
        not a passing control, and a missing permission must not turn the audit green.
        """
        failing = self.status is Status.FAIL or (
            self.status is Status.UNKNOWN and not allow_unknown
        )
        return failing and self.severity.at_least(threshold)

    def sort_key(self) -> tuple[str, str, str]:
        return (self.check_id, self.account_id, self.resource)
