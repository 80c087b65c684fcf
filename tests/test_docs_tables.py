"""The README and docs/audit.md tables that repeat catalog text are generated: never stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from rootguard import docs_tables
from rootguard.alarm_catalog import load_catalog
from rootguard.scp import load_catalog as scp_catalog

ROOT = Path(__file__).resolve().parents[1]


def test_generated_tables_are_current() -> None:
    stale = docs_tables.stale(ROOT)
    assert not stale, f"{', '.join(stale)}: generated tables are stale; run `make docs`"


def test_every_document_has_its_regions() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in ("alarms", "paging", "scp-statements", "audit-checks"):
        assert f"<!-- generated: {name} -->" in readme, name
    assert "<!-- generated: audit-checks -->" in (ROOT / "docs" / "audit.md").read_text()


def test_a_stale_region_is_rewritten_and_reported(tmp_path: Path) -> None:
    for name in docs_tables.DOCUMENTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        text = (ROOT / name).read_text().replace("| medium |", "| low |", 1)
        (tmp_path / name).write_text(text)
    assert docs_tables.stale(tmp_path) == list(docs_tables.DOCUMENTS)
    assert docs_tables.main(["--root", str(tmp_path), "--check"]) == 1
    assert docs_tables.main(["--root", str(tmp_path)]) == 0
    assert docs_tables.stale(tmp_path) == []


def test_unknown_region_is_an_error() -> None:
    with pytest.raises(docs_tables.StaleRegion, match="unknown generated region 'nope'"):
        docs_tables.render("<!-- generated: nope -->\n<!-- end generated -->", "X.md")


def test_tables_carry_every_catalog_entry() -> None:
    alarms = docs_tables.alarms_table()
    for definition in load_catalog():
        assert f"| {definition.id} | `{definition.name}` |" in alarms
        assert definition.response in alarms
    statements = docs_tables.scp_statements_table()
    for entry in scp_catalog():
        assert f"| `{entry.id}` | {entry.blocks} | {entry.rationale} |" in statements


def test_the_paging_table_lists_every_alarm_under_its_severity() -> None:
    table = docs_tables.paging_table()
    for definition in load_catalog():
        row = next(
            line
            for line in table.splitlines()
            if line.startswith(f"| {definition.severity.value} |")
        )
        assert definition.id in row, definition.id
