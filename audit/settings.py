"""What the checks compare against: CIS defaults, or a stack's validated config."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from components.config import RootGuardConfig


@dataclass(frozen=True)
class PasswordRequirement:
    """The password policy the management account must meet (CIS 1.8/1.9 by default)."""

    minimum_length: int = 14
    require_symbols: bool = True
    require_numbers: bool = True
    require_uppercase: bool = True
    require_lowercase: bool = True
    reuse_prevention: int | None = 24
    max_age_days: int | None = None  # None: expiry not required


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
    password: PasswordRequirement = field(default_factory=PasswordRequirement)
    scp: ScpScope = field(default_factory=ScpScope)
    alarm_controls: tuple[str, ...] | None = None  # None: every CIS control in the catalog


def settings_for(config: RootGuardConfig, base: AuditSettings) -> AuditSettings:
    """The settings a stack's config implies; sections not in the config keep `base`.

    The guardrails, password policy and alarms sections land as their engineers finish;
    until a section exists on RootGuardConfig its checks use the CIS defaults in `base`.
    """
    return base
