"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning.

Every check is a rule (with GitHub's `security-severity`); every failing or unknown finding
is a result. Passing and not-applicable findings are left out: code scanning turns every
result into an alert, and it caps results per upload. Code scanning also requires a
physical location per result, so each points at the stack file (or Pulumi.yaml without
--stack) and names the AWS resource as a logical location; `partialFingerprints` keep one
alert per (check, account, resource) across runs.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rootguard.compliance import as_lists

from ..catalog import checks
from ..model import Check, Finding, Severity, Status
from . import TOOL_NAME, TOOL_VERSION, Report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

# GitHub maps security-severity to critical (>= 9.0), high (7.0-8.9), medium (4.0-6.9), low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def _rule(item: Check) -> dict[str, Any]:
    tags = ["security", "aws", "root-user", item.scope]
    if item.cis_control:
        tags.append(item.cis_control)
    return {
        "id": item.id,
        "name": "".join(part.capitalize() for part in item.id.replace(".", "-").split("-")),
        "shortDescription": {"text": item.title},
        "fullDescription": {"text": f"{item.title}. Practice: {item.seed_practice}."},
        "help": {"text": item.remediation_for("ACCOUNT_ID")},
        "defaultConfiguration": {"level": LEVEL[item.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[item.severity],
            "severity": item.severity.value,
            "cisControl": item.cis_control or "",
            "compliance": as_lists(item.compliance),
            "tags": tags,
        },
    }


def _result(finding: Finding, rule_index: int, artifact: str) -> dict[str, Any]:
    fingerprint = hashlib.sha256(
        f"{finding.check_id}|{finding.account_id}|{finding.resource}".encode()
    ).hexdigest()
    result: dict[str, Any] = {
        "ruleId": finding.check_id,
        "ruleIndex": rule_index,
        "message": {
            "text": f"[{finding.status.value}] {finding.account_id} {finding.resource}: "
            f"{finding.evidence}"
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 1},
                },
                "logicalLocations": [
                    {
                        "fullyQualifiedName": f"{finding.account_id}/{finding.resource}",
                        "kind": "resource",
                    }
                ],
            }
        ],
        "partialFingerprints": {"rootguardFinding/v1": fingerprint},
        "properties": {
            "accountId": finding.account_id,
            "resource": finding.resource,
            "status": finding.status.value,
            "severity": finding.severity.value,
        },
    }
    if finding.status is Status.FAIL:
        result.update(kind="fail", level=LEVEL[finding.severity])
    else:
        # SARIF: a result that is not a failure has level "none"; "review" asks a human.
        result.update(kind="review", level="none")
    return result


def sarif_log(report: Report) -> dict[str, Any]:
    rules = [_rule(item) for item in checks().values()]
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    artifact = f"stacks/Pulumi.{report.run.stack}.yaml" if report.run.stack else "Pulumi.yaml"
    results = [
        _result(f, index[f.check_id], artifact)
        for f in sorted(report.findings, key=Finding.sort_key)
        if f.status in (Status.FAIL, Status.UNKNOWN)
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": TOOL_VERSION,
                        "semanticVersion": TOOL_VERSION,
                        "rules": rules,
                    }
                },
                "automationDetails": {
                    "id": f"{TOOL_NAME}/{report.run.stack or report.run.organization_id}/"
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "startTimeUtc": report.run.started_at.isoformat(),
                        "endTimeUtc": report.run.finished_at.isoformat(),
                    }
                ],
                "results": results,
                "properties": {
                    "organizationId": report.run.organization_id,
                    "managementAccountId": report.run.management_account_id,
                    "counts": report.counts(),
                },
            }
        ],
    }


def render(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
