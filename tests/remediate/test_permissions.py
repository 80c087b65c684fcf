"""The remediate role's documented IAM policy grants exactly what `--apply` calls; the dry
run needs nothing beyond the read-only role (the workflow's dry run signs in with that)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import parliament
import pytest

from rootguard.root_tasks import AUDIT, DELETE, root_tasks
from tests.fakes import FakeAws, FakeOrganization

from .conftest import remediate

DOCS = Path(__file__).resolve().parents[2] / "docs"
POLICY = DOCS / "remediate-iam-policy.json"
READ_POLICY = DOCS / "audit-iam-policy.json"
UNGATED = {"sts:GetCallerIdentity"}  # every identity may call it


def grants(document: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(actions allowed, task policy ARNs AssumeRoot is limited to)."""
    actions: set[str] = set()
    tasks: set[str] = set()
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions.update([listed] if isinstance(listed, str) else listed)
        if listed == "sts:AssumeRoot":
            allowed = statement["Condition"]["StringEquals"]["sts:TaskPolicyArn"]
            tasks.update([allowed] if isinstance(allowed, str) else allowed)
    return actions, tasks


def role_calls(fake: FakeAws) -> set[str]:
    return {f"{c.service}:{c.operation}" for c in fake.calls if c.root_task is None}


@pytest.fixture
def dirty(org: FakeOrganization) -> FakeOrganization:
    org.give_root_credentials(
        "payments", password=True, access_keys=1, mfa_devices=1, hardware_mfa=1, certificates=1
    )
    return org


def test_the_policy_grants_exactly_what_apply_calls(
    dirty: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    assert remediate(fake, capsys, "--all", "--apply", "--yes").code == 0
    actions, tasks = grants(json.loads(POLICY.read_text()))

    assert role_calls(fake) - UNGATED == actions
    assert tasks == {root_tasks()[DELETE].arn()}
    # In the sessions, only what the task policy allows (AWS enforces it; so does the fake).
    session_calls = {f"{c.service}:{c.operation}" for c in fake.calls if c.root_task}
    assert session_calls <= root_tasks()[DELETE].actions
    assert {c.root_task for c in fake.calls if c.root_task} == {DELETE}


def test_the_dry_run_needs_only_the_read_only_role(
    dirty: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    assert remediate(fake, capsys, "--all").code == 1
    actions, tasks = grants(json.loads(READ_POLICY.read_text()))

    assert role_calls(fake) - UNGATED <= actions
    assert tasks == {root_tasks()[AUDIT].arn()}
    assert {c.root_task for c in fake.calls if c.root_task} == {AUDIT}


def test_the_policy_lints_clean_and_is_the_one_in_docs_ci() -> None:
    text = POLICY.read_text()
    assert [f.issue for f in parliament.analyze_policy_string(text).findings] == []
    ci = (DOCS / "ci.md").read_text()
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", ci, re.S)]
    assert json.loads(text) in blocks
