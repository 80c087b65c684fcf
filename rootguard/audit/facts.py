"""Facts: what the collectors read from AWS, as plain frozen values.

Collectors turn boto3 responses into these; checks and drift read only these, so every
check is a pure function testable without AWS. A fact the audit could not read is an
`Unavailable` carrying the reason, and the checks that need it report "unknown".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias, TypeVar

from rootguard.regions import partition_of_arn

T = TypeVar("T")

# The two features of centralized root access (iam:ListOrganizationsFeatures).
ROOT_CREDENTIALS_MANAGEMENT = "RootCredentialsManagement"
ROOT_SESSIONS = "RootSessions"


@dataclass(frozen=True)
class Unavailable:
    """A fact that could not be read, and why (for example `AccessDenied on iam:GetUser`)."""

    reason: str


@dataclass(frozen=True)
class Skipped:
    """A fact deliberately not read, and why (for example a suspended account)."""

    reason: str


Maybe: TypeAlias = T | Unavailable


# --- The organization -----------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationalUnit:
    id: str
    name: str
    path: str  # names from the root, "Workloads/Prod"
    parent_id: str


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    email: str
    state: str  # ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED
    parent_id: str

    @property
    def active(self) -> bool:
        return self.state == "ACTIVE"


@dataclass(frozen=True)
class Policy:
    """A service control policy, its document (JSON text) and the targets it is attached to."""

    id: str
    name: str
    aws_managed: bool
    document: Maybe[str]
    target_ids: Maybe[frozenset[str]]


@dataclass(frozen=True)
class Organization:
    id: str
    management_account_id: str
    feature_set: str
    root_id: str
    scp_enabled: bool
    ous: tuple[OrganizationalUnit, ...]
    accounts: tuple[Account, ...]
    policies: Maybe[tuple[Policy, ...]]

    def parent_of(self, target_id: str) -> str | None:
        """The parent of an OU or account; None for the root."""
        for ou in self.ous:
            if ou.id == target_id:
                return ou.parent_id
        for account in self.accounts:
            if account.id == target_id:
                return account.parent_id
        return None

    def lineage(self) -> Mapping[str, tuple[str, ...]]:
        """Each target id -> itself and its ancestors up to the root, nearest first."""
        parents = {ou.id: ou.parent_id for ou in self.ous}
        parents.update({account.id: account.parent_id for account in self.accounts})
        chains: dict[str, tuple[str, ...]] = {self.root_id: (self.root_id,)}

        def chain(target_id: str) -> tuple[str, ...]:
            if target_id not in chains:
                parent = parents.get(target_id)
                chains[target_id] = (target_id, *(chain(parent) if parent else ()))
            return chains[target_id]

        for target_id in parents:
            chain(target_id)
        return chains

    def ou_paths(self) -> Mapping[str, str]:
        """OU id -> path; the root is ""."""
        return {self.root_id: "", **{ou.id: ou.path for ou in self.ous}}

    @property
    def members(self) -> tuple[Account, ...]:
        return tuple(a for a in self.accounts if a.id != self.management_account_id)


# --- The management account --------------------------------------------------------------


@dataclass(frozen=True)
class AccountSummary:
    mfa_enabled: bool
    access_keys_present: bool


@dataclass(frozen=True)
class RootCredentialUsage:
    """The credential report's <root_account> row (None where the report says N/A)."""

    password_last_used: datetime | None
    access_keys_active: tuple[bool, bool]
    access_keys_last_used: tuple[datetime | None, datetime | None]
    mfa_active: bool


@dataclass(frozen=True)
class PasswordPolicy:
    minimum_length: int
    require_symbols: bool
    require_numbers: bool
    require_uppercase: bool
    require_lowercase: bool
    allow_users_to_change: bool
    max_age_days: int | None
    reuse_prevention: int | None
    hard_expiry: bool


@dataclass(frozen=True)
class ContactInformation:
    full_name: str
    phone_number: str
    country_code: str


@dataclass(frozen=True)
class Management:
    account_id: str
    summary: Maybe[AccountSummary]
    virtual_mfa_on_root: Maybe[tuple[str, ...]]  # serial numbers assigned to the root user
    root_usage: Maybe[RootCredentialUsage]
    password_policy: Maybe[PasswordPolicy | None]  # None: the account has no policy
    root_access_features: Maybe[frozenset[str]]
    contact_information: Maybe[ContactInformation | None]


# --- Every account ------------------------------------------------------------------------


@dataclass(frozen=True)
class AlternateContact:
    type: str  # SECURITY, BILLING, OPERATIONS
    name: str
    email: str
    phone: str
    title: str


@dataclass(frozen=True)
class Credential:
    """A root access key or signing certificate: its id and Active/Inactive status."""

    id: str
    status: str


@dataclass(frozen=True)
class MemberRoot:
    """A member account's root credentials, read through an AssumeRoot audit session."""

    login_profile: Maybe[bool]
    access_keys: Maybe[tuple[Credential, ...]]
    mfa_devices: Maybe[tuple[str, ...]]
    signing_certificates: Maybe[tuple[Credential, ...]]


@dataclass(frozen=True)
class AccountContacts:
    """The alternate contacts by type; None where the type is not set."""

    contacts: Mapping[str, Maybe[AlternateContact | None]]


@dataclass(frozen=True)
class MemberFacts:
    account_id: str
    root: MemberRoot | Unavailable | Skipped
    contacts: AccountContacts | Skipped


# --- The organization trail and its alarms -------------------------------------------------


@dataclass(frozen=True)
class TrailStatus:
    is_logging: bool
    latest_cloudwatch_delivery: datetime | None
    latest_cloudwatch_error: str | None


@dataclass(frozen=True)
class Trail:
    name: str
    arn: str
    home_region: str
    is_organization: bool
    is_multi_region: bool
    log_file_validation: bool
    kms_key_id: str | None
    log_group_arn: str | None
    status: Maybe[TrailStatus]

    @property
    def log_group_name(self) -> str | None:
        """`arn:aws:logs:r:a:log-group:NAME:*` -> NAME."""
        if not self.log_group_arn:
            return None
        parts = self.log_group_arn.split(":")
        return parts[6] if len(parts) > 6 else None


@dataclass(frozen=True)
class MetricFilter:
    name: str
    pattern: str
    metrics: tuple[tuple[str, str], ...]  # (namespace, metric name)


@dataclass(frozen=True)
class Alarm:
    name: str
    metrics: tuple[tuple[str, str], ...]  # (namespace, metric name) the alarm watches
    actions_enabled: bool
    alarm_actions: tuple[str, ...]
    comparison: str
    threshold: float | None


@dataclass(frozen=True)
class Subscription:
    protocol: str
    endpoint: str
    confirmed: bool


@dataclass(frozen=True)
class TopicSubscriptions:
    confirmed: int
    pending: int
    subscriptions: tuple[Subscription, ...] = ()


@dataclass(frozen=True)
class TopicMissing:
    """The topic does not exist: SNS answered NotFound, which ListSubscriptionsByTopic returns
    (HTTP 404) for a topic that is not there (Amazon SNS API Reference,
    ListSubscriptionsByTopic, Errors). A fact to judge, unlike an `Unavailable` read."""

    reason: str


# What the audit knows of one topic: its subscriptions, that it is gone, or why it is unknown.
TopicFact: TypeAlias = TopicSubscriptions | TopicMissing | Unavailable


@dataclass(frozen=True)
class Monitoring:
    """The organization trail (if any) and the alarms on its log group."""

    trails: Maybe[tuple[Trail, ...]]
    trail: Trail | None  # the one the checks judge: see collect.trail.select_trail
    metric_filters: Maybe[tuple[MetricFilter, ...]] | Skipped
    alarms: Maybe[tuple[Alarm, ...]] | Skipped
    # Every topic an alarm notifies, and those the stack's alarms must notify (by ARN).
    topics: Mapping[str, TopicFact] = field(default_factory=dict)


# --- Chat channels of the alarm topics (AWS Chatbot) ---------------------------------------


@dataclass(frozen=True)
class ChatConfiguration:
    """A live AWS Chatbot channel configuration (Slack or Microsoft Teams), as the drift check
    compares it with the channels the stack declares."""

    kind: str  # "slack" | "teams"
    name: str  # ConfigurationName
    identity: str  # the channel, as rootguard/config/subscribers.py identifies it
    topic_arns: tuple[str, ...]
    guardrail_arns: tuple[str, ...]
    user_authorization_required: bool | None  # None: the API did not say
    state: str | None  # ENABLED | DISABLED; None: not returned
    state_reason: str | None


@dataclass(frozen=True)
class ChatConfigurations:
    """The account's channel configurations by kind; None where the stack declares no channel
    of that kind, so nothing was read."""

    slack: Maybe[tuple[ChatConfiguration, ...]] | None = None
    teams: Maybe[tuple[ChatConfiguration, ...]] | None = None

    def of_kind(self, kind: str) -> Maybe[tuple[ChatConfiguration, ...]] | None:
        return self.slack if kind == "slack" else self.teams


@dataclass(frozen=True)
class AuditFacts:
    caller_arn: str
    region: str
    organization: Organization
    management: Management
    management_contacts: AccountContacts
    members: Mapping[str, MemberFacts]
    monitoring: Monitoring
    chat: ChatConfigurations = field(default_factory=ChatConfigurations)

    @property
    def partition(self) -> str:
        """The caller's partition (`aws`, `aws-us-gov`, `aws-cn`): every ARN the audit builds
        and every policy it evaluates uses it."""
        return partition_of_arn(self.caller_arn)
