"""An in-memory AWS Organization answered at botocore's `before-call` event.

Used by the audit benchmark (bench/audit_scale.py) and the audit's concurrency tests: every
operation the audit makes is answered from plain data, optionally after a simulated network
latency, so an organization of thousands of accounts can be audited without moto or AWS.
Responses go through botocore's own client machinery (parameter validation, paginators,
error handling); only the HTTP round-trip is replaced, as botocore's Stubber does.

The organization is secure (every check passes) unless told otherwise: accounts in
`deny_assume_root` answer AssumeRoot with AccessDenied, accounts in `slow_contacts` time
out on GetAlternateContact.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore import xform_name
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

from rootguard import scp
from rootguard.alarm_catalog import load_catalog
from rootguard.audit.aws import ClientScope

MANAGEMENT = "100000000000"
ORGANIZATION = "o-benchmark01"
ROOT_ID = "r-root"
PAGE = 20  # Organizations' usual page size
REGION = "us-east-1"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{MANAGEMENT}:trail/org-trail"
LOG_GROUP_ARN = f"arn:aws:logs:{REGION}:{MANAGEMENT}:log-group:org-trail:*"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{MANAGEMENT}:rootguard-security-alarms"
# The alarms rootguard deploys (rootguard/catalog/alarms.yaml).
ALARMS = load_catalog()
NAMESPACE = "RootGuard/CIS"
# The guardrails rootguard deploys (rootguard/catalog/scp_statements.yaml), in one policy.
GUARDRAILS = scp.policy_document(
    [scp.render_statement(entry, exempt_principals=()) for entry in scp.load_catalog()]
)
FULL_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}

Handler = Callable[[dict[str, Any], ClientScope], Any]


class Fault(Exception):
    """An AWS error answer: (code, message, HTTP status)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class FakeOrganization:
    def __init__(self, accounts: int, ous: int = 10, latency: float = 0.0) -> None:
        self.latency = latency
        self.deny_assume_root: set[str] = set()
        self.slow_contacts: set[str] = set()
        self.now = datetime.now(UTC)
        top = max(1, min(10, ous))
        self.ous: dict[str, tuple[str, str]] = {}  # id -> (name, parent id)
        for index in range(ous):
            parent = ROOT_ID if index < top else f"ou-root-{index % top:08d}"
            self.ous[f"ou-root-{index:08d}"] = (f"Unit{index:04d}", parent)
        ou_ids = list(self.ous) or [ROOT_ID]
        self.accounts: dict[str, tuple[str, str]] = {MANAGEMENT: ("management", ROOT_ID)}
        for index in range(accounts):
            account_id = f"{200000000000 + index}"
            self.accounts[account_id] = (f"account-{index:05d}", ou_ids[index % len(ou_ids)])
        self.calls: Counter[tuple[str, str | None]] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._handlers: dict[str, Handler] = {
            name: getattr(self, f"_{xform_name(name)}")
            for name in [
                "GetCallerIdentity",
                "DescribeOrganization",
                "ListOrganizationsFeatures",
                "ListRoots",
                "ListOrganizationalUnitsForParent",
                "ListAccountsForParent",
                "ListPolicies",
                "DescribePolicy",
                "ListTargetsForPolicy",
                "GetAccountSummary",
                "ListVirtualMFADevices",
                "GenerateCredentialReport",
                "GetCredentialReport",
                "GetAccountPasswordPolicy",
                "GetContactInformation",
                "GetAlternateContact",
                "DescribeTrails",
                "GetTrailStatus",
                "DescribeMetricFilters",
                "DescribeAlarms",
                "ListSubscriptionsByTopic",
                "AssumeRoot",
                "GetLoginProfile",
                "ListAccessKeys",
                "ListMFADevices",
                "ListSigningCertificates",
            ]
        }

    @property
    def members(self) -> list[str]:
        return [a for a in self.accounts if a != MANAGEMENT]

    # --- Wiring into botocore ---------------------------------------------------------

    def attach(self, client: Any, scope: ClientScope) -> None:
        """`on_new_client` hook: answer every call of this client from memory."""
        events = client.meta.events

        def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            context["fake_params"] = dict(params)

        def answer(model: Any, context: dict[str, Any], **_: Any) -> tuple[AWSResponse, Any]:
            return self._answer(model.name, context.get("fake_params", {}), scope)

        events.register("before-parameter-build.*.*", keep_params)
        events.register("before-call.*.*", answer)

    def _answer(
        self, operation: str, params: dict[str, Any], scope: ClientScope
    ) -> tuple[AWSResponse, Any]:
        # The member a call is about: a root session's own account, or the one it names.
        member = (
            scope.current_account()
            if scope.root_session
            else params.get("TargetPrincipal") or params.get("AccountId")
        )
        with self._lock:
            self.calls[(operation, member)] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            handler = self._handlers.get(operation)
            if handler is None:
                raise Fault("InvalidAction", f"the fake does not model {operation}")
            body = handler(params, scope)
            return AWSResponse("https://fake", 200, {}, None), {
                **body,
                "ResponseMetadata": {"HTTPStatusCode": 200},
            }
        except Fault as fault:
            error = {"Code": fault.code, "Message": fault.message}
            return AWSResponse("https://fake", fault.status, {}, None), {
                "Error": error,
                "ResponseMetadata": {"HTTPStatusCode": fault.status},
            }
        finally:
            with self._lock:
                self.in_flight -= 1

    # --- Identity and the organization ----------------------------------------------

    def _get_caller_identity(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "Account": MANAGEMENT,
            "Arn": f"arn:aws:sts::{MANAGEMENT}:assumed-role/Audit/bench",
            "UserId": "AROA:bench",
        }

    def _describe_organization(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "Organization": {
                "Id": ORGANIZATION,
                "MasterAccountId": MANAGEMENT,
                "FeatureSet": "ALL",
            }
        }

    def _list_organizations_features(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "OrganizationId": ORGANIZATION,
            "EnabledFeatures": ["RootCredentialsManagement", "RootSessions"],
        }

    def _list_roots(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "Roots": [
                {
                    "Id": ROOT_ID,
                    "Name": "Root",
                    "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
                }
            ]
        }

    def _list_organizational_units_for_parent(
        self, params: dict[str, Any], scope: ClientScope
    ) -> Any:
        children = [
            {"Id": ou_id, "Name": name}
            for ou_id, (name, parent) in self.ous.items()
            if parent == params["ParentId"]
        ]
        return _page(children, "OrganizationalUnits", params)

    def _list_accounts_for_parent(self, params: dict[str, Any], scope: ClientScope) -> Any:
        children = [
            {
                "Id": account_id,
                "Name": name,
                "Email": f"aws+{name}@example.com",
                "Status": "ACTIVE",
                "State": "ACTIVE",
            }
            for account_id, (name, parent) in self.accounts.items()
            if parent == params["ParentId"]
        ]
        return _page(children, "Accounts", params)

    def _policies(self) -> dict[str, tuple[str, dict[str, Any]]]:
        return {
            "p-FullAWSAccess": ("FullAWSAccess", FULL_ACCESS),
            "p-rootguard0001": ("rootguard-guardrails-1", GUARDRAILS),
        }

    def _list_policies(self, params: dict[str, Any], scope: ClientScope) -> Any:
        summaries = [
            {"Id": policy_id, "Name": name, "AwsManaged": policy_id == "p-FullAWSAccess"}
            for policy_id, (name, _) in self._policies().items()
        ]
        return _page(summaries, "Policies", params)

    def _describe_policy(self, params: dict[str, Any], scope: ClientScope) -> Any:
        name, document = self._policies()[params["PolicyId"]]
        return {
            "Policy": {
                "PolicySummary": {"Id": params["PolicyId"], "Name": name},
                "Content": json.dumps(document),
            }
        }

    def _list_targets_for_policy(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return _page([{"TargetId": ROOT_ID, "Type": "ROOT"}], "Targets", params)

    # --- The management account --------------------------------------------------------

    def _get_account_summary(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}}

    def _list_virtual_mfa_devices(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {"VirtualMFADevices": []}

    def _generate_credential_report(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {"State": "COMPLETE"}

    def _get_credential_report(self, params: dict[str, Any], scope: ClientScope) -> Any:
        header = "user,arn,password_last_used,mfa_active,access_key_1_active,"
        header += "access_key_1_last_used_date,access_key_2_active,access_key_2_last_used_date"
        used = (self.now - timedelta(days=400)).isoformat()
        row = f"<root_account>,arn:aws:iam::{MANAGEMENT}:root,{used},true,false,N/A,false,N/A"
        return {"Content": f"{header}\n{row}\n".encode()}

    def _get_account_password_policy(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "PasswordPolicy": {
                "MinimumPasswordLength": 16,
                "RequireSymbols": True,
                "RequireNumbers": True,
                "RequireUppercaseCharacters": True,
                "RequireLowercaseCharacters": True,
                "AllowUsersToChangePassword": True,
                "PasswordReusePrevention": 24,
            }
        }

    def _get_contact_information(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "ContactInformation": {
                "FullName": "Example Corp",
                "PhoneNumber": "+12065550100",
                "CountryCode": "US",
                "AddressLine1": "1 Example Way",
                "City": "Seattle",
                "PostalCode": "98101",
            }
        }

    def _get_alternate_contact(self, params: dict[str, Any], scope: ClientScope) -> Any:
        account = params.get("AccountId", MANAGEMENT)
        if account in self.slow_contacts:
            raise ReadTimeoutError(endpoint_url="https://account.us-east-1.amazonaws.com")
        kind = params["AlternateContactType"]
        return {
            "AlternateContact": {
                "AlternateContactType": kind,
                "EmailAddress": f"{kind.lower()}@example.com",
                "Name": f"{kind.title()} team",
                "PhoneNumber": "+12065550123",
                "Title": "On call",
            }
        }

    # --- The trail and alarms -----------------------------------------------------------

    def _describe_trails(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "trailList": [
                {
                    "Name": "org-trail",
                    "TrailARN": TRAIL_ARN,
                    "HomeRegion": REGION,
                    "IsOrganizationTrail": True,
                    "IsMultiRegionTrail": True,
                    "LogFileValidationEnabled": True,
                    "KmsKeyId": f"arn:aws:kms:{REGION}:{MANAGEMENT}:key/bench",
                    "CloudWatchLogsLogGroupArn": LOG_GROUP_ARN,
                }
            ]
        }

    def _get_trail_status(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "IsLogging": True,
            "LatestCloudWatchLogsDeliveryTime": self.now - timedelta(minutes=2),
        }

    def _describe_metric_filters(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "metricFilters": [
                {
                    "filterName": f"rootguard-{alarm.slug}",
                    "filterPattern": alarm.pattern,
                    "metricTransformations": [
                        {
                            "metricName": alarm.metric,
                            "metricNamespace": NAMESPACE,
                            "metricValue": "1",
                        }
                    ],
                }
                for alarm in ALARMS
            ]
        }

    def _describe_alarms(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {
            "MetricAlarms": [
                {
                    "AlarmName": f"rootguard-{alarm.slug}",
                    "MetricName": alarm.metric,
                    "Namespace": NAMESPACE,
                    "ActionsEnabled": True,
                    "AlarmActions": [TOPIC_ARN],
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "Threshold": 1.0,
                }
                for alarm in ALARMS
            ]
        }

    def _list_subscriptions_by_topic(self, params: dict[str, Any], scope: ClientScope) -> Any:
        subscription = {
            "SubscriptionArn": f"{TOPIC_ARN}:1",
            "TopicArn": TOPIC_ARN,
            "Protocol": "email",
            "Endpoint": "security@example.com",
        }
        return {"Subscriptions": [subscription]}

    # --- Member accounts' root users ----------------------------------------------------

    def _assume_root(self, params: dict[str, Any], scope: ClientScope) -> Any:
        target = params["TargetPrincipal"]
        if target in self.deny_assume_root or target not in self.accounts:
            raise Fault(
                "AccessDenied", f"not authorized to perform sts:AssumeRoot on {target}", 403
            )
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA{target}",
                "SecretAccessKey": "secret",
                "SessionToken": "token",
                "Expiration": self.now + timedelta(minutes=15),
            }
        }

    def _get_login_profile(self, params: dict[str, Any], scope: ClientScope) -> Any:
        raise Fault("NoSuchEntity", "Login Profile for User root cannot be found.", 404)

    def _list_access_keys(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {"AccessKeyMetadata": []}

    def _list_mfa_devices(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {"MFADevices": []}

    def _list_signing_certificates(self, params: dict[str, Any], scope: ClientScope) -> Any:
        return {"Certificates": []}

    # --- Figures ---------------------------------------------------------------------------

    def total_calls(self) -> int:
        return sum(self.calls.values())

    def calls_by_member(self) -> Mapping[str, int]:
        """Calls made about each member account (AssumeRoot, its root session, contacts)."""
        per_member: Counter[str] = Counter()
        for (_, account), count in self.calls.items():
            if account is not None:
                per_member[account] += count
        return per_member


def _page(items: list[dict[str, Any]], key: str, params: Mapping[str, Any]) -> dict[str, Any]:
    start = int(params.get("NextToken") or 0)
    page: dict[str, Any] = {key: items[start : start + PAGE]}
    if start + PAGE < len(items):
        page["NextToken"] = str(start + PAGE)
    return page
