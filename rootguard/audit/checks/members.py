"""Checks on member accounts' root users: with centralized root access, no credentials at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..catalog import check
from ..facts import AuditFacts, Credential, Maybe, MemberRoot, Skipped, Unavailable
from ..model import Finding
from ..policy import root_arn

T = TypeVar("T")

# The passing evidence of each check: "no root credentials" is the best state.
CLEAN = {
    "MEMBER-ROOT-PASSWORD": "no login profile (GetLoginProfile: NoSuchEntity)",
    "MEMBER-ROOT-KEYS": "no root access keys",
    "MEMBER-ROOT-MFA": "no root MFA devices",
    "MEMBER-ROOT-CERTS": "no root signing certificates",
}


def member_findings(facts: AuditFacts) -> list[Finding]:
    findings: list[Finding] = []
    for account in facts.organization.members:
        member = facts.members.get(account.id)
        resource = root_arn(account.id, facts.partition)
        root = member.root if member else Skipped("not collected")
        for check_id, clean in CLEAN.items():
            item = check(check_id)
            if isinstance(root, Skipped):
                findings.append(item.not_applicable(account.id, resource, root.reason))
                continue
            if isinstance(root, Unavailable):
                findings.append(item.unknown(account.id, resource, root.reason))
                continue
            found = credentials_found(root)[check_id]
            if isinstance(found, Unavailable):
                findings.append(item.unknown(account.id, resource, found.reason))
            elif found is not None:
                findings.append(item.failed(account.id, resource, found))
            else:
                findings.append(item.passed(account.id, resource, clean))
    return findings


def credentials_found(root: MemberRoot) -> dict[str, Maybe[str | None]]:
    """Check id -> a description of the root credentials found, None if there are none."""
    return {
        "MEMBER-ROOT-PASSWORD": _describe(
            root.login_profile,
            lambda has: "the root user has a password (a login profile exists)" if has else None,
        ),
        "MEMBER-ROOT-KEYS": _describe(
            root.access_keys, lambda keys: f"root access keys: {_listed(keys)}" if keys else None
        ),
        "MEMBER-ROOT-MFA": _describe(
            root.mfa_devices,
            lambda devices: f"root MFA devices: {', '.join(devices)}" if devices else None,
        ),
        "MEMBER-ROOT-CERTS": _describe(
            root.signing_certificates,
            lambda certs: f"root signing certificates: {_listed(certs)}" if certs else None,
        ),
    }


def _describe(value: Maybe[T], describe: Callable[[T], str | None]) -> Maybe[str | None]:
    return value if isinstance(value, Unavailable) else describe(value)


def _listed(items: tuple[Credential, ...]) -> str:
    return ", ".join(f"{c.id} ({c.status})" for c in items)
