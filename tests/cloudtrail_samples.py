"""Sample CloudTrail events, written from the shapes in AWS's documentation.

Sources: CloudTrail User Guide ("CloudTrail record contents", "userIdentity element",
"AWS service events", "CloudTrail ConsoleLogin events") and IAM User Guide ("Track
privileged tasks in AWS CloudTrail"). Account ids: 111111111111 is the management account,
222222222222 a member account.
"""

from __future__ import annotations

import copy
from typing import Any

Event = dict[str, Any]

MANAGEMENT = "111111111111"
MEMBER = "222222222222"


def _base(**fields: Any) -> Event:
    event: Event = {
        "eventVersion": "1.10",
        "eventTime": "2025-03-04T10:15:00Z",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": None,
        "responseElements": None,
        "eventID": "3d6a1c9e-0000-4000-8000-000000000001",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": MEMBER,
        "eventCategory": "Management",
    }
    event.update(fields)
    return event


def role_identity(account: str = MEMBER, role: str = "Deployer") -> dict[str, Any]:
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLEID:{role}-session",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{role}-session",
        "accountId": account,
        "accessKeyId": "ASIAEXAMPLEKEY",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEID",
                "arn": f"arn:aws:iam::{account}:role/{role}",
                "accountId": account,
                "userName": role,
            },
            "webIdFederationData": {},
            "attributes": {"creationDate": "2025-03-04T10:00:00Z", "mfaAuthenticated": "false"},
        },
    }


def iam_user_identity(account: str = MEMBER, user: str = "alice") -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEID",
        "arn": f"arn:aws:iam::{account}:user/{user}",
        "accountId": account,
        "accessKeyId": "",
        "userName": user,
    }


def api_call(
    event_source: str, event_name: str, identity: dict[str, Any] | None = None, **fields: Any
) -> Event:
    """An ordinary API call by a role (unless another identity is given)."""
    return _base(
        userIdentity=identity or role_identity(),
        eventSource=event_source,
        eventName=event_name,
        **fields,
    )


def console_login(
    identity: dict[str, Any], *, mfa_used: str = "Yes", failed: bool = False
) -> Event:
    return _base(
        userIdentity=identity,
        eventSource="signin.amazonaws.com",
        eventName="ConsoleLogin",
        eventType="AwsConsoleSignIn",
        responseElements={"ConsoleLogin": "Failure" if failed else "Success"},
        additionalEventData={
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": mfa_used,
        },
        **({"errorMessage": "Failed authentication"} if failed else {}),
    )


def root_identity(account: str = MEMBER) -> dict[str, Any]:
    return {
        "type": "Root",
        "principalId": account,
        "arn": f"arn:aws:iam::{account}:root",
        "accountId": account,
        "accessKeyId": "",
    }


# --- The five events of the issue --------------------------------------------------------

# 1. The root user signs in to the console with its password (and MFA).
ROOT_CONSOLE_SIGN_IN = console_login(root_identity(), mfa_used="Yes")

# 2. The root user calls an API from its console session: the session context carries MFA
#    attributes but no AssumeRoot marker.
ROOT_API_CALL = api_call(
    "iam.amazonaws.com",
    "CreateAccessKey",
    identity={
        **root_identity(),
        "accessKeyId": "ASIAEXAMPLEROOT",
        "sessionContext": {
            "sessionIssuer": {},
            "webIdFederationData": {},
            "attributes": {"creationDate": "2025-03-04T10:10:00Z", "mfaAuthenticated": "true"},
        },
    },
)

# 3. A call made in a member account inside an AssumeRoot privileged session: the identity
#    is the member's root, marked `assumedRoot` and scoped to the issuing (management)
#    account.
ASSUME_ROOT_SESSION_CALL = api_call(
    "s3.amazonaws.com",
    "DeleteBucketPolicy",
    identity={
        **root_identity(),
        "accessKeyId": "ASIAEXAMPLESESSION",
        "sessionContext": {
            "attributes": {"creationDate": "2025-03-04T10:12:00Z", "mfaAuthenticated": "false"},
            "assumedRoot": "true",
        },
        "inScopeOf": {"issuerAccountId": MANAGEMENT},
    },
    requestParameters={"bucketName": "locked-out-bucket", "policy": ""},
)

# 4. An ordinary role's call.
ORDINARY_ROLE_CALL = api_call("ec2.amazonaws.com", "DescribeInstances", readOnly=True)

# 5. An event AWS records for something a service did on its own (key rotation).
AWS_SERVICE_EVENT = _base(
    userIdentity={"accountId": MEMBER, "invokedBy": "AWS Internal"},
    eventSource="kms.amazonaws.com",
    eventName="RotateKey",
    sourceIPAddress="AWS Internal",
    userAgent="AWS Internal",
    eventType="AwsServiceEvent",
    serviceEventDetails={"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab"},
)

# --- Variants that pin each clause of the two root patterns -------------------------------

# The sts:AssumeRoot call itself, recorded in the management account (the IAM User Guide's
# example: the caller's role session, marked assumedRoot).
ASSUME_ROOT_CALL = api_call(
    "sts.amazonaws.com",
    "AssumeRoot",
    identity={
        **role_identity(MANAGEMENT, "RootTasks"),
        "sessionContext": {
            **role_identity(MANAGEMENT, "RootTasks")["sessionContext"],
            "assumedRoot": "true",
        },
    },
    recipientAccountId=MANAGEMENT,
    requestParameters={
        "targetPrincipal": MEMBER,
        "taskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"},
    },
)

# If AWS recorded a session's calls under another identity type, the marker still tells.
ASSUME_ROOT_SESSION_CALL_OTHER_TYPE = copy.deepcopy(ASSUME_ROOT_SESSION_CALL)
ASSUME_ROOT_SESSION_CALL_OTHER_TYPE["userIdentity"]["type"] = "AssumedRole"

# A root identity whose request an AWS service made on its behalf (invokedBy present).
ROOT_INVOKED_BY_SERVICE = api_call(
    "s3.amazonaws.com",
    "PutObject",
    identity={**root_identity(), "invokedBy": "cloudtrail.amazonaws.com"},
)

# A service event recorded under the root identity, without invokedBy.
ROOT_SERVICE_EVENT = _base(
    userIdentity=root_identity(),
    eventSource="signin.amazonaws.com",
    eventName="PasswordUpdated",
    eventType="AwsServiceEvent",
)

# A root identity with the marker explicitly false: still the root credentials.
ROOT_MARKER_FALSE = copy.deepcopy(ROOT_API_CALL)
ROOT_MARKER_FALSE["userIdentity"]["sessionContext"]["assumedRoot"] = "false"
