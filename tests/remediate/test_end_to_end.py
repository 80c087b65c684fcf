"""`rootguard remediate` end to end against the shared fake organization, over HTTP.

The fake (tests/fakes) answers at botocore's HTTP layer, or from a loopback server, and
enforces each AssumeRoot session's task policy: a session opened with the audit task policy
gets AccessDenied on any delete. Its records say what reached "AWS": every request
(`fake.calls`) and every deletion (`fake.deleted`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rootguard.audit.aws import Clients
from rootguard.audit.collect import CollectOptions
from rootguard.audit.model import Status
from rootguard.audit.runner import run_audit
from rootguard.audit.settings import AuditSettings
from rootguard.cli import command_parser, main
from tests.fakes import MANAGEMENT, REGION, FakeAws, FakeOrganization

from .conftest import Terminal, remediate, writes

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "rootguard" / "remediate" / "evidence.schema.json").read_text())
AUDIT_TASK = "IAMAuditRootUserCredentials"
DELETE_TASK = "IAMDeleteRootUserCredentials"


def dirty(org: FakeOrganization) -> dict[str, set[tuple[str, str]]]:
    """Give two members every kind of root credential; the deletions --apply must make."""
    payments = org.give_root_credentials(
        "payments", password=True, access_keys=2, mfa_devices=1, hardware_mfa=1, certificates=1
    )
    sandbox = org.give_root_credentials("sandbox-1", access_keys=1)
    expected: dict[str, set[tuple[str, str]]] = {}
    for name, root in (("payments", payments), ("sandbox-1", sandbox)):
        made = {("AccessKey", k) for k in root.access_keys}
        made |= {("SigningCertificate", c) for c in root.certificates}
        made |= {("LoginProfile", "root")} if root.password else set()
        for serial, device in root.mfa_devices.items():
            made.add(("MFADeviceDeactivated", serial))
            if device.virtual:
                made.add(("VirtualMFADevice", serial))
        expected[org.account_id(name)] = made
    return expected


def deleted(fake: FakeAws) -> dict[str, set[tuple[str, str]]]:
    by_account: dict[str, set[tuple[str, str]]] = {}
    for record in fake.deleted:
        by_account.setdefault(record.account, set()).add((record.kind, record.id))
    return by_account


def evidence(path: Path) -> dict[str, object]:
    document: dict[str, object] = json.loads(path.read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    return document


def test_dry_run_reads_only_and_reports_what_it_would_delete(
    org: FakeOrganization, fake: FakeAws, served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dirty(org)

    run = remediate(fake, capsys, "--all", endpoint_url=served)

    assert run.code == 1  # credentials are left: a dry run never says "done"
    assert writes(fake) == [] and fake.deleted == []
    # AWS itself would refuse a change: every session had the read-only audit task policy.
    assert {c.root_task for c in fake.calls if c.root_task} == {AUDIT_TASK}
    payments = org.account_id("payments")
    assert f"{payments}  found" in run.out
    assert "access-key AKIA" in run.out and "last used" in run.out
    assert "login-profile password" in run.out and "virtual" in run.out
    assert "7 credential(s) left in 2 account(s); --apply deletes them: exit 1" in run.out


def test_apply_deletes_exactly_what_exists_and_nothing_in_clean_accounts(
    org: FakeOrganization, fake: FakeAws, served: str, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    expected = dirty(org)
    target = tmp_path / "evidence" / "remediate.json"

    run = remediate(
        fake, capsys, "--all", "--apply", "--yes", "--format", "json", "--output", str(target),
        endpoint_url=served,
    )  # fmt: skip

    assert run.code == 0 and run.out == ""
    assert deleted(fake) == expected
    clean = {a.id for a in org.members} - set(expected)
    assert [c for c in writes(fake) if c.account in clean] == []
    document = evidence(target)
    accounts = {a["accountId"]: a for a in document["accounts"]}  # type: ignore[attr-defined]
    assert {i for i, a in accounts.items() if a["outcome"] == "remediated"} == set(expected)
    assert {i for i, a in accounts.items() if a["outcome"] == "clean"} == clean
    payments = accounts[org.account_id("payments")]
    assert len(payments["deleted"]) == 6 and payments["remaining"] == []
    assert all(call["requestId"] for call in payments["calls"])
    assert any(c["operation"] == "DeleteVirtualMFADevice" for c in payments["calls"])
    assert document["run"]["callerArn"] == org.caller_arn  # type: ignore[index]
    assert document["run"]["taskPolicyArn"].endswith(DELETE_TASK)  # type: ignore[index]
    assert list(target.parent.iterdir()) == [target]  # atomic: no temporary file left


def test_a_second_apply_changes_nothing(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    dirty(org)
    assert remediate(fake, capsys, "--all", "--apply", "--yes").code == 0
    fake.reset_records()

    again = remediate(fake, capsys, "--all", "--apply", "--yes")

    assert again.code == 0
    assert writes(fake) == [] and fake.deleted == []
    assert "no root credentials left in the selected accounts: exit 0" in again.out


def test_the_audit_passes_member_root_checks_afterwards(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    dirty(org)

    def member_root_failures() -> dict[tuple[str, str], str]:
        clients = Clients(None, REGION, max_workers=1, on_new_client=fake.attach)
        findings = run_audit(
            clients, CollectOptions(max_workers=1), AuditSettings(), sleep=lambda _: None
        ).findings
        return {
            (f.check_id, f.account_id): f.remediation
            for f in findings
            if f.check_id.startswith("MEMBER-ROOT-") and f.status is not Status.PASS
        }

    before = member_root_failures()
    assert {check for check, _ in before} == {
        "MEMBER-ROOT-PASSWORD", "MEMBER-ROOT-KEYS", "MEMBER-ROOT-MFA", "MEMBER-ROOT-CERTS",
    }  # fmt: skip
    # Each failure names the exact command that fixes it, and that command is valid.
    parser = command_parser("remediate")
    for (_, account), remediation in before.items():
        command = f"rootguard remediate --account {account} --apply"
        assert command in remediation
        assert parser.parse_args(command.split()[2:]).account == [account]
    assert remediate(fake, capsys, "--all", "--apply", "--yes").code == 0
    assert member_root_failures() == {}


@pytest.mark.parametrize("selector", ["management", MANAGEMENT])
def test_the_management_account_is_refused_by_name_and_by_id(
    fake: FakeAws, capsys: pytest.CaptureFixture[str], selector: str
) -> None:
    run = remediate(fake, capsys, "--account", selector, "--apply", "--yes")

    assert run.code == 2 and run.out == ""
    assert run.err.count("\n") == 1
    assert f"{MANAGEMENT} is the management account; rootguard remediate never touches it" in (
        run.err
    )
    assert fake.count("AssumeRoot") == 0


def test_all_and_ou_never_include_the_management_account(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    run = remediate(fake, capsys, "--all", "--format", "json")

    document = json.loads(run.out)
    assert MANAGEMENT not in {a["accountId"] for a in document["accounts"]}
    assert {c.account for c in fake.calls if c.operation == "AssumeRoot"} == {
        a.id for a in org.members
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account", "999999999999"], "999999999999 is not a member of organization"),
        (["--account", "payment"], "did you mean 'payments'?"),
        (["--ou", "Workloads/Prd"], "did you mean 'Workloads/Prod'?"),
        ([], "choose the accounts: --account ID|NAME"),
        (["--all", "--account", "payments"], "--all: selects every member account"),
        (["--yes", "--all"], "--yes: only means something with --apply"),
    ],
)
def test_bad_selections_are_one_line_and_touch_nothing(
    fake: FakeAws, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    run = remediate(fake, capsys, *args)

    assert run.code == 2
    assert message in run.err and run.err.count("\n") == 1
    assert fake.count("AssumeRoot") == 0


def test_an_ou_selects_its_accounts_at_any_depth(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    run = remediate(fake, capsys, "--ou", "Workloads", "--format", "json")

    selected = {a["accountId"] for a in json.loads(run.out)["accounts"]}
    assert selected == {org.account_id("payments"), org.account_id("payments-nonprod")}


def test_partial_failure_is_reported_and_the_others_go_on(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = dirty(org)
    org.give_root_credentials("audit", access_keys=1)
    org.deny_assume_root("audit")  # an SCP denies AssumeRoot there
    payments = org.account_id("payments")
    fake.inject("access_denied", "DeleteSigningCertificate", account=payments)

    run = remediate(fake, capsys, "--all", "--apply", "--yes", "--format", "json")

    assert run.code == 1
    document = json.loads(run.out)
    accounts = {a["accountId"]: a for a in document["accounts"]}
    denied = accounts[org.account_id("audit")]
    assert denied["outcome"] == "failed"
    assert denied["failures"][0].startswith("AccessDenied on sts:AssumeRoot")
    assert accounts[payments]["outcome"] == "failed"
    assert [f.split(":")[0] for f in accounts[payments]["failures"]] == ["AccessDenied on iam"]
    assert [c["kind"] for c in accounts[payments]["remaining"]] == ["signing-certificate"]
    # Everything else in payments, and the other account, was still deleted.
    sandbox = org.account_id("sandbox-1")
    assert deleted(fake)[sandbox] == expected[sandbox]
    assert deleted(fake)[payments] == {
        d for d in expected[payments] if d[0] != "SigningCertificate"
    }
    assert document["summary"]["byOutcome"]["failed"] == 2


def test_throttling_is_retried_adaptively(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    """Throttling answered at the HTTP layer, after botocore sent the request: the adaptive
    retry mode backs off and the run still finishes."""
    expected = dirty(org)
    payments = org.account_id("payments")
    fake.inject("throttle", "AssumeRoot", account=payments, times=2)
    fake.inject("throttle", "DeleteAccessKey", account=payments, times=3)

    run = remediate(fake, capsys, "--all", "--apply", "--yes", "--format", "json")

    assert run.code == 0
    assert deleted(fake) == expected
    assert fake.throttled == 5
    account = next(a for a in json.loads(run.out)["accounts"] if a["accountId"] == payments)
    retries: dict[str, int] = {}
    for call in account["calls"]:
        retries[call["operation"]] = retries.get(call["operation"], 0) + call["retries"]
    assert retries["AssumeRoot"] == 2 and retries["DeleteAccessKey"] == 3


def test_an_account_that_times_out_is_reported_and_the_others_go_on(
    org: FakeOrganization, fake: FakeAws
) -> None:
    from rootguard.remediate.guard import RemediationGuard
    from rootguard.remediate.runner import Request, run_remediation

    expected = dirty(org)
    payments = org.account_id("payments")
    fake.inject("timeout", "AssumeRoot", account=payments)
    guard = RemediationGuard(apply=True)
    clients = Clients(
        None,
        REGION,
        max_workers=2,
        max_attempts=2,
        on_new_client=lambda client, scope: (guard.install(client, scope), fake.attach(client)),
        guard=lambda client, scope: None,
    )

    result = run_remediation(clients, guard, Request(everything=True, apply=True, max_workers=2))

    outcomes = {a.account_id: a for a in result.accounts}
    assert outcomes[payments].failures[0].startswith("ReadTimeoutError on sts:AssumeRoot")
    sandbox = org.account_id("sandbox-1")
    assert deleted(fake) == {sandbox: expected[sandbox]}


def test_apply_without_a_terminal_needs_yes(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    dirty(org)

    run = remediate(fake, capsys, "--all", "--apply")

    assert run.code == 2
    assert "--apply: no terminal to confirm on" in run.err and run.err.count("\n") == 1
    assert fake.calls == []


@pytest.mark.parametrize(("answer", "code"), [("no\n", 1), ("yes\n", 0)])
def test_the_prompt_shows_the_counts_and_deletes_only_on_yes(
    org: FakeOrganization,
    fake: FakeAws,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    code: int,
) -> None:
    expected = dirty(org)

    run = remediate(fake, capsys, "--all", "--apply", stdin=Terminal(answer))

    assert "Delete 7 root credential(s) in 2 member account(s)?" in run.err
    assert run.code == code
    assert deleted(fake) == (expected if answer == "yes\n" else {})
    if answer == "no\n":  # nothing but read sessions ran, and the evidence says so
        assert {c.root_task for c in fake.calls if c.root_task} == {AUDIT_TASK}
        assert "left in 2 account(s); --apply deletes them: exit 1" in run.out


def test_a_suspended_account_is_skipped_without_a_session(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    org.account("audit").state = "SUSPENDED"

    run = remediate(fake, capsys, "--all", "--apply", "--yes", "--format", "json")

    assert run.code == 0
    accounts = {a["accountId"]: a for a in json.loads(run.out)["accounts"]}
    suspended = accounts[org.account_id("audit")]
    assert (suspended["outcome"], suspended["skipped"]) == ("skipped", "account is SUSPENDED")
    assert fake.count("AssumeRoot", account=org.account_id("audit")) == 0


def test_a_stack_resolves_declared_names_and_its_region(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The stack file's declared name -> id wins (a live account may have been renamed)."""
    payments = org.account("payments")
    organization = {
        "organizationalUnits": [{"path": ou.path, "id": ou.id} for ou in org.ous.values()],
        "accounts": [
            {"name": "pay", "email": payments.email, "ou": "Workloads/Prod", "id": payments.id}
        ],
    }
    (tmp_path / "Pulumi.test.yaml").write_text(
        json.dumps(
            {
                "config": {
                    "aws:region": REGION,
                    "rootguard:organization": organization,
                    "rootguard:alarms": {"email": ["security@example.com"]},
                }
            }
        )
    )
    out = io.StringIO()
    code = main(
        ["remediate", "--stack", "test", "--stacks-dir", str(tmp_path), "--account", "pay",
         "--no-progress", "--format", "json"],
        stdout=out, stdin=io.StringIO(), on_new_client=fake.attach,
    )  # fmt: skip

    assert code == 0, capsys.readouterr().err
    document = json.loads(out.getvalue())
    assert [a["accountId"] for a in document["accounts"]] == [payments.id]
    assert (document["run"]["stack"], document["run"]["region"]) == ("test", REGION)


def test_the_task_policy_is_the_caller_s_partition(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    org.caller_arn = f"arn:aws-us-gov:sts::{MANAGEMENT}:assumed-role/Remediate/ci"

    run = remediate(fake, capsys, "--account", "payments", "--apply", "--yes", "--format", "json")

    assert run.code == 0, run.err
    document = json.loads(run.out)
    assert document["run"]["partition"] == "aws-us-gov"
    assert document["run"]["taskPolicyArn"] == (
        "arn:aws-us-gov:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"
    )
    assigned = [c.params["TaskPolicyArn"] for c in fake.calls if c.operation == "AssumeRoot"]
    assert assigned == [{"arn": document["run"]["taskPolicyArn"]}]


def test_ctrl_c_keeps_the_evidence_of_what_was_done(
    org: FakeOrganization,
    fake: FakeAws,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from rootguard.remediate import runner

    expected = dirty(org)
    stop_at = org.account_id("sandbox-1")
    real = runner.remediate_member

    def interrupted(clients: Clients, account: Any, *args: Any, **kwargs: Any) -> Any:
        if account.id == stop_at:
            raise KeyboardInterrupt
        return real(clients, account, *args, **kwargs)

    monkeypatch.setattr(runner, "remediate_member", interrupted)
    target = tmp_path / "evidence.json"

    run = remediate(
        fake, capsys, "--all", "--apply", "--yes", "--max-workers", "1", "--format", "json",
        "--output", str(target),
    )  # fmt: skip

    assert run.code == 1
    accounts = {a["accountId"]: a for a in evidence(target)["accounts"]}  # type: ignore[attr-defined]
    assert len(accounts) == len(org.members)
    assert accounts[stop_at]["outcome"] == "failed"
    assert accounts[stop_at]["failures"][0].startswith("interrupted (Ctrl-C)")
    payments = org.account_id("payments")  # handled before sandbox-1 (one worker, id order)
    assert accounts[payments]["outcome"] == "remediated"
    assert deleted(fake)[payments] == expected[payments]
    session = next(c for c in accounts[payments]["calls"] if c["operation"] == "AssumeRoot")
    assert session["target"].endswith("/IAMDeleteRootUserCredentials")


def test_the_job_summary_lists_the_accounts_that_had_credentials(
    org: FakeOrganization, fake: FakeAws, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from rootguard.remediate.summary import main as summary

    dirty(org)
    org.deny_assume_root("audit")
    target = tmp_path / "dry-run.json"
    remediate(fake, capsys, "--all", "--format", "json", "--output", str(target))

    assert summary([str(target)]) == 0
    text = capsys.readouterr().out
    members = {a.id for a in org.members}
    rows = [line for line in text.splitlines() if line[2:14] in members]
    assert {row.split(" | ")[1] for row in rows} == {"payments", "sandbox-1", "audit"}
    assert "| failed | 0 | 0 | AccessDenied on sts:AssumeRoot" in text
    assert "2 account(s) clean (not listed)." in text
