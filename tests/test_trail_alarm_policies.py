"""Every resource policy of the trail and the alarms: linted and least privilege."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from rootguard import alarm_policies, trail_policies
from tests.policy_checks import Kind, lint, privilege_problems

ACCOUNT = "111111111111"
REGION = "eu-west-1"
ORG = "o-exampleorg1"
TRAIL = trail_policies.trail_arn("aws", REGION, ACCOUNT, "org-trail")
LOG_GROUP = trail_policies.log_group_arn("aws", REGION, ACCOUNT, "/rootguard/cloudtrail/org-trail")
BUCKET = "arn:aws:s3:::example-trail-bucket"
TOPIC = alarm_policies.topic_arn("aws", REGION, ACCOUNT, "security-alarms")
ALARMS = alarm_policies.alarm_arn_pattern("aws", REGION, ACCOUNT)
ADMIN = f"arn:aws:iam::{ACCOUNT}:root"
READER = "arn:aws:iam::333333333333:role/SecurityAuditor"


def bucket_policy(key_prefix: str | None = None) -> dict[str, Any]:
    return trail_policies.bucket_policy(
        bucket_arn=BUCKET,
        trail_arn=TRAIL,
        account_id=ACCOUNT,
        organization_id=ORG,
        key_prefix=key_prefix,
    )


def key_policy(readers: list[str] | None = None) -> dict[str, Any]:
    return trail_policies.trail_key_policy(
        partition="aws",
        account_id=ACCOUNT,
        region=REGION,
        trail_arn=TRAIL,
        log_group_arn=LOG_GROUP,
        readers=[READER] if readers is None else readers,
    )


DOCUMENTS: dict[str, tuple[Kind, dict[str, Any]]] = {
    "bucket policy": ("resource", bucket_policy()),
    "bucket policy with prefix": ("resource", bucket_policy("org/logs")),
    "trail key policy": ("key", key_policy()),
    "trail key policy without readers": ("key", key_policy([])),
    "delivery role trust": (
        "trust",
        trail_policies.delivery_trust_policy(account_id=ACCOUNT, trail_arn=TRAIL),
    ),
    "delivery role permissions": (
        "identity",
        trail_policies.delivery_permissions_policy(
            log_group_arn=LOG_GROUP, account_id=ACCOUNT, organization_id=ORG, region=REGION
        ),
    ),
    "topic policy": (
        "resource",
        alarm_policies.topic_policy(topic_arn=TOPIC, alarm_arns=ALARMS, account_id=ACCOUNT),
    ),
    "topic key policy": (
        "key",
        alarm_policies.topic_key_policy(
            partition="aws", account_id=ACCOUNT, topic_arn=TOPIC, alarm_arns=ALARMS
        ),
    ),
}


def statement(policy: dict[str, Any], sid: str) -> dict[str, Any]:
    found = [s for s in policy["Statement"] if s.get("Sid") == sid]
    assert len(found) == 1, sid
    return found[0]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_parliament_finds_nothing_unexpected(name: str) -> None:
    kind, policy = DOCUMENTS[name]
    assert lint(policy, kind) == []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_least_privilege(name: str) -> None:
    _, policy = DOCUMENTS[name]
    assert privilege_problems(policy, trail_arn=TRAIL, admin_principal=ADMIN) == []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_statement_ids_are_unique(name: str) -> None:
    sids = [s["Sid"] for s in DOCUMENTS[name][1]["Statement"]]
    assert len(sids) == len(set(sids))


# --- The checks themselves must be able to fail ------------------------------------------


def test_checker_flags_an_unscoped_cloudtrail_grant() -> None:
    policy = bucket_policy()
    del statement(policy, "CloudTrailAclCheck")["Condition"]
    assert any("no condition" in p for p in privilege_problems(policy, trail_arn=TRAIL))
    assert any("not scoped" in p for p in privilege_problems(policy, trail_arn=TRAIL))


def test_checker_flags_another_trails_source_arn() -> None:
    policy = bucket_policy()
    other = TRAIL.replace("org-trail", "other-trail")
    statement(policy, "CloudTrailWriteOrganization")["Condition"]["StringEquals"][
        "aws:SourceArn"
    ] = other
    assert privilege_problems(policy, trail_arn=TRAIL) != []


def test_checker_flags_a_public_allow() -> None:
    policy = copy.deepcopy(bucket_policy())
    policy["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*"}
    )
    assert any("wildcard principal" in p for p in privilege_problems(policy))


def test_checker_flags_service_wide_actions_outside_key_administration() -> None:
    policy = key_policy()
    statement(policy, "ReadersDecryptThisTrailsLogs")["Action"] = "kms:*"
    assert any("every action" in p for p in privilege_problems(policy, admin_principal=ADMIN))


def test_lint_flags_a_typo_in_an_action() -> None:
    policy = bucket_policy()
    statement(policy, "CloudTrailAclCheck")["Action"] = "s3:GetBucketAccl"
    assert lint(policy, "resource") != []


# --- What each document grants -------------------------------------------------------------


def test_bucket_policy_lets_cloudtrail_write_only_this_trails_log_paths() -> None:
    policy = bucket_policy("org/logs")
    writes = [s for s in policy["Statement"] if s["Action"] == "s3:PutObject"]
    assert sorted(s["Resource"] for s in writes) == [
        f"{BUCKET}/org/logs/AWSLogs/{ACCOUNT}/*",
        f"{BUCKET}/org/logs/AWSLogs/{ORG}/*",
    ]
    for write in writes:
        assert write["Condition"]["StringEquals"] == {
            "s3:x-amz-acl": "bucket-owner-full-control",
            "aws:SourceArn": TRAIL,
        }
    assert statement(policy, "CloudTrailAclCheck")["Resource"] == BUCKET
    assert statement(bucket_policy(), "CloudTrailWriteOrganization")["Resource"] == (
        f"{BUCKET}/AWSLogs/{ORG}/*"
    )


def test_bucket_policy_denies_every_non_tls_request() -> None:
    deny = statement(bucket_policy(), "DenyInsecureTransport")
    assert deny == {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [BUCKET, f"{BUCKET}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def test_key_policy_scopes_each_service_to_this_trail_and_log_group() -> None:
    policy = key_policy()
    encrypt = statement(policy, "CloudTrailEncryptsThisTrail")
    assert encrypt["Action"] == "kms:GenerateDataKey"
    assert encrypt["Condition"] == {
        "StringEquals": {
            "aws:SourceArn": TRAIL,
            "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL,
        }
    }
    logs = statement(policy, "CloudWatchLogsEncryptsTrailLogGroup")
    assert logs["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
    assert logs["Condition"] == {"StringEquals": {"kms:EncryptionContext:aws:logs:arn": LOG_GROUP}}
    readers = statement(policy, "ReadersDecryptThisTrailsLogs")
    assert readers["Principal"] == {"AWS": [READER]}
    assert readers["Action"] == "kms:Decrypt"
    assert readers["Condition"] == {
        "StringEquals": {"kms:EncryptionContext:aws:cloudtrail:arn": TRAIL}
    }


def test_key_policy_without_readers_has_no_reader_statement() -> None:
    sids = [s["Sid"] for s in key_policy([])["Statement"]]
    assert "ReadersDecryptThisTrailsLogs" not in sids


def test_delivery_role_can_only_be_assumed_by_this_trail() -> None:
    trust = trail_policies.delivery_trust_policy(account_id=ACCOUNT, trail_arn=TRAIL)
    (only,) = trust["Statement"]
    assert only["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert only["Action"] == "sts:AssumeRole"
    assert only["Condition"] == {
        "StringEquals": {"aws:SourceArn": TRAIL, "aws:SourceAccount": ACCOUNT}
    }


def test_delivery_role_writes_only_the_trails_streams() -> None:
    permissions = trail_policies.delivery_permissions_policy(
        log_group_arn=LOG_GROUP, account_id=ACCOUNT, organization_id=ORG, region=REGION
    )
    (only,) = permissions["Statement"]
    assert only["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert only["Resource"] == [
        f"{LOG_GROUP}:log-stream:{ACCOUNT}_CloudTrail_{REGION}*",
        f"{LOG_GROUP}:log-stream:{ORG}_*",
    ]


def test_topic_admits_only_this_accounts_alarms() -> None:
    policy = alarm_policies.topic_policy(topic_arn=TOPIC, alarm_arns=ALARMS, account_id=ACCOUNT)
    (only,) = policy["Statement"]
    assert only["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert only["Action"] == "sns:Publish"
    assert only["Resource"] == TOPIC
    assert only["Condition"] == {
        "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:*"},
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
    }


def test_topic_key_serves_only_this_topic_for_this_accounts_alarms() -> None:
    policy = alarm_policies.topic_key_policy(
        partition="aws", account_id=ACCOUNT, topic_arn=TOPIC, alarm_arns=ALARMS
    )
    alarms = statement(policy, "ThisAccountsAlarmsEncryptForTopic")
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert alarms["Condition"] == {
        "ArnLike": {"aws:SourceArn": ALARMS},
        "StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": TOPIC},
    }
