"""The offline plan command: a readable tree and JSON; bad stack files fail in one line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest

from rootguard.cli import main
from rootguard.config.stack_file import STACKS_DIR
from tests.conftest import minimal_organization
from tests.package import REPO


def test_plan_prints_a_tree_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.json"
    assert main(["plan", "dev", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "RootGuard rootguard" in printed
    assert "OrganizationalUnit rootguard-organization-ou-Workloads/NonProd" in printed
    assert "[protected, retained on delete]" in printed
    plan = json.loads(out.read_text())
    types = {r["type"] for r in plan["resources"]}
    assert "aws:organizations/account:Account" in types
    assert plan["outputs"]["organizationId"] == "o-exampleorg1"


def test_plan_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    main(["plan", "staging"])
    first = capsys.readouterr().out
    main(["plan", "staging"])
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "email: aws+dev-audit@example.com",
            "emial: aws+dev-audit@example.com",
            "error: rootguard:organization.accounts[1].emial: unknown key; did you mean 'email'?",
        ),
        (
            "email: aws+dev-audit@example.com",
            "email: dev-audit",
            "error: rootguard:organization.accounts[1].email: must be an email address",
        ),
        (
            "ou: Sandbox",
            "ou: Sandbox/Team",
            "error: rootguard:organization.accounts[3].ou: OU 'Sandbox/Team' is not declared",
        ),
        (
            "rootguard:organization:",
            "rootguard:organisation:",
            "error: rootguard:organisation: unknown config key",
        ),
        (
            "      - aws-security-dev@example.com\n",
            "      - aws-security-dev@example.com\n    slack:\n"
            "      - {workspaceId: T07EA123LEP, channelId: '#security'}\n",
            "error: rootguard:alarms.slack[0].channelId: must be a Slack channel id",
        ),
        (
            "      - aws-security-dev@example.com\n",
            "      - aws-security-dev@example.com\n    teams:\n      - {tenantId: "
            "00000000-1111-2222-3333-444444444444, teamId: my-team, channelId: '19%3Aa%40b'}\n",
            "error: rootguard:alarms.teams[0].teamId: must be a UUID",
        ),
    ],
)
def test_broken_stack_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    shutil.copy(STACKS_DIR / "Pulumi.dev.yaml", tmp_path / "Pulumi.dev.yaml")
    path = tmp_path / "Pulumi.dev.yaml"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    assert main(["plan", "dev", "--stacks-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(expected)
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_unknown_stack_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "qa"]) == 2
    assert "no file Pulumi.qa.yaml" in capsys.readouterr().err


def test_main_program_rejects_bad_config_before_registering_anything(run_stack: Any) -> None:
    from rootguard.offline.fake_aws import FakeAws

    fake = FakeAws()
    bad = minimal_organization(accounts=[{"name": "a", "email": "nope", "ou": "Security"}])
    with pytest.raises(pulumi.RunError, match=r"accounts\[0\]\.email: must be an email"):
        run_stack({"rootguard:organization": bad}, fake=fake)
    assert fake.registered == []


def test_main_program_rejects_a_non_mapping_section(run_stack: Any) -> None:
    with pytest.raises(pulumi.RunError, match=r"^rootguard:organization: must be a structured"):
        run_stack({"rootguard:organization": "not json"})


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    """`rootguard plan prod | head`: the plan is larger than a pipe's buffer, so the writer
    meets a closed pipe; that ends the command quietly, without a traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rootguard", "plan", "prod"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"Plan for stack 'prod'")
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, errors
    assert "Traceback" not in errors
