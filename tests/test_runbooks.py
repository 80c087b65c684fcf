"""The runbooks: links resolve, and every AWS CLI command in them is one the CLI accepts.

A runbook is read during an incident; a command with a wrong flag costs minutes nobody has.
Commands are checked against botocore's service models, the same data the AWS CLI uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from botocore.loaders import Loader

REPO = Path(__file__).resolve().parents[1]
RUNBOOKS = sorted((REPO / "docs" / "runbooks").glob("*.md"))
DOCUMENTS = [REPO / "README.md", *RUNBOOKS]
PROCEDURES = [p for p in RUNBOOKS if p.name != "README.md"]

# CLI command name -> botocore service name, where they differ.
CLI_SERVICES = {"s3api": "s3"}
# Options every CLI command takes, not members of the operation's input.
GLOBAL_OPTIONS = {"region", "query", "output", "profile", "endpoint-url", "no-cli-pager"}
TASK_POLICIES = {
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
}


@dataclass(frozen=True)
class CliCommand:
    document: str
    service: str
    command: str
    options: tuple[str, ...]
    inline: bool  # written in running text (`aws ...`), not a complete command to paste

    def __str__(self) -> str:
        return f"{self.document}: aws {self.service} {self.command}"


def _joined_lines(text: str) -> list[str]:
    """Lines with shell continuations (`\\` at the end) joined."""
    return text.replace("\\\n", " ").splitlines()


_COMMAND = re.compile(r"(?<![\w+.-])aws ([a-z0-9]+(?:-[a-z0-9]+)*) ([a-z][a-z0-9-]*)")


def cli_commands(path: Path) -> list[CliCommand]:
    found = []
    for line in _joined_lines(path.read_text()):
        for match in _COMMAND.finditer(line):
            inline = line[: match.start()].endswith("`")
            tail = re.split(r"`| \| |#", line[match.end() :])[0]
            options = tuple(
                token[2:].split("=")[0] for token in tail.split() if token.startswith("--")
            )
            found.append(CliCommand(path.name, match.group(1), match.group(2), options, inline))
    return found


ALL_COMMANDS = [command for path in DOCUMENTS for command in cli_commands(path)]


@cache
def _model(service: str) -> dict[str, Any]:
    model: dict[str, Any] = Loader().load_service_model(service, "service-2")
    return model


def _operation(command: CliCommand) -> tuple[dict[str, Any], dict[str, Any]]:
    model = _model(CLI_SERVICES.get(command.service, command.service))
    for name, operation in model["operations"].items():
        if xform_name(name, "-") == command.command:
            shape = model["shapes"].get(operation.get("input", {}).get("shape", ""), {})
            return operation, shape
    raise AssertionError(f"{command}: no such operation")


def test_the_runbooks_exist_and_have_commands() -> None:
    assert {p.name for p in PROCEDURES} == {
        "root-mfa.md",
        "break-glass.md",
        "account-recovery.md",
        "root-only-tasks.md",
        "remove-member-root-credentials.md",
        "root-password-recovery.md",
        "unsanctioned-assumeroot.md",
        "contact-changes.md",
    }
    assert len(ALL_COMMANDS) > 30


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=str)
def test_every_cli_command_and_option_exists(command: CliCommand) -> None:
    _, shape = _operation(command)
    members = {xform_name(member, "-"): member for member in shape.get("members", {})}
    unknown = [o for o in command.options if o not in members and o not in GLOBAL_OPTIONS]
    assert not unknown, f"{command}: unknown options {unknown}; allowed: {sorted(members)}"
    if not command.inline:
        missing = [
            xform_name(member, "-")
            for member in shape.get("required", [])
            if xform_name(member, "-") not in command.options
        ]
        assert not missing, f"{command}: missing required options {missing}"


def test_break_glass_documents_every_assume_root_task_policy_aws_lists() -> None:
    sts = _model("sts")
    member = sts["shapes"]["AssumeRootRequest"]["members"]["TaskPolicyArn"]
    aws_tasks = set(re.findall(r"awsmanpol-(\w+)", member["documentation"]))
    assert aws_tasks == TASK_POLICIES
    text = (REPO / "docs" / "runbooks" / "break-glass.md").read_text()
    for task in aws_tasks:
        assert f"**`{task}`**" in text, f"break-glass.md has no section for {task}"


def test_the_assume_root_command_asks_for_the_longest_session_aws_allows() -> None:
    text = " ".join(_joined_lines((REPO / "docs" / "runbooks" / "break-glass.md").read_text()))
    durations = {int(d) for d in re.findall(r"--duration-seconds (\d+)", text)}
    shape = _model("sts")["shapes"]["RootDurationSecondsType"]
    assert durations == {shape["max"]} == {900}
    assert "--target-principal MEMBER_ACCOUNT_ID" in text
    assert "--task-policy-arn arn=arn:aws:iam::aws:policy/root-task/$TASK" in text


@pytest.mark.parametrize("path", PROCEDURES, ids=lambda p: p.name)
def test_each_runbook_says_who_and_how_to_verify(path: Path) -> None:
    text = path.read_text()
    assert re.search(r"^\*\*Who\*\*|^## Who", text, re.MULTILINE), f"{path.name}: no Who"
    assert re.search(r"\*\*Verify\*\*|^## Verify", text, re.MULTILINE), f"{path.name}: no Verify"


_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_relative_links_resolve(path: Path) -> None:
    for target in _LINK.findall(path.read_text()):
        if "://" in target:
            continue
        assert (path.parent / target).exists(), f"{path.name}: broken link {target}"
