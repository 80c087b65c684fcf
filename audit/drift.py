"""Drift: the live organization compared with a stack's validated config.

Every declared item gets a finding (pass when it matches), and every live item the config
does not declare gets a failing one, so a clean run shows what was compared and a dirty one
names each difference.
"""

from __future__ import annotations

import json
from typing import Any

from components.config import RootGuardConfig
from components.config.organization import Account as DeclaredAccount

from .catalog import check
from .facts import Account, AuditFacts, Policy, Unavailable
from .model import Finding


def drift_findings(facts: AuditFacts, config: RootGuardConfig) -> list[Finding]:
    return [
        *ou_drift(facts, config),
        *account_drift(facts, config),
        *scp_drift(facts, config),
    ]


def ou_drift(facts: AuditFacts, config: RootGuardConfig) -> list[Finding]:
    item = check("DRIFT-OU")
    management = facts.organization.management_account_id
    live = {ou.path: ou for ou in facts.organization.ous}
    findings: list[Finding] = []
    declared_paths = set()
    for declared in config.organization.organizational_units:
        declared_paths.add(declared.path)
        resource = f"ou:{declared.path}"
        ou = live.get(declared.path)
        if ou is None:
            findings.append(
                item.failed(management, resource, f"declared OU {declared.path} does not exist")
            )
        elif declared.id is not None and declared.id != ou.id:
            findings.append(
                item.failed(
                    management,
                    resource,
                    f"OU {declared.path} is {ou.id}, but the config adopts {declared.id}",
                )
            )
        else:
            findings.append(item.passed(management, resource, f"OU {declared.path} is {ou.id}"))
    for path in sorted(set(live) - declared_paths):
        findings.append(
            item.failed(
                management,
                f"ou:{path}",
                f"OU {path} ({live[path].id}) exists but the stack config does not declare it",
            )
        )
    return findings


def account_drift(facts: AuditFacts, config: RootGuardConfig) -> list[Finding]:
    item = check("DRIFT-ACCOUNT")
    org = facts.organization
    paths = org.ou_paths()
    members = list(org.members)
    matched: set[str] = set()
    findings: list[Finding] = []
    for declared in config.organization.accounts:
        resource = f"account:{declared.name}"
        account = _find(declared, members)
        if account is None:
            findings.append(
                item.failed(
                    org.management_account_id,
                    resource,
                    f"declared account {declared.name} <{declared.email}> does not exist",
                )
            )
            continue
        matched.add(account.id)
        live_path = paths.get(account.parent_id, "")
        differences = [
            f"{what} is {live!r}, config says {wanted!r}"
            for what, live, wanted in (
                ("name", account.name, declared.name),
                ("email", account.email.lower(), declared.email.lower()),
                ("OU", live_path or "(root)", declared.ou),
            )
            if live != wanted
        ]
        if declared.id is not None and declared.id != account.id:
            differences.append(f"id is {account.id}, config adopts {declared.id}")
        if differences:
            findings.append(
                item.failed(
                    account.id, resource, f"account {account.id}: " + "; ".join(differences)
                )
            )
        else:
            findings.append(
                item.passed(
                    account.id, resource, f"account {account.id} in {live_path} as declared"
                )
            )
    for account in sorted(members, key=lambda a: a.name):
        if account.id not in matched:
            findings.append(
                item.failed(
                    account.id,
                    f"account:{account.name}",
                    f"account {account.name} ({account.id}) in "
                    f"{paths.get(account.parent_id) or '(root)'} is not in the stack config",
                )
            )
    return findings


def _find(declared: DeclaredAccount, members: list[Account]) -> Account | None:
    """The live account for a declared one: by id if adopted, else by name, else by email."""
    if declared.id is not None:
        return next((a for a in members if a.id == declared.id), None)
    by_name = [a for a in members if a.name == declared.name]
    if by_name:
        return by_name[0]
    email = declared.email.lower()
    return next((a for a in members if a.email.lower() == email), None)


def scp_drift(facts: AuditFacts, config: RootGuardConfig) -> list[Finding]:
    """Each SCP rootguard renders exists with that exact content, attached where configured.

    Live policies are matched by content, not by name: a policy edited in the console no
    longer matches and is reported, and a renamed one still does.
    """
    item = check("DRIFT-SCP")
    org = facts.organization
    management = org.management_account_id
    if isinstance(org.policies, Unavailable):
        return [item.unknown(management, "scp", org.policies.reason)]
    ids = {"root": org.root_id}
    ids.update({f"ou:{ou.path}": ou.id for ou in org.ous})
    ids.update({f"account:{account.name}": account.id for account in org.members})
    labels = {target_id: label for label, target_id in ids.items()}
    wanted_targets = [t.label for t in config.guardrails.attachment_targets(config.organization)]
    findings: list[Finding] = []
    for rendered in config.guardrails.policies():
        resource = f"scp:{'+'.join(rendered.statement_ids)}"
        policy = _same_content(org.policies, rendered.document)
        if policy is None:
            findings.append(
                item.failed(
                    management,
                    resource,
                    "no SCP has the content rootguard renders for "
                    f"{', '.join(rendered.statement_ids)} (edited outside Pulumi, or not deployed)",
                )
            )
            continue
        if isinstance(policy.target_ids, Unavailable):
            findings.append(item.unknown(management, resource, policy.target_ids.reason))
            continue
        named = f"{policy.name} ({policy.id})"
        for label in wanted_targets:
            target_id = ids.get(label)
            if target_id is None:
                findings.append(item.failed(management, resource, f"target {label} does not exist"))
            elif target_id in policy.target_ids:
                findings.append(item.passed(management, resource, f"{named} attached to {label}"))
            else:
                findings.append(
                    item.failed(management, resource, f"{named} is not attached to {label}")
                )
        wanted_ids = {ids[label] for label in wanted_targets if label in ids}
        for target_id in sorted(policy.target_ids - wanted_ids):
            findings.append(
                item.failed(
                    management,
                    resource,
                    f"{named} is also attached to {labels.get(target_id, target_id)}, which "
                    "the stack config does not target",
                )
            )
    return findings


def _same_content(policies: tuple[Policy, ...], document: str) -> Policy | None:
    wanted = json.loads(document)
    for policy in policies:
        if isinstance(policy.document, str) and _parsed(policy.document) == wanted:
            return policy
    return None


def _parsed(document: str) -> Any:
    try:
        return json.loads(document)
    except ValueError:
        return None
