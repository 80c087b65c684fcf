"""The audit's catalog: complete, consistent with rootguard's alarm catalog and the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rootguard.alarm_catalog import AlarmDefinition, load_catalog
from rootguard.audit.catalog import alarm_controls, checks
from rootguard.audit.checks.alarms import covers
from rootguard.audit.model import Severity

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


def test_alarm_controls_are_rootguards_alarm_catalog() -> None:
    assert [c.control for c in alarm_controls()] == [d.id for d in load_catalog()]


@pytest.mark.parametrize("definition", load_catalog(), ids=lambda d: d.id)
def test_rootguards_own_patterns_cover_their_controls(definition: AlarmDefinition) -> None:
    """What rootguard deploys is what the audit accepts, control by control."""
    control = next(c for c in alarm_controls() if c.control == definition.id)
    assert covers(definition.pattern, control)


def test_a_pattern_covers_only_its_own_control_where_events_overlap() -> None:
    by_id = {d.id: d for d in load_catalog()}
    controls = {c.control: c for c in alarm_controls()}
    assert not covers(by_id["4.2"].pattern, controls["4.6"])
    assert not covers(by_id["4.3"].pattern, controls["4.3-assumeroot"])
    assert not covers(by_id["4.3-assumeroot"].pattern, controls["4.3"])
