"""A secure AWS Organization built in moto, plus what moto cannot express.

`World.build()` creates, through the public APIs, an organization that passes every check:
OUs and member accounts, root-deny SCPs at the root, an organization trail delivering to
CloudWatch Logs, a metric filter and alarm per CIS control notifying a topic with a
confirmed subscription, distinct alternate contacts everywhere and a CIS password policy.
Methods named after an insecurity then break one thing each.

moto does not model a few things the audit reads; the World supplies them:
- root-user state of the management account (AccountMFAEnabled, AccountAccessKeysPresent,
  the credential report's <root_account> row, a virtual MFA device assigned to root) is set
  on moto's IAM backend, and CloudTrail's LatestCloudWatchLogsDeliveryTime is added to
  moto's trail status;
- AssumeRoot, ListOrganizationsFeatures and GetContactInformation, and the IAM calls made as
  a member account's root user, are answered by botocore's Stubber (tests/audit/stubs.py),
  wired in through the audit's `on_new_client` hook.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore import xform_name
from botocore.stub import Stubber
from moto.cloudtrail.models import TrailStatus
from moto.iam.models import IAMBackend, iam_backends
from moto.sns.models import sns_backends

from rootguard.alarm_catalog import load_catalog
from rootguard.audit.aws import Clients, ClientScope
from rootguard.audit.readonly import AUDIT_TASK_POLICY_ARN
from rootguard.config import RootGuardConfig, load_config

from .stubs import OperationStubber

MANAGEMENT = "123456789012"  # moto's default account: the caller, so the management account
REGION = "us-east-1"
NAMESPACE = "RootGuard/CIS"  # rootguard:alarms defaults
TOPIC_NAME = "rootguard-security-alarms"

OUS = ("Security", "Workloads", "Workloads/Prod", "Workloads/NonProd", "Sandbox")
MEMBERS = {
    "log-archive": "Security",
    "audit": "Security",
    "payments": "Workloads/Prod",
    "payments-nonprod": "Workloads/NonProd",
    "sandbox-1": "Sandbox",
}

DENY_ROOT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyRootUser",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {
                "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]},
                "Null": {"aws:AssumedRoot": "true"},
            },
        }
    ],
}
DENY_ROOT_KEYS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyRootAccessKeys",
            "Effect": "Deny",
            "Action": "iam:CreateAccessKey",
            "Resource": ["*"],
            "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}},
        }
    ],
}

# The alarms rootguard deploys: the secure organization carries exactly these.
ALARMS = {definition.id: definition for definition in load_catalog()}

# What the audit reads as a member's root user (the IAMAuditRootUserCredentials task).
ROOT_READS = ("GetLoginProfile", "ListAccessKeys", "ListMFADevices", "ListSigningCertificates")

REPORT_COLUMNS = (
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
)


@dataclass
class MemberRoot:
    """A member account's root credentials, as AssumeRoot's audit session would see them."""

    password: bool = False
    access_keys: list[tuple[str, str]] = field(default_factory=list)
    mfa_devices: list[str] = field(default_factory=list)
    certificates: list[tuple[str, str]] = field(default_factory=list)


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


class World:
    def __init__(self, make_client: Callable[..., Any], endpoint_url: str | None = None):
        self.client = make_client
        self.endpoint_url = endpoint_url
        self.now = datetime.now(UTC)
        self.features = ["RootCredentialsManagement", "RootSessions"]
        self.contact_information: dict[str, str] | None = {
            "FullName": "Example Corp Cloud Team",
            "PhoneNumber": "+12065550100",
            "CountryCode": "US",
            "AddressLine1": "1 Example Way",
            "City": "Seattle",
            "PostalCode": "98101",
        }
        self.member_roots: dict[str, MemberRoot] = {}
        self.denied_assume_root: set[str] = set()
        self.cloudwatch_delivery: datetime | None = self.now - timedelta(minutes=3)
        self.root_row: dict[str, str] = {
            "password_last_used": _iso(self.now - timedelta(days=200)),
            "access_key_1_last_used_date": "N/A",
            "access_key_2_last_used_date": "N/A",
            "mfa_active": "true",
        }
        self.organization_id = ""
        self.root_id = ""
        self.ous: dict[str, str] = {}
        self.accounts: dict[str, str] = {}
        self.policies: dict[str, str] = {}
        self.topics: dict[str, str] = {}
        self.trail_arn = ""
        self.stubbers: list[Stubber] = []
        # (service, operation, member account for root-session calls or None): every call
        # the audit made, recorded before it is sent (or stubbed).
        self.calls: list[tuple[str, str, str | None]] = []

    # --- What moto cannot express --------------------------------------------------------

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        world = self
        original_report = IAMBackend.get_credential_report
        original_status = TrailStatus.description

        def credential_report(backend: IAMBackend) -> str:
            header, _, rest = original_report(backend).partition("\n")
            row = {column: "N/A" for column in REPORT_COLUMNS}
            row.update(
                user="<root_account>",
                arn=f"arn:aws:iam::{backend.account_id}:root",
                user_creation_time=_iso(world.now - timedelta(days=900)),
                password_enabled="not_supported",
                access_key_1_active="false",
                access_key_2_active="false",
                cert_1_active="false",
                cert_2_active="false",
            )
            row.update(world.root_row)
            return f"{header}\n{','.join(row[c] for c in REPORT_COLUMNS)}\n{rest}"

        def status(self: TrailStatus) -> dict[str, Any]:
            described = original_status(self)
            if world.cloudwatch_delivery is not None:
                described["LatestCloudWatchLogsDeliveryTime"] = int(
                    world.cloudwatch_delivery.timestamp()
                )
            return described

        monkeypatch.setattr(IAMBackend, "get_credential_report", credential_report)
        monkeypatch.setattr(TrailStatus, "description", status)

    def _summary(self) -> Any:
        return iam_backends[MANAGEMENT]["global"].account_summary

    # --- The secure organization -------------------------------------------------------

    def build(self) -> World:
        org = self.client("organizations")
        self.organization_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        self.root_id = org.list_roots()["Roots"][0]["Id"]
        org.enable_policy_type(RootId=self.root_id, PolicyType="SERVICE_CONTROL_POLICY")
        for path in OUS:
            parent, _, name = path.rpartition("/")
            parent_id = self.ous[parent] if parent else self.root_id
            ou = org.create_organizational_unit(ParentId=parent_id, Name=name)
            self.ous[path] = ou["OrganizationalUnit"]["Id"]
        for name, path in MEMBERS.items():
            status = org.create_account(Email=f"aws+{name}@example.com", AccountName=name)
            account_id = status["CreateAccountStatus"]["AccountId"]
            org.move_account(
                AccountId=account_id,
                SourceParentId=self.root_id,
                DestinationParentId=self.ous[path],
            )
            self.accounts[name] = account_id
            self.member_roots[account_id] = MemberRoot()
        for name, document in (
            ("RootGuardDenyRoot", DENY_ROOT),
            ("RootGuardDenyRootAccessKeys", DENY_ROOT_KEYS),
        ):
            policy = org.create_policy(
                Name=name,
                Description=name,
                Type="SERVICE_CONTROL_POLICY",
                Content=json.dumps(document, separators=(",", ":")),
            )
            self.policies[name] = policy["Policy"]["PolicySummary"]["Id"]
            org.attach_policy(PolicyId=self.policies[name], TargetId=self.root_id)

        self._summary()._account_mfa_enabled = 1
        iam = self.client("iam")
        iam.update_account_password_policy(
            MinimumPasswordLength=16,
            RequireSymbols=True,
            RequireNumbers=True,
            RequireUppercaseCharacters=True,
            RequireLowercaseCharacters=True,
            AllowUsersToChangePassword=True,
            PasswordReusePrevention=24,
        )
        # The report exists already (AWS keeps one for four hours): no wait in the audit.
        iam.generate_credential_report()

        for account_id in [None, *self.accounts.values()]:
            self.put_contacts(account_id)
        self._build_trail_and_alarms()
        return self

    def put_contacts(self, account_id: str | None) -> None:
        account = self.client("account")
        extra = {"AccountId": account_id} if account_id else {}
        for kind, mailbox in (
            ("SECURITY", "security"),
            ("BILLING", "billing"),
            ("OPERATIONS", "cloud-ops"),
        ):
            account.put_alternate_contact(
                AlternateContactType=kind,
                EmailAddress=f"{mailbox}@example.com",
                Name=f"{kind.title()} team",
                PhoneNumber="+12065550123",
                Title=f"{kind.title()} on call",
                **extra,
            )

    def _build_trail_and_alarms(self) -> None:
        key = self.client("kms").create_key(Description="trail")["KeyMetadata"]["Arn"]
        self.client("s3").create_bucket(Bucket="org-trail-logs")
        logs = self.client("logs")
        logs.create_log_group(logGroupName="org-trail")
        log_group_arn = logs.describe_log_groups(logGroupNamePrefix="org-trail")["logGroups"][0][
            "arn"
        ]
        trail = self.client("cloudtrail").create_trail(
            Name="org-trail",
            S3BucketName="org-trail-logs",
            IsMultiRegionTrail=True,
            IsOrganizationTrail=True,
            EnableLogFileValidation=True,
            KmsKeyId=key,
            CloudWatchLogsLogGroupArn=log_group_arn,
            CloudWatchLogsRoleArn=f"arn:aws:iam::{MANAGEMENT}:role/org-trail-to-logs",
        )
        self.trail_arn = trail["TrailARN"]
        self.client("cloudtrail").start_logging(Name="org-trail")

        sns = self.client("sns")
        self.topics["security"] = sns.create_topic(Name=TOPIC_NAME)["TopicArn"]
        sns.subscribe(
            TopicArn=self.topics["security"], Protocol="email", Endpoint="security@example.com"
        )
        for control, alarm in ALARMS.items():
            logs.put_metric_filter(
                logGroupName="org-trail",
                filterName=f"rootguard-{alarm.slug}",
                filterPattern=alarm.pattern,
                metricTransformations=[
                    {"metricName": alarm.metric, "metricNamespace": NAMESPACE, "metricValue": "1"}
                ],
            )
            self.put_alarm(control, self.topics["security"])

    def put_alarm(self, control: str, topic_arn: str) -> None:
        alarm = ALARMS[control]
        self.client("cloudwatch").put_metric_alarm(
            AlarmName=f"rootguard-{alarm.slug}",
            MetricName=alarm.metric,
            Namespace=NAMESPACE,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="notBreaching",
            ActionsEnabled=True,
            AlarmActions=[topic_arn],
        )

    # --- Insecurities, one at a time -------------------------------------------------

    def add_root_access_key(self) -> None:
        self._summary()._account_access_keys_present = 1

    def remove_root_mfa(self) -> None:
        self._summary()._account_mfa_enabled = 0
        self.root_row["mfa_active"] = "false"

    def assign_virtual_mfa_to_root(self) -> str:
        serial = self.client("iam").create_virtual_mfa_device(VirtualMFADeviceName="root-phone")[
            "VirtualMFADevice"
        ]["SerialNumber"]
        device = iam_backends[MANAGEMENT]["global"].virtual_mfa_devices[serial]
        device.enable_date = self.now
        device.user = _RootUser()
        return str(serial)

    def stop_trail(self) -> None:
        self.client("cloudtrail").stop_logging(Name="org-trail")

    def leave_alarm_unconfirmed(self, control: str) -> str:
        """Point the control's alarm at a topic whose only subscription is pending."""
        sns = self.client("sns")
        topic = sns.create_topic(Name=f"alarms-{control.replace('.', '-')}")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="nobody-confirmed@example.com")
        backend = sns_backends[MANAGEMENT][REGION]
        for subscription in list(backend.subscriptions.values()):
            if subscription.topic.arn == topic:
                del backend.subscriptions[subscription.arn]
                subscription.arn = "PendingConfirmation"
                backend.subscriptions[subscription.arn] = subscription
        self.put_alarm(control, topic)
        self.topics[control] = topic
        return str(topic)

    def delete_security_contact(self, account_name: str) -> None:
        self.client("account").delete_alternate_contact(
            AlternateContactType="SECURITY", AccountId=self.accounts[account_name]
        )

    def detach(self, policy: str, target_id: str) -> None:
        self.client("organizations").detach_policy(
            PolicyId=self.policies[policy], TargetId=target_id
        )

    def attach(self, policy: str, target_id: str) -> None:
        self.client("organizations").attach_policy(
            PolicyId=self.policies[policy], TargetId=target_id
        )

    def deny_assume_root(self, account_name: str) -> None:
        self.denied_assume_root.add(self.accounts[account_name])

    # --- The audit's view: clients and stubs -----------------------------------------

    def audit_clients(self, max_workers: int = 1) -> Clients:
        # Stubbed operations are queued as they are called, so a Stubber sees them in a
        # fixed order only with one worker; tests that need concurrency turn them off.
        return Clients(
            None,
            REGION,
            max_workers=max_workers,
            endpoint_url=self.endpoint_url,
            on_new_client=self.on_new_client,
        )

    def on_new_client(self, client: Any, scope: ClientScope) -> None:
        def record(model: Any, **_: Any) -> None:
            member = scope.current_account() if scope.root_session else None
            self.calls.append((scope.service, model.name, member))

        client.meta.events.register("before-call.*.*", record)
        if scope.root_session:
            stubber = OperationStubber(client, ROOT_READS, self._member_root(scope))
            stubber.activate()
            self.stubbers.append(stubber)
        elif scope.service == "sts":
            self._stub(client, "AssumeRoot", self._assume_root)
        elif scope.service == "iam":
            self._stub(client, "ListOrganizationsFeatures", self._features)
        elif scope.service == "account":
            self._stub(client, "GetContactInformation", self._contact_information)

    def _stub(self, client: Any, operation: str, responder: Any) -> None:
        stubber = OperationStubber(client, [operation], responder)
        stubber.activate()
        self.stubbers.append(stubber)

    def _assume_root(self, stubber: Stubber, _: str, params: dict[str, Any]) -> None:
        target = params.get("TargetPrincipal")
        assert target in self.member_roots, f"AssumeRoot for a non-member {target!r}"
        expected = {
            "TargetPrincipal": target,
            "TaskPolicyArn": {"arn": AUDIT_TASK_POLICY_ARN},
            "DurationSeconds": 900,
        }
        if target in self.denied_assume_root:
            stubber.add_client_error(
                "assume_root",
                service_error_code="AccessDenied",
                service_message=(
                    f"User: arn:aws:sts::{MANAGEMENT}:assumed-role/Audit/ci is not authorized "
                    f"to perform: sts:AssumeRoot on resource: arn:aws:iam::{target}:root"
                ),
                http_status_code=403,
                expected_params=expected,
            )
            return
        stubber.add_response(
            "assume_root",
            {
                "Credentials": {
                    "AccessKeyId": f"ASIA{target}",
                    "SecretAccessKey": "root-session-secret",
                    "SessionToken": "root-session-token",
                    "Expiration": self.now + timedelta(minutes=15),
                },
                "SourceIdentity": "audit",
            },
            expected_params=expected,
        )

    def _features(self, stubber: Stubber, _: str, params: dict[str, Any]) -> None:
        stubber.add_response(
            "list_organizations_features",
            {"OrganizationId": self.organization_id, "EnabledFeatures": self.features},
            expected_params={},
        )

    def _contact_information(self, stubber: Stubber, _: str, params: dict[str, Any]) -> None:
        if self.contact_information is None:
            stubber.add_client_error(
                "get_contact_information",
                service_error_code="ResourceNotFoundException",
                http_status_code=404,
                expected_params={},
            )
        else:
            stubber.add_response(
                "get_contact_information",
                {"ContactInformation": self.contact_information},
                expected_params={},
            )

    def _member_root(self, scope: ClientScope) -> Any:
        """Answer the four reads as the member whose AssumeRoot session the client uses.

        No UserName is expected: without one, the calls act on the root user itself.
        """

        def respond(stubber: Stubber, operation: str, params: dict[str, Any]) -> None:
            account = scope.current_account()
            assert account in self.member_roots, f"root session for a non-member {account!r}"
            root = self.member_roots[account]
            if operation == "GetLoginProfile" and not root.password:
                stubber.add_client_error(
                    "get_login_profile",
                    service_error_code="NoSuchEntity",
                    service_message="Login Profile for User root cannot be found.",
                    http_status_code=404,
                    expected_params={},
                )
                return
            responses = {
                "GetLoginProfile": {"LoginProfile": {"UserName": "root", "CreateDate": self.now}},
                "ListAccessKeys": {
                    "AccessKeyMetadata": [
                        {"AccessKeyId": key, "Status": status, "CreateDate": self.now}
                        for key, status in root.access_keys
                    ]
                },
                "ListMFADevices": {
                    "MFADevices": [
                        {"UserName": "root", "SerialNumber": serial, "EnableDate": self.now}
                        for serial in root.mfa_devices
                    ]
                },
                "ListSigningCertificates": {
                    "Certificates": [
                        {
                            "UserName": "root",
                            "CertificateId": cert,
                            "CertificateBody": "-----BEGIN CERTIFICATE-----",
                            "Status": status,
                        }
                        for cert, status in root.certificates
                    ]
                },
            }
            stubber.add_response(xform_name(operation), responses[operation], expected_params={})

        return respond

    def assert_stubs_used(self) -> None:
        for stubber in self.stubbers:
            stubber.assert_no_pending_responses()


class _RootUser:
    """What ListVirtualMFADevices returns as the User of a device assigned to root."""

    path = "/"
    name = "root"
    id = MANAGEMENT
    arn = f"arn:aws:iam::{MANAGEMENT}:root"
    create_date = datetime(2020, 1, 1, tzinfo=UTC)


def stack_config(world: World, **sections: Any) -> RootGuardConfig:
    """A stack config that declares exactly the world's organization (adopted by id)."""
    organization = {
        "organizationalUnits": [{"path": path, "id": world.ous[path]} for path in OUS],
        "accounts": [
            {
                "name": name,
                "email": f"aws+{name}@example.com",
                "ou": path,
                "id": world.accounts[name],
            }
            for name, path in MEMBERS.items()
        ],
    }
    alarms = {"email": ["security@example.com"]}  # subscribed in the world (`security`)
    return load_config({"organization": organization, "alarms": alarms, **sections})


def deploy_guardrails(world: World, config: RootGuardConfig) -> list[str]:
    """Replace the world's hand-written SCPs with what rootguard renders from `config`."""
    org = world.client("organizations")
    for name in ("RootGuardDenyRoot", "RootGuardDenyRootAccessKeys"):
        world.detach(name, world.root_id)
    ids = {"root": world.root_id}
    ids.update({f"ou:{path}": ou_id for path, ou_id in world.ous.items()})
    ids.update({f"account:{name}": account_id for name, account_id in world.accounts.items()})
    targets = [ids[t.label] for t in config.guardrails.attachment_targets(config.organization)]
    created = []
    for number, rendered in enumerate(config.guardrails.policies(), start=1):
        policy = org.create_policy(
            Name=f"rootguard-guardrails-{number}",
            Description="rootguard guardrails",
            Type="SERVICE_CONTROL_POLICY",
            Content=rendered.document,
        )["Policy"]["PolicySummary"]["Id"]
        world.policies[f"guardrails-{number}"] = policy
        for target in targets:
            org.attach_policy(PolicyId=policy, TargetId=target)
        created.append(policy)
    return created
