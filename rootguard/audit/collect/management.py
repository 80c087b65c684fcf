"""Read the management account's root user, password policy, root-access features, contact."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ..aws import Clients, attempt, error_code, paginate
from ..facts import (
    AccountSummary,
    ContactInformation,
    Management,
    Maybe,
    PasswordPolicy,
    RootCredentialUsage,
    Unavailable,
)

ROOT_ROW = "<root_account>"
# GetCredentialReport errors that mean "not ready yet": keep polling.
_REPORT_NOT_READY = {"ReportInProgress", "ReportNotPresent", "ReportExpired"}
# IAM answers this when trusted access for iam.amazonaws.com is off, which also means
# centralized root access is off: no feature is enabled.
_FEATURES_OFF = {"ServiceAccessNotEnabledException", "OrganizationNotInAllFeaturesModeException"}


class ReportTimeout(Exception):
    pass


def collect_management(
    clients: Clients,
    account_id: str,
    root_access_features: Maybe[frozenset[str]],
    *,
    report_timeout: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Management:
    iam = clients.management("iam")
    return Management(
        account_id=account_id,
        summary=attempt(lambda: _summary(iam), "iam:GetAccountSummary"),
        virtual_mfa_on_root=attempt(lambda: _virtual_mfa_on_root(iam), "iam:ListVirtualMFADevices"),
        root_usage=_root_usage(iam, report_timeout, sleep),
        password_policy=attempt(lambda: _password_policy(iam), "iam:GetAccountPasswordPolicy"),
        root_access_features=root_access_features,
        contact_information=attempt(
            lambda: read_contact_information(clients.management("account")),
            "account:GetContactInformation",
        ),
    )


def collect_root_access_features(clients: Clients) -> Maybe[frozenset[str]]:
    """The enabled centralized root access features (read first: members depend on it)."""
    iam = clients.management("iam")

    def read() -> frozenset[str]:
        try:
            response = iam.list_organizations_features()
        except ClientError as exc:
            if error_code(exc) in _FEATURES_OFF:
                return frozenset()
            raise
        return frozenset(response.get("EnabledFeatures", []))

    return attempt(read, "iam:ListOrganizationsFeatures")


def _summary(iam: Any) -> AccountSummary:
    summary = iam.get_account_summary()["SummaryMap"]
    return AccountSummary(
        mfa_enabled=summary.get("AccountMFAEnabled", 0) == 1,
        access_keys_present=summary.get("AccountAccessKeysPresent", 0) != 0,
    )


def _virtual_mfa_on_root(iam: Any) -> tuple[str, ...]:
    devices = paginate(
        iam, "list_virtual_mfa_devices", "VirtualMFADevices", AssignmentStatus="Assigned"
    )
    return tuple(
        device["SerialNumber"]
        for device in devices
        if str(device.get("User", {}).get("Arn", "")).endswith(":root")
    )


def _root_usage(
    iam: Any, timeout: float, sleep: Callable[[float], None]
) -> Maybe[RootCredentialUsage]:
    content = attempt(
        lambda: read_credential_report(iam, timeout, sleep),
        "iam:GenerateCredentialReport/GetCredentialReport",
    )
    if isinstance(content, Unavailable):
        return content
    if content is None:
        return Unavailable(f"the credential report was not ready within {timeout:g} s")
    return parse_root_row(content)


def read_credential_report(iam: Any, timeout: float, sleep: Callable[[float], None]) -> str | None:
    """Generate (or reuse) the credential report and wait for it, at most `timeout` seconds."""
    waited = 0.0
    delay = 1.0
    while True:
        if iam.generate_credential_report().get("State") == "COMPLETE":
            try:
                content = iam.get_credential_report()["Content"]
            except ClientError as exc:
                if error_code(exc) not in _REPORT_NOT_READY:
                    raise
            else:
                return content.decode() if isinstance(content, bytes) else str(content)
        if waited + delay > timeout:
            return None
        sleep(delay)
        waited += delay
        delay = min(delay * 2, 8.0)


def parse_root_row(report: str) -> Maybe[RootCredentialUsage]:
    for row in csv.DictReader(io.StringIO(report)):
        if row.get("user") == ROOT_ROW:
            return RootCredentialUsage(
                password_last_used=_timestamp(row.get("password_last_used")),
                access_keys_active=(
                    row.get("access_key_1_active") == "true",
                    row.get("access_key_2_active") == "true",
                ),
                access_keys_last_used=(
                    _timestamp(row.get("access_key_1_last_used_date")),
                    _timestamp(row.get("access_key_2_last_used_date")),
                ),
                mfa_active=row.get("mfa_active") == "true",
            )
    return Unavailable(f"the credential report has no {ROOT_ROW} row")


def _timestamp(value: str | None) -> datetime | None:
    """ISO 8601 from the report; N/A, no_information, not_supported and blanks are None."""
    if not value or not value[:1].isdigit():
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _password_policy(iam: Any) -> PasswordPolicy | None:
    try:
        policy = iam.get_account_password_policy()["PasswordPolicy"]
    except iam.exceptions.NoSuchEntityException:
        return None
    return PasswordPolicy(
        minimum_length=int(policy.get("MinimumPasswordLength", 0)),
        require_symbols=bool(policy.get("RequireSymbols", False)),
        require_numbers=bool(policy.get("RequireNumbers", False)),
        require_uppercase=bool(policy.get("RequireUppercaseCharacters", False)),
        require_lowercase=bool(policy.get("RequireLowercaseCharacters", False)),
        allow_users_to_change=bool(policy.get("AllowUsersToChangePassword", False)),
        max_age_days=policy.get("MaxPasswordAge"),
        reuse_prevention=policy.get("PasswordReusePrevention"),
        hard_expiry=bool(policy.get("HardExpiry", False)),
    )


def read_contact_information(account: Any) -> ContactInformation | None:
    try:
        info = account.get_contact_information()["ContactInformation"]
    except account.exceptions.ResourceNotFoundException:
        return None
    return ContactInformation(
        full_name=info.get("FullName", ""),
        phone_number=info.get("PhoneNumber", ""),
        country_code=info.get("CountryCode", ""),
    )
