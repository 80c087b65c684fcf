"""`--format ocsf`: the findings as OCSF 1.8.0 Detection Findings, like Prowler's OCSF output.

One JSON list, one Detection Finding (class 2004, category 2 Findings, activity 1 Create,
type_uid 200401) per finding, passes included. As in Prowler, `status_code` is the check's
verdict (PASS, FAIL, UNKNOWN, NOT_APPLICABLE) and `status_detail` the evidence, while
`status_id` is the finding's workflow state (1 New); the compliance ids go under
`unmapped.compliance`, since the Detection Finding class has no compliance object. Source:
the OCSF schema, github.com/ocsf/ocsf-schema at the v1.8.0 release (events/findings/
detection_finding.json, finding.json, base_event.json, profiles/cloud.json, objects/*);
tests/schemas/ocsf-detection-finding-1.8.0.schema.json is a trimmed copy the tests validate
against.
"""

from __future__ import annotations

import json
from typing import Any

from rootguard.compliance import as_lists, related_requirements

from ..model import Finding, Severity
from . import TOOL_NAME, TOOL_VERSION, Report
from .asff import finding_id

OCSF_VERSION = "1.8.0"
CATEGORY_FINDINGS = 2
CLASS_DETECTION_FINDING = 2004
ACTIVITY_CREATE = 1
STATUS_NEW = 1
ACCOUNT_TYPE_AWS = 10
SEVERITY_ID = {
    Severity.INFO: 1,
    Severity.LOW: 2,
    Severity.MEDIUM: 3,
    Severity.HIGH: 4,
    Severity.CRITICAL: 5,
}
SEVERITY_NAME = {1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}


def _epoch_ms(report: Report) -> int:
    return int(report.run.finished_at.timestamp() * 1000)


def ocsf_finding(report: Report, finding: Finding) -> dict[str, Any]:
    run = report.run
    severity_id = SEVERITY_ID[finding.severity]
    when = _epoch_ms(report)
    return {
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": TOOL_NAME, "vendor_name": "rootguard", "version": TOOL_VERSION},
            "event_code": finding.check_id,
            "profiles": ["cloud", "datetime"],
            "tenant_uid": run.organization_id,
        },
        "category_uid": CATEGORY_FINDINGS,
        "category_name": "Findings",
        "class_uid": CLASS_DETECTION_FINDING,
        "class_name": "Detection Finding",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_DETECTION_FINDING * 100 + ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "time": when,
        "time_dt": run.finished_at.isoformat(),
        "severity_id": severity_id,
        "severity": SEVERITY_NAME[severity_id],
        "status_id": STATUS_NEW,
        "status": "New",
        "status_code": finding.status.value.upper(),
        "status_detail": finding.evidence,
        "message": f"{finding.title}: {finding.evidence}",
        "finding_info": {
            "uid": finding_id(report, finding),
            "title": finding.title,
            "desc": finding.title,
            "created_time": when,
            "created_time_dt": run.finished_at.isoformat(),
            "types": related_requirements(finding.compliance) or ["AWS Security Best Practices"],
        },
        "remediation": {"desc": finding.remediation},
        "resources": [
            {
                "uid": finding.resource,
                "name": finding.resource,
                "type": "AwsAccount" if finding.resource == finding.account_id else "Other",
                "cloud_partition": run.partition,
                "region": run.region,
                "group": {"name": finding.check_id.split("-")[0].lower()},
            }
        ],
        "cloud": {
            "provider": "AWS",
            "region": run.region,
            "account": {
                "uid": finding.account_id,
                "type_id": ACCOUNT_TYPE_AWS,
                "type": "AWS Account",
            },
            "org": {"uid": run.organization_id},
        },
        "unmapped": {"compliance": as_lists(finding.compliance)},
    }


def ocsf_findings(report: Report) -> list[dict[str, Any]]:
    return [ocsf_finding(report, f) for f in sorted(report.findings, key=Finding.sort_key)]


def render(report: Report) -> str:
    return json.dumps(ocsf_findings(report), indent=2, ensure_ascii=False) + "\n"
