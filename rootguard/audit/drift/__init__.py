"""Drift: the live organization compared with a stack's validated config.

Every declared item gets a finding (pass when it matches), and every live item the config
does not declare gets a failing one, so a clean run shows what was compared and a dirty one
names each difference. One module per config section.
"""

from __future__ import annotations

from rootguard.config import RootGuardConfig

from ..facts import AuditFacts
from ..model import Finding
from .alarm_chat import chat_drift
from .alarms import alarm_drift
from .contacts import contact_drift
from .organization import account_drift, ou_drift
from .scp import scp_drift


def drift_findings(facts: AuditFacts, config: RootGuardConfig) -> list[Finding]:
    return [
        *ou_drift(facts, config),
        *account_drift(facts, config),
        *scp_drift(facts, config),
        *contact_drift(facts, config),
        *alarm_drift(facts, config),
        *chat_drift(facts, config),
    ]
