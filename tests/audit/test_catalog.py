"""The audit's catalog: complete, built on rootguard's alarm catalog, consistent with the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rootguard.alarm_catalog import AlarmDefinition, by_id, load_catalog
from rootguard.audit.catalog import checks
from rootguard.audit.checks.alarms import covers
from rootguard.audit.model import Severity
from rootguard.filter_pattern import matches

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "rootguard" / "audit" / "finding.schema.json"
    ).read_text()
)
CHECK_ID = re.compile(SCHEMA["$defs"]["finding"]["properties"]["checkId"]["pattern"])


def test_every_check_is_fully_described() -> None:
    for check in checks().values():
        assert CHECK_ID.fullmatch(check.id), check.id
        assert isinstance(check.severity, Severity)
        assert check.title and check.remediation
        # Seed practices name their source; a YAML comment sign would have cut them short.
        assert re.search(r"\(seed 00[04] .*[§#]\d+\)$", check.seed_practice), check.seed_practice
        assert check.cis_control is None or check.cis_control.startswith("CIS ")
    titles = [c.title for c in checks().values()]
    assert len(titles) == len(set(titles))


def test_every_alarm_of_the_catalog_is_an_audit_check_with_its_severity() -> None:
    alarm_checks = {c.id: c for c in checks().values() if c.id.startswith("ALARM-")}
    assert list(alarm_checks) == [f"ALARM-{d.id}" for d in load_catalog()]
    for definition in load_catalog():
        check = alarm_checks[f"ALARM-{definition.id}"]
        assert check.severity is definition.severity  # one scale, one value
        cis = definition.compliance["cis-1.4"]
        assert check.cis_control == (f"CIS {', '.join(cis)}" if cis else None)


@pytest.mark.parametrize("definition", load_catalog(), ids=lambda d: d.id)
def test_rootguards_own_patterns_cover_their_controls(definition: AlarmDefinition) -> None:
    """What rootguard deploys is what the audit accepts, control by control."""
    assert covers(definition.pattern, definition)


def test_a_pattern_covers_only_its_own_control_where_events_overlap() -> None:
    alarms = by_id()
    assert not covers(alarms["4.2"].pattern, alarms["4.6"])
    assert not covers(alarms["4.3"].pattern, alarms["4.3-assumeroot"])
    assert not covers(alarms["4.3-assumeroot"].pattern, alarms["4.3"])


# The benchmark's published text (CIS v1.4.0 / Security Hub CloudWatch.1 and .3): a live
# filter with it still covers its control, though rootguard deploys a corrected form.
PUBLISHED = {
    "4.3": '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && '
    '$.eventType !="AwsServiceEvent"}',
    "4.1": '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    "4.2": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
    '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
}


@pytest.mark.parametrize(("control", "pattern"), PUBLISHED.items())
def test_published_cis_patterns_still_cover_their_controls(control: str, pattern: str) -> None:
    definition = by_id()[control]
    assert covers(pattern, definition)
    if control in ("4.1", "4.3"):  # ... although they match what rootguard's correction ignores
        assert any(matches(pattern, event) for event in definition.quiet_events)
        assert not any(matches(definition.pattern, e) for e in definition.quiet_events)
