"""`python -m pipeline.stacks`: the matrix every workflow acts on, and its one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.stacks import main, pipeline_settings, stack_matrix
from rootguard.config import ConfigError
from rootguard.config.stack_file import STACKS_DIR

READ = "arn:aws:iam::111111111111:role/rootguard-ci-read"
DEPLOY = "arn:aws:iam::111111111111:role/rootguard-ci-deploy"


def write_stack(stacks_dir: Path, stack: str, config: dict[str, Any]) -> None:
    (stacks_dir / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))


def pipeline(**overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {"deployOrder": 10, "readRoleArn": READ, "deployRoleArn": DEPLOY}
    value.update(overrides)
    return {"aws:region": "eu-west-1", "ci:pipeline": value}


def error_for(tmp_path: Path, config: dict[str, Any], stack: str = "dev") -> str:
    write_stack(tmp_path, stack, config)
    with pytest.raises(ConfigError) as caught:
        pipeline_settings(stack, tmp_path)
    return str(caught.value)


def test_every_stack_file_in_the_repository_has_valid_ci_settings() -> None:
    matrix = stack_matrix()["include"]
    assert [entry["stack"] for entry in matrix] == ["dev", "staging", "prod"]
    for entry in matrix:
        assert set(entry) == {
            "stack",
            "region",
            "deployOrder",
            "readRoleArn",
            "deployRoleArn",
            "remediateRoleArn",
        }


def test_a_matrix_entry_carries_region_order_and_roles(tmp_path: Path) -> None:
    write_stack(tmp_path, "dev", pipeline())
    assert pipeline_settings("dev", tmp_path) == {
        "stack": "dev",
        "region": "eu-west-1",
        "deployOrder": 10,
        "readRoleArn": READ,
        "deployRoleArn": DEPLOY,
    }


def test_order_is_deploy_order_then_name(tmp_path: Path) -> None:
    for index, (stack, order) in enumerate([("prod", 30), ("b", 20), ("a", 20), ("dev", 1)]):
        account = f"{index + 1}" * 12
        write_stack(
            tmp_path,
            stack,
            pipeline(
                deployOrder=order,
                readRoleArn=f"arn:aws:iam::{account}:role/read",
                deployRoleArn=f"arn:aws:iam::{account}:role/deploy",
            ),
        )
    assert [e["stack"] for e in stack_matrix(tmp_path)["include"]] == ["dev", "a", "b", "prod"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"aws:region": "eu-west-1"}, "Pulumi.dev.yaml: ci:pipeline: is required"),
        (
            {"aws:region": "eu-west-1", "ci:pipeline": "yes"},
            "Pulumi.dev.yaml: ci:pipeline: must be a mapping with deployOrder",
        ),
        (pipeline(deployOrder=None), "Pulumi.dev.yaml: ci:pipeline.deployOrder: "),
        (pipeline(deployOrder=-1), "Pulumi.dev.yaml: ci:pipeline.deployOrder: "),
        (
            pipeline(readRoleArn="rootguard-ci-read"),
            "Pulumi.dev.yaml: ci:pipeline.readRoleArn: must be an IAM role ARN like",
        ),
        (
            pipeline(deployRoleArn="arn:aws:iam::111111111111:user/deployer"),
            "Pulumi.dev.yaml: ci:pipeline.deployRoleArn: must be an IAM role ARN like",
        ),
        (
            pipeline(deployRoleArn=READ),
            "Pulumi.dev.yaml: ci:pipeline.deployRoleArn: must differ from readRoleArn",
        ),
        (
            pipeline(remediateRoleArn=DEPLOY),
            "Pulumi.dev.yaml: ci:pipeline.remediateRoleArn: must be its own role",
        ),
        (
            pipeline(remediateRoleArn="arn:aws:iam::999999999999:role/rootguard-ci-remediate"),
            "Pulumi.dev.yaml: ci:pipeline.remediateRoleArn: must be in the same account as",
        ),
        (
            pipeline(deployRoleArn="arn:aws:iam::999999999999:role/rootguard-ci-deploy"),
            "Pulumi.dev.yaml: ci:pipeline.deployRoleArn: must be in the same account as",
        ),
        (
            pipeline(deployOrdr=3),
            "Pulumi.dev.yaml: ci:pipeline.deployOrdr: unknown key; did you mean 'deployOrder'?",
        ),
        (
            {"ci:pipeline": pipeline()["ci:pipeline"]},
            "Pulumi.dev.yaml: aws:region: is required",
        ),
        (
            {**pipeline(), "aws:region": "Ireland"},
            "Pulumi.dev.yaml: aws:region: must be an AWS region like eu-west-1",
        ),
    ],
)
def test_a_bad_setting_names_its_key(tmp_path: Path, config: dict[str, Any], expected: str) -> None:
    message = error_for(tmp_path, config)
    assert message.startswith(expected), message
    assert "\n" not in message


def test_a_missing_key_is_reported_by_name(tmp_path: Path) -> None:
    settings = pipeline()["ci:pipeline"]
    del settings["readRoleArn"]
    message = error_for(tmp_path, {"aws:region": "eu-west-1", "ci:pipeline": settings})
    assert message == "Pulumi.dev.yaml: ci:pipeline.readRoleArn: is required"


def test_a_stack_name_github_cannot_use_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, pipeline(), stack="my stack")
    assert "stack name 'my stack' must be" in message


def test_two_stacks_may_not_share_a_deploy_role(tmp_path: Path) -> None:
    write_stack(tmp_path, "prod", pipeline(deployOrder=30))
    write_stack(tmp_path, "prod-eu", pipeline(deployOrder=31))
    with pytest.raises(
        ConfigError,
        match=r"Pulumi\.prod-eu\.yaml: ci:pipeline\.deployRoleArn: .* is "
        r"already the deploy role of stack 'prod'",
    ):
        stack_matrix(tmp_path)


def test_no_stack_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no stack files"):
        stack_matrix(tmp_path)


def test_cli_prints_one_line_of_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert json.loads(out) == stack_matrix()


def test_cli_reports_a_broken_stack_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in STACKS_DIR.glob("Pulumi.*.yaml"):
        shutil.copy(path, tmp_path)
    broken = tmp_path / "Pulumi.staging.yaml"
    broken.write_text(broken.read_text().replace("readRoleArn:", "readRole:"))
    assert main(["--stacks-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "error: Pulumi.staging.yaml: ci:pipeline.readRole: unknown key; did you mean 'readRoleArn'?"
    )
    assert captured.err.count("\n") == 1


def test_one_stack_s_entry_for_the_remediation_workflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remediate = "arn:aws:iam::111111111111:role/rootguard-ci-remediate"
    write_stack(tmp_path, "dev", pipeline(remediateRoleArn=remediate))
    assert main(["--stacks-dir", str(tmp_path), "--stack", "dev"]) == 0
    assert json.loads(capsys.readouterr().out)["remediateRoleArn"] == remediate
    assert main(["--stacks-dir", str(tmp_path), "--stack", "no;such"]) == 2
    assert "stack name 'no;such' must be" in capsys.readouterr().err
