"""Judge a service control policy by its content, not its name.

`denies_root_actions(document, account_id)` answers: does some Deny statement apply to
every request the account's root user (outside an AssumeRoot session) could make?
`denies_root_access_keys(...)` asks the same for iam:CreateAccessKey.

A statement "applies" when its actions and resources cover the request and its conditions
hold for the root user's request context. Conditions are evaluated with IAM's rules for
the operators SCPs use; a statement with an operator this module does not know, or a
condition on a key the root context lacks, is taken not to apply. So the answer errs
towards "not denied": the audit never credits a policy with protection it may not give.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

PLACEHOLDER_ACCOUNT = "111122223333"


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, str]  # condition keys, lower-case, single-valued


def root_arn(account_id: str, partition: str = "aws") -> str:
    """The root user of an account, in its partition (`arn:aws-us-gov:iam::...:root`)."""
    return f"arn:{partition}:iam::{account_id}:root"


def root_context(account_id: str, partition: str = "aws") -> dict[str, str]:
    """The request context of a root user's own call (not an AssumeRoot session).

    The principal ARN carries the account's partition: an SCP that names
    `arn:aws:iam::*:root` does not match the root user of a GovCloud or China account.
    """
    return {
        "aws:principalarn": root_arn(account_id, partition),
        "aws:principalaccount": account_id,
        "aws:principaltype": "Account",
        "aws:userid": account_id,
    }


def denies_root_actions(
    document: str, account_id: str = PLACEHOLDER_ACCOUNT, partition: str = "aws"
) -> bool:
    """Some statement denies every action on every resource for the root user."""
    return _denies_everything(document, root_context(account_id, partition))


def blocks_assume_root_sessions(
    document: str, account_id: str = PLACEHOLDER_ACCOUNT, partition: str = "aws"
) -> bool:
    """Some statement denies every action to an AssumeRoot session on the account.

    An AssumeRoot session acts as the account's root user and carries `aws:AssumedRoot =
    "true"`; a root deny without an exception for that key (Control Tower's "Disallow actions
    as a root user") leaves centralized root access unable to do any task in the account.
    """
    context = {**root_context(account_id, partition), "aws:assumedroot": "true"}
    return _denies_everything(document, context)


def _denies_everything(document: str, context: dict[str, str]) -> bool:
    """Some Deny statement covers every action on every resource in this request context."""
    return any(
        _covers_all_actions(statement)
        and _covers_all_resources(statement)
        and _conditions_hold(statement, context)
        for statement in deny_statements(document)
    )


def denies_root_access_keys(
    document: str, account_id: str = PLACEHOLDER_ACCOUNT, partition: str = "aws"
) -> bool:
    """Some statement denies iam:CreateAccessKey by the root user on its own user."""
    request = Request(
        action="iam:CreateAccessKey",
        resource=root_arn(account_id, partition),
        context=root_context(account_id, partition),
    )
    return any(_denies(statement, request) for statement in deny_statements(document))


def deny_statements(document: str) -> list[Mapping[str, Any]]:
    """The Deny statements of a policy document; an unparsable document has none."""
    try:
        parsed = json.loads(document)
    except (TypeError, ValueError):
        return []
    if not isinstance(parsed, dict):
        return []
    statements = parsed.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return []
    return [
        s
        for s in statements
        if isinstance(s, dict)
        and s.get("Effect") == "Deny"
        # SCPs do not take principals; a statement that names one is not judged.
        and "Principal" not in s
        and "NotPrincipal" not in s
    ]


def _denies(statement: Mapping[str, Any], request: Request) -> bool:
    return (
        _matches_action(statement, request.action)
        and _matches_resource(statement, request.resource)
        and _conditions_hold(statement, request.context)
    )


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _covers_all_actions(statement: Mapping[str, Any]) -> bool:
    if "NotAction" in statement:
        return not _as_list(statement["NotAction"])  # NotAction [] excludes nothing
    return any(pattern in ("*", "*:*") for pattern in _as_list(statement.get("Action")))


def _covers_all_resources(statement: Mapping[str, Any]) -> bool:
    if "NotResource" in statement:
        return not _as_list(statement["NotResource"])
    return "*" in _as_list(statement.get("Resource", "*"))


def _matches_action(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(_glob(p, action, ignore_case=True) for p in _as_list(statement["NotAction"]))
    return any(_glob(p, action, ignore_case=True) for p in _as_list(statement.get("Action")))


def _matches_resource(statement: Mapping[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        return not any(_glob(p, resource) for p in _as_list(statement["NotResource"]))
    return any(_glob(p, resource) for p in _as_list(statement.get("Resource", "*")))


def _conditions_hold(statement: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    conditions = statement.get("Condition", {})
    if not isinstance(conditions, dict):
        return False
    return all(
        isinstance(block, dict) and _operator_holds(operator, block, context)
        for operator, block in conditions.items()
    )


_NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
}
_KNOWN = _NEGATED | {
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "ArnEquals",
    "ArnLike",
    "Bool",
    "Null",
}


def _operator_holds(operator: str, block: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    """All keys of one operator block hold (IAM: AND across keys, OR across values)."""
    qualifier, _, name = operator.rpartition(":")
    if_exists = name.endswith("IfExists")
    base = name.removesuffix("IfExists")
    if base not in _KNOWN or qualifier not in ("", "ForAnyValue", "ForAllValues"):
        return False  # unknown operator: do not credit the statement
    for key, raw_values in block.items():
        values = _as_list(raw_values)
        actual = context.get(str(key).lower())
        if base == "Null":
            wants_absent = [v.lower() == "true" for v in values]
            if not any(want == (actual is None) for want in wants_absent):
                return False
            continue
        if actual is None:
            # IAM: a missing key fails a positive operator and satisfies a negated one;
            # IfExists and ForAllValues treat it as satisfied.
            if if_exists or qualifier == "ForAllValues" or base in _NEGATED:
                continue
            return False
        matched = any(_compare(base, expected, actual) for expected in values)
        if matched == (base in _NEGATED):
            return False
    return True


def _compare(base: str, expected: str, actual: str) -> bool:
    if base in ("StringEquals", "StringNotEquals"):
        return expected == actual
    if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "Bool"):
        return expected.lower() == actual.lower()
    # StringLike/NotLike and every Arn operator (ArnEquals behaves like ArnLike) use globs.
    return _glob(expected, actual)


def _glob(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


@cache
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = (".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)
