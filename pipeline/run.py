"""Run one CI command, stream its output to the job log, and record the result.

    python -m pipeline.run --kind drift --stack prod --results results -- \\
        pulumi preview --stack prod --refresh --expect-no-changes --diff

When the command ends, `results/<kind>-<stack>.json` holds the command, its exit code, an
outcome, the resource-change counts Pulumi printed, and the output (colors removed, only the
tail when long). The pull-request comment and the drift issue are rendered from these files
(`pipeline.report`). The exit code is the command's own, so the workflow step fails with it.

Standard library only: it runs before and beside the project's virtual environment.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

KINDS = ("preview", "drift", "up", "audit")

# The tail of the output kept in a result: GitHub comments and issues hold 65,536
# characters, and the interesting part of a failed run (the error) is at its end.
MAX_OUTPUT_CHARS = 20_000

ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
# Pulumi's summary: "Resources:" then lines like "    + 2 to create", "    +-1 to replace",
# "    3 changes. 12 unchanged", ended by a blank line.
CHANGE_COUNT = re.compile(r"(\d+) (to [a-z]+|unchanged)\b")
# `--expect-no-changes` fails with this message; Pulumi 3.19x+ also exits with code 7.
DRIFT_MESSAGE = re.compile(r"no changes were expected but changes (?:occurred|were proposed)")
EXPECT_NO_CHANGES_EXIT = 7


def strip_ansi(text: str) -> str:
    return ANSI_ESCAPE.sub("", text)


def change_counts(output: str) -> dict[str, int]:
    """Counts from the last "Resources:" block: {"create": 2, "replace": 1, "unchanged": 12}."""
    _, marker, block = output.rpartition("Resources:")
    if not marker:
        return {}
    counts: dict[str, int] = {}
    for line in block.splitlines()[1:]:
        if not line.strip():
            break
        for count, what in CHANGE_COUNT.findall(line):
            counts[what.removeprefix("to ")] = int(count)
    return counts


def outcome(kind: str, exit_code: int, output: str, changes: dict[str, int]) -> str:
    """One word for the report: what happened, as a reviewer would say it."""
    changed = sum(n for what, n in changes.items() if what != "unchanged")
    if kind == "audit":
        return {0: "passed", 1: "findings"}.get(exit_code, "error")
    if exit_code == 0:
        return "changes" if changed else "no changes"
    if kind == "drift" and (exit_code == EXPECT_NO_CHANGES_EXIT or DRIFT_MESSAGE.search(output)):
        return "drift"
    return "failed"


def run(command: Sequence[str], log: TextIO) -> tuple[int, str]:
    """Run `command`, copying its combined output to `log` line by line as it comes."""
    lines: list[str] = []
    try:
        process = subprocess.Popen(
            list(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
    except OSError as exc:
        message = f"error: cannot run {command[0]!r}: {exc.strerror or exc}\n"
        log.write(message)
        return 127, message
    assert process.stdout is not None
    for line in process.stdout:
        log.write(line)
        log.flush()
        lines.append(line)
    return process.wait(), "".join(lines)


def record(
    kind: str, stack: str, command: Sequence[str], exit_code: int, output: str
) -> dict[str, Any]:
    text = strip_ansi(output)
    changes = change_counts(text) if kind != "audit" else {}
    truncated = len(text) > MAX_OUTPUT_CHARS
    return {
        "kind": kind,
        "stack": stack,
        "command": list(command),
        "exitCode": exit_code,
        "outcome": outcome(kind, exit_code, text, changes),
        "changes": changes,
        "output": text[-MAX_OUTPUT_CHARS:] if truncated else text,
        "truncated": truncated,
    }


def result_path(results: Path, kind: str, stack: str) -> Path:
    return results / f"{kind}-{stack}.json"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.run",
        description="Run a CI command, stream its output and record the result as JSON.",
    )
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--results", type=Path, required=True, help="directory for the result")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    exit_code, output = run(command, sys.stdout)
    args.results.mkdir(parents=True, exist_ok=True)
    result = record(args.kind, args.stack, command, exit_code, output)
    result_path(args.results, args.kind, args.stack).write_text(json.dumps(result, indent=1) + "\n")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
