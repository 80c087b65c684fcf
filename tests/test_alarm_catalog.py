"""The alarm catalog loader refuses a broken catalog file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rootguard.alarm_catalog import (
    CATALOG_PATH,
    CatalogError,
    enabled_alarms,
    load_catalog,
    parse_catalog,
)

EVENT = {"eventName": "ConsoleLogin", "userIdentity": {"type": "Root"}}
GOOD = {
    "id": "4.3",
    "name": "root-credentials-used",
    "metric": "RootCredentialsUsage",
    "title": "Root user credentials used",
    "severity": "critical",
    "enabled": True,
    "compliance": {"cis-1.4": ["4.3"], "cis-3.0": ["4.3"], "cis-7.0": ["5.3"], "securityhub": []},
    "meaning": "Root credentials were used.",
    "response": "Open an incident.",
    "pattern": '{ $.userIdentity.type = "Root" }',
    "events": [EVENT],
    "quiet_events": [{"eventName": "GetUser"}],
}


def catalog(*entries: dict[str, object]) -> str:
    return yaml.safe_dump({"benign_event": {"eventName": "Describe"}, "alarms": list(entries)})


def test_shipped_catalog_loads() -> None:
    assert parse_catalog(CATALOG_PATH.read_text()).alarms == load_catalog()


def test_patterns_are_normalised_to_one_line() -> None:
    (definition,) = parse_catalog(catalog({**GOOD, "pattern": "{ $.a = b &&\n   $.c = d }"})).alarms
    assert definition.pattern == "{ $.a = b && $.c = d }"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pattern": "{ $.userIdentity.type = Root && }"}, "pattern: expected a selector"),
        ({"pattern": '{ $.a = "x" && || $.c = "z" }'}, "pattern: expected a selector"),
        ({"pattern": "{ " + " || ".join(["$.eventName = X"] * 80) + " }"}, "over 1024"),
        ({"severity": "urgent"}, "severity: must be one of"),
        ({"severity": "notice"}, "severity: must be one of critical, high, medium, low, info"),
        ({"name": "Security Groups"}, "must be lower-case words and dashes"),
        ({"compliance": {"cis-1.4": ["4.3"]}}, "compliance: needs exactly the keys"),
        ({"compliance": {**GOOD["compliance"], "cis-1.4": [4.3]}}, "must be a list of quoted"),
        ({"events": []}, "needs at least one event"),
        ({"not_events": [{"no": "name"}]}, "not_events: must be a list of CloudTrail records"),
        ({"quiet_events": []}, "needs not_events or quiet_events"),
        ({"enabled": "yes"}, "enabled: must be true or false"),
        ({"id": "CIS 4.3"}, "is not a control id"),
        ({"metric": "Root usage"}, "must be letters and digits"),
        ({"meaning": ""}, "must be non-empty strings"),
        ({"extra": 1}, "needs the keys"),
        ({"runbook": "docs/runbooks/x.md"}, "runbook: must be a file name in docs/runbooks/"),
        ({"verbatim": [{"source": "prowler", "pattern": "{ $.a = 1 }"}]}, "source: must be one"),
        (
            {"verbatim": [{"source": "securityhub", "pattern": "{ $.a = 1 }"}]},
            "the alarm has no securityhub control id",
        ),
        (
            {
                "compliance": {**GOOD["compliance"], "securityhub": ["CloudWatch.1"]},
                "verbatim": [{"source": "securityhub", "pattern": "{ $.a = x && }"}],
            },
            r"verbatim\[0\].pattern: expected a selector",
        ),
    ],
)
def test_broken_entries_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_catalog(catalog({**GOOD, **change}))


def test_duplicate_ids_and_metrics_are_refused() -> None:
    with pytest.raises(CatalogError, match=r"duplicate id \['4.3'\]"):
        parse_catalog(catalog(GOOD, {**GOOD, "metric": "Other", "name": "other"}))
    with pytest.raises(CatalogError, match="duplicate name"):
        parse_catalog(catalog(GOOD, {**GOOD, "id": "4.4", "metric": "Other"}))
    with pytest.raises(CatalogError, match="duplicate metric"):
        parse_catalog(catalog(GOOD, {**GOOD, "id": "4.4", "name": "other"}))


def test_empty_catalog_is_refused() -> None:
    with pytest.raises(CatalogError, match="non-empty list"):
        parse_catalog("{benign_event: {eventName: X}, alarms: []}")
    with pytest.raises(CatalogError, match="a list `alarms`"):
        parse_catalog("[]")


def test_selection_by_name_or_id() -> None:
    every = [d.id for d in load_catalog()]
    assert [d.id for d in enabled_alarms()] == [d.id for d in load_catalog() if d.enabled]
    assert "4.10" not in [d.id for d in enabled_alarms(disabled=["security-group-changes"])]
    assert "4.10" not in [d.id for d in enabled_alarms(disabled=["4.10"])]
    assert "4.1" in [d.id for d in enabled_alarms(disabled=["4.10"])]
    assert [d.id for d in enabled_alarms(disabled=every, enabled=["4.3"])] == ["4.3"]


# Security Hub User Guide, "Amazon CloudWatch controls": the CIS control each grades.
SECURITY_HUB = {"4.3": "CloudWatch.1", "4.1": "CloudWatch.2", "4.2": "CloudWatch.3"} | {
    f"4.{n}": f"CloudWatch.{n}" for n in range(4, 15)
}


def test_compliance_ids_follow_the_benchmarks_numbering() -> None:
    for definition in load_catalog():
        if not definition.is_cis:
            assert not any(definition.compliance.values()), definition.id
            continue
        number = definition.id.removeprefix("4.")
        assert definition.compliance["cis-1.4"] == (definition.id,)
        assert definition.compliance["cis-3.0"] == (definition.id,)
        assert definition.compliance["cis-7.0"] == (f"5.{number}",)  # v7.0 renumbered 4 -> 5
        wanted = SECURITY_HUB.get(definition.id)
        assert definition.compliance["securityhub"] == ((wanted,) if wanted else ())


def test_rootguards_own_urgent_alarms_each_have_a_runbook_named_in_the_alarm() -> None:
    # The CIS alarms' response fits in the alarm; rootguard's own critical and high alarms
    # (the root user's recovery path, AssumeRoot, contacts) need steps and commands.
    root = Path(__file__).resolve().parents[1]
    for definition in load_catalog():
        if not definition.is_cis and definition.severity in ("critical", "high"):
            assert definition.runbook, definition.id
        if definition.runbook:
            assert (root / "docs" / "runbooks" / definition.runbook).is_file(), definition.id
            assert f"docs/runbooks/{definition.runbook}" in definition.description()
