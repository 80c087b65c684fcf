"""The audit role's documented IAM policy grants exactly what the audit calls, nothing more."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import parliament

from rootguard.root_tasks import AUDIT, root_tasks
from tests.fakes import FakeAws, FakeOrganization
from tests.fakes.stack import stack_config

from .conftest import audit
from .test_drift_chat import CHAT

POLICY = Path(__file__).resolve().parents[2] / "docs" / "audit-iam-policy.json"
# Calls every identity may make without a permission.
UNGATED = {"sts:GetCallerIdentity"}
# The calls made as a member's root user are allowed by the AssumeRoot task policy
# (IAMAuditRootUserCredentials), not by the audit role: the four reads the checks use.
ROOT_SESSION_READS = {
    "iam:GetLoginProfile",
    "iam:ListAccessKeys",
    "iam:ListMFADevices",
    "iam:ListSigningCertificates",
}


def granted_actions() -> set[str]:
    document = json.loads(POLICY.read_text())
    actions: set[str] = set()
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions.update([listed] if isinstance(listed, str) else listed)
    return actions


def test_policy_grants_exactly_the_calls_the_audit_makes(
    org: FakeOrganization, fake: FakeAws
) -> None:
    audit(fake)
    # With a stack that declares Slack and Teams channels, the audit also reads Chatbot.
    audit(fake, config=stack_config(org, alarms=CHAT))
    assert {c.service for c in fake.calls} >= {"chatbot"}
    role_calls = {f"{c.service}:{c.operation}" for c in fake.calls if c.root_task is None}
    root_calls = {f"{c.service}:{c.operation}" for c in fake.calls if c.root_task}

    assert role_calls - UNGATED == granted_actions()
    assert root_calls == ROOT_SESSION_READS
    assert root_calls <= root_tasks()[AUDIT].actions


def test_policy_is_read_only_and_lints_clean() -> None:
    actions = granted_actions()
    assert all(
        action.split(":")[1].startswith(("Get", "List", "Describe"))
        or action in ("iam:GenerateCredentialReport", "sts:AssumeRoot")
        for action in actions
    )
    policy = parliament.analyze_policy_string(POLICY.read_text())
    assert [f.issue for f in policy.findings] == []


def test_the_ci_read_role_can_run_the_audit() -> None:
    """docs/ci.md's read-only role (the scheduled audit's) grants every action above."""
    ci = (POLICY.parent / "ci.md").read_text()
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", ci, re.S)]
    (read,) = [b for b in blocks if b["Statement"][0].get("Sid") == "ReadTheOrganization"]
    allowed: list[str] = []
    for statement in read["Statement"]:
        if statement["Effect"] == "Allow":
            listed = statement["Action"]
            allowed.extend([listed] if isinstance(listed, str) else listed)
    missing = [
        action
        for action in sorted(granted_actions())
        if not any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in allowed)
    ]
    assert missing == []
