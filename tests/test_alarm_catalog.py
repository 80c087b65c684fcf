"""The alarm catalog loader refuses a broken catalog file."""

from __future__ import annotations

import pytest
import yaml

from rootguard.alarm_catalog import (
    CATALOG_PATH,
    CatalogError,
    enabled_alarms,
    load_catalog,
    parse_catalog,
)

GOOD = {
    "id": "4.3",
    "metric": "RootCredentialsUsage",
    "title": "Root user credentials used",
    "severity": "critical",
    "enabled": True,
    "meaning": "Root credentials were used.",
    "response": "Open an incident.",
    "pattern": '{ $.userIdentity.type = "Root" }',
}


def catalog(*entries: dict[str, object]) -> str:
    return yaml.safe_dump(list(entries))


def test_shipped_catalog_loads() -> None:
    assert parse_catalog(CATALOG_PATH.read_text()) == load_catalog()


def test_patterns_are_normalised_to_one_line() -> None:
    (definition,) = parse_catalog(catalog({**GOOD, "pattern": "{ $.a = b &&\n   $.c = d }"}))
    assert definition.pattern == "{ $.a = b && $.c = d }"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pattern": "{ $.userIdentity.type = Root && }"}, "pattern: expected a selector"),
        ({"pattern": '{ $.a = "x" && || $.c = "z" }'}, "pattern: expected a selector"),
        ({"pattern": "{ " + " || ".join(["$.eventName = X"] * 80) + " }"}, "over 1024"),
        ({"severity": "urgent"}, "severity: must be one of"),
        ({"enabled": "yes"}, "enabled: must be true or false"),
        ({"id": "CIS 4.3"}, "is not a control id"),
        ({"metric": "Root usage"}, "must be letters and digits"),
        ({"meaning": ""}, "must be non-empty strings"),
        ({"extra": 1}, "needs exactly the keys"),
    ],
)
def test_broken_entries_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_catalog(catalog({**GOOD, **change}))


def test_duplicate_ids_and_metrics_are_refused() -> None:
    with pytest.raises(CatalogError, match=r"duplicate id \['4.3'\]"):
        parse_catalog(catalog(GOOD, {**GOOD, "metric": "Other"}))
    with pytest.raises(CatalogError, match="duplicate metric"):
        parse_catalog(catalog(GOOD, {**GOOD, "id": "4.4"}))


def test_empty_catalog_is_refused() -> None:
    with pytest.raises(CatalogError, match="non-empty list"):
        parse_catalog("[]")


def test_overrides_turn_controls_off_and_on() -> None:
    every = [d.id for d in load_catalog()]
    assert [d.id for d in enabled_alarms({})] == [d.id for d in load_catalog() if d.enabled]
    assert "4.1" not in [d.id for d in enabled_alarms({"4.1": False})]
    assert [d.id for d in enabled_alarms(dict.fromkeys(every, True))] == every


def test_readme_explains_every_alarm() -> None:
    readme = (CATALOG_PATH.parents[2] / "README.md").read_text()
    section = readme.split("## Trail and alarms", 1)[1].split("\n## ", 1)[0]
    for definition in load_catalog():
        row = f"| {definition.id} | {definition.title} (`{definition.metric}`) | "
        assert row + definition.severity in section, definition.id
        assert definition.response in section, definition.id
