"""Read the organization trail, the metric filters on its log group, alarms and topics.

The log group, its metric filters and their alarms live in the trail's home region, which
may differ from the region the audit runs in, so those clients are made for that region.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError

from ..aws import Clients, attempt, describe_error, error_code, paginate
from ..facts import (
    Alarm,
    Maybe,
    MetricFilter,
    Monitoring,
    Skipped,
    Subscription,
    TopicFact,
    TopicMissing,
    TopicSubscriptions,
    Trail,
    TrailStatus,
    Unavailable,
)

PENDING = "PendingConfirmation"

# The topics a stack's alarms must notify, given the region the alarms live in.
ExpectedTopics = Callable[[str], Iterable[str]]


def collect_monitoring(
    clients: Clients,
    preferred_trail: str | None = None,
    expected_topics: ExpectedTopics | None = None,
) -> Monitoring:
    """The trail, its metric filters and alarms, and the subscriptions of every topic the
    alarms notify plus the `expected_topics` (so a deleted or abandoned topic is seen too)."""
    raw_trails = attempt(
        lambda: (
            clients.management("cloudtrail")
            .describe_trails(includeShadowTrails=True)
            .get("trailList", [])
        ),
        "cloudtrail:DescribeTrails",
    )
    if isinstance(raw_trails, Unavailable):
        return Monitoring(raw_trails, None, raw_trails, raw_trails)
    trails = tuple(_trail(clients, raw) for raw in _unique(raw_trails))
    trail = select_trail(trails, preferred_trail)
    if trail is None or trail.log_group_name is None:
        reason = "no organization trail delivers to CloudWatch Logs"
        return Monitoring(trails, trail, Skipped(reason), Skipped(reason))

    logs = clients.management("logs", trail.home_region)
    filters = attempt(
        lambda: tuple(
            _metric_filter(raw)
            for raw in paginate(
                logs, "describe_metric_filters", "metricFilters", logGroupName=trail.log_group_name
            )
        ),
        "logs:DescribeMetricFilters",
    )
    if isinstance(filters, Unavailable):
        return Monitoring(trails, trail, filters, filters)

    cloudwatch = clients.management("cloudwatch", trail.home_region)
    filter_metrics = {metric for f in filters for metric in f.metrics}
    alarms = attempt(
        lambda: tuple(
            alarm
            for alarm in (
                _alarm(raw)
                for raw in paginate(
                    cloudwatch, "describe_alarms", "MetricAlarms", AlarmTypes=["MetricAlarm"]
                )
            )
            # Only alarms on a metric our log group's filters produce can matter.
            if filter_metrics.intersection(alarm.metrics)
        ),
        "cloudwatch:DescribeAlarms",
    )
    if isinstance(alarms, Unavailable):
        return Monitoring(trails, trail, filters, alarms)
    notified = {a for alarm in alarms for a in alarm.alarm_actions if _is_topic(a)}
    expected = set(expected_topics(trail.home_region)) if expected_topics else set()
    topics = {arn: _subscriptions(clients, arn) for arn in sorted(notified | expected)}
    return Monitoring(trails, trail, filters, alarms, topics)


def select_trail(trails: Iterable[Trail], preferred: str | None = None) -> Trail | None:
    """The organization trail the checks judge: the one the stack names (`preferred`, an ARN
    or a trail name) when it exists, else the best of them if there are several.

    The stack's own trail comes first so the audit judges the trail its alarms rely on, not a
    better one beside it. Otherwise prefers multi-region, then logging, then delivering to
    CloudWatch Logs; ties by ARN so the choice is stable between runs.
    """
    candidates = [t for t in trails if t.is_organization]
    named = [t for t in candidates if preferred in (t.arn, t.name)]
    if named:
        candidates = named

    def rank(trail: Trail) -> tuple[bool, bool, bool, str]:
        logging = not isinstance(trail.status, Unavailable) and trail.status.is_logging
        return (not trail.is_multi_region, not logging, trail.log_group_arn is None, trail.arn)

    return min(candidates, key=rank, default=None)


def _unique(raw_trails: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # With shadow trails a multi-region trail can be listed once per region it was seen in.
    seen: dict[str, dict[str, Any]] = {}
    for raw in raw_trails:
        seen.setdefault(raw["TrailARN"], raw)
    return list(seen.values())


def _trail(clients: Clients, raw: dict[str, Any]) -> Trail:
    home_region = raw.get("HomeRegion") or clients.region
    status: Maybe[TrailStatus] = Unavailable("status not read: not an organization trail")
    if raw.get("IsOrganizationTrail"):
        status = attempt(
            lambda: _status(
                clients.management("cloudtrail", home_region).get_trail_status(Name=raw["TrailARN"])
            ),
            "cloudtrail:GetTrailStatus",
        )
    return Trail(
        name=raw["Name"],
        arn=raw["TrailARN"],
        home_region=home_region,
        is_organization=bool(raw.get("IsOrganizationTrail", False)),
        is_multi_region=bool(raw.get("IsMultiRegionTrail", False)),
        log_file_validation=bool(raw.get("LogFileValidationEnabled", False)),
        kms_key_id=raw.get("KmsKeyId") or None,
        log_group_arn=raw.get("CloudWatchLogsLogGroupArn") or None,
        status=status,
    )


def _status(raw: dict[str, Any]) -> TrailStatus:
    return TrailStatus(
        is_logging=bool(raw.get("IsLogging", False)),
        latest_cloudwatch_delivery=raw.get("LatestCloudWatchLogsDeliveryTime"),
        latest_cloudwatch_error=raw.get("LatestCloudWatchLogsDeliveryError") or None,
    )


def _metric_filter(raw: dict[str, Any]) -> MetricFilter:
    return MetricFilter(
        name=raw.get("filterName", ""),
        pattern=raw.get("filterPattern", ""),
        metrics=tuple(
            (t["metricNamespace"], t["metricName"]) for t in raw.get("metricTransformations", [])
        ),
    )


def _alarm(raw: dict[str, Any]) -> Alarm:
    metrics: list[tuple[str, str]] = []
    if raw.get("MetricName"):
        metrics.append((raw.get("Namespace", ""), raw["MetricName"]))
    for query in raw.get("Metrics", []):  # metric math alarms
        metric = query.get("MetricStat", {}).get("Metric")
        if metric:
            metrics.append((metric.get("Namespace", ""), metric.get("MetricName", "")))
    return Alarm(
        name=raw["AlarmName"],
        metrics=tuple(metrics),
        actions_enabled=bool(raw.get("ActionsEnabled", True)),
        alarm_actions=tuple(raw.get("AlarmActions", [])),
        comparison=raw.get("ComparisonOperator", ""),
        threshold=raw.get("Threshold"),
    )


def _is_topic(arn: str) -> bool:
    return arn.startswith("arn:") and arn.split(":")[2:3] == ["sns"]


def _subscriptions(clients: Clients, topic_arn: str) -> TopicFact:
    region = topic_arn.split(":")[3]
    sns = clients.management("sns", region)
    what = f"sns:ListSubscriptionsByTopic({topic_arn})"

    def count() -> TopicSubscriptions | TopicMissing:
        try:
            subscriptions = paginate(
                sns, "list_subscriptions_by_topic", "Subscriptions", TopicArn=topic_arn
            )
        except ClientError as exc:
            # SNS's answer for a topic that does not exist (API Reference,
            # ListSubscriptionsByTopic: NotFound, HTTP 404); anything else is unknown.
            if error_code(exc) == "NotFound":
                return TopicMissing(describe_error(exc, what))
            raise
        found = tuple(
            Subscription(
                protocol=s.get("Protocol", ""),
                endpoint=s.get("Endpoint", ""),
                # Anything else (PendingConfirmation, Deleted) cannot deliver a notification.
                confirmed=str(s.get("SubscriptionArn", "")).startswith("arn:"),
            )
            for s in subscriptions
        )
        pending = sum(1 for s in subscriptions if s.get("SubscriptionArn") == PENDING)
        confirmed = sum(1 for s in found if s.confirmed)
        return TopicSubscriptions(confirmed=confirmed, pending=pending, subscriptions=found)

    return attempt(count, what)
