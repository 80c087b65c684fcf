"""One audit run: collect the facts, judge them, and compare them with a stack's config."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from rootguard.config import RootGuardConfig

from .aws import Clients
from .checks import evaluate
from .collect import CollectOptions, Progress, collect
from .drift import drift_findings
from .facts import AuditFacts
from .model import Finding
from .settings import AuditSettings, settings_for


@dataclass(frozen=True)
class AuditRun:
    facts: AuditFacts
    findings: list[Finding]


def run_audit(
    clients: Clients,
    options: CollectOptions,
    settings: AuditSettings,
    *,
    config: RootGuardConfig | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> AuditRun:
    """Collect, then judge: against `settings`, or the stack's config when one is given."""
    facts = collect(clients, options, progress, sleep=sleep)
    judged_at = now or datetime.now(UTC)
    if config is not None:
        settings = settings_for(config, settings)
    findings = evaluate(facts, settings, judged_at)
    if config is not None:
        findings += drift_findings(facts, config)
    return AuditRun(facts, findings)
