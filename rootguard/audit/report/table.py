"""`--format table`: a per-check summary, then every finding that needs attention."""

from __future__ import annotations

import textwrap
from collections import defaultdict

from ..catalog import checks
from ..model import Finding, Status
from . import Report, worst_first

WIDTH = 100


def render(report: Report) -> str:
    run = report.run
    seconds = (run.finished_at - run.started_at).total_seconds()
    lines = [
        f"rootguard audit of organization {run.organization_id} "
        f"(management account {run.management_account_id}, {run.member_accounts} member "
        f"accounts{f', stack {run.stack}' if run.stack else ''}) in {seconds:.1f} s",
        "",
        f"{'CHECK':<24} {'SEVERITY':<9} {'PASS':>5} {'FAIL':>5} {'UNKN':>5} {'N/A':>5}  TITLE",
    ]
    by_check: dict[str, dict[Status, int]] = defaultdict(lambda: dict.fromkeys(Status, 0))
    for finding in report.findings:
        by_check[finding.check_id][finding.status] += 1
    catalog = checks()
    for check_id in sorted(
        by_check, key=lambda i: (list(catalog).index(i) if i in catalog else 999, i)
    ):
        counts = by_check[check_id]
        item = catalog.get(check_id)
        title = item.title if item else ""
        severity = item.severity.value if item else ""
        lines.append(
            f"{check_id:<24} {severity:<9} {counts[Status.PASS]:>5} {counts[Status.FAIL]:>5} "
            f"{counts[Status.UNKNOWN]:>5} {counts[Status.NOT_APPLICABLE]:>5}  {title}"
        )
    attention = [
        f for f in worst_first(report.findings) if f.status in (Status.FAIL, Status.UNKNOWN)
    ]
    if attention:
        lines += ["", "Needs attention, worst first:"]
        lines += [_detail(f) for f in attention]
    totals = report.counts()
    blocking = len(report.blocking)
    verdict = (
        f"{blocking} finding(s) at or above {run.fail_on.value} block: exit 1"
        if blocking
        else f"nothing at or above {run.fail_on.value} fails: exit 0"
    )
    lines += [
        "",
        f"{totals['pass']} pass, {totals['fail']} fail, {totals['unknown']} unknown, "
        f"{totals['not_applicable']} not applicable; {verdict}",
    ]
    return "\n".join(lines) + "\n"


def _detail(finding: Finding) -> str:
    head = (
        f"{finding.status.value.upper():<8}{finding.severity.value:<9}{finding.check_id}  "
        f"{finding.account_id}  {finding.resource}"
    )
    body = textwrap.fill(finding.evidence, WIDTH, initial_indent="    ", subsequent_indent="    ")
    fix = textwrap.fill(
        f"fix: {finding.remediation}", WIDTH, initial_indent="    ", subsequent_indent="         "
    )
    return "\n".join((head, body, fix))
