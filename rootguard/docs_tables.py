"""The documentation tables that repeat catalog text, generated from the catalogs.

`make docs` (`python -m rootguard.docs_tables`) rewrites every region between
`<!-- generated: NAME -->` and `<!-- end generated -->` in the README and docs/audit.md;
`--check` only reports stale regions (tests/test_docs_tables.py runs it). Adding an alarm, an
SCP statement or an audit check is then: one catalog entry, `make docs`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .alarm_catalog import load_catalog as alarm_catalog
from .audit.catalog import checks
from .config.alarms import VerbatimCis
from .scp import load_catalog as scp_catalog

DOCUMENTS = ("README.md", "docs/audit.md")
_REGION = re.compile(
    r"(?P<open><!-- generated: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)"
    r"(?P<close><!-- end generated -->)",
    re.DOTALL,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(ids) or "-"


def alarms_table() -> str:
    return _table(
        [
            "id",
            "name",
            "alarm (metric)",
            "severity",
            "CIS 1.4 / 3.0 / 7.0",
            "Security Hub",
            "what it means",
            "what to do when it fires",
        ],
        [
            [
                d.id,
                f"`{d.name}`",
                f"{d.title} (`{d.metric}`)" + ("" if d.enabled else ", off by default"),
                d.severity.value,
                " / ".join(_ids(d.compliance[f]) for f in ("cis-1.4", "cis-3.0", "cis-7.0")),
                _ids(d.compliance["securityhub"]),
                d.meaning,
                d.response
                + (f" Runbook: [{d.runbook}](docs/runbooks/{d.runbook})." if d.runbook else ""),
            ]
            for d in alarm_catalog()
        ],
    )


# Where each severity goes in the `prod` stack (stacks/Pulumi.prod.yaml) and how fast to act.
_DESTINATIONS = {
    "critical": (
        "`routes.critical`: the paging topic (HTTPS to the pager, on-call mailbox, the "
        "on-call Slack channel through AWS Chatbot)",
        "act now: the runbook in the alarm",
    ),
    "high": ("the default topic (security mailbox, incident webhook)", "within the hour"),
    "medium": ("the default topic", "the same day"),
    "low": ("the default topic", "in bulk"),
    "info": ("`routes.info`: a low-priority mailbox", "a record, no action"),
}


def paging_table() -> str:
    rows = []
    for severity, (destination, response) in _DESTINATIONS.items():
        alarms = [
            d.id + ("" if d.enabled else " (off by default)")
            for d in alarm_catalog()
            if d.severity.value == severity
        ]
        if severity == VerbatimCis().severity:
            verbatim = [d.id for d in alarm_catalog() if d.verbatim_filters]
            alarms.append(f"verbatim CIS {', '.join(verbatim)} (with `verbatimCis` on)")
        rows.append([severity, ", ".join(alarms) or "-", destination, response])
    return _table(["Severity", "Alarms (ids)", "Goes to (prod)", "Expected response"], rows)


_GRADERS = {
    "securityhub": "Security Hub {ids}: exact text",
    "cis-7.0": "Prowler: CIS v7.0's printed text",
}


def verbatim_table() -> str:
    """The extra filters `verbatimCis` deploys: where a grader fails the corrected pattern."""
    return _table(
        ["id", "grader", "verbatim filter text", "its own metric"],
        [
            [
                d.id,
                _GRADERS[text.source].format(ids=_ids(d.compliance["securityhub"])),
                f"`{text.pattern}`",
                f"`{d.verbatim_metric(text)}`",
            ]
            for d in alarm_catalog()
            for text in d.verbatim_filters
        ],
    )


def scp_statements_table() -> str:
    return _table(
        ["Statement", "Blocks", "Why", "Control", "Exemptible"],
        [
            [f"`{e.id}`", e.blocks, e.rationale, e.control, "yes" if e.exemptible else "no"]
            for e in scp_catalog()
        ],
    )


def audit_checks_table() -> str:
    return _table(
        ["Check", "Severity", "CIS", "Seed practice", "Passes when"],
        [
            [f"`{c.id}`", c.severity.value, c.cis_control or "-", c.seed_practice, c.title]
            for c in checks().values()
        ],
    )


TABLES: dict[str, Callable[[], str]] = {
    "alarms": alarms_table,
    "paging": paging_table,
    "verbatim-cis": verbatim_table,
    "scp-statements": scp_statements_table,
    "audit-checks": audit_checks_table,
}


class StaleRegion(ValueError):
    pass


def render(text: str, where: str) -> str:
    """`text` with every generated region rewritten from the catalogs."""

    def region(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in TABLES:
            raise StaleRegion(f"{where}: unknown generated region {name!r}; known: {list(TABLES)}")
        return match["open"] + TABLES[name]() + match["close"]

    return _REGION.sub(region, text)


def stale(root: Path) -> list[str]:
    """The documents whose generated regions differ from the catalogs."""
    return [name for name in DOCUMENTS if (text := (root / name).read_text()) != render(text, name)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rootguard.docs_tables")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the checkout")
    parser.add_argument("--check", action="store_true", help="only report stale documents")
    args = parser.parse_args(argv)
    outdated = stale(args.root)
    if args.check:
        for name in outdated:
            print(f"{name}: generated tables are stale; run `make docs`", file=sys.stderr)
        return 1 if outdated else 0
    for name in outdated:
        path = args.root / name
        path.write_text(render(path.read_text(), name))
        print(f"rewrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
