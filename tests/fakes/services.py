"""What each modelled AWS operation answers, read from (and, for deletes, written to) the org.

A handler gets a `Call` (the organization, the caller, the decoded parameters) and returns
the output structure as botocore's model names it, or raises `ServiceError`. Only what a
rootguard test or benchmark calls is modelled; anything else is answered with an error, so
an unexpected call is visible rather than silently empty.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .organization import (
    CONTACT_TYPES,
    LOG_GROUP,
    REGION,
    ROOT_SESSIONS,
    Account,
    ChatConfigurationState,
    FakeOrganization,
    RootCredentials,
)

ORGANIZATIONS_PAGE = 20  # ListAccountsForParent and friends: at most 20 per page
IAM_PAGE = 100  # IAM's MaxItems default


class ServiceError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Caller:
    """Who signed the request: the management credentials, or a root session."""

    account: str
    arn: str
    root_task: str | None = None  # the task policy of an AssumeRoot session


@dataclass
class Call:
    org: FakeOrganization
    caller: Caller
    params: dict[str, Any]
    issue_session: Callable[[str, str], tuple[str, str, str]]  # (account, task) -> keys
    record_delete: Callable[[str, str, str], None]  # (account, kind, id)

    def member(self, account_id: str) -> Account:
        account = self.org.accounts.get(account_id)
        if account is None:
            raise ServiceError("AccountNotFoundException", f"account {account_id} not found")
        return account

    @property
    def root(self) -> RootCredentials:
        return self.org.accounts[self.caller.account].root


Handler = Callable[[Call], dict[str, Any]]
HANDLERS: dict[tuple[str, str], Handler] = {}


def handles(service: str, *operations: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for operation in operations:
            HANDLERS[(service, operation)] = handler
        return handler

    return register


def _page(items: list[Any], key: str, params: dict[str, Any], size: int) -> dict[str, Any]:
    start = int(params.get("NextToken") or 0)
    page: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        page["NextToken"] = str(start + size)
    return page


def _iam_page(items: list[Any], key: str, params: dict[str, Any]) -> dict[str, Any]:
    start = int(params.get("Marker") or 0)
    size = int(params.get("MaxItems") or IAM_PAGE)
    page: dict[str, Any] = {key: items[start : start + size], "IsTruncated": False}
    if start + size < len(items):
        page.update(IsTruncated=True, Marker=str(start + size))
    return page


def _management_only(call: Call) -> None:
    if call.caller.root_task is not None:
        raise ServiceError("AccessDenied", f"{call.caller.arn} is a root session", 403)


# --- STS ----------------------------------------------------------------------------------


@handles("sts", "GetCallerIdentity")
def _get_caller_identity(call: Call) -> dict[str, Any]:
    return {"Account": call.caller.account, "Arn": call.caller.arn, "UserId": "AROAFAKE:ci"}


@handles("sts", "AssumeRoot")
def _assume_root(call: Call) -> dict[str, Any]:
    from rootguard.root_tasks import root_tasks

    org, params = call.org, call.params
    target = str(params.get("TargetPrincipal", "")).split(":")[-1]
    task = root_tasks().by_arn((params.get("TaskPolicyArn") or {}).get("arn"))
    duration = int(params.get("DurationSeconds") or root_tasks().max_session_seconds)
    denied = (
        f"User: {call.caller.arn} is not authorized to perform: sts:AssumeRoot on resource: "
        f"arn:aws:iam::{target}:root"
    )
    if call.caller.root_task is not None or call.caller.account != org.management_id:
        raise ServiceError("AccessDenied", denied, 403)
    if duration > root_tasks().max_session_seconds:
        raise ServiceError(
            "ValidationError",
            f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to "
            "satisfy constraint: Member must have value less than or equal to 900",
        )
    if task is None:
        raise ServiceError("AccessDenied", f"{denied} (not a root task policy)", 403)
    account = org.accounts.get(target)
    if (
        account is None
        or target == org.management_id
        or account.denies_assume_root
        or ROOT_SESSIONS not in (org.features or set())
    ):
        raise ServiceError("AccessDenied", denied, 403)
    key, secret, token = call.issue_session(target, task.name)
    return {
        "Credentials": {
            "AccessKeyId": key,
            "SecretAccessKey": secret,
            "SessionToken": token,
            "Expiration": org.now + timedelta(seconds=duration),
        },
        "SourceIdentity": "rootguard",
    }


# --- Organizations ------------------------------------------------------------------------


def _organization(call: Call) -> FakeOrganization:
    _management_only(call)
    if not call.org.in_organization:
        raise ServiceError(
            "AWSOrganizationsNotInUseException",
            "Your account is not a member of an organization.",
        )
    return call.org


@handles("organizations", "DescribeOrganization")
def _describe_organization(call: Call) -> dict[str, Any]:
    org = _organization(call)
    return {
        "Organization": {
            "Id": org.id,
            "Arn": f"arn:aws:organizations::{org.management_id}:organization/{org.id}",
            "FeatureSet": org.feature_set,
            "MasterAccountId": org.management_id,
            "MasterAccountEmail": org.accounts[org.management_id].email,
        }
    }


@handles("organizations", "ListRoots")
def _list_roots(call: Call) -> dict[str, Any]:
    org = _organization(call)
    types = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}] if org.scp_enabled else []
    return {"Roots": [{"Id": org.root_id, "Name": "Root", "PolicyTypes": types}]}


@handles("organizations", "ListOrganizationalUnitsForParent")
def _list_ous(call: Call) -> dict[str, Any]:
    org = _organization(call)
    children = [
        {"Id": ou.id, "Name": ou.name}
        for ou in org.ous.values()
        if ou.parent_id == call.params["ParentId"]
    ]
    return _page(children, "OrganizationalUnits", call.params, ORGANIZATIONS_PAGE)


def _account_summary(account: Account) -> dict[str, Any]:
    return {
        "Id": account.id,
        "Name": account.name,
        "Email": account.email,
        "Status": "ACTIVE" if account.state == "ACTIVE" else "SUSPENDED",
        "State": account.state,
    }


@handles("organizations", "ListAccountsForParent")
def _list_accounts_for_parent(call: Call) -> dict[str, Any]:
    org = _organization(call)
    children = [
        _account_summary(a) for a in org.accounts.values() if a.parent_id == call.params["ParentId"]
    ]
    return _page(children, "Accounts", call.params, ORGANIZATIONS_PAGE)


@handles("organizations", "ListAccounts")
def _list_accounts(call: Call) -> dict[str, Any]:
    org = _organization(call)
    accounts = [_account_summary(a) for a in org.accounts.values()]
    return _page(accounts, "Accounts", call.params, ORGANIZATIONS_PAGE)


@handles("organizations", "DescribeAccount")
def _describe_account(call: Call) -> dict[str, Any]:
    _organization(call)
    return {"Account": _account_summary(call.member(call.params["AccountId"]))}


@handles("organizations", "ListPolicies")
def _list_policies(call: Call) -> dict[str, Any]:
    org = _organization(call)
    summaries = [
        {"Id": p.id, "Name": p.name, "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": p.aws_managed}
        for p in org.policies.values()
    ]
    return _page(summaries, "Policies", call.params, ORGANIZATIONS_PAGE)


def _policy(call: Call) -> Any:
    policy = _organization(call).policies.get(call.params["PolicyId"])
    if policy is None:
        raise ServiceError("PolicyNotFoundException", "We can't find a policy with the PolicyId")
    return policy


@handles("organizations", "DescribePolicy")
def _describe_policy(call: Call) -> dict[str, Any]:
    policy = _policy(call)
    return {
        "Policy": {
            "PolicySummary": {
                "Id": policy.id,
                "Name": policy.name,
                "AwsManaged": policy.aws_managed,
            },
            "Content": policy.document,
        }
    }


@handles("organizations", "ListTargetsForPolicy")
def _list_targets_for_policy(call: Call) -> dict[str, Any]:
    policy = _policy(call)
    org = call.org
    kinds = {org.root_id: "ROOT", **{ou.id: "ORGANIZATIONAL_UNIT" for ou in org.ous.values()}}
    targets = [
        {"TargetId": target, "Type": kinds.get(target, "ACCOUNT")}
        for target in sorted(policy.targets)
    ]
    return _page(targets, "Targets", call.params, ORGANIZATIONS_PAGE)


# --- IAM in the management account -------------------------------------------------------


@handles("iam", "ListOrganizationsFeatures")
def _list_organizations_features(call: Call) -> dict[str, Any]:
    org = _organization(call)
    if org.features is None:
        raise ServiceError(
            "ServiceAccessNotEnabledException",
            "The request failed because AWS service access is not enabled for the organization.",
        )
    return {"OrganizationId": org.id, "EnabledFeatures": sorted(org.features)}


@handles("iam", "GetAccountSummary")
def _get_account_summary(call: Call) -> dict[str, Any]:
    _management_only(call)
    root = call.org.management_root
    return {
        "SummaryMap": {
            "AccountMFAEnabled": int(root.mfa_enabled),
            "AccountAccessKeysPresent": int(root.access_keys_present),
            "Users": 3,
        }
    }


@handles("iam", "ListVirtualMFADevices")
def _list_virtual_mfa_devices(call: Call) -> dict[str, Any]:
    _management_only(call)
    org = call.org
    devices = [
        {
            "SerialNumber": serial,
            "EnableDate": org.now - timedelta(days=10),
            "User": {
                "Path": "/",
                "UserName": "root",
                "UserId": org.management_id,
                "Arn": f"arn:aws:iam::{org.management_id}:root",
                "CreateDate": org.now - timedelta(days=900),
            },
        }
        for serial in org.management_root.virtual_mfa_serials
    ]
    if call.params.get("AssignmentStatus") == "Unassigned":
        devices = []
    return _iam_page(devices, "VirtualMFADevices", call.params)


REPORT_COLUMNS = [
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
]


@handles("iam", "GenerateCredentialReport")
def _generate_credential_report(call: Call) -> dict[str, Any]:
    _management_only(call)
    return {"State": "COMPLETE", "Description": "No report exists. Starting a new report."}


@handles("iam", "GetCredentialReport")
def _get_credential_report(call: Call) -> dict[str, Any]:
    _management_only(call)
    org = call.org
    row = dict.fromkeys(REPORT_COLUMNS, "N/A")
    row.update(
        user="<root_account>",
        arn=f"arn:aws:iam::{org.management_id}:root",
        user_creation_time=(org.now - timedelta(days=900)).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        password_enabled="not_supported",
        access_key_1_active=str(org.management_root.access_keys_present).lower(),
        access_key_2_active="false",
        cert_1_active="false",
        cert_2_active="false",
    )
    row.update(org.management_root.report_row)
    content = ",".join(REPORT_COLUMNS) + "\n" + ",".join(row[c] for c in REPORT_COLUMNS) + "\n"
    return {"Content": content.encode(), "ReportFormat": "text/csv", "GeneratedTime": org.now}


@handles("iam", "GetAccountPasswordPolicy")
def _get_account_password_policy(call: Call) -> dict[str, Any]:
    _management_only(call)
    if call.org.password_policy is None:
        raise ServiceError(
            "NoSuchEntity",
            f"The Password Policy with domain name {call.org.management_id} cannot be found.",
            404,
        )
    return {"PasswordPolicy": call.org.password_policy}


# --- IAM as a member account's root user (an AssumeRoot session) -----------------------


def _root_session(call: Call) -> RootCredentials:
    if call.caller.root_task is None:
        raise ServiceError(
            "ValidationError", "the fake answers root-credential calls only in a root session"
        )
    return call.root


def _no_such(kind: str, ident: str) -> ServiceError:
    return ServiceError("NoSuchEntity", f"The {kind} with id {ident} cannot be found.", 404)


@handles("iam", "GetUser")
def _get_user(call: Call) -> dict[str, Any]:
    _root_session(call)
    account = call.caller.account
    return {
        "User": {
            "Path": "/",
            "UserName": "root",
            "UserId": account,
            "Arn": f"arn:aws:iam::{account}:root",
            "CreateDate": call.org.now - timedelta(days=900),
        }
    }


@handles("iam", "GetLoginProfile")
def _get_login_profile(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    if root.password is None:
        raise ServiceError("NoSuchEntity", "Login Profile for User root cannot be found.", 404)
    return {
        "LoginProfile": {
            "UserName": "root",
            "CreateDate": root.password,
            "PasswordResetRequired": False,
        }
    }


@handles("iam", "CreateLoginProfile")
def _create_login_profile(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    if root.password is not None:
        raise ServiceError(
            "EntityAlreadyExists", "Login Profile for user root already exists.", 409
        )
    root.password = call.org.now
    return {"LoginProfile": {"UserName": "root", "CreateDate": root.password}}


@handles("iam", "DeleteLoginProfile")
def _delete_login_profile(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    if root.password is None:
        raise ServiceError("NoSuchEntity", "Login Profile for User root cannot be found.", 404)
    root.password = None
    call.record_delete(call.caller.account, "LoginProfile", "root")
    return {}


@handles("iam", "ListAccessKeys")
def _list_access_keys(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    keys = [
        {"UserName": "root", "AccessKeyId": key, "Status": k.status, "CreateDate": k.created}
        for key, k in root.access_keys.items()
    ]
    return _iam_page(keys, "AccessKeyMetadata", call.params)


@handles("iam", "GetAccessKeyLastUsed")
def _get_access_key_last_used(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    key = root.access_keys.get(call.params["AccessKeyId"])
    if key is None:
        raise _no_such("access key", call.params["AccessKeyId"])
    used: dict[str, Any] = {"ServiceName": "N/A", "Region": "N/A"}
    if key.last_used is not None:
        used = {"LastUsedDate": key.last_used, "ServiceName": "s3", "Region": REGION}
    return {"UserName": "root", "AccessKeyLastUsed": used}


def _delete(call: Call, store: dict[str, Any], id_param: str, kind: str) -> dict[str, Any]:
    """Delete the root user's credential named by `id_param` from `store`, or NoSuchEntity."""
    ident = call.params[id_param]
    if store.pop(ident, None) is None:
        raise _no_such(kind, ident)
    call.record_delete(call.caller.account, kind, ident)
    return {}


@handles("iam", "DeleteAccessKey")
def _delete_access_key(call: Call) -> dict[str, Any]:
    return _delete(call, _root_session(call).access_keys, "AccessKeyId", "AccessKey")


@handles("iam", "ListSigningCertificates")
def _list_signing_certificates(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    certificates = [
        {
            "UserName": "root",
            "CertificateId": cert_id,
            "CertificateBody": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "Status": cert.status,
            "UploadDate": cert.uploaded,
        }
        for cert_id, cert in root.certificates.items()
    ]
    return _iam_page(certificates, "Certificates", call.params)


@handles("iam", "DeleteSigningCertificate")
def _delete_signing_certificate(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    return _delete(call, root.certificates, "CertificateId", "SigningCertificate")


@handles("iam", "ListMFADevices")
def _list_mfa_devices(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    devices = [
        {"UserName": "root", "SerialNumber": serial, "EnableDate": device.enabled}
        for serial, device in root.mfa_devices.items()
    ]
    return _iam_page(devices, "MFADevices", call.params)


@handles("iam", "DeactivateMFADevice")
def _deactivate_mfa_device(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    serial = call.params["SerialNumber"]
    device = root.mfa_devices.pop(serial, None)
    if device is None:
        raise _no_such("MFA device", serial)
    if device.virtual:
        # A deactivated virtual device stays in the account, unassigned, until deleted.
        _unassigned(call)[serial] = device
    call.record_delete(call.caller.account, "MFADeviceDeactivated", serial)
    return {}


@handles("iam", "DeleteVirtualMFADevice")
def _delete_virtual_mfa_device(call: Call) -> dict[str, Any]:
    root = _root_session(call)
    serial = call.params["SerialNumber"]
    if serial in root.mfa_devices:
        raise ServiceError(
            "DeleteConflict", "MFA device is still assigned: deactivate it first.", 409
        )
    if _unassigned(call).pop(serial, None) is None:
        raise _no_such("virtual MFA device", serial)
    call.record_delete(call.caller.account, "VirtualMFADevice", serial)
    return {}


def _unassigned(call: Call) -> dict[str, Any]:
    """Deactivated virtual MFA devices left in each account (per account, on the org)."""
    store: dict[str, dict[str, Any]] = call.org.__dict__.setdefault("_unassigned_mfa", {})
    return store.setdefault(call.caller.account, {})


# --- Account Management ------------------------------------------------------------------


@handles("account", "GetContactInformation")
def _get_contact_information(call: Call) -> dict[str, Any]:
    _management_only(call)
    if call.org.contact_information is None:
        raise ServiceError("ResourceNotFoundException", "no contact information", 404)
    return {"ContactInformation": call.org.contact_information}


@handles("account", "GetAlternateContact")
def _get_alternate_contact(call: Call) -> dict[str, Any]:
    _management_only(call)
    org = call.org
    account_id = call.params.get("AccountId") or org.management_id
    if account_id == org.management_id and "AccountId" in call.params:
        # The management account must call about itself without AccountId (AWS's rule).
        raise ServiceError(
            "ValidationException",
            "The management account can only be managed using the standalone context",
        )
    kind = call.params["AlternateContactType"]
    if kind not in CONTACT_TYPES:
        raise ServiceError("ValidationException", f"invalid AlternateContactType {kind}")
    contact = call.member(account_id).contacts.get(kind)
    if contact is None:
        raise ServiceError(
            "ResourceNotFoundException",
            "No contact of the inputted alternate contact type found.",
            404,
        )
    return {
        "AlternateContact": {
            "AlternateContactType": kind,
            "Name": contact.name,
            "EmailAddress": contact.email,
            "PhoneNumber": contact.phone,
            "Title": contact.title,
        }
    }


# --- CloudTrail, Logs, CloudWatch, SNS ---------------------------------------------------


@handles("cloudtrail", "DescribeTrails")
def _describe_trails(call: Call) -> dict[str, Any]:
    _management_only(call)
    return {
        "trailList": [
            {
                "Name": t.name,
                "TrailARN": t.arn,
                "HomeRegion": t.home_region,
                "S3BucketName": t.bucket,
                "IsOrganizationTrail": t.is_organization,
                "IsMultiRegionTrail": t.is_multi_region,
                "LogFileValidationEnabled": t.log_file_validation,
                "KmsKeyId": t.kms_key_id,
                "CloudWatchLogsLogGroupArn": t.log_group_arn,
            }
            for t in call.org.trails
        ]
    }


@handles("cloudtrail", "GetTrailStatus")
def _get_trail_status(call: Call) -> dict[str, Any]:
    _management_only(call)
    name = call.params["Name"]
    for trail in call.org.trails:
        if name in (trail.name, trail.arn):
            return {
                "IsLogging": trail.logging,
                "LatestCloudWatchLogsDeliveryTime": trail.latest_delivery,
                "LatestCloudWatchLogsDeliveryError": trail.latest_delivery_error,
            }
    raise ServiceError("TrailNotFoundException", f"Unknown trail: {name}")


@handles("logs", "DescribeMetricFilters")
def _describe_metric_filters(call: Call) -> dict[str, Any]:
    _management_only(call)
    group = call.params.get("logGroupName", LOG_GROUP)
    filters = [
        {
            "filterName": f.name,
            "filterPattern": f.pattern,
            "logGroupName": group,
            "metricTransformations": [
                {"metricName": f.metric, "metricNamespace": f.namespace, "metricValue": "1"}
            ],
        }
        for f in call.org.metric_filters.get(group, [])
    ]
    start = int(call.params.get("nextToken") or 0)
    page: dict[str, Any] = {"metricFilters": filters[start : start + 50]}
    if start + 50 < len(filters):
        page["nextToken"] = str(start + 50)
    return page


@handles("cloudwatch", "DescribeAlarms")
def _describe_alarms(call: Call) -> dict[str, Any]:
    _management_only(call)
    alarms = [
        {
            "AlarmName": a.name,
            "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{call.org.management_id}:alarm:{a.name}",
            "MetricName": a.metric,
            "Namespace": a.namespace,
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "ActionsEnabled": a.actions_enabled,
            "AlarmActions": a.actions,
            "ComparisonOperator": a.comparison,
            "Threshold": a.threshold,
            "StateValue": "OK",
        }
        for a in call.org.alarms
    ]
    return _page(alarms, "MetricAlarms", call.params, 100)


@handles("sns", "ListSubscriptionsByTopic")
def _list_subscriptions_by_topic(call: Call) -> dict[str, Any]:
    _management_only(call)
    topic = call.params["TopicArn"]
    if topic not in call.org.topics:
        raise ServiceError("NotFound", "Topic does not exist", 404)
    counter = itertools.count(1)
    subscriptions = [
        {
            "SubscriptionArn": f"{topic}:{next(counter):04d}"
            if s.confirmed
            else "PendingConfirmation",
            "Owner": call.org.management_id,
            "Protocol": s.protocol,
            "Endpoint": s.endpoint,
            "TopicArn": topic,
        }
        for s in call.org.topics[topic]
    ]
    return _page(subscriptions, "Subscriptions", call.params, 100)


# --- AWS Chatbot ---------------------------------------------------------------------------

# AWS documents no default page size for these lists (MaxResults 1-100): a small one, so a few
# channels already take the collector through NextToken.
CHATBOT_PAGE = 3


def _chatbot_page(items: list[Any], key: str, params: dict[str, Any]) -> dict[str, Any]:
    start = int(str(params.get("NextToken") or "page0000")[4:])
    size = int(params.get("MaxResults") or CHATBOT_PAGE)
    page: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        page["NextToken"] = f"page{start + size:04d}"  # the model wants 4+ characters
    return page


def _chat_configuration(call: Call, configuration: ChatConfigurationState) -> dict[str, Any]:
    account = call.org.management_id
    kind = "slack-channel" if configuration.kind == "slack" else "ms-teams-channel"
    answer: dict[str, Any] = {
        **configuration.channel,
        "ChatConfigurationArn": (
            f"arn:aws:chatbot::{account}:chat-configuration/{kind}/{configuration.name}"
        ),
        "IamRoleArn": configuration.role_arn,
        "SnsTopicArns": configuration.topics,
        "ConfigurationName": configuration.name,
        "LoggingLevel": "ERROR",
        "GuardrailPolicyArns": configuration.guardrails,
        "UserAuthorizationRequired": configuration.user_authorization_required,
        "State": configuration.state,
        "StateReason": configuration.state_reason,
    }
    if configuration.kind == "slack":
        answer.update(SlackTeamName="Example Corp", SlackChannelName="aws-alarms")
    else:
        answer.update(TeamName="Security", ChannelName="aws-alarms")
    return answer


def _chat_configurations(call: Call, kind: str, key: str) -> dict[str, Any]:
    _management_only(call)
    found = [_chat_configuration(call, c) for c in call.org.chat_configurations if c.kind == kind]
    return _chatbot_page(found, key, call.params)


@handles("chatbot", "DescribeSlackChannelConfigurations")
def _describe_slack_channel_configurations(call: Call) -> dict[str, Any]:
    return _chat_configurations(call, "slack", "SlackChannelConfigurations")


@handles("chatbot", "ListMicrosoftTeamsChannelConfigurations")
def _list_microsoft_teams_channel_configurations(call: Call) -> dict[str, Any]:
    return _chat_configurations(call, "teams", "TeamChannelConfigurations")
