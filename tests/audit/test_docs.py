"""The audit's documentation cannot go stale: its tables come from the catalog and the CLI."""

from __future__ import annotations

from pathlib import Path

from rootguard.audit.catalog import checks
from rootguard.cli import command_parser

ROOT = Path(__file__).resolve().parents[2]


def checks_table() -> str:
    rows = [
        "| Check | Severity | CIS | Seed practice | Passes when |",
        "|---|---|---|---|---|",
    ]
    rows += [
        f"| `{c.id}` | {c.severity.value} | {c.cis_control or '-'} | {c.seed_practice} "
        f"| {c.title} |"
        for c in checks().values()
    ]
    return "\n".join(rows)


def test_docs_audit_lists_every_check_as_the_catalog_defines_it() -> None:
    assert checks_table() in (ROOT / "docs" / "audit.md").read_text()


def test_readme_documents_every_option_and_check() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Audit")[1].split("\n## ")[0]
    for action in command_parser("audit")._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert option in section, option
    for check in checks().values():
        if not check.id.startswith("ALARM-"):
            row = next(line for line in section.splitlines() if line.startswith(f"| `{check.id}`"))
            assert f"| {check.severity.value} |" in row, row
