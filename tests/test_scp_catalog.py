"""The SCP catalog: the authoritative root statements, one-line rationales, a strict loader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from rootguard.scp import CATALOG_PATH, GUARDRAIL_TAG_KEY, load_catalog

ROOT_CONDITION = {"aws:PrincipalArn": ["arn:*:iam::*:root"]}


def by_id() -> dict[str, dict[str, object]]:
    return {entry.id: dict(entry.statement) for entry in load_catalog()}


def test_deny_root_actions_is_the_published_form_with_the_assume_root_exception() -> None:
    assert by_id()["DenyRootActions"] == {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"ArnLike": ROOT_CONDITION, "Null": {"aws:AssumedRoot": "true"}},
    }


def test_deny_root_access_keys_is_control_towers_form() -> None:
    assert by_id()["DenyRootAccessKeyCreation"] == {
        "Effect": "Deny",
        "Action": "iam:CreateAccessKey",
        "Resource": "*",
        "Condition": {"ArnLike": ROOT_CONDITION},
    }


def test_exactly_the_root_statements_refuse_principal_exemptions() -> None:
    for entry in load_catalog():
        about_root = entry.statement.get("Condition", {}).get("ArnLike") == ROOT_CONDITION
        assert entry.exemptible is not about_root, entry.id


def test_every_entry_names_its_control_and_a_one_line_rationale() -> None:
    for entry in load_catalog():
        assert entry.control.strip() and entry.rationale.strip()
        assert "\n" not in entry.rationale and len(entry.rationale) < 250, entry.id


def test_the_tampering_statement_keys_on_the_tag_the_component_sets() -> None:
    condition = by_id()["DenyGuardrailTampering"]["Condition"]
    assert condition == {"Null": {f"aws:ResourceTag/{GUARDRAIL_TAG_KEY}": "false"}}


def test_the_catalog_covers_what_the_issue_asks_for() -> None:
    actions = {
        action
        for statement in by_id().values()
        for action in (
            [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        )
    }
    assert {
        "*",
        "iam:CreateAccessKey",
        "organizations:LeaveOrganization",
        "account:PutAlternateContact",
        "account:DeleteAlternateContact",
    } <= actions


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda e: e.pop("control"), "needs exactly id, blocks, control, rationale"),
        (lambda e: e.update(id="Deny-Root"), "statements[0].id: must be letters and digits"),
        (lambda e: e.update(rationale="two\nlines"), "statements[0].rationale: must be one"),
        (lambda e: e.update(exemptible="yes"), "statements[0].exemptible: must be true or false"),
        (lambda e: e["statement"].update(Effect="Allow"), "must be a Deny statement"),
        (lambda e: e["statement"].update(Principal="*"), "statements[0].statement: keys must be"),
        (
            lambda e: e["statement"]["Condition"].update({None: {"k": "v"}}),
            "statements[0].statement.Condition: None must map keys to values",
        ),
    ],
)
def test_loader_rejects_a_malformed_entry(tmp_path: Path, change: object, problem: str) -> None:
    raw = yaml.safe_load(CATALOG_PATH.read_text())
    change(raw["statements"][0])  # type: ignore[operator]
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ValueError, match=re.escape(problem)):
        load_catalog(path)


def test_loader_rejects_duplicate_ids(tmp_path: Path) -> None:
    raw = yaml.safe_load(CATALOG_PATH.read_text())
    raw["statements"].append(raw["statements"][0])
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ValueError, match="'DenyRootActions' appears twice"):
        load_catalog(path)
