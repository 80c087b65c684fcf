"""Lint and least-privilege checks for resource policies, shared by the policy tests.

`lint` runs parliament and returns findings that are not expected for the kind of document
(KMS key policies always say Resource "*", meaning the key itself; trust policies have no
Resource). `privilege_problems` applies rootguard's own rules, which parliament does not:
no Allow to a wildcard principal without a narrowing condition, every service principal
scoped by a source condition, every CloudTrail grant scoped by this trail's ARN.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import parliament

Kind = Literal["resource", "key", "trust", "identity"]

# Parliament findings that are a property of the document kind, not a flaw.
_EXPECTED: dict[Kind, set[str]] = {
    "resource": set(),
    "identity": set(),
    "key": {"RESOURCE_STAR", "PERMISSIONS_MANAGEMENT_ACTIONS"},
    "trust": {"MALFORMED"},
}
_NARROWING_KEYS = {
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:PrincipalOrgID",
    "aws:SecureTransport",
}


def lint(policy: dict[str, Any], kind: Kind) -> list[str]:
    """Parliament's findings, minus the ones the document kind implies."""
    analyzed = parliament.analyze_policy_string(json.dumps(policy), include_community_auditors=True)
    unexpected = []
    for finding in analyzed.findings:
        if finding.issue in _EXPECTED[kind]:
            if kind == "trust" and "Resource" not in str(finding.detail):
                unexpected.append(f"{finding.issue}: {finding.detail}")
            continue
        unexpected.append(f"{finding.issue}: {finding.detail}")
    return unexpected


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _principals(statement: dict[str, Any]) -> tuple[bool, list[str], list[str]]:
    """(wildcard?, AWS principals, service principals)."""
    principal = statement.get("Principal")
    if principal == "*":
        return True, [], []
    if not isinstance(principal, dict):
        return False, [], []
    aws = [str(p) for p in _as_list(principal.get("AWS", []))]
    services = [str(p) for p in _as_list(principal.get("Service", []))]
    return "*" in aws, aws, services


def _condition_keys(statement: dict[str, Any]) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    for block in (statement.get("Condition") or {}).values():
        keys.update(block)
    return keys


def privilege_problems(
    policy: dict[str, Any],
    *,
    trail_arn: str | None = None,
    admin_principal: str | None = None,
) -> list[str]:
    """Rootguard's least-privilege rules; an empty list means the document passes."""
    problems = []
    for index, statement in enumerate(policy["Statement"]):
        where = f"statement {index} ({statement.get('Sid', 'no Sid')})"
        if statement["Effect"] != "Allow":
            continue
        wildcard, aws, services = _principals(statement)
        conditions = _condition_keys(statement)
        actions = _as_list(statement.get("Action", []))
        if wildcard and not (_NARROWING_KEYS & set(conditions)):
            problems.append(f"{where}: allows a wildcard principal without a narrowing condition")
        if services and not conditions:
            problems.append(f"{where}: allows service {services} with no condition")
        if any(a == "*" or a.endswith(":*") for a in actions) and aws != [admin_principal]:
            problems.append(f"{where}: allows every action of a service to {aws or services}")
        cloudtrail = "cloudtrail.amazonaws.com" in services
        if cloudtrail and trail_arn is not None and conditions.get("aws:SourceArn") != trail_arn:
            problems.append(f"{where}: CloudTrail grant not scoped to aws:SourceArn {trail_arn}")
        if "NotPrincipal" in statement or "NotAction" in statement:
            problems.append(f"{where}: Allow with NotPrincipal/NotAction")
    return problems
