"""The CIS benchmark's printed filter patterns, verbatim, read as CloudWatch Logs reads them.

Organizations copy the benchmark's text into their metric filters; the audit must judge
those filters by what CloudWatch would match, not return `unknown` for them. The texts are in
tests/data/cis_printed_patterns.yaml (from Prowler's copies of CIS v1.4-v7.0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from rootguard.alarm_catalog import AlarmDefinition, benign_event, by_id
from rootguard.audit.checks import evaluate
from rootguard.audit.checks.alarms import covers
from rootguard.audit.model import Finding, Status
from rootguard.audit.settings import AuditSettings
from rootguard.filter_pattern import AllOf, AnyOf, Comparison, matches, parse
from tests.fakes.facts import NOW, secure_facts, with_monitoring

DATA = Path(__file__).parent / "data" / "cis_printed_patterns.yaml"


@cache
def printed() -> list[dict[str, str]]:
    entries: list[dict[str, str]] = yaml.safe_load(DATA.read_text())["patterns"]
    return entries


def control_v14(entry: Mapping[str, str]) -> str:
    """CIS v6.0/v7.0 number the monitoring controls 5.x; v1.4-v5.0 number them 4.x."""
    section, number = entry["control"].split(".")
    return f"4.{number}" if section == "5" else entry["control"]


def controls() -> dict[str, AlarmDefinition]:
    return by_id()


def ids(entry: Mapping[str, str]) -> str:
    return f"v{entry['version']}-{entry['control']}-{printed().index(dict(entry))}"


def test_the_fixture_has_every_version_and_control() -> None:
    versions = {e["version"] for e in printed()}
    assert versions == {"1.4", "1.5", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0"}
    for version in versions:
        assert {control_v14(e) for e in printed() if e["version"] == version} == {
            f"4.{n}" for n in range(1, 16)
        }


@pytest.mark.parametrize("entry", printed(), ids=ids)
def test_every_printed_pattern_parses(entry: dict[str, str]) -> None:
    parse(entry["pattern"])


# The printed 4.1 of v1.4-v3.0 joins the two exclusions with `||`, so it matches almost every
# event; every other printed pattern covers its control's sample events and nothing else.
NOISY = '($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket")'


def is_noisy(entry: Mapping[str, str]) -> bool:
    return NOISY.replace('"', "") in entry["pattern"].replace('"', "")


@pytest.mark.parametrize("entry", printed(), ids=ids)
def test_every_printed_pattern_is_judged_by_what_it_matches(entry: dict[str, str]) -> None:
    control = controls()[control_v14(entry)]
    if is_noisy(entry):
        assert matches(entry["pattern"], benign_event())
        assert not covers(entry["pattern"], control)
    else:
        assert covers(entry["pattern"], control)


def test_the_noisy_printed_form_is_in_the_fixture() -> None:
    assert [e["version"] for e in printed() if is_noisy(e)] == [
        "1.4",
        "1.4",
        "1.5",
        "1.5",
        "2.0",
        "2.0",
        "3.0",
        "3.0",
    ]


def unauthorized(code: str, source_ip: str = "192.0.2.10", name: str = "GetObject") -> Any:
    return {"errorCode": code, "sourceIPAddress": source_ip, "eventName": name}


def test_v7_unauthorized_calls_use_cloudwatch_precedence() -> None:
    """`A || B && C && D` is `A || (B && C && D)`: && binds tighter than || in CloudWatch."""
    (text,) = {e["pattern"] for e in printed() if e["version"] == "7.0" and e["control"] == "5.1"}
    tree = parse(text).expression
    assert isinstance(tree, AnyOf)
    assert isinstance(tree.terms[0], Comparison)
    assert isinstance(tree.terms[1], AllOf) and len(tree.terms[1].terms) == 3
    # An UnauthorizedOperation error matches even from the log-delivery service (left to
    # right, `(A || B) && C && D`, would not match it) ...
    assert matches(
        text, unauthorized("Client.UnauthorizedOperation", "delivery.logs.amazonaws.com")
    )
    # ... while AccessDenied is excluded for log delivery and HeadBucket.
    assert matches(text, unauthorized("AccessDenied"))
    assert not matches(text, unauthorized("AccessDenied", "delivery.logs.amazonaws.com"))
    assert not matches(text, unauthorized("AccessDenied", name="HeadBucket"))


def test_the_cloudwatch_documentation_example_matches_as_documented() -> None:
    """The user guide's own example (its array indexes replaced by object keys)."""
    event = {
        "user": {"email": "John.Stiles@example.com"},
        "coordinates": {"first": "1"},
        "actions": {"third": "DELETE"},
    }
    assert matches(
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates.first = nonmatch '
        "&& $.actions.third = nomatch }",
        event,
    )
    assert not matches(
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates.first = nonmatch) '
        "&& $.actions.third = nomatch }",
        event,
    )


def test_a_printed_bare_phrase_is_one_value() -> None:
    """CIS v5+ prints `$.errorMessage = Failed authentication` without quotes."""
    (text,) = {e["pattern"] for e in printed() if e["version"] == "7.0" and e["control"] == "5.6"}
    failed = {"eventName": "ConsoleLogin", "errorMessage": "Failed authentication"}
    assert matches(text, failed)
    assert not matches(text, {**failed, "errorMessage": "Failed"})
    assert matches("{ $.m = a  b }", {"m": "a  b"})  # spacing as written


def alarm_41(pattern: str) -> Finding:
    """The ALARM-4.1 finding of the secure organization with its 4.1 filter's pattern swapped."""
    facts = secure_facts()
    filters = facts.monitoring.metric_filters
    assert isinstance(filters, tuple)
    swapped = tuple(
        replace(f, pattern=pattern) if covers(f.pattern, controls()["4.1"]) else f for f in filters
    )
    findings = evaluate(with_monitoring(facts, metric_filters=swapped), AuditSettings(), NOW)
    (finding,) = [f for f in findings if f.check_id == "ALARM-4.1"]
    return finding


def test_the_audit_passes_the_v7_printed_41_and_fails_the_v3_one_with_the_reason() -> None:
    by_version = {e["version"]: e["pattern"] for e in printed() if control_v14(e) == "4.1"}
    assert alarm_41(by_version["7.0"]).status is Status.PASS
    noisy = alarm_41(by_version["3.0"])
    assert noisy.status is Status.FAIL
    assert "matches the 4.1 sample events but also ordinary or unrelated calls" in noisy.evidence
