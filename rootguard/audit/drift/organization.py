"""Drift of `rootguard:organization`: OUs by path, accounts by id, name or email."""

from __future__ import annotations

from rootguard.config import RootGuardConfig
from rootguard.config.organization import Account as DeclaredAccount

from ..catalog import check
from ..facts import Account, AuditFacts
from ..model import Finding


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
