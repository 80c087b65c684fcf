"""Checks on the management account: its root user, root access features, password policy."""

from __future__ import annotations

from datetime import datetime, timedelta

from rootguard.config.password_policy import PasswordPolicyConfig

from ..catalog import check
from ..facts import (
    AuditFacts,
    PasswordPolicy,
    Unavailable,
)
from ..model import Finding
from ..policy import root_arn
from ..settings import AuditSettings


def management_findings(facts: AuditFacts, settings: AuditSettings, now: datetime) -> list[Finding]:
    return [
        *root_user(facts, settings, now),
        centralized_root_access(facts, settings.root_access_features),
        password_policy(facts, settings.password),
    ]


def root_user(facts: AuditFacts, settings: AuditSettings, now: datetime) -> list[Finding]:
    management = facts.management
    account = management.account_id
    root = root_arn(account, facts.partition)
    mfa, hardware, keys, unused = (
        check(i) for i in ("ROOT-MFA", "ROOT-HW-MFA", "ROOT-NO-KEYS", "ROOT-UNUSED")
    )
    findings: list[Finding] = []

    summary = management.summary
    if isinstance(summary, Unavailable):
        findings += [c.unknown(account, root, summary.reason) for c in (mfa, hardware, keys)]
    else:
        findings.append(
            mfa.judged(
                summary.mfa_enabled,
                account,
                root,
                f"GetAccountSummary AccountMFAEnabled={int(summary.mfa_enabled)}",
            )
        )
        virtual = management.virtual_mfa_on_root
        if not summary.mfa_enabled:
            findings.append(hardware.failed(account, root, "the root user has no MFA device"))
        elif isinstance(virtual, Unavailable):
            findings.append(hardware.unknown(account, root, virtual.reason))
        elif virtual:
            findings.append(
                hardware.failed(
                    account,
                    root,
                    f"virtual MFA device assigned to root: {', '.join(virtual)}",
                )
            )
        else:
            findings.append(
                hardware.passed(
                    account, root, "MFA enabled and no virtual MFA device is assigned to root"
                )
            )
        findings.append(
            keys.judged(
                not summary.access_keys_present,
                account,
                root,
                f"GetAccountSummary AccountAccessKeysPresent={int(summary.access_keys_present)}",
            )
        )

    usage = management.root_usage
    if isinstance(usage, Unavailable):
        findings.append(unused.unknown(account, root, usage.reason))
    else:
        since = now - timedelta(days=settings.unused_days)
        uses = {
            "password": usage.password_last_used,
            "access key 1": usage.access_keys_last_used[0],
            "access key 2": usage.access_keys_last_used[1],
        }
        recent = {what: when for what, when in uses.items() if when is not None and when >= since}
        if recent:
            evidence = "; ".join(
                f"root {what} last used {when.isoformat()}" for what, when in recent.items()
            )
            findings.append(
                unused.failed(account, root, f"{evidence} (within {settings.unused_days} days)")
            )
        else:
            last = ", ".join(
                f"{what}: {when.isoformat() if when else 'never'}" for what, when in uses.items()
            )
            findings.append(
                unused.passed(
                    account,
                    root,
                    f"no root use in the last {settings.unused_days} days ({last})",
                )
            )
    return findings


def centralized_root_access(facts: AuditFacts, required: tuple[str, ...]) -> Finding:
    centralized = check("ROOT-ACCESS-CENTRALIZED")
    account = facts.management.account_id
    resource = facts.organization.id
    features = facts.management.root_access_features
    if not required:
        return centralized.not_applicable(
            account, resource, "centralized root access is turned off in rootguard:rootAccess"
        )
    if isinstance(features, Unavailable):
        return centralized.unknown(account, resource, features.reason)
    missing = [f for f in required if f not in features]
    enabled = ", ".join(sorted(features)) or "none"
    if missing:
        return centralized.failed(
            account, resource, f"enabled features: {enabled}; missing: {', '.join(missing)}"
        )
    return centralized.passed(account, resource, f"enabled features: {enabled}")


def password_policy(facts: AuditFacts, required: PasswordPolicyConfig) -> Finding:
    policy_check = check("PASSWORD-POLICY")
    account = facts.management.account_id
    resource = f"arn:{facts.partition}:iam::{account}:account-password-policy"
    policy = facts.management.password_policy
    if isinstance(policy, Unavailable):
        return policy_check.unknown(account, resource, policy.reason)
    if policy is None:
        return policy_check.failed(
            account, resource, "the account has no password policy (IAM's weak default applies)"
        )
    shortfalls = password_shortfalls(policy, required)
    if shortfalls:
        return policy_check.failed(account, resource, "; ".join(shortfalls))
    return policy_check.passed(
        account,
        resource,
        f"minimum length {policy.minimum_length}, reuse prevention "
        f"{policy.reuse_prevention}, every required character class",
    )


def password_shortfalls(policy: PasswordPolicy, required: PasswordPolicyConfig) -> list[str]:
    """How the live policy falls short of the configured one; empty when it meets it.

    "Meets" means at least as strict: longer minimums and more reuse prevention pass.
    """
    shortfalls: list[str] = []
    if policy.minimum_length < required.minimum_password_length:
        shortfalls.append(
            f"minimum length {policy.minimum_length} < {required.minimum_password_length}"
        )
    for name, wanted, actual in (
        ("symbols", required.require_symbols, policy.require_symbols),
        ("numbers", required.require_numbers, policy.require_numbers),
        ("uppercase letters", required.require_uppercase_characters, policy.require_uppercase),
        ("lowercase letters", required.require_lowercase_characters, policy.require_lowercase),
    ):
        if wanted and not actual:
            shortfalls.append(f"{name} not required")
    wanted_reuse = required.password_reuse_prevention
    if wanted_reuse and (policy.reuse_prevention or 0) < wanted_reuse:
        shortfalls.append(f"reuse prevention {policy.reuse_prevention or 0} < {wanted_reuse}")
    max_age = required.max_password_age
    if max_age and (policy.max_age_days is None or policy.max_age_days > max_age):
        shortfalls.append(f"maximum age {policy.max_age_days or 'unlimited'} > {max_age} days")
    if required.allow_users_to_change_password and not policy.allow_users_to_change:
        shortfalls.append("users cannot change their own password")
    if required.hard_expiry and not policy.hard_expiry:
        shortfalls.append("expired passwords do not need an administrator (no hard expiry)")
    return shortfalls
