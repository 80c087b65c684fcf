"""Alarm checks: each enabled CIS control is watched end to end on the trail's log group.

A control passes when a metric filter on the organization trail's log group covers it (its
pattern matches every sample event of the control and not a benign event, evaluated with
`rootguard.filter_pattern`, the matcher the alarm components are tested with), an alarm
on that filter's metric fires on a single event with actions enabled, and one of its
actions is an SNS topic with at least one confirmed subscription. Judging the pattern by
what it matches, not by its text, accepts any equivalent pattern and rejects a broken one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rootguard.alarm_catalog import AlarmDefinition, benign_event, load_catalog
from rootguard.filter_pattern import ParseError, matches

from ..catalog import alarm_check_id, check
from ..facts import (
    Alarm,
    AuditFacts,
    MetricFilter,
    Monitoring,
    Skipped,
    TopicMissing,
    TopicSubscriptions,
    Unavailable,
)
from ..model import Check, Finding
from ..settings import AuditSettings


@dataclass(frozen=True)
class Coverage:
    covering: tuple[MetricFilter, ...]
    unreadable: tuple[str, ...]  # "filter-name: why the pattern could not be evaluated"
    # Filters that match the control's events but also events they must not: too broad to
    # be the control's alarm (it would fire all the time, and people mute such alarms).
    too_broad: tuple[MetricFilter, ...] = ()


def alarm_findings(facts: AuditFacts, settings: AuditSettings) -> list[Finding]:
    wanted = settings.alarm_controls
    alarms = [d for d in load_catalog() if (d.id in wanted if wanted is not None else d.is_cis)]
    return [_judge(definition, facts) for definition in alarms]


def covers(pattern: str, control: AlarmDefinition) -> bool:
    """Whether a metric filter pattern matches the control's events and no event it must not.

    The catalog's `quiet_events` are not demanded: they are rootguard's refinements, and a
    filter with the benchmark's published text still covers the control.

    Raises rootguard.filter_pattern.ParseError for syntax outside the supported subset.
    """
    return all(matches(pattern, event) for event in control.events) and not any(
        matches(pattern, event) for event in (*control.not_events, benign_event())
    )


def coverage(filters: Iterable[MetricFilter], control: AlarmDefinition) -> Coverage:
    covering: list[MetricFilter] = []
    unreadable: list[str] = []
    too_broad: list[MetricFilter] = []
    for metric_filter in filters:
        try:
            if covers(metric_filter.pattern, control):
                covering.append(metric_filter)
            elif all(matches(metric_filter.pattern, event) for event in control.events):
                too_broad.append(metric_filter)
        except ParseError as exc:
            unreadable.append(f"{metric_filter.name}: {exc}")
    return Coverage(tuple(covering), tuple(unreadable), tuple(too_broad))


def fires_on_one_event(alarm: Alarm) -> bool:
    """The alarm goes off when its metric's sum reaches 1 (one matching event)."""
    if alarm.threshold is None:
        return False
    if alarm.comparison == "GreaterThanOrEqualToThreshold":
        return alarm.threshold <= 1
    if alarm.comparison == "GreaterThanThreshold":
        return alarm.threshold < 1
    return False


def _judge(control: AlarmDefinition, facts: AuditFacts) -> Finding:
    item = check(alarm_check_id(control))
    account = facts.management.account_id
    monitoring = facts.monitoring
    trail = monitoring.trail
    resource = (trail.log_group_arn if trail else None) or "(no log group)"
    filters = monitoring.metric_filters
    if isinstance(filters, Skipped):
        return item.failed(account, resource, filters.reason)
    if isinstance(filters, Unavailable):
        return item.unknown(account, resource, filters.reason)
    found = coverage(filters, control)
    log_group = trail.log_group_name if trail else resource
    if not found.covering:
        if found.unreadable:
            return item.unknown(
                account,
                resource,
                f"no metric filter on {log_group} could be shown to cover {control.id}; "
                f"patterns the evaluator cannot read: {'; '.join(found.unreadable)}",
            )
        if found.too_broad:
            return item.failed(
                account,
                resource,
                f"filter {', '.join(f.name for f in found.too_broad)} on {log_group} matches the "
                f"{control.id} sample events but also ordinary or unrelated calls, so it "
                "is not a targeted alarm (|| where && was meant, as in the 4.1 pattern printed "
                "in CIS v1.4-v3.0)",
            )
        return item.failed(
            account,
            resource,
            f"none of the {len(filters)} metric filters on {log_group} matches the "
            f"{control.id} sample events",
        )
    return _judge_alarms(item, account, resource, found.covering, monitoring)


def _judge_alarms(
    item: Check,
    account: str,
    resource: str,
    covering: tuple[MetricFilter, ...],
    monitoring: Monitoring,
) -> Finding:
    alarms = monitoring.alarms
    if isinstance(alarms, Skipped):
        return item.failed(account, resource, alarms.reason)
    if isinstance(alarms, Unavailable):
        return item.unknown(account, resource, alarms.reason)
    filter_names = ", ".join(f.name for f in covering)
    problems: list[str] = []
    unknowns: list[str] = []
    for metric_filter in covering:
        for namespace, metric in metric_filter.metrics:
            watching = [a for a in alarms if (namespace, metric) in a.metrics]
            if not watching:
                problems.append(f"no alarm watches {namespace}/{metric}")
            for alarm in watching:
                verdict = _alarm_problem(alarm, monitoring, unknowns)
                if verdict is None:
                    return item.passed(
                        account,
                        resource,
                        f"filter {metric_filter.name} -> {namespace}/{metric} -> alarm "
                        f"{alarm.name} -> {_confirmed_topics(alarm, monitoring)}",
                    )
                problems.append(verdict)
    evidence = f"filter {filter_names} covers it, but " + "; ".join(problems or ["no metric"])
    if unknowns:
        return item.unknown(account, resource, f"{evidence}; unreadable: {'; '.join(unknowns)}")
    return item.failed(account, resource, evidence)


def _alarm_problem(alarm: Alarm, monitoring: Monitoring, unknowns: list[str]) -> str | None:
    """Why this alarm does not complete the chain, or None when it does."""
    if not alarm.actions_enabled:
        return f"alarm {alarm.name} has its actions disabled"
    if not fires_on_one_event(alarm):
        return (
            f"alarm {alarm.name} does not fire on one event ({alarm.comparison} {alarm.threshold})"
        )
    topics = [a for a in alarm.alarm_actions if a in monitoring.topics]
    if not topics:
        return f"alarm {alarm.name} has no SNS topic action"
    pending: list[str] = []
    missing: list[str] = []
    for arn in topics:
        subscriptions = monitoring.topics[arn]
        if isinstance(subscriptions, Unavailable):
            unknowns.append(subscriptions.reason)
        elif isinstance(subscriptions, TopicMissing):
            missing.append(arn)
        elif subscriptions.confirmed >= 1:
            return None
        else:
            pending.append(f"{arn} ({subscriptions.pending} pending)")
    if pending:
        return f"alarm {alarm.name} notifies {', '.join(pending)} with no confirmed subscription"
    if missing:
        return f"alarm {alarm.name} notifies {', '.join(missing)}, which does not exist"
    return f"alarm {alarm.name}'s topics could not be read"


def _confirmed_topics(alarm: Alarm, monitoring: Monitoring) -> str:
    parts: list[str] = []
    for arn in alarm.alarm_actions:
        subscriptions = monitoring.topics.get(arn)
        if isinstance(subscriptions, TopicSubscriptions) and subscriptions.confirmed:
            parts.append(f"{arn} ({subscriptions.confirmed} confirmed)")
    return ", ".join(parts)
