"""What a remediation run finds, does and records, as plain values (the evidence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    """A kind of root credential, in the order they are deleted."""

    ACCESS_KEY = "access-key"
    SIGNING_CERTIFICATE = "signing-certificate"
    LOGIN_PROFILE = "login-profile"
    MFA_DEVICE = "mfa-device"


@dataclass(frozen=True)
class Credential:
    """One root credential as read through the root session."""

    kind: Kind
    id: str  # access key id, certificate id, serial number; "password" for the login profile
    created: datetime | None = None
    status: str | None = None  # Active / Inactive (keys, certificates)
    last_used: datetime | None = None  # password and access keys, where AWS records it
    last_used_service: str | None = None
    last_used_region: str | None = None
    virtual: bool = False  # MFA: a virtual device, deleted after it is deactivated

    @property
    def label(self) -> str:
        return f"{self.kind.value} {self.id}"


@dataclass(frozen=True)
class Call:
    """One API call: what, when, AWS's request id, and the error if it failed."""

    service: str
    operation: str
    at: datetime
    request_id: str | None
    error: str | None = None
    retries: int = 0
    target: str | None = None  # the credential acted on


class Outcome(StrEnum):
    CLEAN = "clean"  # no root credentials: nothing to do
    FOUND = "found"  # credentials left that --apply deletes (a dry run, or a declined prompt)
    REMEDIATED = "remediated"  # every credential found was deleted
    FAILED = "failed"  # the session, a read or a delete failed: something may be left
    SKIPPED = "skipped"  # not an active account


@dataclass
class AccountResult:
    account_id: str
    name: str
    ou_path: str
    found: list[Credential] = field(default_factory=list)
    deleted: list[Credential] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: str | None = None

    def outcome(self) -> Outcome:
        if self.skipped:
            return Outcome.SKIPPED
        if self.failures:
            return Outcome.FAILED
        if not self.found:
            return Outcome.CLEAN
        return Outcome.FOUND if self.remaining else Outcome.REMEDIATED

    @property
    def remaining(self) -> list[Credential]:
        deleted = {(c.kind, c.id) for c in self.deleted}
        return [c for c in self.found if (c.kind, c.id) not in deleted]
