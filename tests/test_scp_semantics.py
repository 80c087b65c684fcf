"""What the rendered SCPs do, checked with an IAM evaluator, not just their shape.

For every rendered policy set (each stack, and random selections, exemptions and quotas):
root is denied everything; an AssumeRoot session passes the root statement; exempt
principals are never denied; an ordinary role is not touched by the root statements but is
by the others.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rootguard.config.guardrails import GuardrailsConfig
from rootguard.config.stack_file import load_stack_config, stack_names
from rootguard.scp import GUARDRAIL_TAG_KEY, catalog_ids, load_catalog
from tests.iam_eval import Request, arn_like, denying_statements, glob_match, is_denied

ROOT = "arn:aws:iam::111122223333:root"
ORDINARY_ROLE = "arn:aws:iam::111122223333:role/app-deployer"
ASSUMED_ROOT = {"aws:AssumedRoot": "true"}
# A request on one of rootguard's own (tagged) policies.
ON_GUARDRAIL = {f"aws:ResourceTag/{GUARDRAIL_TAG_KEY}": "true"}
ROOT_STATEMENTS = {"DenyRootActions", "DenyRootAccessKeyCreation"}

# Every action a catalog statement names, plus ordinary ones.
CATALOG_ACTIONS = sorted(
    {
        action
        for entry in load_catalog()
        for action in (
            [entry.statement["Action"]]
            if isinstance(entry.statement["Action"], str)
            else entry.statement["Action"]
        )
        if action != "*"
    }
)
ACTIONS = [*CATALOG_ACTIONS, "s3:GetObject", "ec2:RunInstances", "iam:CreateUser"]
action_names = st.one_of(
    st.sampled_from(ACTIONS),
    st.from_regex(r"[a-z][a-z0-9-]{1,15}:[A-Z][A-Za-z]{1,30}", fullmatch=True),
)


def concrete_principal(pattern: str) -> str:
    """A principal ARN the exemption pattern matches: wildcards filled in."""
    arn, partition, service, region, account, resource = pattern.split(":", 5)
    partition = "aws" if partition == "*" else partition
    account = "111122223333" if account == "*" else account
    resource = resource.replace("*", "x").replace("?", "q")
    return ":".join([arn, partition, service, region, account, resource])


def check_policy_set(config: GuardrailsConfig, actions: list[str]) -> None:
    documents = [policy.document for policy in config.policies()]
    selected = set(config.statements)

    for action in actions:
        for context in ({}, ON_GUARDRAIL):
            root = denying_statements(documents, Request(action, ROOT, context))
            if "DenyRootActions" in selected:
                assert "DenyRootActions" in root, action

            session = denying_statements(documents, Request(action, ROOT, ASSUMED_ROOT | context))
            assert "DenyRootActions" not in session, action

            for pattern in config.exempt_principals:
                exempt = Request(action, concrete_principal(pattern), context)
                assert not is_denied(documents, exempt), (pattern, action)
                # A principal exemption never reaches the root user.
                if "DenyRootActions" in selected:
                    assert is_denied(documents, Request(action, ROOT, context))

            ordinary = denying_statements(documents, Request(action, ORDINARY_ROLE, context))
            assert not set(ordinary) & ROOT_STATEMENTS, action

    # The exemptible statements do bite everyone else.
    if any(arn_like(pattern, ORDINARY_ROLE) for pattern in config.exempt_principals):
        return
    for entry in load_catalog():
        if entry.id not in selected or not entry.exemptible:
            continue
        action = entry.statement["Action"]
        action = action if isinstance(action, str) else action[0]
        denied = denying_statements(documents, Request(action, ORDINARY_ROLE, ON_GUARDRAIL))
        assert entry.id in denied


@pytest.mark.parametrize("stack", stack_names())
def test_every_stacks_policy_set(stack: str) -> None:
    check_policy_set(load_stack_config(stack).guardrails, ACTIONS)


def test_the_default_set_denies_root_everything_and_lets_assume_root_sessions_through() -> None:
    documents = [p.document for p in GuardrailsConfig().policies()]
    for action in ACTIONS:
        assert is_denied(documents, Request(action, ROOT))
    # An AssumeRoot session only meets the statements written for it.
    assert denying_statements(documents, Request("s3:PutBucketPolicy", ROOT, ASSUMED_ROOT)) == []
    assert denying_statements(documents, Request("iam:CreateAccessKey", ROOT, ASSUMED_ROOT)) == [
        "DenyRootAccessKeyCreation"
    ]


def test_untagged_policies_are_not_protected_by_the_tampering_statement() -> None:
    # Delegated policy administrators keep managing their own SCPs.
    documents = [p.document for p in GuardrailsConfig().policies()]
    assert not is_denied(documents, Request("organizations:DetachPolicy", ORDINARY_ROLE))
    assert is_denied(documents, Request("organizations:DetachPolicy", ORDINARY_ROLE, ON_GUARDRAIL))


principal_patterns = st.builds(
    lambda partition, account, kind, name: f"arn:{partition}:iam::{account}:{kind}/{name}",
    st.sampled_from(["aws", "*", "aws-us-gov"]),
    st.one_of(st.just("*"), st.from_regex(r"\d{12}", fullmatch=True)),
    st.sampled_from(["role", "user"]),
    st.from_regex(r"[A-Za-z0-9+=,.@_-]{1,12}(/[A-Za-z0-9+=,.@_*?-]{1,12})?\*?", fullmatch=True),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    statements=st.lists(st.sampled_from(catalog_ids()), min_size=1, unique=True),
    exemptions=st.lists(principal_patterns, max_size=6, unique=True),
    max_characters=st.integers(400, 5120),
    actions=st.lists(action_names, min_size=1, max_size=4),
)
def test_random_policy_sets(
    statements: list[str], exemptions: list[str], max_characters: int, actions: list[str]
) -> None:
    try:
        config = GuardrailsConfig(
            statements=statements,
            exempt_principals=exemptions,
            max_policy_characters=max_characters,
            max_policies_per_target=10,
        )
    except ValidationError:
        assume(False)
        raise
    check_policy_set(config, [*actions, *ACTIONS[:3]])


# The evaluator itself must be able to say "no": each case below is a way it could be wrong.
@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("arn:*:iam::*:root", "arn:aws:iam::111122223333:root", True),
        ("arn:*:iam::*:root", "arn:aws:iam::111122223333:role/root", False),
        ("arn:aws:iam::*:role/Break*", "arn:aws:iam::111122223333:role/BreakGlass", True),
        # `*` never spans the colons between ARN parts.
        ("arn:aws:iam::*", "arn:aws:iam::111122223333:root", False),
        ("arn:aws:iam::?:root", "arn:aws:iam::111122223333:root", False),
    ],
)
def test_evaluator_arn_like_is_per_part(pattern: str, value: str, expected: bool) -> None:
    statement = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    statement["Condition"] = {"ArnLike": {"aws:PrincipalArn": [pattern]}}  # type: ignore[assignment]
    document = {"Version": "2012-10-17", "Statement": [statement]}
    assert is_denied([document], Request("s3:GetObject", value)) is expected


def deny(condition: dict[str, Any], action: str = "*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "X", "Effect": "Deny", "Action": action, "Condition": condition}],
    }


def test_evaluator_null_negation_and_and_semantics() -> None:
    null_true = deny({"Null": {"aws:AssumedRoot": "true"}})
    assert is_denied([null_true], Request("a:B", ROOT))
    assert not is_denied([null_true], Request("a:B", ROOT, ASSUMED_ROOT))
    # Negated operator with several values: denied only if the value matches none (NOR).
    not_like = deny(
        {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/A", "arn:aws:iam::*:role/B"]}}
    )
    assert not is_denied([not_like], Request("a:B", "arn:aws:iam::111122223333:role/B"))
    assert is_denied([not_like], Request("a:B", "arn:aws:iam::111122223333:role/C"))
    # Missing key: negated operators match, positive ones do not.
    assert is_denied([deny({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}})], Request("a:B", ROOT))
    assert not is_denied([deny({"StringEquals": {"aws:SourceVpc": "vpc-1"}})], Request("a:B", ROOT))
    # Every operator must match (AND).
    both = deny(
        {"ArnLike": {"aws:PrincipalArn": "arn:*:iam::*:root"}, "Null": {"aws:AssumedRoot": "true"}}
    )
    assert not is_denied([both], Request("a:B", ORDINARY_ROLE))
    assert not is_denied([both], Request("a:B", ROOT, ASSUMED_ROOT))
    assert is_denied([both], Request("a:B", ROOT))


def test_evaluator_actions_are_case_insensitive_globs() -> None:
    assert is_denied([deny({}, "iam:CreateAccessKey")], Request("IAM:createaccesskey", ROOT))
    assert is_denied(
        [deny({}, "organizations:*")], Request("organizations:LeaveOrganization", ROOT)
    )
    assert not is_denied([deny({}, "iam:CreateAccessKey")], Request("iam:CreateAccessKeys", ROOT))
    assert glob_match("a?c", "abc") and not glob_match("a?c", "ac")


def test_evaluator_refuses_what_it_does_not_model() -> None:
    with pytest.raises(NotImplementedError):
        is_denied([deny({"ForAnyValue:StringLike": {"aws:TagKeys": "x"}})], Request("a:B", ROOT))
    with pytest.raises(NotImplementedError):
        is_denied([deny({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})], Request("a:B", ROOT))
