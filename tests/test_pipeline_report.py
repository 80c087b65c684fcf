"""`python -m pipeline.report`: the pull-request comment and the scheduled-check issue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.report import (
    BODY_BUDGET,
    PREVIEW_MARKER,
    SCHEDULED_MARKER,
    load_results,
    main,
    preview_comment,
    scheduled_issue,
)
from pipeline.run import record

STACKS = ["dev", "staging", "prod"]
RUN = "https://github.example/run/1"


def result(kind: str, stack: str, exit_code: int, output: str) -> dict[str, Any]:
    return record(kind, stack, ["cmd"], exit_code, output)


def results(*items: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["kind"], r["stack"]): r for r in items}


def test_the_comment_has_its_marker_a_row_per_stack_in_order_and_the_output() -> None:
    body = preview_comment(
        results(
            result("preview", "dev", 0, "Resources:\n    + 2 to create\n    5 unchanged\n"),
            result("preview", "prod", 255, "error: AccessDenied\n"),
        ),
        STACKS,
        RUN,
        "0123456789abcdef",
    )
    assert body.startswith(PREVIEW_MARKER + "\n")
    rows = [line for line in body.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == STACKS
    assert rows[0] == "| `dev` | :large_orange_diamond: changes | 2 |  |  |  |  |"
    assert "no result" in rows[1]
    assert ":x: failed (exit 255)" in rows[2]
    assert "error: AccessDenied" in body
    assert "`0123456789ab`" in body and RUN in body


def test_output_cannot_break_out_of_its_code_block() -> None:
    body = preview_comment(
        results(result("preview", "dev", 0, "```\n</details>\n````\n")), ["dev"], RUN, "c"
    )
    assert "`````diff\n```\n</details>\n````\n`````" in body


def test_a_huge_output_is_cut_to_fit_a_github_comment() -> None:
    huge = [result("preview", s, 255, "line\n" * 10_000 + f"error in {s}\n") for s in STACKS]
    body = preview_comment(results(*huge), STACKS, RUN, "c")
    assert len(body) < BODY_BUDGET + 5_000 < 65_536
    for stack in STACKS:
        assert f"error in {stack}" in body
    assert "Only the end of the output is shown" in body


def test_the_issue_lists_drift_and_audit_per_stack_and_shows_only_problems() -> None:
    body = scheduled_issue(
        results(
            result("drift", "dev", 0, "Resources:\n    9 unchanged\n"),
            result("audit", "dev", 0, "all passed\n"),
            result("drift", "prod", 7, "~ aws:organizations:Policy deny-root update\n"),
            result("audit", "prod", 1, "root MFA: FAIL\n"),
        ),
        STACKS,
        RUN,
    )
    assert body.startswith(SCHEDULED_MARKER + "\n")
    assert "| `dev` | :white_check_mark: no changes | :white_check_mark: passed |" in body
    assert "| `prod` | :warning: drift | :warning: findings |" in body
    assert "| `staging` | :grey_question: no result" in body
    assert "deny-root update" in body and "root MFA: FAIL" in body
    assert "all passed" not in body


def test_cli_reads_the_results_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "preview-dev.json").write_text(
        json.dumps(result("preview", "dev", 0, "Resources:\n    3 unchanged\n"))
    )
    assert set(load_results(tmp_path)) == {("preview", "dev")}
    matrix = json.dumps({"include": [{"stack": "dev"}]})
    args = [
        "preview",
        "--results",
        str(tmp_path),
        "--stacks",
        matrix,
        "--run-url",
        RUN,
        "--commit",
        "abc",
    ]
    assert main(args) == 0
    assert "| `dev` | :white_check_mark: no changes |" in capsys.readouterr().out


def test_a_missing_results_directory_means_no_results() -> None:
    assert load_results(Path("/nonexistent/rootguard-results")) == {}


def test_the_issue_says_so_when_the_stack_list_could_not_be_built(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["scheduled", "--results", "/nonexistent", "--stacks", "", "--run-url", RUN]
    assert main(args) == 0
    body = capsys.readouterr().out
    assert body.startswith(SCHEDULED_MARKER)
    assert "No stack was checked" in body
