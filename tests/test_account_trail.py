"""OrgTrail without an organization id: a trail of the one account it is deployed in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rootguard import trail_policies
from rootguard.offline import Recording, Registration, run_program
from rootguard.offline.fake_aws import MANAGEMENT_ACCOUNT_ID, ORGANIZATION_ID
from rootguard.trail import OrgTrail
from tests.policy_checks import lint, privilege_problems

TRAIL = "aws:cloudtrail/trail:Trail"


@pytest.fixture(scope="module")
def account_trail() -> Recording:
    return run_program(lambda: OrgTrail("trail", {"name": "account-trail"}))


def one(recording: Recording, type_: str) -> Registration:
    (found,) = recording.of_type(type_)
    return found


def document(registration: Registration, key: str = "policy") -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(registration.inputs[key])
    return parsed


def test_is_not_an_organization_trail_but_keeps_every_other_safeguard(
    account_trail: Recording,
) -> None:
    trail = one(account_trail, TRAIL)
    assert trail.inputs["isOrganizationTrail"] is False
    for flag in ("isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation"):
        assert trail.inputs[flag] is True, flag
    assert trail.inputs["kmsKeyId"] == one(account_trail, "aws:kms/key:Key").outputs["arn"]


def test_bucket_policy_lets_cloudtrail_write_this_accounts_logs_only(
    account_trail: Recording,
) -> None:
    policy = document(one(account_trail, "aws:s3/bucketPolicy:BucketPolicy"))
    writes = [s for s in policy["Statement"] if s["Action"] == "s3:PutObject"]
    (write,) = writes
    assert write["Resource"].endswith(f"/AWSLogs/{MANAGEMENT_ACCOUNT_ID}/*")
    assert ORGANIZATION_ID not in json.dumps(policy)


def test_delivery_role_writes_this_accounts_log_streams_only(account_trail: Recording) -> None:
    policy = document(one(account_trail, "aws:iam/rolePolicy:RolePolicy"))
    (statement,) = policy["Statement"]
    (stream,) = statement["Resource"]
    assert f":log-stream:{MANAGEMENT_ACCOUNT_ID}_CloudTrail_us-east-1" in stream


def test_nothing_waits_for_an_organization(account_trail: Recording) -> None:
    assert all(r.type.split(":")[1] != "organizations" for r in account_trail)
    trail = one(account_trail, TRAIL)
    waited = {account_trail.by_urn(urn).type for urn in trail.dependencies}
    assert "aws:iam/rolePolicy:RolePolicy" in waited
    assert "aws:s3/bucketPolicy:BucketPolicy" in waited


@pytest.mark.parametrize("organization_id", [None, ORGANIZATION_ID])
def test_policies_with_and_without_an_organization_pass_the_linter(
    organization_id: str | None,
) -> None:
    bucket = trail_policies.bucket_policy(
        bucket_arn="arn:aws:s3:::trail-bucket",
        trail_arn="arn:aws:cloudtrail:us-east-1:111111111111:trail/t",
        account_id="111111111111",
        organization_id=organization_id,
        key_prefix="logs",
    )
    delivery = trail_policies.delivery_permissions_policy(
        log_group_arn="arn:aws:logs:us-east-1:111111111111:log-group:/t",
        account_id="111111111111",
        organization_id=organization_id,
        region="us-east-1",
    )
    assert lint(bucket, "resource") == []
    assert lint(delivery, "identity") == []
    trail = "arn:aws:cloudtrail:us-east-1:111111111111:trail/t"
    assert privilege_problems(bucket, trail_arn=trail) == []
    sids = [s["Sid"] for s in bucket["Statement"]]
    assert ("CloudTrailWriteOrganization" in sids) is (organization_id is not None)
    assert len(delivery["Statement"][0]["Resource"]) == (1 if organization_id is None else 2)
