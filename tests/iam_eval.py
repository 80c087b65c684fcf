"""A small IAM policy evaluator for the SCP semantics tests.

It answers one question: which Deny statements of a set of SCP documents match a request.
It models what the catalog uses (Action/NotAction and Resource wildcards; the String, Arn,
Null and Bool condition operators with IfExists; multi-valued policy values; AND across
operators and keys) and raises on anything else, so a new operator in the catalog cannot be
"tested" by an evaluator that silently ignores it.

Semantics follow AWS's policy evaluation logic:
- a condition block matches only if every operator, and every key under it, matches (AND);
- several values for one key: a positive operator matches if any value matches (OR), a
  negated one if none does (NOR);
- a key missing from the request: positive operators do not match, negated ones do, `...IfExists`
  matches; `Null: "true"` matches a missing key, `Null: "false"` a present one;
- ArnLike compares the six colon-separated ARN parts one by one, so `*` never spans a colon;
- action names are case-insensitive, condition keys are case-insensitive, values are not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_POSITIVE = {"StringEquals", "StringLike", "ArnEquals", "ArnLike", "Bool"}
_NEGATED = {"StringNotEquals": "StringEquals", "StringNotLike": "StringLike"}
_NEGATED |= {"ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike"}


@dataclass(frozen=True)
class Request:
    """One API call as an SCP sees it. `aws:PrincipalArn` is filled in from `principal`."""

    action: str
    principal: str
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    resource: str = "*"

    def values(self) -> dict[str, list[str]]:
        found = {"aws:principalarn": [self.principal]}
        for key, value in self.context.items():
            found[key.lower()] = [value] if isinstance(value, str) else list(value)
        return found


def denying_statements(documents: Iterable[str | Mapping[str, Any]], request: Request) -> list[str]:
    """The Sid of every Deny statement, across `documents`, that matches `request`."""
    denied: list[str] = []
    for document in documents:
        parsed = json.loads(document) if isinstance(document, str) else document
        if parsed.get("Version") != "2012-10-17":
            raise ValueError("SCP documents must use policy language version 2012-10-17")
        statements = parsed["Statement"]
        for statement in [statements] if isinstance(statements, dict) else statements:
            if statement["Effect"] == "Deny" and statement_matches(statement, request):
                denied.append(statement.get("Sid", "<no sid>"))
    return denied


def is_denied(documents: Iterable[str | Mapping[str, Any]], request: Request) -> bool:
    return bool(denying_statements(documents, request))


def statement_matches(statement: Mapping[str, Any], request: Request) -> bool:
    unknown = set(statement) - {"Sid", "Effect", "Action", "NotAction", "Resource", "Condition"}
    if unknown:
        raise NotImplementedError(f"statement element(s) {sorted(unknown)} are not modelled")
    if "Action" in statement:
        action_ok = _any_glob(statement["Action"], request.action, fold_case=True)
    else:
        action_ok = not _any_glob(statement["NotAction"], request.action, fold_case=True)
    resource_ok = _any_glob(statement.get("Resource", "*"), request.resource, fold_case=False)
    return action_ok and resource_ok and conditions_match(statement.get("Condition", {}), request)


def conditions_match(condition: Mapping[str, Mapping[str, Any]], request: Request) -> bool:
    values = request.values()
    for operator, keys in condition.items():
        for key, expected in keys.items():
            wanted = [expected] if isinstance(expected, str) else list(expected)
            if not _operator_matches(operator, wanted, values.get(key.lower())):
                return False
    return True


def _operator_matches(operator: str, wanted: list[str], actual: list[str] | None) -> bool:
    if operator == "Null":
        if wanted not in (["true"], ["false"]):
            raise ValueError(f"Null takes 'true' or 'false', got {wanted}")
        return (actual is None) == (wanted == ["true"])
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    if base not in _POSITIVE and base not in _NEGATED:
        raise NotImplementedError(f"condition operator {operator!r} is not modelled")
    if actual is None:
        return if_exists or base in _NEGATED
    if base in _NEGATED:
        return not any(_value_matches(_NEGATED[base], w, a) for w in wanted for a in actual)
    return any(_value_matches(base, w, a) for w in wanted for a in actual)


def _value_matches(operator: str, wanted: str, actual: str) -> bool:
    if operator == "StringEquals":
        return wanted == actual
    if operator == "StringLike":
        return glob_match(wanted, actual)
    if operator == "Bool":
        return wanted.lower() == actual.lower()
    return arn_like(wanted, actual)


def arn_like(pattern: str, arn: str) -> bool:
    """ArnLike / ArnEquals: part by part, wildcards allowed in each part."""
    wanted_parts, actual_parts = pattern.split(":", 5), arn.split(":", 5)
    if len(wanted_parts) != 6 or len(actual_parts) != 6:
        return False
    return all(glob_match(w, a) for w, a in zip(wanted_parts, actual_parts, strict=True))


def glob_match(pattern: str, value: str, fold_case: bool = False) -> bool:
    """IAM wildcards: `*` any run of characters, `?` exactly one; nothing else is special."""
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    flags = re.DOTALL | (re.IGNORECASE if fold_case else 0)
    return re.fullmatch(regex, value, flags) is not None


def _any_glob(patterns: str | Sequence[str], value: str, fold_case: bool) -> bool:
    listed = [patterns] if isinstance(patterns, str) else list(patterns)
    return any(glob_match(pattern, value, fold_case) for pattern in listed)
