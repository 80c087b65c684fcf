"""The audit's catalog: check metadata and CIS alarm sample events, loaded from YAML once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rootguard.alarm_catalog import load_catalog
from rootguard.compliance import NO_COMPLIANCE, Compliance, parse_compliance

from ..model import Check, Severity

HERE = Path(__file__).resolve().parent

ALARM_SEED = "Set up CloudWatch alarms on suspicious activity (seed 000 §3, seed 004 #9)"
# The alarm checks are listed right after this one, so related checks stay together.
ALARMS_AFTER = "TRAIL-CWL"
ROOT_USAGE_CONTROL = "4.3"


@dataclass(frozen=True)
class AlarmControl:
    """A CIS monitoring control: sample events a covering metric filter must match."""

    control: str
    title: str
    severity: Severity
    events: tuple[Mapping[str, Any], ...]  # a covering filter matches every one
    not_events: tuple[Mapping[str, Any], ...]  # and none of these
    cis: bool  # a CIS control (checked without a stack), or rootguard's own

    @property
    def cis_control(self) -> str | None:
        return f"CIS {self.control}" if self.cis else None

    @property
    def check_id(self) -> str:
        return f"ALARM-{self.control}"


@cache
def checks() -> Mapping[str, Check]:
    """Every check by id, in report order: checks.yaml with one check per alarm control."""
    raw = yaml.safe_load((HERE / "checks.yaml").read_text())
    catalog: dict[str, Check] = {}
    for check_id, entry in raw.items():
        catalog[check_id] = _check(check_id, entry)
        if check_id == ALARMS_AFTER:
            catalog.update((c.check_id, _alarm_check(c)) for c in alarm_controls())
    return catalog


def _alarm_check(control: AlarmControl) -> Check:
    return Check(
        id=control.check_id,
        title=f"Alarm on {control.title}, notifying a confirmed subscriber",
        severity=control.severity,
        scope="trail",
        cis_control=control.cis_control,
        seed_practice=ALARM_SEED,
        compliance=_alarm_compliance(control.control),
        remediation=(
            f"On the organization trail's log group create a metric filter with the "
            f"{control.control} pattern, an alarm on its metric (Sum >= 1 over 300 s) and "
            "an SNS topic with at least one confirmed subscription (rootguard:alarms does "
            "this); confirm pending subscriptions from the recipient's mailbox."
        ),
    )


def _alarm_compliance(control_id: str) -> Compliance:
    """The alarm catalog's `compliance:` for a control (empty while an entry has none)."""
    for definition in load_catalog():
        if definition.id == control_id:
            found = getattr(definition, "compliance", None)
            return found if isinstance(found, Mapping) else NO_COMPLIANCE
    return NO_COMPLIANCE


def check(check_id: str) -> Check:
    return checks()[check_id]


@cache
def alarm_controls() -> tuple[AlarmControl, ...]:
    raw = _alarm_catalog()
    return tuple(
        AlarmControl(
            control=str(entry["control"]),
            title=str(entry["title"]),
            severity=Severity(entry["severity"]),
            events=tuple(entry["events"]),
            not_events=tuple(entry.get("not_events", ())),
            cis=bool(entry.get("cis", True)),
        )
        for entry in raw["controls"]
    )


@cache
def benign_event() -> Mapping[str, Any]:
    event: Mapping[str, Any] = _alarm_catalog()["benign_event"]
    return event


@cache
def _alarm_catalog() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((HERE / "cis_alarms.yaml").read_text())
    return data


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
