"""SCPs are judged by what they say: a deny of every root action, a deny of root key creation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rootguard.audit.policy import denies_root_access_keys, denies_root_actions

ROOT = {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}
ACCOUNT = "210987654321"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def deny(action: Any = "*", resource: Any = "*", condition: dict[str, Any] | None = None,
         **extra: Any) -> dict[str, Any]:  # fmt: skip
    statement: dict[str, Any] = {"Effect": "Deny", "Action": action, "Resource": resource}
    if condition is not None:
        statement["Condition"] = condition
    statement.update(extra)
    return statement


REFERENCE_DENY_ROOT = deny(condition={**ROOT, "Null": {"aws:AssumedRoot": "true"}})
CONTROL_TOWER_DENY_ROOT = deny(condition=ROOT)
DENY_ROOT_KEYS = deny("iam:CreateAccessKey", ["*"], ROOT)
FULL_ACCESS = {"Effect": "Allow", "Action": "*", "Resource": "*"}


@pytest.mark.parametrize(
    ("statements", "all_actions", "access_keys"),
    [
        pytest.param([REFERENCE_DENY_ROOT], True, True, id="reference form, AssumeRoot exempt"),
        pytest.param([CONTROL_TOWER_DENY_ROOT], True, True, id="Control Tower form"),
        pytest.param([DENY_ROOT_KEYS], False, True, id="access keys only"),
        pytest.param([FULL_ACCESS], False, False, id="FullAWSAccess"),
        pytest.param([FULL_ACCESS, REFERENCE_DENY_ROOT], True, True, id="allow plus deny"),
        pytest.param([{**REFERENCE_DENY_ROOT, "Effect": "Allow"}], False, False, id="allow"),
        pytest.param(
            [
                deny(
                    condition={
                        **ROOT,
                        "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"},
                    }
                )
            ],
            True,
            True,
            id="break-glass role exemption still denies root",
        ),
        pytest.param(
            [deny(condition={**ROOT, "StringEquals": {"aws:RequestedRegion": "us-east-1"}})],
            False,
            False,
            id="only one region",
        ),
        pytest.param(
            [deny(condition={**ROOT, "StringEqualsIfExists": {"aws:RequestedRegion": "x"}})],
            True,
            True,
            id="IfExists on a key root requests may lack",
        ),
        pytest.param(
            [deny(condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::999999999999:root"}})],
            False,
            False,
            id="another account's root",
        ),
        pytest.param(
            [deny(condition={"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}, **ROOT})],
            False,
            False,
            id="exempts this very account",
        ),
        pytest.param(
            [deny(condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})],
            False,
            False,
            id="unknown operator is not credited",
        ),
        pytest.param(
            [deny(condition={"ForAnyValue:StringLike": {"aws:TagKeys": "x*"}, **ROOT})],
            False,
            False,
            id="ForAnyValue on an absent key",
        ),
        pytest.param(
            [deny(NotAction=["iam:CreateVirtualMFADevice"], condition=ROOT, action=None)],
            False,
            True,
            id="NotAction leaves some actions",
        ),
        pytest.param([deny("iam:*", condition=ROOT)], False, True, id="iam wildcard"),
        pytest.param([deny("IAM:create*", condition=ROOT)], False, True, id="case-insensitive"),
        pytest.param(
            [deny("iam:CreateAccessKey", "arn:aws:iam::*:user/*", ROOT)],
            False,
            False,
            id="users only, not root",
        ),
        pytest.param([deny("*", "arn:aws:s3:::*", ROOT)], False, False, id="some resources only"),
        pytest.param(
            [{**REFERENCE_DENY_ROOT, "Principal": "*"}], False, False, id="principal not SCP"
        ),
        pytest.param(
            [deny(condition={"Bool": {"aws:SecureTransport": "false"}})],
            False,
            False,
            id="condition on a key root context lacks",
        ),
    ],
)
def test_judged_by_content(
    statements: list[dict[str, Any]], all_actions: bool, access_keys: bool
) -> None:
    statements = [{k: v for k, v in s.items() if v is not None} for s in statements]
    document = policy(*statements)
    assert denies_root_actions(document, ACCOUNT) is all_actions
    assert denies_root_access_keys(document, ACCOUNT) is access_keys


def test_a_single_statement_object_and_bad_documents() -> None:
    single = json.dumps({"Version": "2012-10-17", "Statement": REFERENCE_DENY_ROOT})
    assert denies_root_actions(single)
    for bad in ("not json", "[]", '{"Statement": 3}', ""):
        assert not denies_root_actions(bad)
        assert not denies_root_access_keys(bad)


def test_account_specific_exemption_depends_on_the_account() -> None:
    document = policy(
        deny(condition={**ROOT, "StringNotEquals": {"aws:PrincipalAccount": ["111111111111"]}})
    )
    assert not denies_root_actions(document, "111111111111")
    assert denies_root_actions(document, ACCOUNT)


statement_strategy = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.sampled_from(["s3:GetObject", "ec2:*", "iam:List*", "sts:AssumeRole"]),
        "Resource": st.sampled_from(["*", "arn:aws:s3:::bucket/*"]),
    }
)


@given(st.lists(statement_strategy, max_size=6), st.integers(min_value=0, max_value=6))
def test_other_statements_never_change_the_verdict(
    others: list[dict[str, Any]], position: int
) -> None:
    with_deny = [*others]
    with_deny.insert(min(position, len(others)), REFERENCE_DENY_ROOT)
    assert denies_root_actions(policy(*with_deny))
    assert denies_root_access_keys(policy(*with_deny))
    # None of the generated statements denies every root action on its own.
    assert not denies_root_actions(policy(*others))
