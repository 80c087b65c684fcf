"""What the checks compare against: CIS defaults, or a stack's validated config."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from rootguard.config import RootGuardConfig
from rootguard.config.password_policy import PasswordPolicyConfig

from .facts import ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS


@dataclass(frozen=True)
class ScpScope:
    """Which targets must carry the root SCPs. Paths are OU paths; "" is the root."""

    target_paths: tuple[str, ...] = ("",)
    exempt_paths: frozenset[str] = frozenset()
    exempt_accounts: frozenset[str] = frozenset()  # account names or ids


@dataclass(frozen=True)
class AuditSettings:
    unused_days: int = 90
    cloudwatch_max_age: timedelta = timedelta(days=1)
    # rootguard:passwordPolicy; its defaults are CIS 1.8/1.9, used when no stack is given.
    password: PasswordPolicyConfig = field(default_factory=PasswordPolicyConfig)
    scp: ScpScope = field(default_factory=ScpScope)
    # The centralized root access features that must be on (rootguard:rootAccess).
    root_access_features: tuple[str, ...] = (ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS)
    # The alarm controls to prove; None: every CIS control (rootguard's own only with a stack).
    alarm_controls: tuple[str, ...] | None = None


def settings_for(config: RootGuardConfig, base: AuditSettings) -> AuditSettings:
    """The settings a stack's config implies; what the config does not say keeps `base`."""
    guardrails = config.guardrails
    return replace(
        base,
        password=config.password_policy,
        alarm_controls=tuple(a.id for a in config.alarms.selected_alarms()),
        root_access_features=tuple(config.root_access.enabled_features),
        scp=ScpScope(
            target_paths=tuple(guardrails.targets) if guardrails.targets else ("",),
            exempt_paths=frozenset(guardrails.exempt_ous),
            exempt_accounts=frozenset(guardrails.exempt_accounts),
        ),
    )
