"""docs/ci.md: its IAM documents are valid, least privilege, and scoped as the text says."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from parliament import analyze_policy_string

from tests import policy_checks

DOC = Path(__file__).resolve().parents[1] / "docs" / "ci.md"
OIDC = "token.actions.githubusercontent.com"
REPO = "repo:OWNER/REPO:"
TRAIL_BUCKET = "arn:aws:s3:::acme-org-trail-111111111111"


def json_blocks() -> list[dict[str, Any]]:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(), re.S)
    return [json.loads(block) for block in blocks]


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document["Statement"]
    return found


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def trust_policies() -> list[dict[str, Any]]:
    return [
        d
        for d in json_blocks()
        if any(s.get("Action") == "sts:AssumeRoleWithWebIdentity" for s in statements(d))
    ]


def identity_policies() -> dict[str, dict[str, Any]]:
    """The role permission policies (no Principal), by the Sid of their first statement."""
    return {
        statements(d)[0]["Sid"]: d
        for d in json_blocks()
        if not any("Principal" in s for s in statements(d))
    }


def read_policy() -> dict[str, Any]:
    return identity_policies()["ReadTheOrganization"]


def deploy_policy() -> dict[str, Any]:
    return identity_policies()["ManageTheOrganization"]


def test_every_json_block_is_a_policy() -> None:
    blocks = json_blocks()
    assert len(blocks) == 7  # three trust policies, three permission policies, a bucket policy
    for document in blocks:
        assert document["Version"] == "2012-10-17"
        assert all(s["Effect"] in ("Allow", "Deny") for s in statements(document))


def test_trust_policies_pin_audience_and_repository_subjects() -> None:
    policies = trust_policies()
    assert len(policies) == 3
    for policy in policies:
        for statement in statements(policy):
            assert statement["Principal"]["Federated"].endswith(f":oidc-provider/{OIDC}")
            # StringEquals only: a StringLike wildcard in `sub` is how trust policies leak.
            assert set(statement["Condition"]) == {"StringEquals"}
            equals = statement["Condition"]["StringEquals"]
            assert equals[f"{OIDC}:aud"] == "sts.amazonaws.com"
            subjects = as_list(equals[f"{OIDC}:sub"])
            assert subjects and all(s.startswith(REPO) and "*" not in s for s in subjects)


def subjects_of(policy: dict[str, Any]) -> set[str]:
    return {
        s.removeprefix(REPO)
        for statement in statements(policy)
        for s in as_list(statement["Condition"]["StringEquals"][f"{OIDC}:sub"])
    }


def test_the_read_role_trusts_pull_requests_and_main_and_the_deploy_role_one_environment() -> None:
    read, deploy, remediate = trust_policies()
    assert subjects_of(read) == {"pull_request", "ref:refs/heads/main"}
    assert subjects_of(deploy) == {"environment:prod"}
    assert subjects_of(remediate) == {"environment:prod"}


def findings(policy: dict[str, Any]) -> list[tuple[str, str]]:
    analysis = analyze_policy_string(json.dumps(policy))
    return [(f.issue, str(f.detail)) for f in analysis.findings if f.issue != "RESOURCE_STAR"]


@pytest.mark.parametrize("sid", ["ReadTheOrganization", "ManageTheOrganization"])
def test_permission_policies_pass_parliament(sid: str) -> None:
    problems = findings(identity_policies()[sid])
    # Managing the trail bucket's own policy is what the deploy role is for (docs/ci.md).
    accepted = [
        (issue, detail)
        for issue, detail in problems
        if issue == "RESOURCE_POLICY_PRIVILEGE_ESCALATION" and TRAIL_BUCKET in detail
    ]
    assert [p for p in problems if p not in accepted] == []


def access_levels(policy: dict[str, Any], effect: str = "Allow") -> dict[str, set[str]]:
    return policy_checks.access_levels(statements(policy), effect)


def test_the_read_role_can_only_read() -> None:
    levels = access_levels(read_policy())
    writes = set().union(*(v for k, v in levels.items() if k not in ("Read", "List")))
    # The credential report is a generated snapshot; AssumeRoot is held to the audit task
    # policy by its condition (checked below). Nothing else may change anything.
    assert writes <= {"iam:generatecredentialreport", "sts:assumeroot"}, sorted(writes)
    root = next(s for s in statements(read_policy()) if s["Action"] == "sts:AssumeRoot")
    assert root["Condition"] == {
        "StringEquals": {
            "sts:TaskPolicyArn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
        }
    }


def test_the_read_role_reads_no_data() -> None:
    allowed = set().union(*access_levels(read_policy()).values())
    for data_read in (
        "s3:getobject",
        "logs:getlogevents",
        "kms:decrypt",
        "cloudtrail:lookupevents",
    ):
        assert data_read not in allowed


def test_the_deploy_role_denies_what_rootguard_protects_and_allows_none_of_it() -> None:
    denied = set().union(*access_levels(deploy_policy(), "Deny").values())
    assert {
        "organizations:leaveorganization",
        "organizations:deleteorganization",
        "organizations:closeaccount",
        "organizations:removeaccountfromorganization",
        "cloudtrail:deletetrail",
        "cloudtrail:stoplogging",
        "s3:deletebucket",
        "kms:schedulekeydeletion",
        "logs:deleteloggroup",
    } <= denied
    allowed = set().union(*access_levels(deploy_policy()).values())
    assert not allowed & denied


def test_deploy_writes_are_named_not_wildcards() -> None:
    for statement in statements(deploy_policy()):
        assert all("*" not in action for action in as_list(statement["Action"])), statement["Sid"]
    s3 = next(s for s in statements(deploy_policy()) if s["Sid"] == "TheTrailBucketOnly")
    assert s3["Resource"] == TRAIL_BUCKET
    (pass_role,) = [s for s in statements(deploy_policy()) if s["Action"] == "iam:PassRole"]
    assert pass_role["Condition"] == {
        "StringEquals": {
            "iam:PassedToService": ["cloudtrail.amazonaws.com", "chatbot.amazonaws.com"]
        }
    }
    # Roles and policies (the trail's delivery role, the Chatbot role and guardrail) are
    # written only under rootguard's own names.
    resources = {
        action: s["Resource"]
        for s in statements(deploy_policy())
        for action in as_list(s["Action"])
        if action.startswith(("iam:CreateRole", "iam:PutRolePolicy", "iam:CreatePolicy"))
    }
    assert resources == {
        "iam:CreateRole": "arn:aws:iam::111111111111:role/rootguard*",
        "iam:PutRolePolicy": "arn:aws:iam::111111111111:role/rootguard*",
        "iam:CreatePolicy": "arn:aws:iam::111111111111:policy/rootguard*",
        "iam:CreatePolicyVersion": "arn:aws:iam::111111111111:policy/rootguard*",
    }


def test_the_state_bucket_policy_requires_tls_and_lets_read_roles_write_only_locks() -> None:
    bucket = next(d for d in json_blocks() if any(s["Sid"] == "TlsOnly" for s in statements(d)))
    by_sid = {s["Sid"]: s for s in statements(bucket)}
    assert by_sid["TlsOnly"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    read_writes = by_sid["ReadRolesWriteOnlyLocks"]
    assert read_writes["Principal"]["AWS"].endswith(":role/rootguard-ci-read")
    assert read_writes["Resource"].endswith("/.pulumi/locks/*")
