"""`--ou PATH` and `--account ID|NAME`: only the accounts in scope are read and reported."""

from __future__ import annotations

import json

import pytest

from rootguard.audit.collect import CollectOptions
from rootguard.audit.errors import AuditError
from rootguard.audit.runner import run_audit
from rootguard.audit.scope import ScopeRequest
from rootguard.audit.settings import AuditSettings
from rootguard.config.stack_file import load_stack_config
from tests.fakes import MANAGEMENT, FakeAws, FakeOrganization

from .conftest import audit_clients
from .test_cli import run_cli

ORGANIZATION_LEVEL = {
    "ROOT-MFA",
    "ROOT-HW-MFA",
    "ROOT-NO-KEYS",
    "ROOT-UNUSED",
    "ROOT-ACCESS-CENTRALIZED",
    "PASSWORD-POLICY",
    "CONTACT-PRIMARY",
    "TRAIL-ORG",
}


def scoped(fake: FakeAws, *args: str) -> tuple[int, list[dict[str, object]]]:
    code, out = run_cli(fake, "--format", "json", *args)
    return code, json.loads(out)["findings"] if out else []


def members_read(fake: FakeAws) -> set[str]:
    """The member accounts the audit made calls about (AssumeRoot, root reads, contacts)."""
    return {c.account for c in fake.calls if c.account and c.account != MANAGEMENT}


def test_one_account_by_name(org: FakeOrganization, fake: FakeAws) -> None:
    payments = org.account_id("payments")
    code, findings = scoped(fake, "--account", "payments")
    assert code == 0
    assert members_read(fake) == {payments}
    assert {f["accountId"] for f in findings} == {MANAGEMENT, payments}
    assert {f["checkId"] for f in findings} >= ORGANIZATION_LEVEL
    # SCPs are judged for the account, not for OUs or the root it is not.
    scp_targets = {f["resource"] for f in findings if f["checkId"] == "SCP-DENY-ROOT"}
    assert scp_targets == {payments}
    assert {f["resource"] for f in findings if f["checkId"] == "MEMBER-ROOT-KEYS"} == {
        f"arn:aws:iam::{payments}:root"
    }


def test_an_ou_brings_its_sub_ous(org: FakeOrganization, fake: FakeAws) -> None:
    code, findings = scoped(fake, "--ou", "Workloads")
    assert code == 0
    expected = {org.account_id("payments"), org.account_id("payments-nonprod")}
    assert members_read(fake) == expected
    scp_targets = {f["resource"] for f in findings if f["checkId"] == "SCP-DENY-ROOT"}
    assert scp_targets == {
        org.ou_id("Workloads"),
        org.ou_id("Workloads/Prod"),
        org.ou_id("Workloads/NonProd"),
        *expected,
    }


def test_account_id_and_ou_are_a_union(org: FakeOrganization, fake: FakeAws) -> None:
    audit_id = org.account_id("audit")
    code, _ = scoped(fake, "--ou", "Sandbox/", "--account", audit_id)
    assert code == 0
    assert members_read(fake) == {audit_id, org.account_id("sandbox-1")}


def test_a_failure_out_of_scope_does_not_count(org: FakeOrganization, fake: FakeAws) -> None:
    org.deny_assume_root("sandbox-1")
    assert scoped(fake, "--account", "payments")[0] == 0
    assert scoped(fake, "--account", "sandbox-1")[0] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ou", "Workload"], "--ou 'Workload': no OU at that path in the organization; "
         "did you mean 'Workloads'?"),
        (["--account", "paymnts"], "--account 'paymnts': no account with that id or name in "
         "the organization; did you mean 'payments'?"),
        (["--account", "999999999999"], "--account 999999999999: no account with that id"),
    ],
)  # fmt: skip
def test_unknown_names_are_one_line_before_any_member_is_read(
    fake: FakeAws, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _ = run_cli(fake, *args)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and message in err[0]
    assert members_read(fake) == set()


@pytest.mark.parametrize("args", [["--ou", ""], ["--ou", "a//b"], ["--account", " "]])
def test_malformed_values_are_usage_errors(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, _ = run_cli(None, *args)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and args[0] in err[0]


def test_a_name_the_stack_declares_but_the_organization_lacks(fake: FakeAws) -> None:
    config = load_stack_config("prod")
    live = {a.name for a in fake.org.members}
    (declared,) = sorted(config.organization.account_names - live - {"management"})
    with pytest.raises(AuditError, match="declared in the stack but not in the live organization"):
        run_audit(
            audit_clients(fake),
            CollectOptions(max_workers=1, report_timeout=5),
            AuditSettings(),
            config=config,
            sleep=lambda _: None,
            scope=ScopeRequest(accounts=(declared,)),
        )
    assert members_read(fake) == set()
