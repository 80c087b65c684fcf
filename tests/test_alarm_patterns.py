"""Every catalog pattern against sample CloudTrail events, evaluated by the matcher."""

from __future__ import annotations

import pytest

from rootguard.alarm_catalog import AlarmDefinition, load_catalog
from rootguard.filter_pattern import matches
from tests import cloudtrail_samples as ct
from tests.cloudtrail_samples import Event, api_call, console_login, iam_user_identity

CATALOG = {definition.id: definition for definition in load_catalog()}


def pattern(control: str) -> str:
    return CATALOG[control].pattern


# --- Root activity: the two alarms and the five events of the issue -------------------------

ISSUE_EVENTS = {
    "root console sign-in": ct.ROOT_CONSOLE_SIGN_IN,
    "root API call": ct.ROOT_API_CALL,
    "AssumeRoot session's call": ct.ASSUME_ROOT_SESSION_CALL,
    "ordinary role's call": ct.ORDINARY_ROLE_CALL,
    "AWS service event": ct.AWS_SERVICE_EVENT,
}


def test_root_credentials_pattern_matches_exactly_the_first_two() -> None:
    matched = [name for name, event in ISSUE_EVENTS.items() if matches(pattern("4.3"), event)]
    assert matched == ["root console sign-in", "root API call"]


def test_assume_root_pattern_matches_only_the_session() -> None:
    matched = [
        name for name, event in ISSUE_EVENTS.items() if matches(pattern("4.3-assumeroot"), event)
    ]
    assert matched == ["AssumeRoot session's call"]


@pytest.mark.parametrize(
    ("event", "credentials", "session"),
    [
        pytest.param(ct.ASSUME_ROOT_CALL, False, True, id="sts:AssumeRoot call (management)"),
        pytest.param(
            ct.ASSUME_ROOT_SESSION_CALL_OTHER_TYPE, False, True, id="session, type not Root"
        ),
        pytest.param(ct.ROOT_INVOKED_BY_SERVICE, False, False, id="root, invokedBy a service"),
        pytest.param(ct.ROOT_SERVICE_EVENT, False, False, id="root, AwsServiceEvent"),
        pytest.param(ct.ROOT_MARKER_FALSE, True, False, id="root, assumedRoot false"),
    ],
)
def test_root_alarms_tell_credentials_from_sessions(
    event: Event, credentials: bool, session: bool
) -> None:
    assert matches(pattern("4.3"), event) is credentials
    assert matches(pattern("4.3-assumeroot"), event) is session


def test_every_root_event_raises_exactly_one_root_alarm() -> None:
    # Whatever AWS records for a session, the pair never goes silent and never double-fires.
    root_events = [
        ct.ROOT_CONSOLE_SIGN_IN,
        ct.ROOT_API_CALL,
        ct.ROOT_MARKER_FALSE,
        ct.ASSUME_ROOT_SESSION_CALL,
        ct.ASSUME_ROOT_SESSION_CALL_OTHER_TYPE,
        ct.ASSUME_ROOT_CALL,
    ]
    for event in root_events:
        fired = [c for c in ("4.3", "4.3-assumeroot") if matches(pattern(c), event)]
        assert len(fired) == 1, (event["userIdentity"], fired)


def test_cis_root_pattern_alone_would_page_for_every_session_call() -> None:
    # Why the split exists: the unmodified CIS 4.3 pattern cannot tell the two apart when AWS
    # records a session as type Root.
    cis_43 = (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }'
    )
    assert matches(cis_43, ct.ASSUME_ROOT_SESSION_CALL)
    assert not matches(pattern("4.3"), ct.ASSUME_ROOT_SESSION_CALL)


def test_marker_exclusion_uses_not_exists() -> None:
    # `!= "true"` alone would be false when the marker is absent (CloudWatch Logs semantics),
    # silencing the critical alarm for real root sign-ins; the pattern must cover absence.
    broken = pattern("4.3").replace(
        "($.userIdentity.sessionContext.assumedRoot NOT EXISTS || "
        '$.userIdentity.sessionContext.assumedRoot != "true")',
        '$.userIdentity.sessionContext.assumedRoot != "true"',
    )
    assert broken != pattern("4.3")
    assert not matches(broken, ct.ROOT_CONSOLE_SIGN_IN)
    assert matches(pattern("4.3"), ct.ROOT_CONSOLE_SIGN_IN)


# --- The other CIS controls: matching and non-matching events -----------------------------

ROLE_DENIED = {"errorCode": "AccessDenied", "errorMessage": "User is not authorized"}

MATCHING: dict[str, list[Event]] = {
    "4.1": [
        api_call("s3.amazonaws.com", "GetObject", **ROLE_DENIED),
        api_call("ec2.amazonaws.com", "RunInstances", errorCode="Client.UnauthorizedOperation"),
        api_call("kms.amazonaws.com", "Decrypt", errorCode="AccessDeniedException"),
    ],
    "4.2": [
        console_login(iam_user_identity(), mfa_used="No"),
        console_login(ct.root_identity(), mfa_used="No"),
    ],
    "4.4": [
        api_call("iam.amazonaws.com", name)
        for name in [
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ]
    ],
    "4.5": [
        api_call("cloudtrail.amazonaws.com", name)
        for name in ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")
    ],
    "4.6": [
        console_login(iam_user_identity(), mfa_used="No", failed=True),
        console_login(ct.root_identity(), failed=True),
    ],
    "4.7": [
        api_call("kms.amazonaws.com", "DisableKey"),
        api_call("kms.amazonaws.com", "ScheduleKeyDeletion"),
    ],
    "4.8": [
        api_call("s3.amazonaws.com", name)
        for name in [
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        ]
    ],
    "4.9": [
        api_call("config.amazonaws.com", name)
        for name in (
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        )
    ],
    "4.10": [
        api_call("ec2.amazonaws.com", name)
        for name in [
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ]
    ],
    "4.11": [
        api_call("ec2.amazonaws.com", name)
        for name in [
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ]
    ],
    "4.12": [
        api_call("ec2.amazonaws.com", name)
        for name in [
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ]
    ],
    "4.13": [
        api_call("ec2.amazonaws.com", name)
        for name in [
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ]
    ],
    "4.14": [
        api_call("ec2.amazonaws.com", name)
        for name in [
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        ]
    ],
    "4.15": [
        api_call("organizations.amazonaws.com", name)
        for name in [
            "AcceptHandshake",
            "AttachPolicy",
            "CreateAccount",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdatePolicy",
            "UpdateOrganizationalUnit",
        ]
    ],
}

NOT_MATCHING: dict[str, list[Event]] = {
    "4.1": [
        ct.ORDINARY_ROLE_CALL,  # succeeded
        api_call("s3.amazonaws.com", "GetObject", errorCode="NoSuchKey"),
        api_call("dynamodb.amazonaws.com", "PutItem", errorCode="ThrottlingException"),
        # the two exclusions
        api_call("s3.amazonaws.com", "HeadBucket", **ROLE_DENIED),
        api_call(
            "s3.amazonaws.com",
            "PutObject",
            sourceIPAddress="delivery.logs.amazonaws.com",
            **ROLE_DENIED,
        ),
    ],
    "4.2": [
        console_login(iam_user_identity(), mfa_used="Yes"),
        ct.ROOT_CONSOLE_SIGN_IN,
        api_call("signin.amazonaws.com", "SwitchRole"),
        # CloudWatch Logs: != does not match an absent property
        {**console_login(iam_user_identity()), "additionalEventData": {}},
    ],
    "4.4": [
        api_call("iam.amazonaws.com", "GetPolicy"),
        api_call("iam.amazonaws.com", "ListPolicies"),
        api_call("iam.amazonaws.com", "CreateRole"),
    ],
    "4.5": [
        api_call("cloudtrail.amazonaws.com", "DescribeTrails"),
        api_call("cloudtrail.amazonaws.com", "GetTrailStatus"),
        api_call("cloudtrail.amazonaws.com", "LookupEvents"),
    ],
    "4.6": [
        console_login(iam_user_identity(), mfa_used="No"),
        api_call("signin.amazonaws.com", "ConsoleLogin", errorMessage="Other failure"),
        api_call("iam.amazonaws.com", "GetUser", errorMessage="Failed authentication"),
    ],
    "4.7": [
        api_call("kms.amazonaws.com", "EnableKey"),
        api_call("kms.amazonaws.com", "CancelKeyDeletion"),
        api_call("example.amazonaws.com", "DisableKey"),
    ],
    "4.8": [
        api_call("s3.amazonaws.com", "GetBucketPolicy"),
        api_call("s3.amazonaws.com", "PutObject"),
        api_call("s3-outposts.amazonaws.com", "PutBucketPolicy"),
    ],
    "4.9": [
        api_call("config.amazonaws.com", "StartConfigurationRecorder"),
        api_call("config.amazonaws.com", "DescribeConfigurationRecorders"),
        api_call("example.amazonaws.com", "PutDeliveryChannel"),
    ],
    "4.10": [
        api_call("ec2.amazonaws.com", "DescribeSecurityGroups"),
        api_call("ec2.amazonaws.com", "ModifyInstanceAttribute"),
    ],
    "4.11": [
        api_call("ec2.amazonaws.com", "DescribeNetworkAcls"),
        api_call("ec2.amazonaws.com", "CreateRoute"),
    ],
    "4.12": [
        api_call("ec2.amazonaws.com", "DescribeInternetGateways"),
        api_call("ec2.amazonaws.com", "CreateNatGateway"),
    ],
    "4.13": [
        api_call("ec2.amazonaws.com", "DescribeRouteTables"),
        api_call("ec2.amazonaws.com", "AssociateRouteTable"),
    ],
    "4.14": [
        api_call("ec2.amazonaws.com", "DescribeVpcs"),
        api_call("ec2.amazonaws.com", "CreateSubnet"),
    ],
    "4.15": [
        api_call("organizations.amazonaws.com", "ListAccounts"),
        api_call("organizations.amazonaws.com", "DescribePolicy"),
        api_call("iam.amazonaws.com", "CreatePolicy"),  # same name, other service
    ],
}


def _cases(table: dict[str, list[Event]]) -> list[tuple[str, Event]]:
    return [(control, event) for control, events in table.items() for event in events]


@pytest.mark.parametrize(("control", "event"), _cases(MATCHING))
def test_pattern_matches(control: str, event: Event) -> None:
    assert matches(pattern(control), event), (control, event["eventName"])


@pytest.mark.parametrize(("control", "event"), _cases(NOT_MATCHING))
def test_pattern_does_not_match(control: str, event: Event) -> None:
    assert not matches(pattern(control), event), (control, event["eventName"])


def test_every_control_has_matching_and_non_matching_samples() -> None:
    root_pair = {"4.3", "4.3-assumeroot"}
    assert set(MATCHING) | root_pair == set(CATALOG)
    assert set(NOT_MATCHING) | root_pair == set(CATALOG)


def test_41_is_the_corrected_form() -> None:
    # The printed CIS v3.0 text joins the two exclusions with ||: one of them is always true,
    # so denied HeadBucket calls and log-delivery denials page people.
    printed = pattern("4.1").replace(
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")',
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket")',
    )
    assert printed != pattern("4.1")
    excluded = NOT_MATCHING["4.1"][-2:]
    assert all(matches(printed, event) for event in excluded)
    assert not any(matches(pattern("4.1"), event) for event in excluded)


def test_catalog_is_cis_41_to_415_plus_the_session_alarm() -> None:
    expected = [f"4.{n}" for n in range(1, 16)]
    expected.insert(3, "4.3-assumeroot")
    assert list(CATALOG) == expected


@pytest.mark.parametrize("definition", load_catalog(), ids=lambda d: d.id)
def test_each_definition_reads_well(definition: AlarmDefinition) -> None:
    assert definition.meaning.endswith(".") and "\n" not in definition.meaning
    assert len(definition.description()) <= 1024 and not definition.description().endswith("…")
    assert definition.response
    assert definition.id in definition.description()


def test_root_alarm_severities() -> None:
    assert CATALOG["4.3"].severity == "critical"
    assert CATALOG["4.3-assumeroot"].severity == "notice"
