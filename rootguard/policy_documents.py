"""What every resource policy rootguard writes shares: the types and the key-admin statement."""

from typing import Any

Policy = dict[str, Any]
Statement = dict[str, Any]

VERSION = "2012-10-17"


def key_administration(partition: str, account_id: str) -> Statement:
    """The account administers a customer-managed key through IAM policies.

    Without this statement a key policy that names only services could leave the key
    unmanageable by anyone in the account (AWS's default key policy has the same statement).
    """
    return {
        "Sid": "AccountAdministersKeyThroughIam",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
