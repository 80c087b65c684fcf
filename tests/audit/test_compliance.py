"""Every check carries its CIS v1.4/v3.0/v7.0 and Security Hub control ids, consistently."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from rootguard.alarm_catalog import load_catalog
from rootguard.audit.catalog import HERE, checks
from rootguard.compliance import FRAMEWORKS, NO_COMPLIANCE, parse_compliance

# AWS Security Hub controls reference, "Related requirements" of each control that names a
# CIS v1.4.0 requirement (awsdocs/aws-security-hub-user-guide: iam-controls.md,
# cloudtrail-controls.md, cloudwatch-controls.md).
SECURITY_HUB_CIS_1_4 = {
    "IAM.4": "1.4",
    "IAM.6": "1.6",
    "IAM.9": "1.5",
    "IAM.15": "1.8",
    "IAM.16": "1.9",
    "CloudTrail.1": "3.1",
    "CloudTrail.2": "3.7",
    "CloudTrail.4": "3.2",
    "CloudTrail.5": "3.4",
    "CloudWatch.1": "4.3",
    **{f"CloudWatch.{n}": f"4.{n}" for n in range(4, 15)},
}


def test_every_entry_of_checks_yaml_has_a_compliance_mapping() -> None:
    raw: dict[str, Any] = yaml.safe_load((HERE / "checks.yaml").read_text())
    assert all(set(entry["compliance"]) == set(FRAMEWORKS) for entry in raw.values())


def test_every_check_has_every_framework() -> None:
    for item in checks().values():
        assert tuple(item.compliance) == FRAMEWORKS, item.id


def test_findings_carry_their_checks_compliance() -> None:
    item = checks()["ROOT-NO-KEYS"]
    finding = item.failed("111111111111", "arn:aws:iam::111111111111:root", "a key")
    assert dict(finding.compliance) == {
        "cis-1.4": ("1.4",),
        "cis-3.0": ("1.4",),
        "cis-7.0": ("2.4",),
        "securityhub": ("IAM.4",),
    }


@pytest.mark.parametrize("check_id", sorted(checks()))
def test_security_hub_and_cis_ids_agree(check_id: str) -> None:
    """A Security Hub control the check maps implies the CIS v1.4 requirement AWS relates it to."""
    compliance = checks()[check_id].compliance
    for control in compliance["securityhub"]:
        if control in SECURITY_HUB_CIS_1_4:
            assert SECURITY_HUB_CIS_1_4[control] in compliance["cis-1.4"], control


def test_v7_renumbers_identity_and_monitoring() -> None:
    for item in checks().values():
        for control in item.compliance["cis-7.0"]:
            assert control.split(".")[0] in {"2", "4", "5"}, (item.id, control)
    assert checks()["ROOT-ACCESS-CENTRALIZED"].compliance["cis-7.0"] == ("2.1.1",)
    assert all(not any(checks()[c].compliance.values()) for c in checks() if c.startswith("DRIFT"))


def test_alarm_checks_take_the_alarm_catalogs_mapping() -> None:
    for definition in load_catalog():
        expected = getattr(definition, "compliance", NO_COMPLIANCE)
        assert dict(checks()[f"ALARM-{definition.id}"].compliance) == dict(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "needs exactly the keys"),
        ({"cis-1.4": []}, "needs exactly the keys"),
        ({**{f: [] for f in FRAMEWORKS}, "nist": []}, "needs exactly the keys"),
        ({**{f: [] for f in FRAMEWORKS}, "cis-3.0": "1.4"}, "cis-3.0: must be a list"),
        ({**{f: [] for f in FRAMEWORKS}, "securityhub": [""]}, "securityhub: must be a list"),
        ({**{f: [] for f in FRAMEWORKS}, "cis-1.4": [1.4]}, "cis-1.4: must be a list of quoted"),
    ],
)
def test_a_malformed_mapping_is_refused(raw: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_compliance("checks.yaml: X.compliance", raw)
