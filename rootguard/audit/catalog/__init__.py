"""The audit's catalog: check metadata from checks.yaml, plus one check per alarm of the alarm
catalog (rootguard/catalog/alarms.yaml, shared with the components), loaded once."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rootguard.alarm_catalog import AlarmDefinition, load_catalog
from rootguard.compliance import parse_compliance

from ..model import Check, Severity

HERE = Path(__file__).resolve().parent

ALARM_SEED = "Set up CloudWatch alarms on suspicious activity (seed 000 §3, seed 004 #9)"
# The alarm checks are listed right after this one, so related checks stay together.
ALARMS_AFTER = "TRAIL-CWL"


@cache
def checks() -> Mapping[str, Check]:
    """Every check by id, in report order: checks.yaml with one check per alarm control."""
    raw = yaml.safe_load((HERE / "checks.yaml").read_text())
    catalog: dict[str, Check] = {}
    for check_id, entry in raw.items():
        catalog[check_id] = _check(check_id, entry)
        if check_id == ALARMS_AFTER:
            catalog.update((alarm_check_id(d), _alarm_check(d)) for d in load_catalog())
    return catalog


def alarm_check_id(definition: AlarmDefinition) -> str:
    return f"ALARM-{definition.id}"


def _alarm_check(definition: AlarmDefinition) -> Check:
    cis = definition.compliance["cis-1.4"] or definition.compliance["cis-3.0"]
    return Check(
        id=alarm_check_id(definition),
        title=f"{definition.title}: alarmed, notifying a confirmed subscriber",
        severity=definition.severity,
        scope="trail",
        cis_control=f"CIS {', '.join(cis)}" if cis else None,
        seed_practice=ALARM_SEED,
        compliance=definition.compliance,
        remediation=(
            f"On the organization trail's log group create a metric filter with the "
            f"{definition.id} pattern, an alarm on its metric (Sum >= 1 over 300 s) and "
            "an SNS topic with at least one confirmed subscription (rootguard:alarms does "
            "this); confirm pending subscriptions from the recipient's mailbox."
        ),
    )


def check(check_id: str) -> Check:
    return checks()[check_id]


def _check(check_id: str, entry: Mapping[str, Any]) -> Check:
    return Check(
        id=check_id,
        title=str(entry["title"]),
        severity=Severity(entry["severity"]),
        scope=str(entry["scope"]),
        cis_control=entry["cis"],
        seed_practice=str(entry["seed"]),
        remediation=" ".join(str(entry["remediation"]).split()),
        compliance=parse_compliance(f"checks.yaml: {check_id}.compliance", entry["compliance"]),
    )
