"""`--format asff` and `--to-security-hub`: findings Security Hub accepts, sent in batches.

Validated twice: against a JSON schema of ASFF's documented required attributes
(tests/schemas/asff-required.schema.json) and by botocore's own parameter validation of
BatchImportFindings, which checks every member, type, required field and minimum length of
the service model. The sending is tested against moto's Security Hub.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import jsonschema
import pytest
from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.validate import ParamValidator
from moto import mock_aws

from rootguard.audit.model import Status
from rootguard.audit.readonly import ReadOnlyViolation, check_operation
from rootguard.audit.report import asff
from rootguard.audit.securityhub import (
    MAX_FINDINGS_PER_BATCH,
    batches,
    importer,
    send,
)
from rootguard.cli import main
from tests.fakes import REGION, FakeAws, FakeOrganization

from .test_reports import report

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "asff-required.schema.json").read_text()
)


def validate(findings: list[dict[str, Any]]) -> None:
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(findings)
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    for batch in batches(findings):
        problems = ParamValidator().validate({"Findings": batch}, shape)
        assert not problems.has_errors(), problems.generate_report()


@pytest.mark.parametrize("secure", [True, False])
def test_asff_is_valid(secure: bool) -> None:
    findings = json.loads(asff.render(report(secure=secure)))
    assert findings
    validate(findings)


def test_an_invalid_finding_is_caught_by_both_validators() -> None:
    finding = json.loads(asff.render(report()))[0]
    for broken in (
        {k: v for k, v in finding.items() if k != "Resources"},
        {**finding, "Resources": "not a list"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.Draft202012Validator(SCHEMA).validate([broken])
        shape = (
            botocore.session.get_session()
            .get_service_model("securityhub")
            .operation_model("BatchImportFindings")
            .input_shape
        )
        assert ParamValidator().validate({"Findings": [broken]}, shape).has_errors()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate([{**finding, "Title": "x" * 257}])


def test_a_failed_finding_carries_its_compliance_and_member_account() -> None:
    rendered = report()
    by_check = {f["GeneratorId"]: f for f in asff.asff_findings(rendered)}
    mfa = by_check["rootguard-audit/ROOT-MFA"]
    assert mfa["Compliance"] == {
        "Status": "FAILED",
        "RelatedRequirements": [
            "CIS AWS Foundations Benchmark v1.4.0/1.5",
            "CIS AWS Foundations Benchmark v3.0.0/1.5",
            "CIS AWS Foundations Benchmark v7.0.0/2.5",
        ],
    }
    assert mfa["ProductFields"]["rootguard/SecurityHubControls"] == "IAM.9"
    assert mfa["Severity"] == {"Label": "CRITICAL", "Original": "critical"}
    assert mfa["FindingProviderFields"]["Severity"] == mfa["Severity"]
    assert mfa["Types"] == [asff.CIS_TYPE]
    assert mfa["AwsAccountId"] == rendered.run.management_account_id
    assert mfa["ProductArn"] == (
        "arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default"
    )
    # A member account's finding is filed under the management account (Security Hub
    # accepts only the caller's own findings) and names the member in its resources.
    member = next(f for f in by_check.values() if f["GeneratorId"].endswith("MEMBER-ROOT-KEYS"))
    member_id = member["ProductFields"]["rootguard/AccountId"]
    assert member["AwsAccountId"] == rendered.run.management_account_id != member_id
    assert {"Type": "AwsAccount", "Id": f"AWS::::Account:{member_id}"}.items() <= (
        member["Resources"][-1].items()
    )


def test_statuses_and_ids() -> None:
    rendered = report()
    findings = asff.asff_findings(rendered)
    by_status = {f.status: asff.asff_finding(rendered, f) for f in rendered.findings}
    assert by_status[Status.PASS]["Compliance"]["Status"] == "PASSED"
    assert by_status[Status.PASS]["Severity"]["Label"] == "INFORMATIONAL"
    assert by_status[Status.UNKNOWN]["Compliance"]["Status"] == "WARNING"
    ids = [f["Id"] for f in findings]
    assert len(set(ids)) == len(ids)  # one finding per (check, account, resource)
    # Stable across runs: a later run updates the same findings.
    later = replace(rendered, run=replace(rendered.run, finished_at=rendered.run.finished_at))
    assert [f["Id"] for f in asff.asff_findings(later)] == ids


def test_govcloud_findings_use_the_partition() -> None:
    rendered = report()
    gov = replace(
        rendered,
        run=replace(rendered.run, caller_arn="arn:aws-us-gov:sts::111111111111:assumed-role/A/b"),
    )
    findings = asff.asff_findings(gov)
    assert all(f["ProductArn"].startswith("arn:aws-us-gov:securityhub:") for f in findings)
    assert {r["Partition"] for f in findings for r in f["Resources"]} == {"aws-us-gov"}


# --- batching and sending --------------------------------------------------------------------


def many(count: int, size: int = 0) -> list[dict[str, Any]]:
    base = json.loads(asff.render(report()))[0]
    return [{**base, "Id": f"f-{i}", "Description": "x" * (size or 10)} for i in range(count)]


def test_batches_respect_the_count_limit() -> None:
    sizes = [len(b) for b in batches(many(250))]
    assert sizes == [100, 100, 50]
    assert MAX_FINDINGS_PER_BATCH == 100


def test_batches_respect_the_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    import rootguard.audit.securityhub as securityhub

    # Scaled down: a batch holds two of these findings, and one finding is over the limit.
    findings = many(3, size=800) + many(1, size=3000)
    one = len(json.dumps(findings[0], separators=(",", ":")).encode())
    monkeypatch.setattr(securityhub, "MAX_BATCH_BYTES", 2 * one + 50)
    monkeypatch.setattr(securityhub, "MAX_FINDING_BYTES", one + 100)
    assert [len(b) for b in batches(findings)] == [2, 1]
    result = send(_NeverCalled(), [findings[-1]])
    assert result.failures and "240 KB" in result.failures[0] and not result.ok


class _NeverCalled:
    def batch_import_findings(self, **_: Any) -> Any:
        raise AssertionError("a finding over the limit was sent")


class SecurityHubWire:
    """Security Hub's BatchImportFindings at botocore's HTTP layer (restJson1, POST
    /findings/import): the request went through serialization, signing and retries."""

    def __init__(self, error: tuple[int, str, str] | None = None) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.error = error

    def attach(self, client: Any) -> None:
        client.meta.events.register_first("before-send", self._answer)

    def _answer(self, request: Any, **_: Any) -> AWSResponse:
        assert request.method == "POST" and request.url.endswith("/findings/import")
        assert "Authorization" in request.headers  # signed like any AWS call
        code = ""
        if self.error:
            status, code, message = self.error
            body: dict[str, Any] = {"__type": code, "Message": message}
        else:
            findings = json.loads(request.body)["Findings"]
            self.batches.append(findings)
            status = 200
            body = {"FailedCount": 0, "SuccessCount": len(findings), "FailedFindings": []}
        headers = HeadersDict({"Content-Type": "application/json", "x-amzn-ErrorType": code})
        return AWSResponse(request.url, status, headers, _Body(json.dumps(body).encode()))


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data

    def read(self, *_: Any) -> bytes:
        return self._data


def run_with_hub(fake: FakeAws, hub: SecurityHubWire, *args: str) -> tuple[int, str]:
    out = io.StringIO()

    def hook(client: Any, scope: Any) -> None:
        (hub.attach if scope.service == "securityhub" else fake.attach)(client)

    code = main(
        ["audit", "--max-workers", "1", "--no-progress", *args], stdout=out, on_new_client=hook
    )
    return code, out.getvalue()


def test_to_security_hub_imports_every_finding_in_batches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hub = SecurityHubWire()
    fake = FakeAws(FakeOrganization.secure(members=12, ous=3))
    code, out = run_with_hub(fake, hub, "--format", "asff", "--to-security-hub")
    assert code == 0
    written = json.loads(out)
    assert len(written) > 100  # the secure organization makes several batches' worth
    assert [len(b) for b in hub.batches] == [100] * (len(written) // 100) + (
        [len(written) % 100] if len(written) % 100 else []
    )
    assert [f for batch in hub.batches for f in batch] == written
    validate(written)
    assert f"imported {len(written)} findings into Security Hub" in capsys.readouterr().err


def test_moto_security_hub_stores_what_is_sent() -> None:
    findings = many(120)
    with mock_aws():
        result = send(importer(None, REGION), findings)
        assert result.ok and result.imported == 120 and result.batches == 2
        stored = boto3.client("securityhub", region_name=REGION).get_findings(MaxResults=100)
        ids = [f["Id"] for f in stored["Findings"]]
        assert len(ids) == 100 and set(ids) <= {f["Id"] for f in findings}


def test_without_the_flag_nothing_is_sent(fake: FakeAws) -> None:
    hub = SecurityHubWire()
    assert run_with_hub(fake, hub, "--format", "asff")[0] == 0
    assert hub.batches == []


def test_a_refused_import_is_one_line_and_exit_2(
    fake: FakeAws, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = SecurityHubWire(error=(403, "AccessDeniedException", "Security Hub is not enabled"))
    code, _ = run_with_hub(fake, hub, "--to-security-hub")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1
    assert "AccessDeniedException on securityhub:BatchImportFindings" in err[0]
    assert "the report itself was written" in err[0]


def test_the_import_client_can_do_nothing_else() -> None:
    client = importer(None, REGION)
    with pytest.raises(ReadOnlyViolation, match="may only BatchImportFindings"):
        client.get_findings()
    with pytest.raises(ReadOnlyViolation, match="may only BatchImportFindings"):
        client.disable_security_hub()


def test_the_audits_own_clients_refuse_the_import() -> None:
    with pytest.raises(ReadOnlyViolation, match="BatchImportFindings refused"):
        check_operation("BatchImportFindings", {"Findings": []})
