"""The offline plan: what a stack would create, with no credentials and no Pulumi CLI.

    rootguard plan dev [--json plan-dev.json]
    rootguard plan dev --project examples/standalone-account

Runs rootguard's program (rootguard.program, what `__main__.py` runs), or another Python
Pulumi project's program, in-process under `FakeAws` mocks with the stack file's config;
prints a summary, then a tree of components and resources with their inputs (plan_view.py),
and writes the same as JSON. A bad stack file prints its one-line error and exits 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pulumi

from rootguard.cli_args import one_line
from rootguard.config import REGION_KEY, ConfigError, check_region
from rootguard.config.stack_file import STACKS_DIR, read_stack_config, validate_stack_config

from .engine import FakeAws, Recording, Registration, UnknownInvoke, run_program
from .fake_aws import described_organization
from .plan_view import Labels, natural_key, naturally_sorted, summary_lines
from .project import Project, program_of, read_project

DESCRIPTION = (
    "Render a stack's plan offline: run rootguard's program under mocks with the stack file's "
    "config (no credentials, no Pulumi CLI), print what it would create, optionally as JSON."
)
# Strings longer than this, or JSON documents, are printed as indented blocks.
INLINE_LIMIT = 100


def plan_stack(
    stack: str,
    stacks_dir: Path | None = None,
    project: Path | None = None,
    organization: Path | None = None,
) -> Recording:
    """Validate the stack file, then run the program under mocks with its config.

    The program is rootguard's own (rootguard.program, stack files in `stacks/`) unless
    `project` names another Python Pulumi project folder (see offline/project.py).
    """
    if project is not None:
        return _plan_project(stack, read_project(project), stacks_dir)
    config = read_stack_config(stack, stacks_dir or STACKS_DIR)
    # Fail fast with the one-line error, before the runtime starts.
    validated = validate_stack_config(config)
    # Offline there is no live organization to verify: assume the adopted one is ready.
    # `organization` describes what already exists (examples/control-tower/organization.yaml).
    fake = FakeAws(
        region=str(config.get(REGION_KEY, "us-east-1")),
        trusted_services=validated.organization.service_principals,
        **(described_organization(organization) if organization else {}),
    )
    return run_main(config, stack=stack, fake=fake)


def _plan_project(stack: str, project: Project, stacks_dir: Path | None) -> Recording:
    config = read_stack_config(stack, stacks_dir or project.stacks_dir)
    check_region(config.get(REGION_KEY))
    return run_program(
        program_of(project),
        config=config,
        project=project.name,
        stack=stack,
        fake=FakeAws(region=str(config.get(REGION_KEY, "us-east-1"))),
    )


def run_main(
    config: dict[str, Any], *, stack: str = "dev", fake: FakeAws | None = None
) -> Recording:
    """Run rootguard's program under mocks with full-key config (`rootguard:...`)."""
    from rootguard.program import run

    return run_program(
        run,
        config=config,
        stack=stack,
        fake=fake,
    )


def to_json(stack: str, recording: Recording) -> dict[str, Any]:
    """The plan as data. Ids stay as the fake AWS answered (they link resources); `newIds`
    says which of them are invented for what this plan creates, and what each stands for."""
    labels = Labels(recording)
    return {
        "stack": stack,
        "summary": list(summary_lines(recording, labels)),
        "newIds": labels.new_ids,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "custom": r.custom,
                "protect": r.protect,
                "retainOnDelete": r.retain_on_delete,
                "importId": r.import_id,
                "ignoreChanges": r.ignore_changes,
                "dependsOn": sorted(r.depends_on),
                "inputs": r.inputs,
                "outputs": recording.component_outputs.get(r.urn, {}) if not r.custom else {},
            }
            for r in recording
        ],
        "outputs": recording.exports,
        "warnings": recording.warnings,
    }


def render_tree(stack: str, recording: Recording, project: str | None = None) -> str:
    """The summary, then every component and resource with its inputs, then the outputs."""
    labels = Labels(recording)
    children: dict[str | None, list[Registration]] = {}
    urns = {r.urn for r in recording}
    for r in recording:
        parent = r.parent if r.parent in urns else None
        children.setdefault(parent, []).append(r)
    # Registration order is asynchronous; sort so the same stack always prints the same plan.
    for siblings in children.values():
        siblings.sort(key=lambda r: (r.custom, r.type, natural_key(r.name)))

    of_project = f" of project {project!r}" if project else ""
    lines = [f"Plan for stack {stack!r}{of_project}", ""]
    lines.extend(summary_lines(recording, labels))
    lines.extend(["", "Detail:"])

    def walk(parent: str | None, prefix: str) -> None:
        siblings = children.get(parent, [])
        for index, r in enumerate(siblings):
            last = index == len(siblings) - 1
            lines.append(f"{prefix}{'└─ ' if last else '├─ '}{_headline(r)}")
            body = prefix + ("   " if last else "│  ")
            details = r.inputs if r.custom else recording.component_outputs.get(r.urn, {})
            lines.extend(f"{body}   {line}" for line in _describe(details, labels))
            walk(r.urn, body)

    walk(None, "")
    if recording.warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"   {warning}" for warning in recording.warnings)
    lines.append("")
    lines.append("Outputs:")
    lines.extend(f"   {line}" for line in _describe(recording.exports, labels))
    return "\n".join(lines)


def _headline(r: Registration) -> str:
    kind = r.type.split(":")[-1]
    flags = [
        flag
        for flag, on in (
            ("protected", r.protect),
            ("retained on delete", r.retain_on_delete),
            (f"import {r.import_id}", bool(r.import_id)),
        )
        if on
    ]
    suffix = f"  [{', '.join(flags)}]" if flags else ""
    return f"{kind} {r.name}  ({r.type}){suffix}"


def _describe(values: dict[str, Any], labels: Labels) -> Iterator[str]:
    for key in sorted(values, key=natural_key):
        yield from _value_lines(key, values[key], labels)


def _value_lines(key: str, value: Any, labels: Labels) -> Iterator[str]:
    document = _as_document(value)
    if document is not None:
        # The size is the real document's; the ids inside are labelled for reading.
        yield f"{key}: ({len(value)} characters)"
        shown = labels.show(document)
        yield from ("   " + line for line in json.dumps(shown, indent=2).splitlines())
        return
    value = labels.show(naturally_sorted(_whole_numbers(value)))
    text = json.dumps(value, default=str)
    if len(text) <= INLINE_LIMIT:
        yield f"{key}: {text}"
        return
    yield f"{key}:"
    yield from ("   " + line for line in json.dumps(value, indent=2, default=str).splitlines())


def _whole_numbers(value: Any) -> Any:
    """The mocks hand every number back as a float; show 14, not 14.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def _as_document(value: Any) -> Any:
    """A string that holds a JSON object (a policy) is shown parsed and indented."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("stack", help="stack name: the file <stacks-dir>/Pulumi.<stack>.yaml")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the plan as JSON here")
    p.add_argument(
        "--stacks-dir",
        type=Path,
        metavar="DIR",
        help="where the stack files are (default: ./stacks, or the --project's)",
    )
    p.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help="plan another Python Pulumi project's program (its Pulumi.yaml and stack files) "
        "instead of rootguard's own, e.g. examples/standalone-account",
    )
    p.add_argument(
        "--organization",
        type=Path,
        metavar="FILE",
        help="describe the existing organization the mocks answer for (its SCPs and where they "
        "are attached), e.g. examples/control-tower/organization.yaml",
    )
    p.add_argument("--quiet", action="store_true", help="print only the summary")


def run(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    """`rootguard plan`: 0 when rendered, 2 when the stack file is wrong (one line)."""
    out = stdout or sys.stdout
    os.environ.setdefault("PULUMI_ERROR_OUTPUT_STRING", "1")
    try:
        recording = plan_stack(
            args.stack,
            args.stacks_dir or (None if args.project else Path("stacks")),
            args.project,
            args.organization,
        )
    except (ConfigError, pulumi.RunError, UnknownInvoke) as error:
        print(f"error: {one_line(str(error))}", file=sys.stderr)
        return 2
    if args.quiet:
        print("\n".join(summary_lines(recording, Labels(recording))), file=out)
    else:
        project = read_project(args.project).name if args.project else None
        print(render_tree(args.stack, recording, project), file=out)
    if args.json:
        try:
            args.json.write_text(json.dumps(to_json(args.stack, recording), indent=2, default=str))
        except OSError as error:
            print(f"error: --json {args.json}: cannot write ({error.strerror})", file=sys.stderr)
            return 2
        print(f"wrote {args.json}", file=out)
    return 0
