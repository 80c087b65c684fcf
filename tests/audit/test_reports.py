"""Reports: JSON against its published schema, SARIF against the SARIF 2.1.0 schema, the table."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rootguard.audit.catalog import checks
from rootguard.audit.checks import evaluate
from rootguard.audit.facts import AccountSummary, Unavailable
from rootguard.audit.model import Severity, Status
from rootguard.audit.report import Report, RunInfo, json_report, sarif, table
from rootguard.audit.settings import AuditSettings
from tests.fakes.facts import NOW, secure_facts, with_management

ROOT = Path(__file__).resolve().parents[2]
FINDING_SCHEMA = json.loads((ROOT / "rootguard" / "audit" / "finding.schema.json").read_text())
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())


def report(*, secure: bool = False, stack: str | None = "prod") -> Report:
    facts = secure_facts()
    if not secure:
        facts = with_management(
            facts,
            summary=AccountSummary(mfa_enabled=False, access_keys_present=True),
            password_policy=Unavailable("AccessDenied on iam:GetAccountPasswordPolicy: no"),
        )
    return Report(
        run=RunInfo(
            started_at=NOW,
            finished_at=NOW + timedelta(seconds=12),
            caller_arn=facts.caller_arn,
            organization_id=facts.organization.id,
            management_account_id=facts.organization.management_account_id,
            region="us-east-1",
            member_accounts=len(facts.organization.members),
            stack=stack,
            fail_on=Severity.HIGH,
            allow_unknown=False,
        ),
        findings=evaluate(facts, AuditSettings(), NOW),
    )


def validate_json(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(
        FINDING_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


@pytest.mark.parametrize("secure", [True, False])
def test_json_report_matches_its_schema(secure: bool) -> None:
    document = json.loads(json_report.render(report(secure=secure)))
    validate_json(document)
    jsonschema.Draft202012Validator.check_schema(FINDING_SCHEMA)

    findings = document["findings"]
    keys = [(f["checkId"], f["accountId"], f["resource"]) for f in findings]
    assert keys == sorted(keys)
    assert document["summary"]["total"] == len(findings)
    assert sum(document["summary"]["byStatus"].values()) == len(findings)
    if secure:
        assert document["summary"] == {
            "total": len(findings),
            "byStatus": {"pass": len(findings), "fail": 0, "not_applicable": 0, "unknown": 0},
            "blocking": 0,
            "exitCode": 0,
        }
    else:
        # ROOT-MFA, ROOT-HW-MFA, ROOT-NO-KEYS fail; PASSWORD-POLICY (medium) is unknown and
        # below --fail-on high, so it does not block.
        assert document["summary"]["blocking"] == 3
        assert document["summary"]["exitCode"] == 1
        mfa = next(f for f in findings if f["checkId"] == "ROOT-MFA")
        assert mfa == {
            "checkId": "ROOT-MFA",
            "title": checks()["ROOT-MFA"].title,
            "severity": "critical",
            "status": "fail",
            "accountId": "111111111111",
            "resource": "arn:aws:iam::111111111111:root",
            "cisControl": "CIS 1.5",
            "seedPractice": checks()["ROOT-MFA"].seed_practice,
            "evidence": "GetAccountSummary AccountMFAEnabled=0",
            "remediation": checks()["ROOT-MFA"].remediation,
            "compliance": {
                "cis-1.4": ["1.5"],
                "cis-3.0": ["1.5"],
                "cis-7.0": ["2.5"],
                "securityhub": ["IAM.9"],
            },
        }


def test_json_schema_rejects_a_malformed_report() -> None:
    document = json.loads(json_report.render(report()))
    broken = {**document, "findings": [{**document["findings"][0], "status": "maybe"}]}
    with pytest.raises(jsonschema.ValidationError):
        validate_json(broken)
    missing = {
        **document,
        "findings": [{k: v for k, v in document["findings"][0].items() if k != "evidence"}],
    }
    with pytest.raises(jsonschema.ValidationError):
        validate_json(missing)


def test_sarif_validates_against_the_sarif_2_1_0_schema() -> None:
    log = json.loads(sarif.render(report()))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)

    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["version"] == version("rootguard")  # the package's one version
    assert [r["id"] for r in rules] == list(checks())
    results = run["results"]
    assert {(r["ruleId"], r["kind"], r["level"]) for r in results} == {
        ("ROOT-MFA", "fail", "error"),
        ("ROOT-HW-MFA", "fail", "error"),
        ("ROOT-NO-KEYS", "fail", "error"),
        ("PASSWORD-POLICY", "review", "none"),
    }
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "stacks/Pulumi.prod.yaml"
        assert location["logicalLocations"][0]["fullyQualifiedName"].startswith("111111111111/")
        assert len(result["partialFingerprints"]["rootguardFinding/v1"]) == 64
    assert all(float(r["properties"]["security-severity"]) >= 0 for r in rules)
    assert run["properties"]["counts"]["fail"] == 3


def test_sarif_schema_check_can_fail() -> None:
    log = json.loads(sarif.render(report()))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)


def test_secure_sarif_has_no_results_and_points_at_pulumi_yaml_without_a_stack() -> None:
    log = json.loads(sarif.render(report(secure=True, stack=None)))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["automationDetails"]["id"] == "rootguard-audit/o-a1b2c3d4e5/"


def test_table_summarises_and_details_what_needs_attention() -> None:
    text = table.render(report())
    lines = text.splitlines()
    assert lines[0].startswith("rootguard audit of organization o-a1b2c3d4e5")
    assert any(line.startswith("ROOT-MFA ") and " critical " in line for line in lines)
    details = text.split("Needs attention, worst first:")[1]
    # Failures before unknowns, worst severity first; passes are not detailed.
    assert details.index("ROOT-MFA") < details.index("PASSWORD-POLICY")
    assert "FAIL    critical ROOT-MFA" in details
    assert "UNKNOWN medium   PASSWORD-POLICY" in details
    assert "SCP-DENY-ROOT" not in details
    assert lines[-1].endswith("3 finding(s) at or above high block: exit 1")
    assert Status.PASS.value in lines[-1]
