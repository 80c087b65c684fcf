"""Collectors against botocore's Stubber: exact requests, parsed facts, errors as Unavailable."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber

from rootguard.audit.aws import Clients, ClientScope
from rootguard.audit.collect.management import (
    collect_root_access_features,
    parse_root_row,
    read_credential_report,
)
from rootguard.audit.collect.members import read_contacts, read_member_root
from rootguard.audit.collect.monitoring import collect_monitoring
from rootguard.audit.collect.organization import collect_organization
from rootguard.audit.facts import (
    ContactInformation,
    Credential,
    MemberRoot,
    RootCredentialUsage,
    Skipped,
    TopicMissing,
    Unavailable,
)
from rootguard.audit.readonly import AUDIT_TASK_POLICY_ARN

MEMBER = "210987654321"
NOW = datetime(2026, 11, 1, tzinfo=UTC)


class StubbedClients:
    """Clients whose every client is driven by a Stubber the test fills in first."""

    def __init__(self) -> None:
        self.root_sessions: list[Callable[[Stubber], None]] = []
        self.scopes: list[ClientScope] = []
        self.accounts_seen: list[str | None] = []
        self.clients = Clients(None, "us-east-1", max_workers=2, on_new_client=self._new)
        self.stubbers: list[Stubber] = []

    def _new(self, client: Any, scope: ClientScope) -> None:
        self.scopes.append(scope)
        if scope.root_session:
            client.meta.events.register(
                "before-call.*.*",
                lambda **_: self.accounts_seen.append(scope.current_account()),
            )
            stubber = Stubber(client)
            for fill in self.root_sessions:
                fill(stubber)
            stubber.activate()
            self.stubbers.append(stubber)

    def stub(self, service: str, region: str | None = None) -> Stubber:
        stubber = Stubber(self.clients.management(service, region))
        stubber.activate()
        self.stubbers.append(stubber)
        return stubber

    def verify(self) -> None:
        for stubber in self.stubbers:
            stubber.assert_no_pending_responses()


@pytest.fixture
def stubbed() -> Iterator[StubbedClients]:
    clients = StubbedClients()
    yield clients
    clients.verify()


# --- AssumeRoot and the member root user ---------------------------------------------


def root_user_without_credentials(iam: Stubber) -> None:
    """A root session's reads of a member whose root user has no credentials at all."""
    iam.add_client_error("get_login_profile", "NoSuchEntity", "none", 404, expected_params={})
    for operation, key in (
        ("list_access_keys", "AccessKeyMetadata"),
        ("list_mfa_devices", "MFADevices"),
        ("list_signing_certificates", "Certificates"),
    ):
        iam.add_response(operation, {key: []}, expected_params={})


def assume_root_ok(sts: Stubber) -> None:
    sts.add_response(
        "assume_root",
        {
            "Credentials": {
                "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
                "SecretAccessKey": "secret",
                "SessionToken": "token",
                "Expiration": NOW,
            }
        },
        expected_params={
            "TargetPrincipal": MEMBER,
            "TaskPolicyArn": {"arn": AUDIT_TASK_POLICY_ARN},
            "DurationSeconds": 900,
        },
    )


def test_member_root_credentials_are_read_as_root(stubbed: StubbedClients) -> None:
    assume_root_ok(stubbed.stub("sts"))

    def root_user(iam: Stubber) -> None:
        iam.add_response(
            "get_login_profile",
            {"LoginProfile": {"UserName": "root", "CreateDate": NOW}},
            expected_params={},
        )
        iam.add_response(
            "list_access_keys",
            {
                "AccessKeyMetadata": [{"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Active"}],
                "IsTruncated": True,
                "Marker": "page-2",
            },
            expected_params={},
        )
        iam.add_response(
            "list_access_keys",
            {"AccessKeyMetadata": [{"AccessKeyId": "AKIAI44QH8DHBEXAMPLE", "Status": "Inactive"}]},
            expected_params={"Marker": "page-2"},
        )
        iam.add_client_error(
            "list_mfa_devices", "AccessDenied", "not allowed", 403, expected_params={}
        )
        iam.add_response("list_signing_certificates", {"Certificates": []}, expected_params={})

    stubbed.root_sessions.append(root_user)

    root = read_member_root(stubbed.clients, MEMBER)

    assert root == MemberRoot(
        login_profile=True,
        access_keys=(
            Credential("AKIAIOSFODNN7EXAMPLE", "Active"),
            Credential("AKIAI44QH8DHBEXAMPLE", "Inactive"),
        ),
        mfa_devices=Unavailable("AccessDenied on iam:ListMFADevices: not allowed"),
        signing_certificates=(),
    )
    assert ClientScope("iam", "us-east-1", root_session=True) in stubbed.scopes
    # Every read was signed as the member's AssumeRoot session, and only inside it.
    assert stubbed.accounts_seen == [MEMBER] * 5
    assert stubbed.clients._root_credentials.account() is None


def test_no_login_profile_is_the_passing_state(stubbed: StubbedClients) -> None:
    assume_root_ok(stubbed.stub("sts"))

    stubbed.root_sessions.append(root_user_without_credentials)

    assert read_member_root(stubbed.clients, MEMBER) == MemberRoot(False, (), (), ())


def test_assume_root_denied_makes_the_whole_member_unavailable(stubbed: StubbedClients) -> None:
    stubbed.stub("sts").add_client_error(
        "assume_root", "AccessDenied", "explicit deny in a service control policy", 403
    )

    root = read_member_root(stubbed.clients, MEMBER)

    assert root == Unavailable(
        "AccessDenied on sts:AssumeRoot: explicit deny in a service control policy"
    )


# --- Centralized root access, contacts ---------------------------------------------------


def test_root_access_features(stubbed: StubbedClients) -> None:
    iam = stubbed.stub("iam")
    iam.add_response(
        "list_organizations_features",
        {"OrganizationId": "o-a1b2c3d4e5", "EnabledFeatures": ["RootSessions"]},
        expected_params={},
    )
    iam.add_client_error("list_organizations_features", "ServiceAccessNotEnabledException")
    iam.add_client_error("list_organizations_features", "AccessDenied", "no", 403)

    assert collect_root_access_features(stubbed.clients) == frozenset({"RootSessions"})
    # Trusted access for IAM off means centralized root access is off, not unknown.
    assert collect_root_access_features(stubbed.clients) == frozenset()
    assert collect_root_access_features(stubbed.clients) == Unavailable(
        "AccessDenied on iam:ListOrganizationsFeatures: no"
    )


def test_contact_information(stubbed: StubbedClients) -> None:
    from rootguard.audit.collect.management import read_contact_information

    account = stubbed.stub("account")
    account.add_response(
        "get_contact_information",
        {
            "ContactInformation": {
                "FullName": "Example Corp",
                "PhoneNumber": "+12065550100",
                "CountryCode": "US",
                "AddressLine1": "1 Example Way",
                "City": "Seattle",
                "PostalCode": "98101",
            }
        },
        expected_params={},
    )
    account.add_client_error("get_contact_information", "ResourceNotFoundException")

    client = stubbed.clients.management("account")
    assert read_contact_information(client) == ContactInformation(
        "Example Corp", "+12065550100", "US"
    )
    assert read_contact_information(client) is None


def test_member_contacts_name_the_account(stubbed: StubbedClients) -> None:
    account = stubbed.stub("account")
    account.add_response(
        "get_alternate_contact",
        {
            "AlternateContact": {
                "AlternateContactType": "SECURITY",
                "EmailAddress": "security@example.com",
                "Name": "Security",
                "PhoneNumber": "+12065550123",
                "Title": "CISO",
            }
        },
        expected_params={"AlternateContactType": "SECURITY", "AccountId": MEMBER},
    )
    account.add_client_error(
        "get_alternate_contact",
        "ResourceNotFoundException",
        expected_params={"AlternateContactType": "BILLING", "AccountId": MEMBER},
    )
    account.add_client_error(
        "get_alternate_contact",
        "AccessDeniedException",
        "no",
        403,
        expected_params={"AlternateContactType": "OPERATIONS", "AccountId": MEMBER},
    )

    contacts = read_contacts(stubbed.clients, MEMBER).contacts

    assert contacts["SECURITY"] is not None
    assert not isinstance(contacts["SECURITY"], Unavailable)
    assert contacts["SECURITY"].email == "security@example.com"
    assert contacts["BILLING"] is None
    assert contacts["OPERATIONS"] == Unavailable(
        "AccessDeniedException on account:GetAlternateContact(OPERATIONS): no"
    )


# --- The credential report -----------------------------------------------------------------

REPORT = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"
    "<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,"
    "2026-10-30T08:00:00+00:00,not_supported,not_supported,true,true,2021-01-01T00:00:00+00:00,"
    "2026-10-31T09:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
)


def test_root_row_of_the_credential_report() -> None:
    assert parse_root_row(REPORT) == RootCredentialUsage(
        password_last_used=datetime(2026, 10, 30, 8, tzinfo=UTC),
        access_keys_active=(True, False),
        access_keys_last_used=(datetime(2026, 10, 31, 9, tzinfo=UTC), None),
        mfa_active=True,
    )
    assert parse_root_row(REPORT.split("\n")[0]) == Unavailable(
        "the credential report has no <root_account> row"
    )


def test_credential_report_waits_until_ready(stubbed: StubbedClients) -> None:
    iam = stubbed.stub("iam")
    iam.add_response("generate_credential_report", {"State": "STARTED"})
    iam.add_response("generate_credential_report", {"State": "COMPLETE"})
    iam.add_client_error("get_credential_report", "ReportInProgress")
    iam.add_response("generate_credential_report", {"State": "COMPLETE"})
    iam.add_response("get_credential_report", {"Content": REPORT.encode()})
    slept: list[float] = []

    content = read_credential_report(stubbed.clients.management("iam"), 60, slept.append)

    assert content == REPORT
    assert slept == [1.0, 2.0]


def test_credential_report_wait_is_bounded(stubbed: StubbedClients) -> None:
    iam = stubbed.stub("iam")
    for _ in range(4):
        iam.add_response("generate_credential_report", {"State": "INPROGRESS"})
    slept: list[float] = []

    assert read_credential_report(stubbed.clients.management("iam"), 10, slept.append) is None
    assert slept == [1.0, 2.0, 4.0]  # the next wait (8 s) would pass the 10 s bound


# --- The organization, paginated ---------------------------------------------------------


def test_organization_tree_follows_every_page(stubbed: StubbedClients) -> None:
    org = stubbed.stub("organizations")
    org.add_response(
        "list_roots",
        {
            "Roots": [
                {
                    "Id": "r-ab12",
                    "Name": "Root",
                    "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
                }
            ]
        },
    )
    org.add_response(
        "list_organizational_units_for_parent",
        {"OrganizationalUnits": [{"Id": "ou-ab12-11111111", "Name": "Prod"}], "NextToken": "t"},
        expected_params={"ParentId": "r-ab12"},
    )
    org.add_response(
        "list_organizational_units_for_parent",
        {"OrganizationalUnits": [{"Id": "ou-ab12-22222222", "Name": "Dev"}]},
        expected_params={"ParentId": "r-ab12", "NextToken": "t"},
    )
    org.add_response(
        "list_accounts_for_parent",
        {"Accounts": [_account("111111111111", "management")]},
        expected_params={"ParentId": "r-ab12"},
    )
    for ou, accounts in (("ou-ab12-11111111", ["222222222222"]), ("ou-ab12-22222222", [])):
        org.add_response(
            "list_organizational_units_for_parent",
            {"OrganizationalUnits": []},
            expected_params={"ParentId": ou},
        )
        org.add_response(
            "list_accounts_for_parent",
            {"Accounts": [_account(a, f"acct-{a}") for a in accounts]},
            expected_params={"ParentId": ou},
        )
    org.add_response(
        "list_policies", {"Policies": []}, expected_params={"Filter": "SERVICE_CONTROL_POLICY"}
    )

    with ThreadPoolExecutor(max_workers=1) as pool:
        organization = collect_organization(
            stubbed.clients,
            {"Id": "o-a1b2c3d4e5", "MasterAccountId": "111111111111", "FeatureSet": "ALL"},
            pool,
        )

    assert [ou.path for ou in organization.ous] == ["Prod", "Dev"]
    assert [(a.id, a.parent_id) for a in organization.members] == [
        ("222222222222", "ou-ab12-11111111")
    ]
    assert organization.scp_enabled
    assert organization.policies == ()


def _account(account_id: str, name: str) -> dict[str, Any]:
    return {
        "Id": account_id,
        "Name": name,
        "Email": f"{name}@example.com",
        "Status": "ACTIVE",
        "State": "ACTIVE",
    }


# --- The trail, in its home region ---------------------------------------------------------


def test_monitoring_reads_the_trails_home_region(stubbed: StubbedClients) -> None:
    trail_arn = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org"
    log_group = "arn:aws:logs:eu-west-1:111111111111:log-group:org-trail:*"
    topic = "arn:aws:sns:eu-west-1:111111111111:alarms"
    stubbed.stub("cloudtrail").add_response(
        "describe_trails",
        {
            "trailList": [
                {
                    "Name": "org",
                    "TrailARN": trail_arn,
                    "HomeRegion": "eu-west-1",
                    "IsOrganizationTrail": True,
                    "IsMultiRegionTrail": True,
                    "LogFileValidationEnabled": True,
                    "CloudWatchLogsLogGroupArn": log_group,
                },
                {"Name": "local", "TrailARN": "arn:aws:cloudtrail:us-east-1:1:trail/local"},
            ]
        },
        expected_params={"includeShadowTrails": True},
    )
    stubbed.stub("cloudtrail", "eu-west-1").add_response(
        "get_trail_status",
        {"IsLogging": True, "LatestCloudWatchLogsDeliveryTime": NOW},
        expected_params={"Name": trail_arn},
    )
    stubbed.stub("logs", "eu-west-1").add_response(
        "describe_metric_filters",
        {
            "metricFilters": [
                {
                    "filterName": "root",
                    "filterPattern": '{ $.userIdentity.type = "Root" }',
                    "metricTransformations": [
                        {"metricName": "Root", "metricNamespace": "CIS", "metricValue": "1"}
                    ],
                }
            ]
        },
        expected_params={"logGroupName": "org-trail"},
    )
    stubbed.stub("cloudwatch", "eu-west-1").add_response(
        "describe_alarms",
        {
            "MetricAlarms": [
                {
                    "AlarmName": "root-math",
                    "ActionsEnabled": True,
                    "AlarmActions": [topic, "arn:aws:automate:eu-west-1:ec2:stop"],
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "Threshold": 1.0,
                    "Metrics": [
                        {
                            "Id": "m1",
                            "MetricStat": {
                                "Metric": {"Namespace": "CIS", "MetricName": "Root"},
                                "Period": 300,
                                "Stat": "Sum",
                            },
                        }
                    ],
                },
                {"AlarmName": "unrelated", "MetricName": "CPU", "Namespace": "AWS/EC2"},
            ]
        },
        expected_params={"AlarmTypes": ["MetricAlarm"]},
    )
    sns = stubbed.stub("sns", "eu-west-1")
    sns.add_response(
        "list_subscriptions_by_topic",
        {
            "Subscriptions": [
                {"SubscriptionArn": "PendingConfirmation", "TopicArn": topic},
                {"SubscriptionArn": f"{topic}:0b6e", "TopicArn": topic},
            ]
        },
        expected_params={"TopicArn": topic},
    )
    # A topic the stack declares that no alarm notifies, in the alarms' region: read anyway.
    route = "arn:aws:sns:eu-west-1:111111111111:alarms-critical"
    sns.add_client_error(
        "list_subscriptions_by_topic",
        "NotFound",
        "Topic does not exist",
        404,
        expected_params={"TopicArn": route},
    )

    monitoring = collect_monitoring(
        stubbed.clients, expected_topics=lambda region: [route.replace("eu-west-1", region)]
    )

    assert monitoring.trail is not None
    assert monitoring.trail.name == "org"
    assert monitoring.trail.log_group_name == "org-trail"
    assert not isinstance(monitoring.alarms, (Unavailable, Skipped))
    assert [a.name for a in monitoring.alarms] == ["root-math"]  # only alarms on our metrics
    assert monitoring.alarms[0].metrics == (("CIS", "Root"),)
    subscriptions = monitoring.topics[topic]
    assert not isinstance(subscriptions, Unavailable)
    assert (subscriptions.confirmed, subscriptions.pending) == (1, 1)
    assert monitoring.topics[route] == TopicMissing(
        f"NotFound on sns:ListSubscriptionsByTopic({route}): Topic does not exist"
    )
