"""Every stack file: valid against the schema and the models, and planned by `__main__.py`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from rootguard.config.schema import render
from rootguard.config.stack_file import STACKS_DIR, load_stack_config, stack_names
from rootguard.offline.plan import plan_stack

SCHEMA_FILE = STACKS_DIR / "rootguard.schema.json"
STACKS = stack_names()


def test_the_three_environments_exist() -> None:
    assert {"dev", "staging", "prod"} <= set(STACKS)


def test_committed_schema_matches_the_models() -> None:
    assert SCHEMA_FILE.read_text() == render(), "stale schema: run `make schema`"


@pytest.mark.parametrize("stack", STACKS)
def test_stack_file_points_editors_at_the_schema_and_validates(stack: str) -> None:
    path = STACKS_DIR / f"Pulumi.{stack}.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=./rootguard.schema.json")
    document = yaml.safe_load(text)
    jsonschema.validate(document, json.loads(SCHEMA_FILE.read_text()))
    assert document["config"]["aws:region"]


def test_schema_rejects_a_typod_rootguard_key() -> None:
    document = yaml.safe_load((STACKS_DIR / "Pulumi.dev.yaml").read_text())
    document["config"]["rootguard:organisation"] = {}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(SCHEMA_FILE.read_text()))


@pytest.mark.parametrize("stack", STACKS)
def test_stack_plans_every_declared_ou_and_account(stack: str) -> None:
    config = load_stack_config(stack)
    recording = plan_stack(stack)
    ous = {
        r.name for r in recording.of_type("aws:organizations/organizationalUnit:OrganizationalUnit")
    }
    accounts = recording.of_type("aws:organizations/account:Account")
    assert ous == {
        f"rootguard-organization-ou-{ou.path}" for ou in config.organization.organizational_units
    }
    assert {a.inputs["name"] for a in accounts} == config.organization.account_names
    assert all(a.protect and a.inputs["closeOnDeletion"] is False for a in accounts)
    assert set(recording.exports["accountIds"]) == config.organization.account_names
    assert set(recording.exports["organizationalUnitIds"]) == config.organization.ou_paths


def test_prod_adopts_existing_ous_and_accounts_by_id() -> None:
    config = load_stack_config("prod")
    recording = plan_stack("prod")
    declared = {a.name: a.id for a in config.organization.accounts if a.id}
    assert declared, "prod should show adoption of existing accounts"
    for name, account_id in declared.items():
        assert recording.named(f"rootguard-organization-account-{name}").import_id == account_id


def test_stacks_dir_has_no_stray_files(tmp_path: Path) -> None:
    allowed = {f"Pulumi.{s}.yaml" for s in STACKS} | {SCHEMA_FILE.name}
    assert {p.name for p in STACKS_DIR.iterdir()} == allowed
