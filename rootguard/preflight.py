"""Adopt-mode preflight: read the live organization's SCPs before anything is registered.

In adopt mode the organization already exists and other tools (Control Tower, Landing Zone
Accelerator, hand-made SCPs) have attached policies to the same root, OUs and accounts. The
static `reservedPoliciesPerTarget` is only a guess; here the AWS provider's data sources
(`aws.organizations.get_policies_for_target`, `get_policy`) are read at preview time, so
`pulumi preview` stops with the arithmetic instead of `pulumi up` failing half way with AWS's
ConstraintViolationException (too many policies attached). Targets rootguard creates in the
same run do not exist yet: a new OU or account gets only FullAWSAccess, and the static
setting stays their fallback (checked with the config).

The quota: "Maximum number of policies attached to a root, OU, or account: SCPs 5" (AWS
Organizations User Guide, Quotas and service limits,
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html);
FullAWSAccess counts as one. `maxPoliciesPerTarget` holds the value for your organization.

Nothing is changed here: reads only. Existing SCPs are never detached or imported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .audit.policy import blocks_assume_root_sessions
from .errors import RootGuardError
from .organization import SCP_POLICY_TYPE

# How many attached policies the error names before "...".
_NAMED = 4


@dataclass(frozen=True)
class LivePolicy:
    id: str
    name: str
    content: str


@dataclass(frozen=True)
class LiveTarget:
    """A root, OU or account that exists, with what is attached to it directly."""

    label: str  # "the root", "OU Security", "account log-archive"
    id: str
    policies: tuple[LivePolicy, ...]


def read_target(label: str, target_id: str, cache: dict[str, LivePolicy]) -> LiveTarget:
    """The SCPs attached to one existing target, through the provider's data sources."""
    found = aws.organizations.get_policies_for_target(target_id=target_id, filter=SCP_POLICY_TYPE)
    policies = []
    for policy_id in found.ids:
        if policy_id not in cache:
            policy = aws.organizations.get_policy(policy_id=policy_id)
            cache[policy_id] = LivePolicy(policy_id, policy.name, policy.content)
        policies.append(cache[policy_id])
    return LiveTarget(label, target_id, tuple(policies))


def check_slots(
    targets: Sequence[LiveTarget], needed: int, quota: int, own_policy: re.Pattern[str]
) -> None:
    """Stop when rootguard's `needed` policies do not fit next to what each target carries.

    rootguard's own policies (a previous deployment's) do not count: they are replaced.
    """
    over = []
    for target in targets:
        others = [p for p in target.policies if not own_policy.fullmatch(p.name)]
        excess = len(others) + needed - quota
        if excess > 0:
            names = ", ".join(p.name for p in others[:_NAMED])
            more = ", ..." if len(others) > _NAMED else ""
            over.append(
                f"{target.label} carries {len(others)} SCPs ({names}{more}); rootguard needs "
                f"{needed}; the quota is {quota}: {excess} over"
            )
    if over:
        raise RootGuardError(
            "rootguard:guardrails: "
            + "; ".join(over)
            + "; detach SCPs you no longer need, select fewer statements, or raise "
            "maxPoliciesPerTarget if AWS raised your organization's quota"
        )


def assume_root_blockers(
    targets: Sequence[LiveTarget], own_policy: re.Pattern[str], partition: str
) -> list[str]:
    """Warnings for existing SCPs that deny every action to AssumeRoot sessions."""
    where: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for target in targets:
        for policy in target.policies:
            if own_policy.fullmatch(policy.name):
                continue
            if blocks_assume_root_sessions(policy.content, partition=partition):
                where.setdefault(policy.id, []).append(target.label)
                names[policy.id] = policy.name
    return [
        f"rootguard:rootAccess: SCP {names[policy_id]} ({policy_id}) on {', '.join(labels)} "
        "denies every action by the root user without an aws:AssumedRoot exception, so "
        "centralized root access (AssumeRoot sessions) cannot act in the accounts below it; "
        'add "Null": {"aws:AssumedRoot": "true"} to its root statement (Control Tower: '
        "replace the control, see README, Adopting an existing organization)"
        for policy_id, labels in where.items()
    ]


def run(
    attach_to: Mapping[str, str],
    also_read: Mapping[str, str],
    *,
    needed: int,
    quota: int,
    own_policy: re.Pattern[str],
    partition: str,
) -> list[str]:
    """Read the existing targets rootguard attaches to (label -> id) and the existing nodes
    above them (`also_read`: their SCPs reach the same accounts); stop on a target whose
    slots are full; warn (and return the warnings) about SCPs that block AssumeRoot."""
    cache: dict[str, LivePolicy] = {}
    attached = [read_target(label, target_id, cache) for label, target_id in attach_to.items()]
    check_slots(attached, needed, quota, own_policy)
    above = [
        read_target(label, target_id, cache)
        for label, target_id in also_read.items()
        if label not in attach_to
    ]
    warnings = assume_root_blockers([*attached, *above], own_policy, partition)
    for warning in warnings:
        pulumi.log.warn(warning)
    return warnings


def exemption_holders(
    targets: Sequence[str] | None,
    exempt_ous: Sequence[str],
    exempt_account_ous: Sequence[str],
) -> list[str]:
    """The nodes (OU paths, "" for the root) whose children get the guardrails one by one
    because an exemption lies below them: every ancestor of an exempt OU, and the OU of an
    exempt account with its ancestors, up to the target that covers them."""
    covering = targets or [""]
    paths = [*(_parent(ou) for ou in exempt_ous), *exempt_account_ous]
    holders: set[str] = set()
    for path in paths:
        node: str | None = path
        while node is not None:
            if any(_within(node, target) for target in covering):
                holders.add(node)
            node = None if node == "" else _parent(node)
    return sorted(holders)


def check_no_silent_gaps(
    holders: Mapping[str, str],
    declared_ous: Mapping[str, str | None],
    declared_accounts: Mapping[str, tuple[str, str | None]],
    management_account_id: str,
) -> None:
    """Stop when a live OU or account beside an exemption path is not declared: rootguard
    attaches to the declared children of such a node only, so it would get no guardrails.

    `holders` maps each existing holder's path ("" for the root) to its live id; the
    declared maps are path -> id and account name -> (OU path, id).
    """
    gaps: list[str] = []
    for path, node_id in holders.items():
        where = "the root" if path == "" else f"OU {path}"
        ous = {
            ou_id or child.rsplit("/", 1)[-1]
            for child, ou_id in declared_ous.items()
            if _parent(child) == path
        }
        for child in aws.organizations.get_organizational_units(parent_id=node_id).children:
            if child.id not in ous and child.name not in ous:
                gaps.append(f"OU {child.name} ({child.id}) in {where}")
        accounts = {
            account_id or name for name, (ou, account_id) in declared_accounts.items() if ou == path
        }
        found = aws.organizations.get_organizational_unit_child_accounts(parent_id=node_id)
        for account in found.accounts:
            if account.id == management_account_id:
                continue  # SCPs never apply to it
            if account.id not in accounts and account.name not in accounts:
                gaps.append(f"account {account.name} ({account.id}) in {where}")
    if gaps:
        raise RootGuardError(
            "rootguard:guardrails: the exemptions route the guardrails around exempt OUs and "
            "accounts, to the declared children of the nodes above them; these exist in AWS "
            "but are not declared in rootguard:organization, so they would get no guardrails: "
            + ", ".join(gaps)
            + "; declare them (with their id) or exempt them explicitly"
        )


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _within(path: str, ancestor: str) -> bool:
    return ancestor == "" or path == ancestor or path.startswith(f"{ancestor}/")
