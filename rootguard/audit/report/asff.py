"""`--format asff`: the findings in the AWS Security Finding Format, ready for Security Hub.

The output is a JSON list of `AwsSecurityFinding` objects, the shape `BatchImportFindings`
takes (`aws securityhub batch-import-findings --findings file://findings.json`, 100 at a
time) and what `--to-security-hub` sends. Sources: AWS Security Hub User Guide, "Required
attributes" (ASFF), and botocore's `securityhub` service model (length limits below).

Security Hub accepts a finding only from the account the finding names in `AwsAccountId`
when it is imported under the account's own (default) product ARN (Security Hub partner
guide, "Guidelines for using the BatchImportFindings API"). The audit runs in the management
account, so every finding is filed under the management account and names the member account
it is about in its resources (`AWS::::Account:<id>`) and in `ProductFields`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rootguard.compliance import related_requirements

from ..model import Finding, Severity, Status
from . import TOOL_NAME, TOOL_VERSION, Report

SCHEMA_VERSION = "2018-10-08"
# botocore securityhub model: Title 256, Description 1024, Recommendation.Text 512 characters;
# RelatedRequirements 32 items, Resources 32, ProductFields 50 keys.
MAX_TITLE, MAX_DESCRIPTION, MAX_RECOMMENDATION, MAX_REQUIREMENTS = 256, 1024, 512, 32

SEVERITY_LABEL = {
    Severity.CRITICAL: "CRITICAL",
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MEDIUM",
    Severity.LOW: "LOW",
    Severity.INFO: "INFORMATIONAL",
}
# ASFF Compliance.Status (botocore model, `Compliance.Status`): PASSED; FAILED; WARNING, "some
# information is missing" (the audit could not read what the check needs); NOT_AVAILABLE,
# "the check could not be performed ... or was NOT_APPLICABLE".
COMPLIANCE_STATUS = {
    Status.PASS: "PASSED",
    Status.FAIL: "FAILED",
    Status.UNKNOWN: "WARNING",
    Status.NOT_APPLICABLE: "NOT_AVAILABLE",
}
CIS_TYPE = (
    "Software and Configuration Checks/Industry and Regulatory Standards/"
    "CIS AWS Foundations Benchmark"
)
BEST_PRACTICE_TYPE = "Software and Configuration Checks/AWS Security Best Practices"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _timestamp(report: Report) -> str:
    return report.run.finished_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def finding_id(report: Report, finding: Finding) -> str:
    """Stable across runs, so a re-import updates the same finding instead of adding one."""
    digest = hashlib.sha256(
        f"{finding.check_id}|{finding.account_id}|{finding.resource}".encode()
    ).hexdigest()[:32]
    return f"{TOOL_NAME}/{report.run.organization_id}/{finding.check_id}/{digest}"


def _resources(report: Report, finding: Finding) -> list[dict[str, Any]]:
    partition = report.run.partition
    account: dict[str, Any] = {
        "Type": "AwsAccount",
        "Id": f"AWS::::Account:{finding.account_id}",
        "Partition": partition,
        "Region": report.run.region,
    }
    if finding.resource in (finding.account_id, account["Id"]):
        return [account]
    judged = {
        "Type": "Other",
        "Id": finding.resource,
        "Partition": partition,
        "Region": report.run.region,
    }
    return [judged, account]


def asff_finding(report: Report, finding: Finding) -> dict[str, Any]:
    run = report.run
    management = run.management_account_id
    requirements = related_requirements(finding.compliance)
    types = [CIS_TYPE if requirements else BEST_PRACTICE_TYPE]
    # Security Hub shows a passed or not-applicable check as informational, as its own
    # controls do; the check's own severity stays in Severity.Original.
    label = (
        SEVERITY_LABEL[finding.severity]
        if finding.status in (Status.FAIL, Status.UNKNOWN)
        else "INFORMATIONAL"
    )
    severity = {"Label": label, "Original": finding.severity.value}
    timestamp = _timestamp(report)
    security_hub_controls = ",".join(finding.compliance.get("securityhub", ()))
    product_fields = {
        "rootguard/CheckId": finding.check_id,
        "rootguard/AccountId": finding.account_id,
        "rootguard/Status": finding.status.value,
        "rootguard/OrganizationId": run.organization_id,
        "Provider Name": TOOL_NAME,
        "Provider Version": TOOL_VERSION,
    }
    if security_hub_controls:
        product_fields["rootguard/SecurityHubControls"] = security_hub_controls
    return {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id(report, finding),
        "ProductArn": (
            f"arn:{run.partition}:securityhub:{run.region}:{management}:"
            f"product/{management}/default"
        ),
        "GeneratorId": f"{TOOL_NAME}/{finding.check_id}",
        "AwsAccountId": management,
        "Types": types,
        "CreatedAt": timestamp,
        "UpdatedAt": timestamp,
        "Severity": severity,
        "Title": _clip(finding.title, MAX_TITLE),
        "Description": _clip(
            f"[{finding.status.value}] account {finding.account_id}: {finding.evidence}",
            MAX_DESCRIPTION,
        ),
        "Remediation": {"Recommendation": {"Text": _clip(finding.remediation, MAX_RECOMMENDATION)}},
        "ProductFields": product_fields,
        "Resources": _resources(report, finding),
        "Compliance": {
            "Status": COMPLIANCE_STATUS[finding.status],
            "RelatedRequirements": requirements[:MAX_REQUIREMENTS],
        },
        "FindingProviderFields": {"Severity": severity, "Types": types},
        "RecordState": "ACTIVE",
    }


def asff_findings(report: Report) -> list[dict[str, Any]]:
    return [asff_finding(report, f) for f in sorted(report.findings, key=Finding.sort_key)]


def render(report: Report) -> str:
    return json.dumps(asff_findings(report), indent=2, ensure_ascii=False) + "\n"
