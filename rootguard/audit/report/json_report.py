"""`--format json`: the report as rootguard/audit/finding.schema.json documents it (v1).

Stable: keys are never renamed or removed within a schema version, findings are sorted by
(checkId, accountId, resource), and enums only grow. docs/audit.md describes every field.
"""

from __future__ import annotations

import json
from typing import Any

from rootguard.compliance import as_lists

from ..model import Finding
from . import TOOL_NAME, TOOL_VERSION, Report

SCHEMA_VERSION = 1


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "checkId": finding.check_id,
        "title": finding.title,
        "severity": finding.severity.value,
        "status": finding.status.value,
        "accountId": finding.account_id,
        "resource": finding.resource,
        "cisControl": finding.cis_control,
        "seedPractice": finding.seed_practice,
        "evidence": finding.evidence,
        "remediation": finding.remediation,
        "compliance": as_lists(finding.compliance),
    }


def report_json(report: Report) -> dict[str, Any]:
    run = report.run
    blocking = report.blocking
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": TOOL_VERSION},
        "run": {
            "startedAt": run.started_at.isoformat(),
            "finishedAt": run.finished_at.isoformat(),
            "callerArn": run.caller_arn,
            "organizationId": run.organization_id,
            "managementAccountId": run.management_account_id,
            "region": run.region,
            "memberAccounts": run.member_accounts,
            "stack": run.stack,
            "failOn": run.fail_on.value,
            "allowUnknown": run.allow_unknown,
        },
        "summary": {
            "total": len(report.findings),
            "byStatus": report.counts(),
            "blocking": len(blocking),
            "exitCode": 1 if blocking else 0,
        },
        "findings": [finding_json(f) for f in sorted(report.findings, key=Finding.sort_key)],
    }


def render(report: Report) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
