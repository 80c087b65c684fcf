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
from parliament import expand_action, iam_definition

Kind = Literal["resource", "key", "trust", "identity"]
READ_LEVELS = {"Read", "List"}

# Parliament findings that are a property of the document kind, not a flaw.
_EXPECTED: dict[Kind, set[str]] = {
    "resource": set(),
    "identity": set(),
    "key": {"RESOURCE_STAR", "PERMISSIONS_MANAGEMENT_ACTIONS"},
    "trust": {"MALFORMED"},
}
# Services whose role assumption AWS documents no source condition for: requiring one could
# break the service, so their trust statements are exempt from the "no condition" rule (and
# only those: an sts:AssumeRole grant). Chatbot: rootguard/chatbot_policies.py trust_policy.
_ASSUMES_WITHOUT_SOURCE_CONDITION = {"chatbot.amazonaws.com"}
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
    # An identity policy that only reads may say Resource "*": reads like cloudwatch:ListMetrics
    # name no resource, and AWS writes its read-only templates (AWS Chatbot's Notification
    # permissions) that way. A policy with any write keeps the finding.
    reads_only = kind == "identity" and set(access_levels(policy["Statement"])) <= READ_LEVELS
    unexpected = []
    for finding in analyzed.findings:
        if reads_only and finding.issue == "RESOURCE_STAR":
            continue
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
        exempt = (
            actions == ["sts:AssumeRole"] and set(services) <= _ASSUMES_WITHOUT_SOURCE_CONDITION
        )
        if services and not conditions and not exempt:
            problems.append(f"{where}: allows service {services} with no condition")
        if any(a == "*" or a.endswith(":*") for a in actions) and aws != [admin_principal]:
            problems.append(f"{where}: allows every action of a service to {aws or services}")
        cloudtrail = "cloudtrail.amazonaws.com" in services
        if cloudtrail and trail_arn is not None and conditions.get("aws:SourceArn") != trail_arn:
            problems.append(f"{where}: CloudTrail grant not scoped to aws:SourceArn {trail_arn}")
        if "NotPrincipal" in statement or "NotAction" in statement:
            problems.append(f"{where}: Allow with NotPrincipal/NotAction")
    return problems


def access_levels(statements: list[dict[str, Any]], effect: str = "Allow") -> dict[str, set[str]]:
    """Every action the statements name (wildcards expanded), by IAM's access level."""
    levels: dict[str, set[str]] = {}
    for statement in statements:
        if statement["Effect"] != effect:
            continue
        for pattern in _as_list(statement["Action"]):
            expanded = expand_action(pattern)
            assert expanded, f"{pattern} matches no IAM action"
            for action in expanded:
                name = f"{action['service']}:{action['action']}".lower()
                levels.setdefault(access_level(name), set()).add(name)
    return levels


def access_level(action: str) -> str:
    """IAM's access level (List, Read, Write, Permissions management, Tagging) of an action."""
    service, name = action.split(":")
    for definition in iam_definition:
        if definition["prefix"] == service:
            for privilege in definition["privileges"]:
                if privilege["privilege"].lower() == name:
                    level: str = privilege["access_level"]
                    return level
    raise AssertionError(f"{action}: not in parliament's IAM definitions")
