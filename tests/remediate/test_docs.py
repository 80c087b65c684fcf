"""The README documents every `rootguard remediate` option and the evidence's fields."""

from __future__ import annotations

import json
from pathlib import Path

from rootguard.cli import command_parser

ROOT = Path(__file__).resolve().parents[2]


def test_readme_documents_every_option() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Remediate")[1].split("\n## ")[0]
    for action in command_parser("remediate")._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in section, option


def test_docs_remediate_names_every_evidence_field() -> None:
    schema = json.loads((ROOT / "rootguard" / "remediate" / "evidence.schema.json").read_text())
    doc = (ROOT / "docs" / "remediate.md").read_text()
    fields = [
        *schema["properties"]["run"]["properties"],
        *schema["properties"]["summary"]["properties"],
        *schema["$defs"]["account"]["properties"],
        *schema["$defs"]["credential"]["properties"],
        *schema["$defs"]["call"]["properties"],
    ]
    assert [f for f in fields if f"`{f}`" not in doc] == []
