"""Checks on the organization trail: multi-region, logging, validated, encrypted, delivering."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..catalog import check
from ..facts import AuditFacts, Trail, Unavailable
from ..model import Finding
from ..settings import AuditSettings

NO_TRAIL = "(no organization trail)"


def trail_findings(facts: AuditFacts, settings: AuditSettings, now: datetime) -> list[Finding]:
    account = facts.management.account_id
    ids = ("TRAIL-ORG", "TRAIL-LOGGING", "TRAIL-VALIDATION", "TRAIL-KMS", "TRAIL-CWL")
    trails = facts.monitoring.trails
    if isinstance(trails, Unavailable):
        return [check(i).unknown(account, NO_TRAIL, trails.reason) for i in ids]
    trail = facts.monitoring.trail
    if trail is None:
        seen = ", ".join(sorted(t.name for t in trails)) or "none"
        evidence = f"no organization trail exists (trails seen: {seen})"
        return [check(i).failed(account, NO_TRAIL, evidence) for i in ids]
    return [
        _organization(trail, account),
        _logging(trail, account),
        check("TRAIL-VALIDATION").judged(
            trail.log_file_validation,
            account,
            trail.arn,
            f"LogFileValidationEnabled={str(trail.log_file_validation).lower()}",
        ),
        check("TRAIL-KMS").judged(
            trail.kms_key_id is not None,
            account,
            trail.arn,
            f"KmsKeyId={trail.kms_key_id}" if trail.kms_key_id else "no KmsKeyId: SSE-S3 only",
        ),
        _delivery(trail, account, settings, now),
    ]


def _organization(trail: Trail, account: str) -> Finding:
    item = check("TRAIL-ORG")
    if not trail.is_multi_region:
        return item.failed(
            account, trail.arn, f"organization trail {trail.name} is not multi-region"
        )
    return item.passed(
        account,
        trail.arn,
        f"{trail.name} is an organization, multi-region trail (home region {trail.home_region})",
    )


def _logging(trail: Trail, account: str) -> Finding:
    item = check("TRAIL-LOGGING")
    if isinstance(trail.status, Unavailable):
        return item.unknown(account, trail.arn, trail.status.reason)
    return item.judged(
        trail.status.is_logging,
        account,
        trail.arn,
        f"GetTrailStatus IsLogging={str(trail.status.is_logging).lower()}",
    )


def _delivery(trail: Trail, account: str, settings: AuditSettings, now: datetime) -> Finding:
    item = check("TRAIL-CWL")
    if trail.log_group_arn is None:
        return item.failed(account, trail.arn, "the trail does not deliver to CloudWatch Logs")
    if isinstance(trail.status, Unavailable):
        return item.unknown(account, trail.arn, trail.status.reason)
    latest = trail.status.latest_cloudwatch_delivery
    error = trail.status.latest_cloudwatch_error
    suffix = f"; LatestCloudWatchLogsDeliveryError={error}" if error else ""
    if latest is None:
        return item.failed(account, trail.arn, f"never delivered to {trail.log_group_name}{suffix}")
    age = now - latest
    if age > settings.cloudwatch_max_age:
        return item.failed(
            account,
            trail.arn,
            f"last delivered to {trail.log_group_name} at {latest.isoformat()}, "
            f"{_hours(age)} ago (limit {_hours(settings.cloudwatch_max_age)}){suffix}",
        )
    return item.passed(
        account,
        trail.arn,
        f"delivered to {trail.log_group_name} at {latest.isoformat()}{suffix}",
    )


def _hours(age: timedelta) -> str:
    return f"{age.total_seconds() / 3600:.1f} h"
