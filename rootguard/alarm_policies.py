"""Resource policies of the alarm topic and its KMS key, as pure functions of plain strings.

CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed `alias/aws/sns`
key (its policy cannot be changed to let cloudwatch.amazonaws.com use it), so the topic has
its own key. Both policies admit only this account's alarms: `aws:SourceArn` is an alarm ARN
in this account and region, and the key is usable only for this topic's encryption context.
"""

from __future__ import annotations

from .policy_documents import VERSION, Policy, key_administration

CLOUDWATCH = "cloudwatch.amazonaws.com"


def topic_arn(partition: str, region: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:sns:{region}:{account_id}:{name}"


def alarm_arn_pattern(partition: str, region: str, account_id: str) -> str:
    """Every CloudWatch alarm of this account in this region."""
    return f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:*"


def topic_policy(*, topic_arn: str, alarm_arns: str, account_id: str) -> Policy:
    """Only this account's CloudWatch alarms may publish. The account's own principals manage
    the topic through IAM policies, which need no grant here."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "ThisAccountsAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDWATCH},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {
                    "ArnLike": {"aws:SourceArn": alarm_arns},
                    "StringEquals": {"aws:SourceAccount": account_id},
                },
            }
        ],
    }


def topic_key_policy(*, partition: str, account_id: str, topic_arn: str, alarm_arns: str) -> Policy:
    """CloudWatch alarms of this account may use the key, for this topic's messages only."""
    return {
        "Version": VERSION,
        "Statement": [
            key_administration(partition, account_id),
            {
                "Sid": "ThisAccountsAlarmsEncryptForTopic",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDWATCH},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": alarm_arns},
                    "StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": topic_arn},
                },
            },
        ],
    }
