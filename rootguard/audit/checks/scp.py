"""SCP checks: every in-scope target inherits an SCP that denies root, judged by content.

A target (the root, an OU or an account) is covered by a policy attached to it or to any
of its ancestors. Policies are judged by their documents (see audit.policy), so a renamed
or edited policy is judged by what it now says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..catalog import check
from ..facts import AuditFacts, Organization, Policy, Unavailable
from ..model import Check, Finding
from ..policy import blocks_assume_root_sessions, denies_root_access_keys, denies_root_actions
from ..settings import ScpScope

Judge = Callable[[str, str], bool]  # (document, account id) -> denies?


@dataclass(frozen=True)
class Target:
    id: str
    label: str  # "root", "OU Workloads/Prod", "account prod-app (123456789012)"
    account_id: str  # the account a finding is filed under (the management one for OUs)
    probe_account: str  # whose root user the policies are evaluated for
    excluded: str | None  # why the target is not in scope, or None


def scp_findings(facts: AuditFacts, scope: ScpScope) -> list[Finding]:
    org = facts.organization
    targets = in_scope_targets(org, scope)
    # Judged for the root users of the caller's partition: in aws-us-gov an SCP that names
    # arn:aws:iam::*:root protects nobody.
    where = "" if facts.partition == "aws" else f" (partition {facts.partition})"
    findings: list[Finding] = []
    for check_id, judge, what in (
        ("SCP-DENY-ROOT", denies_root_actions, f"every action by the root user{where}"),
        ("SCP-DENY-ROOT-KEYS", denies_root_access_keys, f"root access-key creation{where}"),
    ):
        in_partition = partial(judge, partition=facts.partition)
        findings.extend(_judge_targets(check(check_id), org, targets, in_partition, what))
    findings.extend(assume_root_findings(facts))
    return findings


def assume_root_findings(facts: AuditFacts) -> list[Finding]:
    """Each active member: no SCP in effect denies every action to an AssumeRoot session.

    A root deny without an aws:AssumedRoot exception (Control Tower's root control) also
    stops the sessions centralized root access opens; the account then keeps whatever root
    credentials it has, and no task (delete credentials, unlock a policy) can run there.
    """
    item = check("SCP-ASSUMEROOT-OPEN")
    org = facts.organization
    policies = org.policies
    lineage = org.lineage()
    findings: list[Finding] = []
    for account in sorted(org.members, key=lambda a: (a.name, a.id)):
        label = f"account {account.name} ({account.id})"
        if not account.active:
            findings.append(
                item.not_applicable(account.id, account.id, f"account is {account.state}")
            )
            continue
        if not org.scp_enabled:
            findings.append(item.passed(account.id, account.id, f"{label}: no SCP applies"))
            continue
        if isinstance(policies, Unavailable):
            findings.append(item.unknown(account.id, account.id, policies.reason))
            continue
        readable, unreadable = _in_effect(policies, lineage.get(account.id, (account.id,)))
        blocking = [
            f"{policy.name} ({policy.id}, attached {_where(at, account.id)})"
            for policy, document, at in readable
            if blocks_assume_root_sessions(document, account.id, facts.partition)
        ]
        if blocking:
            findings.append(
                item.failed(
                    account.id,
                    account.id,
                    f"{label}: {', '.join(blocking)} denies every action by the root user "
                    "without an aws:AssumedRoot exception, so AssumeRoot sessions fail here",
                )
            )
        elif unreadable:
            findings.append(
                item.unknown(account.id, account.id, f"{label}: " + "; ".join(unreadable))
            )
        else:
            findings.append(
                item.passed(account.id, account.id, f"{label}: no SCP in effect blocks AssumeRoot")
            )
    return findings


def in_scope_targets(org: Organization, scope: ScpScope) -> list[Target]:
    """Every target, each either in scope or with the reason it is not.

    A node that holds an exempt OU or account cannot carry the policies (they would reach
    the exemption), so rootguard attaches them to its other children instead; such a node
    is not applicable and its children are judged one by one.
    """
    paths = org.ou_paths()
    management = org.management_account_id
    exempt_account_paths = [
        paths.get(account.parent_id, "")
        for account in org.members
        if account.name in scope.exempt_accounts or account.id in scope.exempt_accounts
    ]

    def excluded(path: str) -> str | None:
        if any(_under(path, exempt) for exempt in scope.exempt_paths):
            return "exempted by the guardrails config"
        if not any(_under(path, target) for target in scope.target_paths):
            return "not a guardrails target in the config"
        return None

    def excluded_node(path: str) -> str | None:
        holds_exemption = any(
            _under(exempt, path) and exempt != path for exempt in scope.exempt_paths
        ) or any(_under(account_path, path) for account_path in exempt_account_paths)
        if holds_exemption and excluded(path) is None:
            return "holds an exempt OU or account, so the guardrails attach to its children"
        return excluded(path)

    targets = [
        Target(org.root_id, "root", management, management, excluded_node("")),
        *(
            Target(ou.id, f"OU {ou.path}", management, management, excluded_node(ou.path))
            for ou in sorted(org.ous, key=lambda ou: ou.path)
        ),
    ]
    for account in sorted(org.members, key=lambda a: (a.name, a.id)):
        reason = excluded(paths.get(account.parent_id, ""))
        if account.name in scope.exempt_accounts or account.id in scope.exempt_accounts:
            reason = "exempted by the guardrails config"
        if not account.active:
            reason = f"account is {account.state}"
        label = f"account {account.name} ({account.id})"
        targets.append(Target(account.id, label, account.id, account.id, reason))
    return targets


def _under(path: str, ancestor: str) -> bool:
    return ancestor == "" or path == ancestor or path.startswith(f"{ancestor}/")


def _judge_targets(
    item: Check, org: Organization, targets: list[Target], judge: Judge, what: str
) -> list[Finding]:
    policies = org.policies
    lineage = org.lineage()
    findings: list[Finding] = []
    for target in targets:
        if target.excluded:
            findings.append(item.not_applicable(target.account_id, target.id, target.excluded))
        elif not org.scp_enabled:
            findings.append(
                item.failed(
                    target.account_id,
                    target.id,
                    f"{target.label}: the SCP policy type is not enabled on the root, so no SCP "
                    "applies",
                )
            )
        elif isinstance(policies, Unavailable):
            findings.append(item.unknown(target.account_id, target.id, policies.reason))
        else:
            findings.append(
                _judge_target(
                    item, target, lineage.get(target.id, (target.id,)), policies, judge, what
                )
            )
    return findings


def _judge_target(
    item: Check,
    target: Target,
    chain: tuple[str, ...],
    policies: tuple[Policy, ...],
    judge: Judge,
    what: str,
) -> Finding:
    in_effect: list[str] = []
    readable, unreadable = _in_effect(policies, chain)
    for policy, document, at in readable:
        where = _where(at, target.id)
        if judge(document, target.probe_account):
            return item.passed(
                target.account_id,
                target.id,
                f"{target.label}: {policy.name} ({policy.id}, attached {where}) denies {what}",
            )
        in_effect.append(f"{policy.name} ({where})")
    if unreadable:
        return item.unknown(
            target.account_id,
            target.id,
            f"{target.label}: no readable SCP denies {what}, and some could not be read: "
            + "; ".join(unreadable),
        )
    attached = ", ".join(in_effect) or "none"
    return item.failed(
        target.account_id,
        target.id,
        f"{target.label}: no SCP in effect denies {what}; SCPs in effect: {attached}",
    )


def _in_effect(
    policies: tuple[Policy, ...], chain: tuple[str, ...]
) -> tuple[list[tuple[Policy, str, str]], list[str]]:
    """The policies attached along `chain` (a target and its ancestors): (policy, document,
    the nearest target it is attached to) for each readable one, and why others are not."""
    readable: list[tuple[Policy, str, str]] = []
    unreadable: list[str] = []
    for policy in policies:
        if isinstance(policy.target_ids, Unavailable):
            unreadable.append(f"{policy.name}: {policy.target_ids.reason}")
            continue
        attached_at = [t for t in chain if t in policy.target_ids]
        if not attached_at:
            continue
        if isinstance(policy.document, Unavailable):
            unreadable.append(f"{policy.name}: {policy.document.reason}")
            continue
        readable.append((policy, policy.document, attached_at[0]))
    return readable, unreadable


def _where(attached_at: str, target_id: str) -> str:
    return "here" if attached_at == target_id else f"at {attached_at}"
