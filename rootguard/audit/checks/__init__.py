"""Pure checks: facts in, findings out. Nothing here calls AWS."""

from __future__ import annotations

from datetime import datetime

from ..facts import AuditFacts
from ..model import Finding
from ..settings import AuditSettings
from .alarms import alarm_findings
from .contacts import contact_findings
from .management import management_findings
from .members import member_findings
from .scp import scp_findings
from .trail import trail_findings


def evaluate(facts: AuditFacts, settings: AuditSettings, now: datetime) -> list[Finding]:
    """Every check's findings, in catalog order (the reporters sort as they need)."""
    return [
        *management_findings(facts, settings, now),
        *member_findings(facts),
        *scp_findings(facts, settings.scp),
        *trail_findings(facts, settings, now),
        *alarm_findings(facts, settings),
        *contact_findings(facts),
    ]
