"""examples/standalone-account: another Pulumi project reusing the trail and alarms from the
installed rootguard package, run under the offline engine with its own stack file."""

from __future__ import annotations

import json
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from rootguard.alarm_catalog import load_catalog
from rootguard.offline import Recording, run_program
from rootguard.offline.fake_aws import FakeAws
from tests.package import REPO

EXAMPLE = REPO / "examples" / "standalone-account"
PROJECT = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())["name"]
STACK_CONFIG: dict[str, Any] = yaml.safe_load((EXAMPLE / "Pulumi.dev.yaml").read_text())["config"]


def run_example(config: dict[str, Any], fake: FakeAws | None = None) -> Recording:
    return run_program(
        lambda: runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__"),
        config=config,
        project=PROJECT,
        stack="dev",
        fake=fake,
    )


@pytest.fixture(scope="module")
def example() -> Recording:
    return run_example(STACK_CONFIG)


def test_project_is_a_python_program_whose_stack_config_is_its_own() -> None:
    project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    namespaces = {key.split(":", 1)[0] for key in STACK_CONFIG}
    assert namespaces == {"aws", PROJECT}
    assert (EXAMPLE / "requirements.txt").read_text().splitlines()[-1] == "../.."


def test_the_example_uses_two_components(example: Recording) -> None:
    assert sorted(r.type for r in example if not r.custom) == [
        "rootguard:index:OrgTrail",
        "rootguard:index:SecurityAlarms",
    ]


def test_the_trail_logs_this_account_only(example: Recording) -> None:
    (trail,) = example.of_type("aws:cloudtrail/trail:Trail")
    assert trail.inputs["name"] == "account-trail"
    assert trail.inputs["isOrganizationTrail"] is False
    assert trail.inputs["enableLogFileValidation"] is True
    assert not [r for r in example if r.type.startswith("aws:organizations/")]
    (lifecycle,) = example.of_type(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    )
    assert lifecycle.inputs["rules"][0]["expiration"]["days"] == 400  # logRetentionDays


def test_the_alarms_read_the_trails_log_group_and_mail_the_configured_address(
    example: Recording,
) -> None:
    (log_group,) = example.of_type("aws:cloudwatch/logGroup:LogGroup")
    filters = example.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    assert len(filters) >= 15
    assert {f.inputs["logGroupName"] for f in filters} == {log_group.outputs["name"]}
    assert all(log_group.urn in f.depends_on for f in filters)
    (subscription,) = example.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert subscription.inputs["endpoint"] == "security@example.com"
    (topic,) = example.of_type("aws:sns/topic:Topic")
    assert topic.inputs["name"] == "account-security-alarms"
    assert set(example.exports["alarmArns"]) >= {"4.1", "4.3"}
    assert example.exports["trailArn"]


def test_a_bad_value_in_the_examples_config_names_the_key(rootguard_installed: Path) -> None:
    with pytest.raises(pulumi.RunError) as error:
        run_example({**STACK_CONFIG, f"{PROJECT}:alarmEmails": ["not-an-address"]})
    assert str(error.value).startswith(
        "SecurityAlarms 'account-alarms': email[0]: must be an email address"
    )


def test_one_command_renders_the_examples_plan(capsys: pytest.CaptureFixture[str]) -> None:
    from rootguard.cli import main

    assert main(["plan", "dev", "--project", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Plan for stack 'dev' of project '{PROJECT}'\n")
    assert "OrgTrail account-trail" in out and "SecurityAlarms account-alarms" in out
    enabled = len([d for d in load_catalog() if d.enabled])
    assert f"   alarms (account-alarms): {enabled} on" in out
    assert "expiration" in out and '"days": 400' in out  # the stack file's logRetentionDays


def test_the_examples_plan_stops_on_a_bad_value_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rootguard.cli import main

    project = tmp_path / "standalone-account"
    shutil.copytree(EXAMPLE, project)
    stack = project / "Pulumi.dev.yaml"
    stack.write_text(stack.read_text().replace("security@example.com", "not-an-address"))
    assert main(["plan", "dev", "--project", str(project)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "error: SecurityAlarms 'account-alarms': email[0]: must be an email address"
    )
    assert captured.err.count("\n") == 1


def test_project_errors_name_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rootguard.cli import main

    assert main(["plan", "dev", "--project", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err
        == f"error: --project {tmp_path}: no Pulumi.yaml (not a Pulumi project folder)\n"
    )
    (tmp_path / "Pulumi.yaml").write_text("name: x\nruntime: nodejs\n")
    assert main(["plan", "dev", "--project", str(tmp_path)]) == 2
    assert "runtime 'nodejs'; the offline plan runs Python programs only" in capsys.readouterr().err


def test_the_installed_command_plans_the_example_outside_the_checkout(
    rootguard_installed: Path, tmp_path: Path
) -> None:
    """What a new user runs: the installed `rootguard` (the wheel, not the checkout) plans a
    copy of the example from another folder."""
    project = tmp_path / "standalone-account"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rootguard",
            "plan",
            "dev",
            "--project",
            str(project),
            "--json",
            "plan.json",
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(rootguard_installed), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "SecurityAlarms account-alarms" in result.stdout
    plan = json.loads((tmp_path / "plan.json").read_text())
    modules = {r["type"] for r in plan["resources"]}
    assert "rootguard:index:OrgTrail" in modules
    assert plan["outputs"]["trailArn"].endswith(":trail/account-trail")
