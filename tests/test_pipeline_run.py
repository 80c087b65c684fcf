"""`python -m pipeline.run`: streams a command, records its result, keeps its exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pipeline.run import MAX_OUTPUT_CHARS, change_counts, main, outcome, record

PREVIEW = """\
Previewing update (prod)

     Type                              Name                 Plan
     pulumi:pulumi:Stack               rootguard-prod
 ~   aws:organizations:Policy          rootguard-deny-root  update
 +   aws:cloudwatch:MetricAlarm        root-usage           create
 +-  aws:sns:Topic                     alarms               replace

Resources:
    + 1 to create
    ~ 1 to update
    +-1 to replace
    3 changes. 40 unchanged

Duration: 12s
"""


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_change_counts_come_from_the_resources_block() -> None:
    assert change_counts(PREVIEW) == {"create": 1, "update": 1, "replace": 1, "unchanged": 40}
    assert change_counts("Resources:\n    12 unchanged\n") == {"unchanged": 12}
    assert change_counts("error: could not load plugin\n") == {}


@pytest.mark.parametrize(
    ("kind", "exit_code", "output", "expected"),
    [
        ("preview", 0, "Resources:\n    12 unchanged\n", "no changes"),
        ("preview", 0, PREVIEW, "changes"),
        ("preview", 255, "error: program failed\n", "failed"),
        ("drift", 0, "Resources:\n    12 unchanged\n", "no changes"),
        (
            "drift",
            255,
            PREVIEW + "error: no changes were expected but changes were proposed\n",
            "drift",
        ),
        ("drift", 7, PREVIEW, "drift"),
        ("drift", 255, "error: AccessDenied\n", "failed"),
        ("up", 0, PREVIEW, "changes"),
        ("audit", 0, "", "passed"),
        ("audit", 1, "", "findings"),
        ("audit", 2, "error: no credentials\n", "error"),
    ],
)
def test_outcome(kind: str, exit_code: int, output: str, expected: str) -> None:
    assert outcome(kind, exit_code, output, change_counts(output)) == expected


def test_record_strips_colors_and_keeps_the_tail_of_long_output() -> None:
    output = "\x1b[31mstart\x1b[0m\n" + "x" * (MAX_OUTPUT_CHARS + 10) + "\nerror: the end\n"
    result = record("preview", "dev", ["pulumi", "preview"], 255, output)
    assert result["truncated"] is True
    assert len(result["output"]) == MAX_OUTPUT_CHARS
    assert result["output"].endswith("error: the end\n")
    assert "\x1b" not in record("preview", "dev", [], 0, "\x1b[32m+ create\x1b[0m")["output"]


def test_main_streams_output_records_it_and_returns_the_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = (
        "import sys; print('Resources:'); print('    + 2 to create'); "
        "print('oops', file=sys.stderr); sys.exit(3)"
    )
    exit_code = main(
        [
            "--kind",
            "preview",
            "--stack",
            "prod",
            "--results",
            str(tmp_path / "r"),
            "--",
            *python(code),
        ]
    )
    assert exit_code == 3
    streamed = capsys.readouterr().out
    assert "+ 2 to create" in streamed and "oops" in streamed
    result = json.loads((tmp_path / "r" / "preview-prod.json").read_text())
    assert result["exitCode"] == 3
    assert result["outcome"] == "failed"
    assert result["changes"] == {"create": 2}
    assert result["command"][0] == sys.executable
    assert "oops" in result["output"]


def test_a_command_that_cannot_start_is_recorded_as_failed(tmp_path: Path) -> None:
    exit_code = main(
        [
            "--kind",
            "audit",
            "--stack",
            "dev",
            "--results",
            str(tmp_path),
            "--",
            "no-such-command-rootguard",
        ]
    )
    assert exit_code == 127
    result = json.loads((tmp_path / "audit-dev.json").read_text())
    assert result["outcome"] == "error"
    assert "cannot run 'no-such-command-rootguard'" in result["output"]


def test_a_command_is_required(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--kind", "preview", "--stack", "dev", "--results", str(tmp_path), "--"])
