"""`--format ocsf`: OCSF 1.8.0 Detection Findings, validated against the class's schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from rootguard.audit.report import ocsf

from .test_reports import report

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[1] / "schemas" / "ocsf-detection-finding-1.8.0.schema.json"
    ).read_text()
)


def validate(document: object) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


@pytest.mark.parametrize("secure", [True, False])
def test_ocsf_validates_against_the_detection_finding_schema(secure: bool) -> None:
    findings = json.loads(ocsf.render(report(secure=secure)))
    assert findings
    validate(findings)


def test_a_failed_finding() -> None:
    rendered = report()
    findings = {f["metadata"]["event_code"]: f for f in ocsf.ocsf_findings(rendered)}
    mfa = findings["ROOT-MFA"]
    assert (mfa["class_uid"], mfa["category_uid"], mfa["type_uid"]) == (2004, 2, 200401)
    assert (mfa["severity_id"], mfa["severity"]) == (5, "Critical")
    assert (mfa["status_code"], mfa["status_detail"]) == (
        "FAIL",
        "GetAccountSummary AccountMFAEnabled=0",
    )
    assert mfa["unmapped"]["compliance"] == {
        "cis-1.4": ["1.5"],
        "cis-3.0": ["1.5"],
        "cis-7.0": ["2.5"],
        "securityhub": ["IAM.9"],
    }
    assert "CIS AWS Foundations Benchmark v7.0.0/2.5" in mfa["finding_info"]["types"]
    assert mfa["cloud"]["account"] == {
        "uid": rendered.run.management_account_id,
        "type_id": 10,
        "type": "AWS Account",
    }


@pytest.mark.parametrize(
    "change",
    [
        {"class_uid": 2003},
        {"severity_id": 7},
        {"finding_info": {"title": "no uid"}},
        {"metadata": {"version": "1.8.0"}},
        {"cloud": {"region": "us-east-1"}},
        {"remedation": {"desc": "typo"}},
    ],
)
def test_the_schema_catches_a_broken_finding(change: dict[str, object]) -> None:
    finding = json.loads(ocsf.render(report()))[0]
    with pytest.raises(jsonschema.ValidationError):
        validate([{**finding, **change}])
