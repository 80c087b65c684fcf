"""The filters and alarms a stack's `rootguard:alarms` deploys, as the drift checks compare them:
each catalog alarm, and each verbatim CIS filter (verbatimCis) beside it."""

from __future__ import annotations

from dataclasses import dataclass

from rootguard.alarm_catalog import load_catalog
from rootguard.config.alarms import AlarmsConfig


@dataclass(frozen=True)
class StackAlarm:
    resource: str  # the findings' resource: alarm:4.3, alarm:4.3/verbatim-securityhub
    metric: tuple[str, str]  # (namespace, metric name) its filter publishes
    severity: str  # decides its route (AlarmsConfig.notified_route)
    pattern: str | None  # the filter pattern the component deploys; None: this config turns it off


def stack_alarms(settings: AlarmsConfig, partition: str, account_id: str) -> list[StackAlarm]:
    """Every filter and alarm the catalog can give, in catalog order, with the pattern the
    component would deploy here (the stack's sanctioned principals as this account's ARNs)."""
    quiet = settings.quiet(partition, account_id)
    enabled = {d.id for d in settings.selected_alarms()}
    verbatim = {(d.id, text.source) for d, text in settings.verbatim_filters()}
    found: list[StackAlarm] = []
    for definition in load_catalog():
        found.append(
            StackAlarm(
                f"alarm:{definition.id}",
                (settings.namespace, definition.metric),
                definition.severity.value,
                definition.render(quiet) if definition.id in enabled else None,
            )
        )
        found.extend(
            StackAlarm(
                f"alarm:{definition.id}/verbatim-{text.source}",
                (settings.namespace, definition.verbatim_metric(text)),
                settings.verbatim_cis.severity,
                text.pattern if (definition.id, text.source) in verbatim else None,
            )
            for text in definition.verbatim_filters
        )
    return found


def deployed(settings: AlarmsConfig, partition: str, account_id: str) -> list[StackAlarm]:
    return [a for a in stack_alarms(settings, partition, account_id) if a.pattern is not None]
