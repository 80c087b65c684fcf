"""The README's Reuse examples run: the Python snippet under the offline engine, and the YAML
program against the component package's schema."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from rootguard.offline import run_program
from tests.package import REPO, hosted_components, package_schema

README = (REPO / "README.md").read_text()
_START = README.index("\n## Reuse")
REUSE = README[_START : README.find("\n## ", _START + 1)]


def code_block(language: str) -> str:
    (block,) = re.findall(rf"```{language}\n(.*?)```", REUSE, re.DOTALL)
    return block


def test_python_snippet_builds_the_trail_and_alarms(rootguard_installed: Path) -> None:
    recording = run_program(lambda: exec(code_block("python"), {}))
    (trail,) = recording.of_type("aws:cloudtrail/trail:Trail")
    assert trail.inputs["isOrganizationTrail"] is False
    filters = recording.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    (log_group,) = recording.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert {f.inputs["logGroupName"] for f in filters} == {log_group.outputs["name"]}


def test_yaml_program_uses_only_what_the_schema_declares(schema: dict[str, Any]) -> None:
    program = yaml.safe_load(code_block("yaml"))
    types = {name: spec["type"] for name, spec in program["resources"].items()}
    for name, spec in program["resources"].items():
        component = schema["resources"][spec["type"]]
        missing = set(spec["properties"]) - set(component["inputProperties"])
        assert not missing, f"{name}: {missing}"
        assert set(component["requiredInputs"]) <= set(spec["properties"]), name
        for key, value in spec["properties"].items():
            ref = component["inputProperties"][key].get("$ref", "")
            if isinstance(value, dict) and ref.startswith("#/types/"):
                nested = schema["types"][ref.removeprefix("#/types/")]["properties"]
                assert set(value) <= set(nested), f"{name}.{key}"
    references = re.findall(r"\$\{(\w+)\.(\w+)\}", code_block("yaml"))
    assert references
    for resource, output in references:
        assert output in schema["resources"][types[resource]]["properties"], (resource, output)


@pytest.fixture(scope="module")
def schema(rootguard_installed: Path) -> dict[str, Any]:
    return package_schema(hosted_components())
