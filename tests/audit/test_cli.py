"""`rootguard audit`: exit codes 0/1/2, one-line errors, output files and formats."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from rootguard.audit.report.progress import ProgressBar
from rootguard.cli import main
from tests.fakes import MANAGEMENT, MEMBERS, REGION, FakeAws, FakeOrganization

ROOT = Path(__file__).resolve().parents[2]
# The console command the README's set-up installs, beside this interpreter.
ROOTGUARD = str(Path(sys.executable).parent / "rootguard")


def run_cli(fake: FakeAws | None, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    hook = fake.attach if fake else None
    code = main(
        ["audit", "--max-workers", "1", "--no-progress", *args], stdout=out, on_new_client=hook
    )
    return code, out.getvalue()


def test_secure_organization_exits_0(fake: FakeAws) -> None:
    code, out = run_cli(fake)
    assert code == 0
    assert "nothing at or above low fails: exit 0" in out
    assert "Needs attention" not in out


def test_a_failure_at_or_above_fail_on_exits_1(org: FakeOrganization, fake: FakeAws) -> None:
    org.add_root_access_key()  # ROOT-NO-KEYS is critical
    assert run_cli(fake, "--fail-on", "critical")[0] == 1


def test_a_failure_below_fail_on_exits_0(org: FakeOrganization, fake: FakeAws) -> None:
    org.give_root_credentials("audit", mfa_devices=1)  # MEMBER-ROOT-MFA is low
    code, out = run_cli(fake, "--fail-on", "medium")
    assert code == 0
    assert "MEMBER-ROOT-MFA" in out.split("Needs attention")[1]
    assert run_cli(fake, "--fail-on", "low")[0] == 1


def test_unknowns_block_unless_allowed(org: FakeOrganization, fake: FakeAws) -> None:
    org.deny_assume_root("payments")
    assert run_cli(fake)[0] == 1
    assert run_cli(fake, "--allow-unknown")[0] == 0


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_output_file(fake: FakeAws, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "reports" / f"audit.{fmt}"
    code, out = run_cli(fake, "--format", fmt, "--output", str(target))
    assert code == 0
    assert out == ""
    document = json.loads(target.read_text())
    if fmt == "json":
        schema = json.loads((ROOT / "rootguard" / "audit" / "finding.schema.json").read_text())
        jsonschema.Draft202012Validator(schema).validate(document)
        assert document["run"]["managementAccountId"] == MANAGEMENT
        assert document["summary"]["exitCode"] == 0
    else:
        schema = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
        jsonschema.Draft4Validator(schema).validate(document)
    assert list(target.parent.iterdir()) == [target]  # no temporary file left behind


def one_line_error(capsys: pytest.CaptureFixture[str], code: int) -> str:
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith("rootguard")
    return err


def test_no_credentials_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    code, _ = run_cli(None, "--region", REGION)
    assert "no usable AWS credentials" in one_line_error(capsys, code)


def test_unknown_profile_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli(None, "--profile", "nope", "--region", REGION)
    assert "nope" in one_line_error(capsys, code)


def test_not_in_an_organization_exits_2(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    org.in_organization = False
    code, _ = run_cli(fake, "--region", REGION)
    assert "not in an AWS Organization" in one_line_error(capsys, code)


def test_member_account_credentials_exit_2(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    member = org.account_id("payments")
    org.caller_account = member  # credentials of a role in a member account
    org.caller_arn = f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/audit"
    code, _ = run_cli(fake)
    err = one_line_error(capsys, code)
    assert f"not the management account: the credentials are for account {member}" in err
    assert f"managed by {MANAGEMENT}" in err


def test_access_denied_at_start_exits_2(fake: FakeAws, capsys: pytest.CaptureFixture[str]) -> None:
    fake.inject("access_denied", "DescribeOrganization")
    code = main(["audit", "--no-progress"], stdout=io.StringIO(), on_new_client=fake.attach)
    err = one_line_error(capsys, code)
    assert "cannot start the audit: AccessDeniedException on DescribeOrganization: User: " in err


def test_bad_stack_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli(None, "--stack", "no-such-stack")
    assert "stack 'no-such-stack': no file Pulumi.no-such-stack.yaml" in one_line_error(
        capsys, code
    )


@pytest.mark.parametrize(
    "args", [["--fail-on", "severe"], ["--max-workers", "0"], ["--format", "xml"], ["--bogus"]]
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    err = one_line_error(capsys, main(["audit", *args]))
    assert err.startswith("rootguard")
    assert "usage:" not in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--endpoint-url", "notaurl"], "argument --endpoint-url: must be an http:// or https://"),
        (["--endpoint-url", "http://127.0.0.1:99999"], "argument --endpoint-url: has a bad port"),
        (["--region", "mars-1"], "argument --region: 'mars-1' is not an AWS region"),
        (["--region", "us-east-1x"], "did you mean 'us-east-1'?"),
    ],
)
def test_bad_endpoint_and_region_are_one_line(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert expected in one_line_error(capsys, main(["audit", *args]))


def test_console_command_entry_point() -> None:
    result = subprocess.run(
        [ROOTGUARD, "audit", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    for option in ("--profile", "--region", "--stack", "--format", "--output", "--fail-on",
                   "--max-workers", "--unused-days", "--no-progress"):  # fmt: skip
        assert option in result.stdout


def test_progress_bar_only_on_long_runs() -> None:
    now = [0.0]
    stream = io.StringIO()
    throttled = [0]
    bar = ProgressBar(
        stream,
        enabled=True,
        delay=1.0,
        clock=lambda: now[0],
        width=10,
        throttles=lambda: throttled[0],
    )
    bar(1, 10)
    assert stream.getvalue() == ""  # a short run shows nothing
    now[0] = 2.0
    throttled[0] = 3
    bar(5, 10)  # 5 accounts in 2 s: 5 more take 2 s
    assert stream.getvalue() == ("\r\033[Kauditing [#####-----] 5/10 accounts, 3 throttled, ETA 2s")
    now[0] = 602.0
    bar(6, 1000)
    assert stream.getvalue().endswith("6/1000 accounts, 3 throttled, ETA 27h42m")
    bar.finish()
    assert stream.getvalue().endswith("\r\033[K")
    quiet = io.StringIO()
    disabled = ProgressBar(quiet, enabled=False, clock=lambda: 100.0)
    disabled(5, 10)
    assert quiet.getvalue() == ""


def test_the_real_command_over_http(fake: FakeAws, tmp_path: Path) -> None:
    """`rootguard audit` in its own process, against the fake organization on loopback.

    Every call is real HTTP, signed by the installed command's botocore; the fake answers
    AssumeRoot and the root-session reads too, so every check passes without --allow-unknown.
    """
    report = tmp_path / "audit.json"
    env = {**os.environ, "AWS_REGION": REGION}
    with fake.serve() as url:
        result = subprocess.run(
            [ROOTGUARD, "audit", "--endpoint-url", url, "--format", "json",
             "--output", str(report), "--no-progress"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, check=False,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(report.read_text())
    assert {f["status"] for f in document["findings"]} == {"pass"}
    assert document["run"]["memberAccounts"] == len(MEMBERS)
    # The subprocess's calls reached the fake, root sessions only with the audit task policy.
    assert fake.count("AssumeRoot") == len(MEMBERS)
    assert {c.root_task for c in fake.calls if c.root_task} == {"IAMAuditRootUserCredentials"}
