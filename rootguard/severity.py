"""The one severity scale of rootguard: alarms (rootguard/catalog/alarms.yaml) and audit findings.

An alarm's severity says how fast someone must act when it fires; the audit's ALARM-<id>
check for that alarm carries the same severity, so "critical" means the same thing on a
pager and in an audit report. The scale is documented in the alarm catalog's header.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: info 0 ... critical 4."""
        return _SEVERITY_ORDER.index(self)

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank


_SEVERITY_ORDER = (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
