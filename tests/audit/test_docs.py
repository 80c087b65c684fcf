"""The audit's documentation covers the CLI's options and every check of the catalog."""

from __future__ import annotations

from pathlib import Path

from rootguard.audit.catalog import checks
from rootguard.cli import command_parser

ROOT = Path(__file__).resolve().parents[2]


def test_readme_documents_every_option_and_check() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Audit")[1].split("\n## ")[0]
    for action in command_parser("audit")._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert option in section, option
    for check in checks().values():  # the generated table (tests/test_docs_tables.py)
        row = next(line for line in section.splitlines() if line.startswith(f"| `{check.id}`"))
        assert f"| {check.severity.value} |" in row, row
