"""The offline plan: what a stack would create, with no credentials and no Pulumi CLI.

    rootguard plan dev [--json plan-dev.json]

Runs rootguard's program (rootguard.program, what `__main__.py` runs) in-process under
`FakeAws` mocks with the stack file's config,
prints a tree of components and resources with their inputs, and writes the same as JSON.
A bad stack file prints its one-line validation error and exits 2.
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

from rootguard.config import ConfigError
from rootguard.config.stack_file import STACKS_DIR, read_stack_config, validate_stack_config

from .engine import FakeAws, Recording, Registration, run_program

DESCRIPTION = (
    "Render a stack's plan offline: run rootguard's program under mocks with the stack file's "
    "config (no credentials, no Pulumi CLI), print what it would create, optionally as JSON."
)
# Strings longer than this, or JSON documents, are printed as indented blocks.
INLINE_LIMIT = 100


def plan_stack(stack: str, stacks_dir: Path = STACKS_DIR) -> Recording:
    """Validate the stack file, then run rootguard's program under mocks with its config."""
    config = read_stack_config(stack, stacks_dir)
    # Fail fast with the one-line error, before the runtime starts.
    validated = validate_stack_config(config)
    # Offline there is no live organization to verify: assume the adopted one is ready.
    fake = FakeAws(
        region=str(config.get("aws:region", "us-east-1")),
        trusted_services=validated.organization.service_principals,
    )
    return run_main(config, stack=stack, fake=fake)


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
    return {
        "stack": stack,
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


def render_tree(stack: str, recording: Recording) -> str:
    children: dict[str | None, list[Registration]] = {}
    urns = {r.urn for r in recording}
    for r in recording:
        parent = r.parent if r.parent in urns else None
        children.setdefault(parent, []).append(r)
    # Registration order is asynchronous; sort so the same stack always prints the same plan.
    for siblings in children.values():
        siblings.sort(key=lambda r: (r.custom, r.type, r.name))

    lines = [f"Plan for stack {stack!r}"]

    def walk(parent: str | None, prefix: str) -> None:
        siblings = children.get(parent, [])
        for index, r in enumerate(siblings):
            last = index == len(siblings) - 1
            lines.append(f"{prefix}{'└─ ' if last else '├─ '}{_headline(r)}")
            body = prefix + ("   " if last else "│  ")
            details = r.inputs if r.custom else recording.component_outputs.get(r.urn, {})
            lines.extend(f"{body}   {line}" for line in _describe(details))
            walk(r.urn, body)

    walk(None, "")
    if recording.warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"   {warning}" for warning in recording.warnings)
    lines.append("")
    lines.append("Outputs:")
    lines.extend(f"   {line}" for line in _describe(recording.exports))
    lines.append("")
    lines.append(_summary(recording))
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


def _describe(values: dict[str, Any]) -> Iterator[str]:
    for key in sorted(values):
        yield from _value_lines(key, values[key])


def _value_lines(key: str, value: Any) -> Iterator[str]:
    value = _whole_numbers(value)
    document = _as_document(value)
    if document is not None:
        yield f"{key}: ({len(value)} characters)"
        yield from ("   " + line for line in json.dumps(document, indent=2).splitlines())
        return
    text = json.dumps(value, sort_keys=True, default=str)
    if len(text) <= INLINE_LIMIT:
        yield f"{key}: {text}"
        return
    yield f"{key}:"
    yield from ("   " + line for line in json.dumps(value, indent=2, sort_keys=True).splitlines())


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


def _summary(recording: Recording) -> str:
    resources = [r for r in recording if r.custom]
    components = len(recording.registrations) - len(resources)
    protected = sum(r.protect for r in resources)
    imported = sum(bool(r.import_id) for r in resources)
    return (
        f"{len(resources)} resources in {components} components: "
        f"{protected} protected, {imported} imported, {len(resources) - imported} to create"
    )


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("stack", help="stack name: the file <stacks-dir>/Pulumi.<stack>.yaml")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the plan as JSON here")
    p.add_argument(
        "--stacks-dir",
        type=Path,
        default=Path("stacks"),
        metavar="DIR",
        help="where the stack files are (default: ./stacks)",
    )
    p.add_argument("--quiet", action="store_true", help="print only the summary line")


def run(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    """`rootguard plan`: 0 when rendered, 2 when the stack file is wrong (one line)."""
    out = stdout or sys.stdout
    os.environ.setdefault("PULUMI_ERROR_OUTPUT_STRING", "1")
    try:
        recording = plan_stack(args.stack, args.stacks_dir)
    except (ConfigError, pulumi.RunError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(_summary(recording) if args.quiet else render_tree(args.stack, recording), file=out)
    if args.json:
        try:
            args.json.write_text(json.dumps(to_json(args.stack, recording), indent=2, default=str))
        except OSError as error:
            print(f"error: --json {args.json}: cannot write ({error.strerror})", file=sys.stderr)
            return 2
        print(f"wrote {args.json}", file=out)
    return 0
