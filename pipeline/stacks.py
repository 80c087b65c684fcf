"""Which stacks CI acts on, in which order and with which AWS roles: read from `stacks/`.

Every workflow starts with `python -m pipeline.stacks`, which prints the GitHub Actions matrix
for every `stacks/Pulumi.<stack>.yaml`, so a new stack file is previewed, deployed and
drift-checked with no workflow edit. Each stack file carries its CI settings next to its
config, under a namespace the Pulumi program ignores:

    config:
      aws:region: eu-west-1
      ci:pipeline:
        deployOrder: 10        # deploys run one stack at a time, lowest first
        readRoleArn: arn:aws:iam::111111111111:role/rootguard-ci-read
        deployRoleArn: arn:aws:iam::111111111111:role/rootguard-ci-deploy
        remediateRoleArn: arn:aws:iam::111111111111:role/rootguard-ci-remediate  # optional

A stack is its own AWS Organization, so its roles live in its own management account; a
repository or environment variable could not say which role belongs to which stack without
an edit per stack.

Only pydantic and PyYAML are needed (no Pulumi), so the matrix job installs in seconds.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator

from rootguard.config import ConfigError
from rootguard.config.base import InvalidKey, Matching, StrictModel
from rootguard.config.stack_file import STACKS_DIR, read_stack_config, stack_names

PIPELINE_KEY = "ci:pipeline"
REGION_KEY = "aws:region"

# Pulumi's stack-name characters; the name also becomes a GitHub environment, an artifact
# name and a SARIF category, which all accept these.
STACK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")

RoleArn = Annotated[
    str,
    Matching(
        r"arn:aws(?:-[a-z]+)*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}",
        "an IAM role ARN like arn:aws:iam::123456789012:role/rootguard-ci-read",
        max_length=2048,
    ),
]
Region = Annotated[str, Matching(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}", "an AWS region like eu-west-1")]


class PipelineSettings(StrictModel):
    """`ci:pipeline`: how CI previews, deploys and checks one stack."""

    deploy_order: int = Field(
        ge=0,
        le=1000,
        description="Deploys on main run one stack at a time in ascending order (dev first).",
    )
    read_role_arn: RoleArn = Field(
        description="Read-only role for previews, drift checks and the audit."
    )
    deploy_role_arn: RoleArn = Field(
        description="Role for `pulumi up`, trusted only by the stack's environment."
    )
    remediate_role_arn: RoleArn | None = Field(
        default=None,
        description="Role for `rootguard remediate --apply` (remediate.yml), trusted only by "
        "the stack's environment; without it the workflow's apply job refuses to run.",
    )

    @model_validator(mode="after")
    def _check_roles(self) -> PipelineSettings:
        if self.deploy_role_arn == self.read_role_arn:
            raise InvalidKey(
                "deployRoleArn", "must differ from readRoleArn: previews never get deploy rights"
            )
        if _account(self.deploy_role_arn) != _account(self.read_role_arn):
            raise InvalidKey(
                "deployRoleArn",
                "must be in the same account as readRoleArn (the stack's management account)",
            )
        remediate = self.remediate_role_arn
        if remediate is not None:
            if remediate in (self.read_role_arn, self.deploy_role_arn):
                raise InvalidKey(
                    "remediateRoleArn",
                    "must be its own role, not readRoleArn or deployRoleArn: only it may "
                    "delete root credentials, and it may do nothing else",
                )
            if _account(remediate) != _account(self.read_role_arn):
                raise InvalidKey(
                    "remediateRoleArn",
                    "must be in the same account as readRoleArn (the stack's management account)",
                )
        return self


def _account(role_arn: str) -> str:
    return role_arn.split(":")[4]


def pipeline_settings(stack: str, stacks_dir: Path = STACKS_DIR) -> dict[str, Any]:
    """One matrix entry: the stack, its region and its `ci:pipeline` settings (camelCase)."""
    if not STACK_NAME.fullmatch(stack):
        raise ConfigError(
            f"Pulumi.{stack}.yaml: stack name {stack!r} must be 1-100 letters, digits, "
            "'_', '.' or '-', starting with a letter or digit"
        )
    config = read_stack_config(stack, stacks_dir)
    where = f"Pulumi.{stack}.yaml: "
    if PIPELINE_KEY not in config:
        raise ConfigError(
            f"{where}{PIPELINE_KEY}: is required (deployOrder, readRoleArn, deployRoleArn)"
        )
    try:
        settings = PipelineSettings.model_validate(config[PIPELINE_KEY])
    except ValidationError as exc:
        raise ConfigError(where + _format(exc)) from None
    try:
        region = _RegionOnly.model_validate({"region": config.get(REGION_KEY)}).region
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
        if config.get(REGION_KEY) is None:
            problem = "is required: the region CI signs in to AWS with"
        raise ConfigError(f"{where}{REGION_KEY}: {problem}") from None
    return {
        "stack": stack,
        "region": region,
        **settings.model_dump(by_alias=True, exclude_none=True),
    }


class _RegionOnly(StrictModel):
    region: Region


def _format(exc: ValidationError) -> str:
    """One line naming the key under `ci:pipeline`, like the rootguard config errors do."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    error = errors[0]
    loc = [str(part) for part in error["loc"]]
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, InvalidKey):
        loc.append(cause.path)
        message = cause.message
    elif error["type"] == "extra_forbidden":
        allowed = sorted(f.alias or n for n, f in PipelineSettings.model_fields.items())
        close = difflib.get_close_matches(loc[-1], allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        message = f"unknown key{hint} allowed: {', '.join(allowed)}"
    elif error["type"] == "missing":
        message = "is required"
    elif error["type"] in ("model_type", "dict_type"):
        message = "must be a mapping with deployOrder, readRoleArn and deployRoleArn"
    else:
        message = error["msg"].removeprefix("Value error, ")
        if not message.startswith("must"):
            message = f"{message[0].lower()}{message[1:]}, got {error.get('input')!r}"
    path = ".".join([PIPELINE_KEY, *loc]) if loc else PIPELINE_KEY
    return f"{path}: {message}"


def stack_matrix(stacks_dir: Path = STACKS_DIR) -> dict[str, list[dict[str, Any]]]:
    """The GitHub Actions matrix: every stack file, in deploy order (then by name)."""
    names = stack_names(stacks_dir)
    if not names:
        raise ConfigError(f"no stack files (Pulumi.<stack>.yaml) in {stacks_dir}")
    entries = sorted(
        (pipeline_settings(name, stacks_dir) for name in names),
        key=lambda entry: (entry["deployOrder"], entry["stack"]),
    )
    _no_shared_deploy_role(entries)
    return {"include": entries}


def _no_shared_deploy_role(entries: list[dict[str, Any]]) -> None:
    # Each stack is its own organization: a copied stack file that still names another
    # stack's deploy role would deploy into the wrong organization.
    owner: dict[str, str] = {}
    for entry in entries:
        role = entry["deployRoleArn"]
        if role in owner:
            raise ConfigError(
                f"Pulumi.{entry['stack']}.yaml: {PIPELINE_KEY}.deployRoleArn: {role} is already "
                f"the deploy role of stack {owner[role]!r}; each stack deploys its own organization"
            )
        owner[role] = entry["stack"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.stacks",
        description="Print the GitHub Actions matrix of every stack in stacks/, in deploy order.",
    )
    parser.add_argument("--stacks-dir", type=Path, default=STACKS_DIR)
    parser.add_argument(
        "--stack", metavar="NAME", help="print only this stack's entry (remediate.yml)"
    )
    args = parser.parse_args(argv)
    try:
        if args.stack is not None:
            document: dict[str, Any] = pipeline_settings(args.stack, args.stacks_dir)
        else:
            document = stack_matrix(args.stacks_dir)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(document, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
