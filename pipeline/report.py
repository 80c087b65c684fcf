"""Render the pull-request comment and the scheduled-check issue from recorded results.

    python -m pipeline.report preview --results results --stacks STACKS_JSON --run-url URL
    python -m pipeline.report scheduled --results results --stacks STACKS_JSON --run-url URL

`results` holds the files `pipeline.run` wrote (`<kind>-<stack>.json`, downloaded from each
matrix job); `--stacks` is the matrix `pipeline.stacks` printed, so a stack whose job died
before recording anything still shows up, as "no result". Markdown goes to stdout, starting
with a hidden marker the workflow uses to find and update its own comment or issue.

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PREVIEW_MARKER = "<!-- rootguard:preview -->"
SCHEDULED_MARKER = "<!-- rootguard:scheduled-checks -->"

# GitHub rejects comment and issue bodies over 65,536 characters; leave room for the frame.
BODY_BUDGET = 60_000

ICONS = {
    "no changes": ":white_check_mark:",
    "passed": ":white_check_mark:",
    "changes": ":large_orange_diamond:",
    "drift": ":warning:",
    "findings": ":warning:",
    "failed": ":x:",
    "error": ":x:",
    "no result": ":grey_question:",
}
PREVIEW_COLUMNS = ("create", "update", "replace", "delete", "import")

Result = dict[str, Any]


def load_results(results_dir: Path) -> dict[tuple[str, str], Result]:
    """Every recorded result, keyed by (kind, stack)."""
    results: dict[tuple[str, str], Result] = {}
    for path in sorted(results_dir.glob("*.json")) if results_dir.is_dir() else []:
        result = json.loads(path.read_text())
        results[(result["kind"], result["stack"])] = result
    return results


def stacks_from_matrix(matrix_json: str) -> list[str]:
    """The stacks of the matrix; none when the Stacks job failed and left it empty."""
    if not matrix_json.strip():
        return []
    return [entry["stack"] for entry in json.loads(matrix_json)["include"]]


def _cell(result: Result | None) -> str:
    if result is None:
        return f"{ICONS['no result']} no result (see the run log)"
    word = result["outcome"]
    detail = f" (exit {result['exitCode']})" if word in ("failed", "error") else ""
    return f"{ICONS.get(word, '')} {word}{detail}".strip()


def _fenced(text: str) -> str:
    # A fence longer than any backtick run inside, so output cannot close it early.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}diff\n{text.rstrip()}\n{fence}"


def _details(title: str, result: Result, budget: int) -> str:
    output = result["output"]
    note = ""
    if result.get("truncated") or len(output) > budget:
        output = output[-budget:]
        note = "Only the end of the output is shown; the run log has all of it.\n\n"
    return f"<details><summary>{title}</summary>\n\n{note}{_fenced(output)}\n\n</details>"


def _output_sections(shown: list[tuple[str, Result]], used: int) -> list[str]:
    if not shown:
        return []
    budget = max(1_000, (BODY_BUDGET - used) // len(shown) - 200)
    return [_details(title, result, budget) for title, result in shown]


def preview_comment(
    results: dict[tuple[str, str], Result], stacks: Sequence[str], run_url: str, commit: str
) -> str:
    rows = []
    shown = []
    for stack in stacks:
        result = results.get(("preview", stack))
        changes = result["changes"] if result else {}
        counts = " | ".join(str(changes.get(column, "")) for column in PREVIEW_COLUMNS)
        rows.append(f"| `{stack}` | {_cell(result)} | {counts} |")
        if result is not None:
            shown.append((f"<code>{stack}</code>: {result['outcome']}", result))
    head = "\n".join(
        [
            PREVIEW_MARKER,
            "## Pulumi preview",
            "",
            f"Commit `{commit[:12]}` · [workflow run]({run_url}) · stacks in deploy order",
            "",
            "| Stack | Result | " + " | ".join(c.capitalize() for c in PREVIEW_COLUMNS) + " |",
            "| --- | --- |" + " ---: |" * len(PREVIEW_COLUMNS),
            *rows,
        ]
    )
    return "\n\n".join([head, *_output_sections(shown, len(head))]) + "\n"


def scheduled_issue(
    results: dict[tuple[str, str], Result], stacks: Sequence[str], run_url: str
) -> str:
    rows = []
    shown = []
    for stack in stacks:
        drift = results.get(("drift", stack))
        audit = results.get(("audit", stack))
        rows.append(f"| `{stack}` | {_cell(drift)} | {_cell(audit)} |")
        for kind, result in (("drift", drift), ("audit", audit)):
            if result is not None and result["outcome"] not in ("no changes", "passed"):
                shown.append((f"<code>{stack}</code> {kind}: {result['outcome']}", result))
    head = "\n".join(
        [
            SCHEDULED_MARKER,
            "## Scheduled drift and audit check",
            "",
            f"[Workflow run]({run_url})",
            "",
            *(
                []
                if stacks
                else [
                    "**No stack was checked**: the *Stacks* job could not build the list from"
                    " `stacks/` (its log names the stack file and key at fault).",
                    "",
                ]
            ),
            "| Stack | Drift (`pulumi preview --refresh --expect-no-changes`) | Audit |",
            "| --- | --- | --- |",
            *rows,
            "",
            "- **drift**: the live organization differs from the stack's state (for example an SCP"
            " edited or an alarm deleted in the console). Read the diff below, find out who"
            " changed what (CloudTrail), then restore it with `pulumi up --refresh` or adopt the"
            " change in the stack file: see docs/ci.md, *When drift is reported*.",
            "- **findings**: the audit's results are in code scanning (Security > Code scanning,"
            " category `rootguard-audit/<stack>`).",
            "- **failed / error / no result**: the check itself did not run; the run log says why"
            " (often credentials: see docs/ci.md).",
        ]
    )
    return "\n\n".join([head, *_output_sections(shown, len(head))]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.report", description="Render a CI report as Markdown."
    )
    parser.add_argument("report", choices=("preview", "scheduled"))
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--stacks", required=True, help="the matrix JSON from pipeline.stacks")
    parser.add_argument("--run-url", required=True)
    parser.add_argument("--commit", default="", help="the previewed commit (preview only)")
    args = parser.parse_args(argv)
    results = load_results(args.results)
    stacks = stacks_from_matrix(args.stacks)
    if args.report == "preview":
        body = preview_comment(results, stacks, args.run_url, args.commit)
    else:
        body = scheduled_issue(results, stacks, args.run_url)
    sys.stdout.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
