"""One audit run: collect the facts, judge them, and compare them with a stack's config."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial

from rootguard.config import RootGuardConfig

from .aws import Clients
from .checks import evaluate
from .collect import CollectOptions, Progress, collect
from .drift import drift_findings
from .drift.alarm_chat import declared_channels
from .drift.alarm_topics import declared_topic_arns
from .facts import Account, AuditFacts, Organization
from .model import Finding
from .scope import ScopeRequest
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
    scope: ScopeRequest | None = None,
) -> AuditRun:
    """Collect, then judge: against `settings`, or the stack's config when one is given.

    With a `scope` (--ou/--account) only the members in it are read, and only findings about
    what is in it are kept (rootguard/audit/scope.py).
    """
    if scope:
        request = scope

        def select(org: Organization) -> list[Account]:
            return request.resolve(org, config).members(org.members)

        options = replace(options, select_members=select)
    if config is not None:
        existing = config.trail.existing
        preferred = existing.trail_arn if existing else config.trail.name
        # The stack's alarm topics are read even when no alarm notifies them any more, and
        # Chatbot only for the kinds of chat channel the stack declares.
        channels = declared_channels(config.alarms).values()
        options = replace(
            options,
            preferred_trail=preferred,
            alarm_topics=partial(declared_topic_arns, config.alarms),
            chat_kinds=frozenset(channel.kind for channel, _ in channels),
        )
    facts = collect(clients, options, progress, sleep=sleep)
    judged_at = now or datetime.now(UTC)
    if config is not None:
        settings = settings_for(config, settings)
    findings = evaluate(facts, settings, judged_at)
    if config is not None:
        findings += drift_findings(facts, config)
    if scope:
        resolved = scope.resolve(facts.organization, config)
        findings = [f for f in findings if resolved.keeps(f)]
    return AuditRun(facts, findings)
