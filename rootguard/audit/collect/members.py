"""Read each member account: its root credentials (via AssumeRoot) and alternate contacts.

Per member account this costs 8 calls: AssumeRoot, then GetLoginProfile, ListAccessKeys,
ListMFADevices and ListSigningCertificates as its root user (no UserName: the calls act on
the root user itself), and GetAlternateContact for each of the three contact types.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from ..aws import READ_ERRORS, Clients, attempt, describe_error, error_code, paginate
from ..facts import (
    AccountContacts,
    AlternateContact,
    Credential,
    MemberRoot,
    Unavailable,
)
from ..readonly import MAX_ROOT_SESSION_SECONDS, audit_task_policy_arn
from ..root_session import TemporaryCredentials

CONTACT_TYPES = ("SECURITY", "BILLING", "OPERATIONS")


def read_member_root(
    clients: Clients, account_id: str, partition: str = "aws"
) -> MemberRoot | Unavailable:
    """Open an AssumeRoot audit session in the member account and list its root credentials.

    The task policy is the caller's partition's (AWS managed policies exist per partition).
    """
    sts = clients.management("sts")
    try:
        response = sts.assume_root(
            TargetPrincipal=account_id,
            TaskPolicyArn={"arn": audit_task_policy_arn(partition)},
            DurationSeconds=MAX_ROOT_SESSION_SECONDS,
        )
    except READ_ERRORS as exc:
        return Unavailable(describe_error(exc, "sts:AssumeRoot"))
    raw = response["Credentials"]
    credentials = TemporaryCredentials(
        raw["AccessKeyId"], raw["SecretAccessKey"], raw["SessionToken"]
    )
    with clients.root_session("iam", account_id, credentials) as iam:
        return MemberRoot(
            login_profile=attempt(lambda: _has_login_profile(iam), "iam:GetLoginProfile"),
            access_keys=attempt(
                lambda: tuple(
                    Credential(key["AccessKeyId"], key.get("Status", "Active"))
                    for key in paginate(iam, "list_access_keys", "AccessKeyMetadata")
                ),
                "iam:ListAccessKeys",
            ),
            mfa_devices=attempt(
                lambda: tuple(
                    device["SerialNumber"]
                    for device in paginate(iam, "list_mfa_devices", "MFADevices")
                ),
                "iam:ListMFADevices",
            ),
            signing_certificates=attempt(
                lambda: tuple(
                    Credential(cert["CertificateId"], cert.get("Status", "Active"))
                    for cert in paginate(iam, "list_signing_certificates", "Certificates")
                ),
                "iam:ListSigningCertificates",
            ),
        )


def _has_login_profile(iam: Any) -> bool:
    try:
        iam.get_login_profile()
    except ClientError as exc:
        if error_code(exc) in ("NoSuchEntity", "NoSuchEntityException"):
            return False  # the passing state: the root user has no password
        raise
    return True


def read_contacts(clients: Clients, account_id: str | None) -> AccountContacts:
    """The three alternate contacts; `account_id` None reads the caller's own account.

    The management account must not name itself in AccountId, so it passes None.
    """
    client = clients.management("account")
    extra = {"AccountId": account_id} if account_id else {}

    def read(kind: str) -> AlternateContact | None:
        try:
            contact = client.get_alternate_contact(AlternateContactType=kind, **extra)
        except ClientError as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return None
            raise
        raw = contact["AlternateContact"]
        return AlternateContact(
            type=kind,
            name=raw.get("Name", ""),
            email=raw.get("EmailAddress", ""),
            phone=raw.get("PhoneNumber", ""),
            title=raw.get("Title", ""),
        )

    return AccountContacts(
        {
            kind: attempt(partial(read, kind), f"account:GetAlternateContact({kind})")
            for kind in CONTACT_TYPES
        }
    )
