"""Drift of `rootguard:alarms`: each filter and alarm the stack deploys (catalog alarms and
verbatim CIS filters); where the alarms go (topics, routes, subscribers) is alarm_topics.py."""

from __future__ import annotations

from rootguard.config import RootGuardConfig
from rootguard.filter_pattern import ParseError, parse

from ..catalog import check
from ..facts import Alarm, AuditFacts, MetricFilter, Skipped, Unavailable
from ..model import Check, Finding
from .alarm_topics import topic_drift
from .stack_alarms import stack_alarms


def alarm_drift(facts: AuditFacts, config: RootGuardConfig) -> list[Finding]:
    """Each filter and alarm the stack deploys: the filter (the pattern rootguard would deploy
    here, with the stack's sanctioned principals), its alarm; filters of alarms the stack turns
    off still publishing; then the topics the alarms notify (DRIFT-ALARM-TOPIC)."""
    item = check("DRIFT-ALARM")
    management = facts.organization.management_account_id
    monitoring = facts.monitoring
    filters, alarms = monitoring.metric_filters, monitoring.alarms
    for source in (filters, alarms):
        if isinstance(source, Skipped):
            return [item.failed(management, "alarms", source.reason)]
        if isinstance(source, Unavailable):
            return [item.unknown(management, "alarms", source.reason)]
    assert not isinstance(filters, Skipped | Unavailable)
    assert not isinstance(alarms, Skipped | Unavailable)
    settings = config.alarms
    findings: list[Finding] = []
    for stack_alarm in stack_alarms(settings, facts.partition, management):
        metric = stack_alarm.metric
        publishing = [f for f in filters if metric in f.metrics]
        if stack_alarm.pattern is None:
            if publishing:
                findings.append(
                    item.failed(
                        management,
                        stack_alarm.resource,
                        f"disabled in the stack config, but filter {publishing[0].name} still "
                        f"publishes {'/'.join(metric)}",
                    )
                )
            continue
        findings.append(
            _alarm_drift(
                item,
                management,
                stack_alarm.resource,
                stack_alarm.pattern,
                metric,
                publishing,
                alarms,
            )
        )
    assert monitoring.trail is not None  # the filters were read from its log group
    findings.extend(topic_drift(facts, settings, monitoring.trail.home_region, alarms))
    return findings


def _alarm_drift(
    item: Check,
    account: str,
    resource: str,
    pattern: str,
    metric: tuple[str, str],
    publishing: list[MetricFilter],
    alarms: tuple[Alarm, ...],
) -> Finding:
    name = "/".join(metric)
    if not publishing:
        return item.failed(account, resource, f"no metric filter publishes {name}")
    same = [f for f in publishing if _same_pattern(f.pattern, pattern)]
    if not same:
        return item.failed(
            account,
            resource,
            f"filter {publishing[0].name} publishes {name} with a pattern that differs from "
            "the catalog's",
        )
    watching = [a for a in alarms if metric in a.metrics]
    if not watching:
        return item.failed(account, resource, f"no alarm watches {name}")
    return item.passed(
        account, resource, f"filter {same[0].name} -> {name} -> alarm {watching[0].name}"
    )


def _same_pattern(live: str, wanted: str) -> bool:
    """Equal as parsed expressions: spacing and redundant quoting do not matter."""
    try:
        return parse(live) == parse(wanted)
    except ParseError:
        return " ".join(live.split()) == " ".join(wanted.split())
