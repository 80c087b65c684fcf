"""Resource policies of the organization trail, as pure functions of plain strings.

Each function returns a policy document (a dict) so the tests can lint it and check least
privilege without the Pulumi runtime. Every grant to CloudTrail is scoped to this one trail
with `aws:SourceArn` (and, for KMS, the trail's encryption context): the trail ARN is known
from its name before the trail exists, which keeps the key, bucket and trail free of cycles.
Statement shapes follow the CloudTrail User Guide's policies for organization trails.
"""

from __future__ import annotations

from .policy_documents import VERSION, Policy, Statement, key_administration

CLOUDTRAIL = "cloudtrail.amazonaws.com"


def trail_arn(partition: str, region: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:cloudtrail:{region}:{account_id}:trail/{name}"


def log_group_arn(partition: str, region: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:logs:{region}:{account_id}:log-group:{name}"


def _log_prefix(key_prefix: str | None) -> str:
    return f"{key_prefix}/AWSLogs" if key_prefix else "AWSLogs"


def bucket_policy(
    *,
    bucket_arn: str,
    trail_arn: str,
    account_id: str,
    organization_id: str | None,
    key_prefix: str | None,
) -> Policy:
    """CloudTrail may check the ACL and write this trail's logs; nothing else, TLS only.

    An organization trail writes the management account's logs under AWSLogs/<account>/ and
    every member account's under AWSLogs/<organization id>/; a single-account trail (no
    organization id) writes only the former.
    """
    only_this_trail = {"aws:SourceArn": trail_arn}
    prefix = _log_prefix(key_prefix)
    write_condition = {
        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **only_this_trail}
    }
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "CloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL},
                "Action": "s3:GetBucketAcl",
                "Resource": bucket_arn,
                "Condition": {"StringEquals": only_this_trail},
            },
            {
                "Sid": "CloudTrailWriteManagementAccount",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL},
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/{prefix}/{account_id}/*",
                "Condition": write_condition,
            },
            *(
                []
                if organization_id is None
                else [
                    {
                        "Sid": "CloudTrailWriteOrganization",
                        "Effect": "Allow",
                        "Principal": {"Service": CLOUDTRAIL},
                        "Action": "s3:PutObject",
                        "Resource": f"{bucket_arn}/{prefix}/{organization_id}/*",
                        "Condition": write_condition,
                    }
                ]
            ),
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def trail_key_policy(
    *,
    partition: str,
    account_id: str,
    region: str,
    trail_arn: str,
    log_group_arn: str,
    readers: list[str],
    dns_suffix: str = "amazonaws.com",
) -> Policy:
    """The trail key: CloudTrail encrypts for this trail only, CloudWatch Logs for this log
    group only, named readers decrypt this trail's log files, and the account administers it
    through IAM (without that statement the key could become unmanageable)."""
    this_trail_context = {"kms:EncryptionContext:aws:cloudtrail:arn": trail_arn}
    statements: list[Statement] = [
        key_administration(partition, account_id),
        {
            "Sid": "CloudTrailEncryptsThisTrail",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "kms:GenerateDataKey",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": trail_arn, **this_trail_context},
            },
        },
        {
            "Sid": "CloudTrailDescribesKey",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "CloudWatchLogsEncryptsTrailLogGroup",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.{dns_suffix}"},
            "Action": [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyWithoutPlaintext",
            ],
            "Resource": "*",
            # Every one of these calls carries the log group's ARN as encryption context.
            "Condition": {"StringEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
        },
    ]
    if readers:
        statements.append(
            {
                "Sid": "ReadersDecryptThisTrailsLogs",
                "Effect": "Allow",
                "Principal": {"AWS": sorted(readers)},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEquals": this_trail_context},
            }
        )
    return {"Version": VERSION, "Statement": statements}


def delivery_trust_policy(*, account_id: str, trail_arn: str) -> Policy:
    """Only this trail, in this account, may assume the CloudWatch Logs delivery role."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "CloudTrailAssumesForThisTrail",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceArn": trail_arn, "aws:SourceAccount": account_id}
                },
            }
        ],
    }


def delivery_permissions_policy(
    *, log_group_arn: str, account_id: str, organization_id: str | None, region: str
) -> Policy:
    """Create streams and put events in the trail's log group, and nowhere else.

    An organization trail names its streams <account>_CloudTrail_<region>... for the
    management account and <organization id>_... for member accounts; a single-account trail
    (no organization id) only the former.
    """
    streams = [f"{log_group_arn}:log-stream:{account_id}_CloudTrail_{region}*"]
    if organization_id is not None:
        streams.append(f"{log_group_arn}:log-stream:{organization_id}_*")
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "WriteTrailLogStreams",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": streams,
            }
        ],
    }
