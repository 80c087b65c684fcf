"""The shared fake AWS (tests/fakes): wire formats, task-policy enforcement, quotas, faults.

The fake must behave like AWS where rootguard depends on it, or the audit and remediation
tests prove nothing: botocore must parse its answers and errors as AWS's, a root session
must be held to its task policy, and throttling must look like AWS's to botocore's retries.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from botocore.parsers import ResponseParserError

from rootguard.root_tasks import AUDIT, CREATE_PASSWORD, DELETE, root_tasks
from tests.fakes import REGION, FakeAws, FakeOrganization

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def client(fake: FakeAws, service: str, config: Config = NO_RETRIES, **keys: Any) -> Any:
    made = boto3.client(service, region_name=REGION, config=config, **keys)
    fake.attach(made)
    return made


def root_session(fake: FakeAws, account: str, task: str) -> Any:
    credentials = client(fake, "sts").assume_root(
        TargetPrincipal=account, TaskPolicyArn={"arn": root_tasks()[task].arn()}
    )["Credentials"]
    return client(
        fake,
        "iam",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def error_code(call: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return str(raised.value.response["Error"]["Code"])


@pytest.fixture
def org() -> FakeOrganization:
    org = FakeOrganization.secure()
    org.give_root_credentials(
        "payments", password=True, access_keys=2, mfa_devices=1, hardware_mfa=1, certificates=1
    )
    return org


def test_every_protocol_parses_and_errors_carry_aws_codes(org: FakeOrganization) -> None:
    fake = FakeAws(org)
    # json (Organizations), query (IAM, SNS), rest-json (Account), json + query-compatible
    # errors (CloudWatch): botocore parses each answer, paginators follow the tokens.
    organizations = client(fake, "organizations")
    pages = organizations.get_paginator("list_accounts").paginate()
    assert sum(len(p["Accounts"]) for p in pages) == len(org.accounts)
    assert client(fake, "iam").get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    assert client(fake, "cloudwatch").describe_alarms()["MetricAlarms"]
    account = client(fake, "account")
    org.delete_contact("audit", "BILLING")
    assert (
        error_code(
            lambda: account.get_alternate_contact(
                AccountId=org.account_id("audit"), AlternateContactType="BILLING"
            )
        )
        == "ResourceNotFoundException"
    )
    org.in_organization = False
    assert error_code(organizations.describe_organization) == "AWSOrganizationsNotInUseException"
    org.password_policy = None
    assert error_code(client(fake, "iam").get_account_password_policy) == "NoSuchEntity"
    assert (
        error_code(
            lambda: client(fake, "sns").list_subscriptions_by_topic(TopicArn="arn:aws:sns:x:1:no")
        )
        == "NotFound"
    )


def test_an_audit_session_may_read_but_never_delete(org: FakeOrganization) -> None:
    fake = FakeAws(org)
    payments = org.account_id("payments")
    iam = root_session(fake, payments, AUDIT)
    keys = iam.list_access_keys()["AccessKeyMetadata"]
    assert len(keys) == 2
    serial = iam.list_mfa_devices()["MFADevices"][0]["SerialNumber"]
    cert = iam.list_signing_certificates()["Certificates"][0]["CertificateId"]

    deletes = {
        "DeleteLoginProfile": iam.delete_login_profile,
        "DeleteAccessKey": lambda: iam.delete_access_key(AccessKeyId=keys[0]["AccessKeyId"]),
        "DeleteSigningCertificate": lambda: iam.delete_signing_certificate(CertificateId=cert),
        "DeactivateMFADevice": lambda: iam.deactivate_mfa_device(
            UserName="root", SerialNumber=serial
        ),
        "DeleteVirtualMFADevice": lambda: iam.delete_virtual_mfa_device(SerialNumber=serial),
        "CreateLoginProfile": lambda: iam.create_login_profile(),
    }
    for name, call in deletes.items():
        assert error_code(call) == "AccessDenied", name
    assert fake.deleted == []
    assert org.account(payments).root.count() == 1 + 2 + 2 + 1  # nothing changed


def test_a_delete_session_deletes_exactly_what_it_is_told(org: FakeOrganization) -> None:
    fake = FakeAws(org)
    payments = org.account_id("payments")
    root = org.account(payments).root
    iam = root_session(fake, payments, DELETE)
    virtual = next(s for s, d in root.mfa_devices.items() if d.virtual)
    hardware = next(s for s, d in root.mfa_devices.items() if not d.virtual)

    iam.delete_login_profile()
    for key in list(root.access_keys):
        iam.delete_access_key(AccessKeyId=key)
    for cert in list(root.certificates):
        iam.delete_signing_certificate(CertificateId=cert)
    # A virtual device must be deactivated before it can be deleted; hardware is only
    # deactivated.
    assert error_code(lambda: iam.delete_virtual_mfa_device(SerialNumber=virtual)) == (
        "DeleteConflict"
    )
    iam.deactivate_mfa_device(UserName="root", SerialNumber=virtual)
    iam.delete_virtual_mfa_device(SerialNumber=virtual)
    iam.deactivate_mfa_device(UserName="root", SerialNumber=hardware)

    assert root.empty
    assert [(d.account, d.kind) for d in fake.deleted] == [
        (payments, "LoginProfile"),
        (payments, "AccessKey"),
        (payments, "AccessKey"),
        (payments, "SigningCertificate"),
        (payments, "MFADeviceDeactivated"),
        (payments, "VirtualMFADevice"),
        (payments, "MFADeviceDeactivated"),
    ]
    # A second pass finds nothing, and deleting again is NoSuchEntity.
    assert iam.list_access_keys()["AccessKeyMetadata"] == []
    assert error_code(iam.delete_login_profile) == "NoSuchEntity"
    # Other accounts were never touched; the other actions of the task stay refused.
    assert {d.account for d in fake.deleted} == {payments}
    assert error_code(iam.create_login_profile) == "AccessDenied"
    assert fake.count("DeleteAccessKey") == 2


def test_a_password_session_may_only_create_the_password(org: FakeOrganization) -> None:
    fake = FakeAws(org)
    audit = org.account_id("audit")
    iam = root_session(fake, audit, CREATE_PASSWORD)
    iam.create_login_profile()
    assert org.account(audit).root.password is not None
    assert error_code(iam.list_access_keys) == "AccessDenied"


@pytest.mark.parametrize(
    ("target", "task_arn", "duration", "code"),
    [
        ("management", None, 900, "AccessDenied"),  # never the management account
        ("999999999999", None, 900, "AccessDenied"),  # not in the organization
        ("payments", "arn:aws:iam::aws:policy/AdministratorAccess", 900, "AccessDenied"),
        ("payments", None, 3600, "ValidationError"),
        ("denied", None, 900, "AccessDenied"),  # an SCP denies sts:AssumeRoot there
    ],
)
def test_assume_root_refusals(
    org: FakeOrganization, target: str, task_arn: str | None, duration: int, code: str
) -> None:
    fake = FakeAws(org)
    org.deny_assume_root("audit")
    principal = {"management": org.management_id, "denied": org.account_id("audit")}.get(
        target, org.account_id(target) if target == "payments" else target
    )
    sts = client(fake, "sts")
    assert (
        error_code(
            lambda: sts.assume_root(
                TargetPrincipal=principal,
                TaskPolicyArn={"arn": task_arn or root_tasks()[DELETE].arn()},
                DurationSeconds=duration,
            )
        )
        == code
    )


def test_root_sessions_need_centralized_root_sessions(org: FakeOrganization) -> None:
    org.features = {"RootCredentialsManagement"}
    sts = client(FakeAws(org), "sts")
    assert (
        error_code(
            lambda: sts.assume_root(
                TargetPrincipal=org.account_id("payments"),
                TaskPolicyArn={"arn": root_tasks()[AUDIT].arn()},
            )
        )
        == "AccessDenied"
    )


def test_a_quota_throttles_and_adaptive_retries_get_through(org: FakeOrganization) -> None:
    fake = FakeAws(org)
    fake.limit("ListRoots", rate=20, burst=2)
    organizations = client(fake, "organizations")
    assert error_code(lambda: [organizations.list_roots() for _ in range(5)]) == (
        "TooManyRequestsException"
    )
    fake.reset_records()

    adaptive = client(
        fake, "organizations", Config(retries={"mode": "adaptive", "max_attempts": 10})
    )
    for _ in range(30):
        adaptive.list_roots()

    assert fake.throttled > 0  # botocore saw throttling answers...
    assert fake.count("ListRoots") == 30 + fake.throttled  # ...and retried each one


@pytest.mark.parametrize(
    ("service", "code"),
    [("iam", "Throttling"), ("account", "TooManyRequestsException"), ("sns", "Throttled"),
     ("cloudwatch", "Throttling"), ("cloudtrail", "ThrottlingException")],
)  # fmt: skip
def test_each_service_throttles_with_its_own_code(
    org: FakeOrganization, service: str, code: str
) -> None:
    fake = FakeAws(org)
    fake.inject("throttle")
    calls = {
        "iam": lambda c: c.get_account_summary(),
        "account": lambda c: c.get_contact_information(),
        "sns": lambda c: c.list_subscriptions_by_topic(TopicArn=org.topic_arn("x")),
        "cloudwatch": lambda c: c.describe_alarms(),
        "cloudtrail": lambda c: c.describe_trails(),
    }
    made = client(fake, service)
    assert error_code(lambda: calls[service](made)) == code


def test_faults_by_operation_and_account(org: FakeOrganization) -> None:
    fake = FakeAws(org)
    payments, audit = org.account_id("payments"), org.account_id("audit")
    fake.inject("access_denied", "GetAlternateContact", account=payments)
    fake.inject("garbled", "GetAccountSummary")
    fake.inject("timeout", "DescribeTrails", times=1)
    account = client(fake, "account")

    def contact(account_id: str) -> Any:
        return account.get_alternate_contact(AccountId=account_id, AlternateContactType="SECURITY")

    assert error_code(lambda: contact(payments)) == "AccessDeniedException"
    assert contact(audit)["AlternateContact"]["EmailAddress"] == "security@example.com"
    # botocore's query parser fails on an HTML page with a KeyError (well-formed HTML has no
    # <GetAccountSummaryResult>), on broken markup with ResponseParserError.
    with pytest.raises((ResponseParserError, KeyError)):
        client(fake, "iam").get_account_summary()
    cloudtrail = client(fake, "cloudtrail")
    with pytest.raises(ReadTimeoutError):
        cloudtrail.describe_trails()
    assert cloudtrail.describe_trails()["trailList"]  # `times=1`: only the first
    assert [c.outcome for c in fake.calls] == [
        "AccessDeniedException", "OK", "garbled", "timeout", "OK",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="fault kind"):
        fake.inject("meteor")


def test_the_loopback_server_answers_any_client(org: FakeOrganization) -> None:
    fake = FakeAws(org)
    fake.inject("timeout", "ListRoots", times=1)
    with fake.serve() as url:
        organizations = boto3.client(
            "organizations", region_name=REGION, endpoint_url=url, config=NO_RETRIES
        )
        assert organizations.describe_organization()["Organization"]["Id"] == org.id
        with pytest.raises(ConnectionClosedError):  # a timed-out call: the server hangs up
            organizations.list_roots()
        assert organizations.list_roots()["Roots"][0]["Id"] == org.root_id
    assert fake.count() == 3
