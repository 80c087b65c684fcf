"""One member account: open an AssumeRoot session, read the root credentials, delete them.

Reads, in the session (no UserName: the calls act on the root user itself):
GetLoginProfile (and GetUser for the password's last use when there is one), ListAccessKeys
(and GetAccessKeyLastUsed per key), ListSigningCertificates, ListMFADevices. With `--apply`
it then deletes, most dangerous first: access keys, signing certificates, the login profile,
and MFA devices (DeactivateMFADevice, then DeleteVirtualMFADevice for a virtual one; a
hardware or FIDO device has nothing to delete once it is no longer associated). A credential
already gone (NoSuchEntity) counts as deleted, so a second run changes nothing.

Every call is recorded with its time and AWS's request id; a failure is recorded and the
other credentials and accounts go on.

Sources: the calls are exactly the actions of the task policies (rootguard/catalog/
root_tasks.yaml, from the AWS Managed Policy Reference, IAMAuditRootUserCredentials and
IAMDeleteRootUserCredentials); "Perform a privileged task on an AWS Organizations member
account" (IAM User Guide) for deleting root credentials in an AssumeRoot session; the IAM API
Reference for UserName: "When you make this request with root user credentials, you must use
an AssumeRoot session to omit the user name" (DeleteLoginProfile, DeactivateMFADevice...), and
"You must deactivate a user's virtual MFA device before you can delete it"
(DeleteVirtualMFADevice); GetUser's PasswordLastUsed and GetAccessKeyLastUsed for last use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from rootguard.audit.aws import READ_ERRORS, Clients, describe_error, error_code
from rootguard.audit.facts import Account
from rootguard.audit.root_session import TemporaryCredentials

from .guard import MAX_ROOT_SESSION_SECONDS
from .model import AccountResult, Call, Credential, Kind

Clock = Callable[[], datetime]
_GONE = ("NoSuchEntity", "NoSuchEntityException")
_VIRTUAL_MFA = re.compile(r"arn:aws(?:-[a-z]+)*:iam::\d{12}:mfa/.+")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _Session:
    """Calls for one account, each recorded in its result."""

    def __init__(self, result: AccountResult, clock: Clock) -> None:
        self.result = result
        self.clock = clock

    def call(
        self, client: Any, operation: str, target: str | None = None, **params: Any
    ) -> dict[str, Any]:
        service = client.meta.service_model.service_name
        name = client.meta.method_to_api_mapping.get(operation, operation)
        at = self.clock()
        try:
            response: dict[str, Any] = getattr(client, operation)(**params)
        except ClientError as exc:
            meta = exc.response.get("ResponseMetadata", {})
            self.result.calls.append(
                Call(
                    service,
                    name,
                    at,
                    meta.get("RequestId"),
                    error_code(exc),
                    meta.get("RetryAttempts", 0),
                    target,
                )
            )
            raise
        except READ_ERRORS as exc:
            self.result.calls.append(Call(service, name, at, None, error_code(exc), 0, target))
            raise
        meta = response.get("ResponseMetadata", {})
        retries = meta.get("RetryAttempts", 0)
        self.result.calls.append(
            Call(service, name, at, meta.get("RequestId"), None, retries, target)
        )
        return response

    def fail(self, exc: Exception, what: str) -> None:
        self.result.failures.append(describe_error(exc, what))


def remediate_member(
    clients: Clients,
    account: Account,
    ou_path: str,
    task_policy_arn: str,
    *,
    apply: bool,
    clock: Clock = _utc_now,
) -> AccountResult:
    """Read (and with `apply` delete) one member account's root credentials."""
    result = AccountResult(account.id, account.name, ou_path)
    if not account.active:
        result.skipped = f"account is {account.state}"
        return result
    session = _Session(result, clock)
    try:
        response = session.call(
            clients.management("sts"),
            "assume_root",
            task_policy_arn,  # the evidence's `target`: which task this session could do
            TargetPrincipal=account.id,
            TaskPolicyArn={"arn": task_policy_arn},
            DurationSeconds=MAX_ROOT_SESSION_SECONDS,
        )
    except READ_ERRORS as exc:
        session.fail(exc, "sts:AssumeRoot")
        return result
    raw = response["Credentials"]
    credentials = TemporaryCredentials(
        raw["AccessKeyId"], raw["SecretAccessKey"], raw["SessionToken"]
    )
    with clients.root_session("iam", account.id, credentials) as iam:
        for read in (_access_keys, _signing_certificates, _login_profile, _mfa_devices):
            try:
                result.found.extend(read(session, iam))
            except READ_ERRORS as exc:
                session.fail(exc, f"iam:{session.result.calls[-1].operation}")
        if apply:
            for credential in list(result.found):
                _delete(session, iam, credential)
    return result


def _pages(session: _Session, iam: Any, operation: str, key: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    marker: dict[str, str] = {}
    while True:
        page = session.call(iam, operation, **marker)
        items.extend(page.get(key, []))
        if not page.get("IsTruncated"):
            return items
        marker = {"Marker": page["Marker"]}


def _access_keys(session: _Session, iam: Any) -> list[Credential]:
    found = []
    for key in _pages(session, iam, "list_access_keys", "AccessKeyMetadata"):
        key_id = key["AccessKeyId"]
        used = session.call(iam, "get_access_key_last_used", key_id, AccessKeyId=key_id)
        last = used.get("AccessKeyLastUsed", {})
        found.append(
            Credential(
                Kind.ACCESS_KEY,
                key_id,
                created=key.get("CreateDate"),
                status=key.get("Status"),
                last_used=last.get("LastUsedDate"),
                last_used_service=_known(last.get("ServiceName")),
                last_used_region=_known(last.get("Region")),
            )
        )
    return found


def _known(value: str | None) -> str | None:
    return None if value in (None, "N/A") else value


def _signing_certificates(session: _Session, iam: Any) -> list[Credential]:
    return [
        Credential(
            Kind.SIGNING_CERTIFICATE,
            cert["CertificateId"],
            created=cert.get("UploadDate"),
            status=cert.get("Status"),
        )
        for cert in _pages(session, iam, "list_signing_certificates", "Certificates")
    ]


def _login_profile(session: _Session, iam: Any) -> list[Credential]:
    try:
        profile = session.call(iam, "get_login_profile")["LoginProfile"]
    except ClientError as exc:
        if error_code(exc) in _GONE:
            return []  # the clean state: the root user has no password
        raise
    user = session.call(iam, "get_user").get("User", {})
    return [
        Credential(
            Kind.LOGIN_PROFILE,
            "password",
            created=profile.get("CreateDate"),
            last_used=user.get("PasswordLastUsed"),
        )
    ]


def _mfa_devices(session: _Session, iam: Any) -> list[Credential]:
    return [
        Credential(
            Kind.MFA_DEVICE,
            device["SerialNumber"],
            created=device.get("EnableDate"),
            virtual=bool(_VIRTUAL_MFA.fullmatch(device["SerialNumber"])),
        )
        for device in _pages(session, iam, "list_mfa_devices", "MFADevices")
    ]


def _steps(credential: Credential) -> list[tuple[str, dict[str, Any]]]:
    """The calls that delete one credential, in order."""
    if credential.kind is Kind.ACCESS_KEY:
        return [("delete_access_key", {"AccessKeyId": credential.id})]
    if credential.kind is Kind.SIGNING_CERTIFICATE:
        return [("delete_signing_certificate", {"CertificateId": credential.id})]
    if credential.kind is Kind.LOGIN_PROFILE:
        return [("delete_login_profile", {})]
    serial = {"SerialNumber": credential.id}
    steps = [("deactivate_mfa_device", serial)]
    if credential.virtual:
        steps.append(("delete_virtual_mfa_device", serial))
    return steps


def _delete(session: _Session, iam: Any, credential: Credential) -> None:
    steps = _steps(credential)
    for operation, params in steps:
        try:
            session.call(iam, operation, credential.id, **params)
        except ClientError as exc:
            if error_code(exc) in _GONE:
                continue  # already gone: what this step wanted
            session.fail(exc, f"iam:{session.result.calls[-1].operation}({credential.id})")
            return
        except READ_ERRORS as exc:
            session.fail(exc, f"iam:{session.result.calls[-1].operation}({credential.id})")
            return
    session.result.deleted.append(credential)
