"""OrgTrail under the offline engine: wiring, storage settings, policies and protection."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from rootguard import trail_policies
from rootguard.config.trail import TrailConfig
from rootguard.offline import Recording, Registration, run_program
from rootguard.offline.fake_aws import MANAGEMENT_ACCOUNT_ID, ORGANIZATION_ID
from rootguard.trail import OrgTrail
from tests.conftest import plain_args

KEY_ARN = "arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def run_trail(raw: dict[str, Any] | None = None, *, trusted_access: bool = True) -> Recording:
    def program() -> None:
        # The organization id as the Organization component gives it: an output of the
        # organization created here (which enables trusted access), or a looked-up string.
        organization_id = (
            aws.organizations.Organization("org", feature_set="ALL").id
            if trusted_access
            else ORGANIZATION_ID
        )
        trail = OrgTrail(
            "trail", plain_args(TrailConfig, raw or {}, organization_id=organization_id)
        )
        pulumi.export("trail_arn", trail.trail_arn)
        pulumi.export("bucket_name", trail.bucket_name)
        pulumi.export("log_group_name", trail.log_group_name)

    return run_program(program)


def one(recording: Recording, type_: str) -> Registration:
    (found,) = recording.of_type(type_)
    return found


def policy(registration: Registration, key: str = "policy") -> dict[str, Any]:
    document: dict[str, Any] = json.loads(registration.inputs[key])
    return document


def sid(document: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in document["Statement"] if s["Sid"] == name]
    return found


@pytest.fixture(scope="module")
def default() -> Recording:
    return run_trail()


def test_trail_is_an_organization_trail_with_every_safeguard(default: Recording) -> None:
    trail = one(default, "aws:cloudtrail/trail:Trail")
    assert trail.inputs["name"] == "rootguard-organization-trail"
    for flag in (
        "isOrganizationTrail",
        "isMultiRegionTrail",
        "includeGlobalServiceEvents",
        "enableLogFileValidation",
        "enableLogging",
    ):
        assert trail.inputs[flag] is True, flag
    assert trail.inputs["eventSelectors"] == [
        {"readWriteType": "All", "includeManagementEvents": True}
    ]


def test_trail_uses_the_bucket_key_and_log_group_made_here(default: Recording) -> None:
    trail = one(default, "aws:cloudtrail/trail:Trail")
    bucket = one(default, "aws:s3/bucket:Bucket")
    key = one(default, "aws:kms/key:Key")
    log_group = one(default, "aws:cloudwatch/logGroup:LogGroup")
    role = one(default, "aws:iam/role:Role")
    assert trail.inputs["s3BucketName"] == bucket.outputs["bucket"]
    assert trail.inputs["kmsKeyId"] == key.outputs["arn"]
    assert trail.inputs["cloudWatchLogsGroupArn"] == f"{log_group.outputs['arn']}:*"
    assert trail.inputs["cloudWatchLogsRoleArn"] == role.outputs["arn"]
    assert log_group.inputs["kmsKeyId"] == key.outputs["arn"]
    assert {bucket.urn, key.urn, log_group.urn, role.urn} <= trail.depends_on
    assert default.exports["bucket_name"] == bucket.outputs["bucket"]
    assert default.exports["log_group_name"] == log_group.outputs["name"]
    assert default.exports["trail_arn"] == trail.outputs["arn"]


def test_trail_waits_for_policies_and_trusted_access(default: Recording) -> None:
    trail = one(default, "aws:cloudtrail/trail:Trail")
    waits_for = {default.by_urn(urn).type for urn in trail.depends_on}
    assert {
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:organizations/organization:Organization",
    } <= waits_for


def test_bucket_is_locked_down(default: Recording) -> None:
    bucket = one(default, "aws:s3/bucket:Bucket")
    key = one(default, "aws:kms/key:Key")
    bucket_id = bucket.id

    def on_bucket(type_: str) -> dict[str, Any]:
        registration = one(default, type_)
        assert registration.inputs["bucket"] == bucket_id
        return registration.inputs

    assert on_bucket("aws:s3/bucketVersioning:BucketVersioning")["versioningConfiguration"] == {
        "status": "Enabled"
    }
    encryption = on_bucket(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    assert encryption["rules"] == [
        {
            "applyServerSideEncryptionByDefault": {
                "sseAlgorithm": "aws:kms",
                "kmsMasterKeyId": key.outputs["arn"],
            },
            "bucketKeyEnabled": True,
        }
    ]
    public_access = on_bucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    for flag in (
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ):
        assert public_access[flag] is True, flag
    ownership = on_bucket("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    (rule,) = on_bucket("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"]
    assert rule["status"] == "Enabled"
    assert rule["expiration"] == {"days": 365}
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 30}
    assert not default.of_type("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    assert not default.of_type("aws:s3/bucketLogging:BucketLogging")


def test_bucket_and_keys_are_protected_and_never_force_destroyed(default: Recording) -> None:
    bucket = one(default, "aws:s3/bucket:Bucket")
    key = one(default, "aws:kms/key:Key")
    assert bucket.protect and key.protect
    assert bucket.inputs.get("forceDestroy") is False
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30


def test_bucket_policy_is_scoped_to_the_real_trail(default: Recording) -> None:
    trail = one(default, "aws:cloudtrail/trail:Trail")
    bucket = one(default, "aws:s3/bucket:Bucket")
    document = policy(one(default, "aws:s3/bucketPolicy:BucketPolicy"))
    assert document == trail_policies.bucket_policy(
        bucket_arn=bucket.outputs["arn"],
        trail_arn=trail.outputs["arn"],
        account_id=MANAGEMENT_ACCOUNT_ID,
        organization_id=ORGANIZATION_ID,
        key_prefix=None,
    )


def test_key_and_role_policies_name_the_real_trail_and_log_group(default: Recording) -> None:
    trail_arn = one(default, "aws:cloudtrail/trail:Trail").outputs["arn"]
    log_group_arn = one(default, "aws:cloudwatch/logGroup:LogGroup").outputs["arn"]
    key_policy = policy(one(default, "aws:kms/key:Key"))
    encrypt = sid(key_policy, "CloudTrailEncryptsThisTrail")["Condition"]["StringEquals"]
    assert encrypt["aws:SourceArn"] == trail_arn
    assert encrypt["kms:EncryptionContext:aws:cloudtrail:arn"] == trail_arn
    logs = sid(key_policy, "CloudWatchLogsEncryptsTrailLogGroup")["Condition"]["StringEquals"]
    assert logs["kms:EncryptionContext:aws:logs:arn"] == log_group_arn

    role = one(default, "aws:iam/role:Role")
    trust = policy(role, "assumeRolePolicy")["Statement"][0]["Condition"]["StringEquals"]
    assert trust == {"aws:SourceArn": trail_arn, "aws:SourceAccount": MANAGEMENT_ACCOUNT_ID}
    role_policy = one(default, "aws:iam/rolePolicy:RolePolicy")
    assert role_policy.inputs["role"] == role.id
    (write,) = policy(role_policy)["Statement"]
    assert all(
        resource.startswith(f"{log_group_arn}:log-stream:") for resource in write["Resource"]
    )


def test_log_group_settings(default: Recording) -> None:
    log_group = one(default, "aws:cloudwatch/logGroup:LogGroup")
    assert log_group.inputs["name"] == "/rootguard/cloudtrail/rootguard-organization-trail"
    assert log_group.inputs["retentionInDays"] == 365


def test_component_registers_its_outputs(default: Recording) -> None:
    component = one(default, "rootguard:index:OrgTrail")
    assert set(default.component_outputs[component.urn]) == {
        "trail_arn",
        "bucket_name",
        "log_group_name",
        "log_group_arn",
        "kms_key_arn",
    }
    children = {r.type for r in default.children(component)}
    assert "aws:cloudtrail/trail:Trail" in children and "aws:s3/bucket:Bucket" in children


def test_configured_storage_settings() -> None:
    recording = run_trail(
        {
            "name": "org-trail",
            "s3KeyPrefix": "cloudtrail",
            "bucket": {
                "name": "example-org-trail",
                "retentionDays": 2557,
                "noncurrentVersionDays": 90,
                "objectLock": {"days": 365},
                "accessLogging": {"targetBucket": "example-access-logs", "targetPrefix": "trail"},
            },
            "logGroup": {"name": "/org/trail", "retentionDays": 400},
            "kms": {
                "readers": ["arn:aws:iam::123456789012:role/Auditor"],
                "deletionWindowDays": 14,
            },
        }
    )
    bucket = one(recording, "aws:s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == "example-org-trail"
    assert bucket.inputs["objectLockEnabled"] is True
    lock = one(recording, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    assert lock.inputs["bucket"] == bucket.id
    assert lock.inputs["rule"] == {"defaultRetention": {"mode": "COMPLIANCE", "days": 365}}
    logging = one(recording, "aws:s3/bucketLogging:BucketLogging")
    assert logging.inputs["targetBucket"] == "example-access-logs"
    assert logging.inputs["targetPrefix"] == "trail/"
    (rule,) = one(
        recording, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    ).inputs["rules"]
    assert rule["expiration"] == {"days": 2557}
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 90}
    trail = one(recording, "aws:cloudtrail/trail:Trail")
    assert trail.inputs["s3KeyPrefix"] == "cloudtrail"
    writes = [
        s["Resource"]
        for s in policy(one(recording, "aws:s3/bucketPolicy:BucketPolicy"))["Statement"]
        if s["Action"] == "s3:PutObject"
    ]
    assert all("/cloudtrail/AWSLogs/" in resource for resource in writes)
    log_group = one(recording, "aws:cloudwatch/logGroup:LogGroup")
    assert (log_group.inputs["name"], log_group.inputs["retentionInDays"]) == ("/org/trail", 400)
    key = one(recording, "aws:kms/key:Key")
    assert key.inputs["deletionWindowInDays"] == 14
    readers = sid(policy(key), "ReadersDecryptThisTrailsLogs")
    assert readers["Principal"] == {"AWS": ["arn:aws:iam::123456789012:role/Auditor"]}


@pytest.mark.parametrize("key_arn", [KEY_ARN, None])
def test_existing_bucket_creates_no_bucket(key_arn: str | None) -> None:
    existing: dict[str, Any] = {"name": "log-archive-trail"}
    if key_arn:
        existing["kmsKeyArn"] = key_arn
    recording = run_trail({"existingBucket": existing})
    assert not [r for r in recording if r.type.startswith("aws:s3/")]
    trail = one(recording, "aws:cloudtrail/trail:Trail")
    assert trail.inputs["s3BucketName"] == "log-archive-trail"
    own_key = one(recording, "aws:kms/key:Key")
    assert trail.inputs["kmsKeyId"] == (key_arn or own_key.outputs["arn"])
    # The log group is still encrypted with the key made here.
    log_group = one(recording, "aws:cloudwatch/logGroup:LogGroup")
    assert log_group.inputs["kmsKeyId"] == own_key.outputs["arn"]
    assert recording.exports["bucket_name"] == "log-archive-trail"


def test_without_trusted_access_argument_the_trail_still_builds() -> None:
    recording = run_trail(trusted_access=False)
    trail = one(recording, "aws:cloudtrail/trail:Trail")
    assert all(
        recording.by_urn(u).type != "aws:organizations/organization:Organization"
        for u in trail.depends_on
    )
