"""One description of an AWS Organization, shared by every test and benchmark.

`FakeOrganization` is plain data: the tree (OUs, accounts), the service control policies,
each account's root user credentials and alternate contacts, the management account's root
user and password policy, the organization trail, metric filters, alarms and topics, and
the AWS Chatbot channel configurations of the alarm topics. The adapters read it:
`tests/fakes/aws.py` answers real botocore requests from it at the HTTP layer,
`tests/fakes/facts.py` turns it into the audit's facts for the pure check tests.

`FakeOrganization.secure()` builds an organization that passes every check; methods named
after an insecurity then break one thing each. Tests may also edit the data directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rootguard import chatbot_policies, scp
from rootguard.alarm_catalog import AlarmDefinition, load_catalog
from rootguard.config.alarms import AlarmsConfig, SeverityName
from rootguard.config.subscribers import SlackChannel, Subscribers, stable_suffix

REGION = "us-east-1"
MANAGEMENT = "111111111111"
ORGANIZATION_ID = "o-a1b2c3d4e5"
ROOT_ID = "r-ab12"
NAMESPACE = "RootGuard/CIS"  # rootguard:alarms defaults
TOPIC_NAME = "rootguard-security-alarms"
GUARDRAILS_NAME = "rootguard-guardrails-1"
TRAIL_NAME = "org-trail"
LOG_GROUP = "org-trail"
CONTACT_TYPES = ("SECURITY", "BILLING", "OPERATIONS")
ROOT_CREDENTIALS_MANAGEMENT = "RootCredentialsManagement"
ROOT_SESSIONS = "RootSessions"

# The small organization most tests use: OU paths and member accounts (name -> OU path).
OUS = ("Security", "Workloads", "Workloads/Prod", "Workloads/NonProd", "Sandbox")
MEMBERS = {
    "log-archive": "Security",
    "audit": "Security",
    "payments": "Workloads/Prod",
    "payments-nonprod": "Workloads/NonProd",
    "sandbox-1": "Sandbox",
}

FULL_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def guardrails() -> dict[str, Any]:
    """The guardrails rootguard deploys (rootguard/catalog/scp_statements.yaml), in one SCP."""
    return scp.policy_document(
        [scp.render_statement(entry, exempt_principals=()) for entry in scp.load_catalog()]
    )


DEFAULT_ALARMS = AlarmsConfig.model_validate({"email": ["security@example.com"]})


def alarms() -> dict[str, AlarmDefinition]:
    """The alarms rootguard deploys (rootguard/catalog/alarms.yaml), by control id."""
    return {definition.id: definition for definition in load_catalog()}


# --- Root users ---------------------------------------------------------------------------


@dataclass
class AccessKey:
    status: str = "Active"  # Active | Inactive
    created: datetime = datetime(2020, 1, 1, tzinfo=UTC)
    last_used: datetime | None = None


@dataclass
class MfaDevice:
    virtual: bool = True  # False: a hardware TOTP key or FIDO security key
    enabled: datetime = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class Certificate:
    status: str = "Active"
    uploaded: datetime = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class RootCredentials:
    """A member account root user's credentials, as an AssumeRoot session sees them."""

    password: datetime | None = None  # when the login profile was created; None: no password
    access_keys: dict[str, AccessKey] = field(default_factory=dict)
    mfa_devices: dict[str, MfaDevice] = field(default_factory=dict)  # serial -> device
    certificates: dict[str, Certificate] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.password or self.access_keys or self.mfa_devices or self.certificates)

    def count(self) -> int:
        return (
            (1 if self.password else 0)
            + len(self.access_keys)
            + len(self.mfa_devices)
            + len(self.certificates)
        )


@dataclass
class Contact:
    name: str
    email: str
    phone: str
    title: str


def default_contacts() -> dict[str, Contact | None]:
    mailboxes = {"SECURITY": "security", "BILLING": "billing", "OPERATIONS": "cloud-ops"}
    return {
        kind: Contact(
            name=f"{kind.title()} team",
            email=f"{mailboxes[kind]}@example.com",
            phone="+12065550123",
            title=f"{kind.title()} on call",
        )
        for kind in CONTACT_TYPES
    }


@dataclass
class Account:
    id: str
    name: str
    email: str
    parent_id: str
    state: str = "ACTIVE"  # ACTIVE | SUSPENDED | PENDING_CLOSURE
    root: RootCredentials = field(default_factory=RootCredentials)
    contacts: dict[str, Contact | None] = field(default_factory=default_contacts)
    # An SCP or a permissions boundary denies sts:AssumeRoot on this account.
    denies_assume_root: bool = False


@dataclass
class OrganizationalUnit:
    id: str
    name: str
    path: str
    parent_id: str


@dataclass
class Policy:
    id: str
    name: str
    document: str  # JSON text, as DescribePolicy returns it
    targets: set[str] = field(default_factory=set)
    aws_managed: bool = False


# --- The management account, the trail and its alarms ----------------------------------


@dataclass
class ManagementRoot:
    """The management account's root user, as IAM reports it about the account."""

    mfa_enabled: bool = True  # GetAccountSummary AccountMFAEnabled
    access_keys_present: bool = False  # GetAccountSummary AccountAccessKeysPresent
    virtual_mfa_serials: list[str] = field(default_factory=list)  # assigned to root
    # The credential report's <root_account> row, beyond the fixed columns.
    report_row: dict[str, str] = field(default_factory=dict)


@dataclass
class TrailState:
    name: str
    arn: str
    home_region: str
    bucket: str
    is_organization: bool = True
    is_multi_region: bool = True
    log_file_validation: bool = True
    kms_key_id: str | None = None
    log_group_arn: str | None = None
    logging: bool = True
    latest_delivery: datetime | None = None
    latest_delivery_error: str | None = None


@dataclass
class MetricFilterState:
    name: str
    pattern: str
    namespace: str
    metric: str


@dataclass
class AlarmState:
    name: str
    namespace: str
    metric: str
    actions: list[str]
    actions_enabled: bool = True
    comparison: str = "GreaterThanOrEqualToThreshold"
    threshold: float = 1.0


@dataclass
class SubscriptionState:
    protocol: str
    endpoint: str
    confirmed: bool = True


# The HTTPS endpoint AWS Chatbot's service-linked role subscribes to a topic it serves, as
# seen in public infrastructure code (AWS's documentation does not name it). Fake data only:
# it gives a chat-only topic the confirmed subscription it has in AWS; the audit does not
# interpret it.
CHATBOT_ENDPOINT = "https://global.sns-api.chatbot.amazonaws.com"


@dataclass
class ChatConfigurationState:
    """An AWS Chatbot channel configuration, as Describe/List...ChannelConfigurations return
    it: `channel` holds the ids (Slack: SlackTeamId, SlackChannelId; Microsoft Teams:
    TenantId, TeamId, ChannelId)."""

    kind: str  # slack | teams
    name: str
    channel: dict[str, str]
    topics: list[str]
    guardrails: list[str]
    role_arn: str
    user_authorization_required: bool | None = True  # None: not in the answer
    state: str = "ENABLED"
    state_reason: str | None = None


@dataclass
class FakeOrganization:
    """Everything the fakes answer from. Build with `FakeOrganization.secure()`."""

    now: datetime
    management_id: str = MANAGEMENT
    id: str = ORGANIZATION_ID
    root_id: str = ROOT_ID
    region: str = REGION
    in_organization: bool = True
    feature_set: str = "ALL"
    scp_enabled: bool = True
    # The identity whose credentials sign management calls (GetCallerIdentity).
    caller_account: str = MANAGEMENT
    caller_arn: str = f"arn:aws:sts::{MANAGEMENT}:assumed-role/Audit/ci"
    # iam:ListOrganizationsFeatures; None: trusted access for IAM is off.
    features: set[str] | None = field(
        default_factory=lambda: {ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS}
    )
    ous: dict[str, OrganizationalUnit] = field(default_factory=dict)  # by path
    accounts: dict[str, Account] = field(default_factory=dict)  # by id, management included
    policies: dict[str, Policy] = field(default_factory=dict)  # by id
    management_root: ManagementRoot = field(default_factory=ManagementRoot)
    password_policy: dict[str, Any] | None = None
    contact_information: dict[str, str] | None = None
    trails: list[TrailState] = field(default_factory=list)
    metric_filters: dict[str, list[MetricFilterState]] = field(default_factory=dict)
    alarms: list[AlarmState] = field(default_factory=list)
    topics: dict[str, list[SubscriptionState]] = field(default_factory=dict)  # by ARN
    chat_configurations: list[ChatConfigurationState] = field(default_factory=list)

    # --- Building -----------------------------------------------------------------------

    @classmethod
    def secure(
        cls,
        members: dict[str, str] | int | None = None,
        ous: tuple[str, ...] | int | None = None,
        *,
        now: datetime | None = None,
    ) -> FakeOrganization:
        """An organization that passes every check.

        By default the small organization of `OUS` and `MEMBERS`; `members=N, ous=M` builds
        N generated member accounts spread over M generated OUs (for scale).
        """
        org = cls(now=now or datetime.now(UTC))
        if isinstance(ous, int) or isinstance(members, int):
            ou_paths = _generated_ous(ous if isinstance(ous, int) else 10)
            count = members if isinstance(members, int) else 5
            targets = list(ou_paths) or [""]
            layout = {f"account-{i:05d}": targets[i % len(targets)] for i in range(count)}
        else:
            ou_paths = ous if ous is not None else OUS
            layout = members if members is not None else MEMBERS
        for path in ou_paths:
            org.add_ou(path)
        org.accounts[org.management_id] = Account(
            org.management_id, "management", "aws@example.com", org.root_id
        )
        for name, path in layout.items():
            org.add_account(name, path)
        org.add_policy("p-FullAWSAccess", "FullAWSAccess", FULL_ACCESS, aws_managed=True)
        org.add_policy("p-rootguard01", GUARDRAILS_NAME, guardrails())
        org.management_root.report_row = {
            "password_last_used": _iso(org.now - timedelta(days=200)),
            "mfa_active": "true",
        }
        org.password_policy = {
            "MinimumPasswordLength": 16,
            "RequireSymbols": True,
            "RequireNumbers": True,
            "RequireUppercaseCharacters": True,
            "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": True,
            "PasswordReusePrevention": 24,
            "ExpirePasswords": False,
        }
        org.contact_information = {
            "FullName": "Example Corp Cloud Team",
            "PhoneNumber": "+12065550100",
            "CountryCode": "US",
            "AddressLine1": "1 Example Way",
            "City": "Seattle",
            "PostalCode": "98101",
        }
        org._add_trail_and_alarms()
        return org

    def add_ou(self, path: str, ou_id: str | None = None) -> OrganizationalUnit:
        parent_path, _, name = path.rpartition("/")
        parent_id = self.ous[parent_path].id if parent_path else self.root_id
        ou = OrganizationalUnit(
            ou_id or f"ou-{self.root_id[2:]}-{len(self.ous) + 1:08d}", name, path, parent_id
        )
        self.ous[path] = ou
        return ou

    def add_account(self, name: str, ou_path: str = "", account_id: str | None = None) -> Account:
        account_id = account_id or f"{200000000000 + len(self.accounts):012d}"
        parent = self.ous[ou_path].id if ou_path else self.root_id
        account = Account(account_id, name, f"aws+{name}@example.com", parent)
        self.accounts[account_id] = account
        return account

    def add_policy(
        self,
        policy_id: str,
        name: str,
        document: dict[str, Any] | str,
        *,
        targets: set[str] | None = None,
        aws_managed: bool = False,
    ) -> Policy:
        text = document if isinstance(document, str) else scp.minify(document)
        policy = Policy(policy_id, name, text, targets or {self.root_id}, aws_managed)
        self.policies[policy_id] = policy
        return policy

    def _add_trail_and_alarms(self) -> None:
        region, account = self.region, self.management_id
        log_group_arn = f"arn:aws:logs:{region}:{account}:log-group:{LOG_GROUP}:*"
        self.trails = [
            TrailState(
                name=TRAIL_NAME,
                arn=f"arn:aws:cloudtrail:{region}:{account}:trail/{TRAIL_NAME}",
                home_region=region,
                bucket="org-trail-logs",
                kms_key_id=f"arn:aws:kms:{region}:{account}:key/trail",
                log_group_arn=log_group_arn,
                latest_delivery=self.now - timedelta(minutes=3),
            )
        ]
        topic = self.topic_arn(TOPIC_NAME)
        self.topics[topic] = [SubscriptionState("email", "security@example.com")]
        self.metric_filters[LOG_GROUP] = []
        for control, alarm in alarms().items():
            if alarm.enabled:  # what a stack without `enabled:` deploys
                self.put_alarm(control, topic)

    def put_alarm(self, control: str, topic_arn: str) -> None:
        """The control's metric filter (if missing) and its alarm, notifying `topic_arn`."""
        alarm = alarms()[control]
        filters = self.metric_filters.setdefault(LOG_GROUP, [])
        name = f"rootguard-{alarm.slug}"
        if not any(f.name == name for f in filters):
            # As rootguard deploys it: the default sanctioned principals of this account.
            pattern = alarm.render(DEFAULT_ALARMS.quiet("aws", self.management_id))
            filters.append(MetricFilterState(name, pattern, NAMESPACE, alarm.metric))
        self.alarms = [a for a in self.alarms if a.name != name]
        self.alarms.append(AlarmState(name, NAMESPACE, alarm.metric, [topic_arn]))

    def put_verbatim_alarm(self, control: str, source: str, topic_arn: str) -> str:
        """The control's verbatim CIS filter (`rootguard:alarms.verbatimCis`, the grader's text
        from `source`) and its alarm, notifying `topic_arn`. Returns the filter's name."""
        alarm = alarms()[control]
        text = next(t for t in alarm.verbatim_filters if t.source == source)
        metric = alarm.verbatim_metric(text)
        name = f"rootguard-{alarm.slug}-verbatim-{source}"
        filters = self.metric_filters.setdefault(LOG_GROUP, [])
        filters[:] = [f for f in filters if f.name != name]
        filters.append(MetricFilterState(name, text.pattern, NAMESPACE, metric))
        self.alarms = [a for a in self.alarms if a.name != name]
        self.alarms.append(AlarmState(name, NAMESPACE, metric, [topic_arn]))
        return name

    # --- Looking things up ----------------------------------------------------------------

    @property
    def members(self) -> list[Account]:
        return [a for a in self.accounts.values() if a.id != self.management_id]

    def account(self, name: str) -> Account:
        """A member (or the management account) by name or id."""
        for account in self.accounts.values():
            if name in (account.name, account.id):
                return account
        raise KeyError(name)

    def account_id(self, name: str) -> str:
        return self.account(name).id

    def ou_id(self, path: str) -> str:
        return self.ous[path].id if path else self.root_id

    def policy(self, name: str) -> Policy:
        for policy in self.policies.values():
            if name in (policy.name, policy.id):
                return policy
        raise KeyError(name)

    def topic_arn(self, name: str) -> str:
        return f"arn:aws:sns:{self.region}:{self.management_id}:{name}"

    @property
    def trail(self) -> TrailState:
        return self.trails[0]

    @property
    def log_group_arn(self) -> str:
        return f"arn:aws:logs:{self.region}:{self.management_id}:log-group:{LOG_GROUP}:*"

    # --- Insecurities, one at a time ----------------------------------------------------

    def add_root_access_key(self) -> None:
        """The management account's root user gets an access key."""
        self.management_root.access_keys_present = True

    def remove_root_mfa(self) -> None:
        self.management_root.mfa_enabled = False
        self.management_root.report_row["mfa_active"] = "false"

    def assign_virtual_mfa_to_root(self) -> str:
        serial = f"arn:aws:iam::{self.management_id}:mfa/root-phone"
        self.management_root.virtual_mfa_serials.append(serial)
        return serial

    def stop_trail(self) -> None:
        self.trail.logging = False

    def leave_alarm_unconfirmed(self, control: str) -> str:
        """Point the control's alarm at a topic whose only subscription is pending."""
        topic = self.topic_arn(f"alarms-{control.replace('.', '-')}")
        self.topics[topic] = [
            SubscriptionState("email", "nobody-confirmed@example.com", confirmed=False)
        ]
        self.put_alarm(control, topic)
        return topic

    def route_alarms(self, severity: str, topic_name: str, *endpoints: str) -> str:
        """A topic of its own for the default alarms of one severity, as rootguard deploys
        `rootguard:alarms.routes.<severity>`: subscribed (confirmed) by `endpoints`, emails or
        https:// URLs, with every such alarm re-pointed at it. Returns the topic's ARN."""
        topic = self.topic_arn(topic_name)
        self.topics[topic] = [
            SubscriptionState("https" if e.startswith("https://") else "email", e)
            for e in endpoints
        ]
        for control, alarm in alarms().items():
            if alarm.enabled and alarm.severity.value == severity:
                self.put_alarm(control, topic)
        return topic

    def deploy_chat_channels(self, config: AlarmsConfig) -> dict[str, ChatConfigurationState]:
        """The AWS Chatbot configurations rootguard deploys for the `slack`/`teams` channels of
        `config` (rootguard/chatbot.py): one per channel, subscribed to every topic that lists
        it, rootguard's guardrail only, user authorization required; and Chatbot's HTTPS
        subscription on each of those topics that exists here (create route topics first,
        with `route_alarms`). Returns the configurations by channel identity."""
        destinations: list[tuple[SeverityName | None, Subscribers]] = [
            (None, config),
            *config.routes.items(),
        ]
        place = ("aws", self.region, self.management_id)
        guardrail = chatbot_policies.guardrail_arn("aws", self.management_id, config.topic_name)
        deployed = {}
        for identity, (channel, routes) in chatbot_policies.channels_by_identity(
            destinations
        ).items():
            topics = sorted(config.topic_arn(route, *place) for route in routes)
            for topic in topics:
                subscriptions = self.topics.get(topic)
                if subscriptions is not None and not any(
                    s.endpoint == CHATBOT_ENDPOINT for s in subscriptions
                ):
                    subscriptions.append(SubscriptionState("https", CHATBOT_ENDPOINT))
            if isinstance(channel, SlackChannel):
                ids = {"SlackTeamId": channel.workspace_id, "SlackChannelId": channel.channel_id}
            else:
                ids = {
                    "TenantId": channel.tenant_id,
                    "TeamId": channel.team_id,
                    "ChannelId": channel.channel_id,
                }
            name = chatbot_policies.configuration_name(
                config.topic_name, channel.kind, stable_suffix(identity)
            )
            state = ChatConfigurationState(
                channel.kind,
                name,
                ids,
                topics,
                [guardrail],
                f"arn:aws:iam::{self.management_id}:role/rootguard-alarms-chatbot-role-1a2b3c4",
            )
            self.chat_configurations = [c for c in self.chat_configurations if c.name != name]
            self.chat_configurations.append(state)
            deployed[identity] = state
        return deployed

    def delete_contact(self, account: str, kind: str = "SECURITY") -> None:
        self.account(account).contacts[kind] = None

    def detach(self, policy: str, target_id: str) -> None:
        self.policy(policy).targets.discard(target_id)

    def attach(self, policy: str, target_id: str) -> None:
        self.policy(policy).targets.add(target_id)

    def deny_assume_root(self, account: str) -> None:
        self.account(account).denies_assume_root = True

    def give_root_credentials(
        self,
        account: str,
        *,
        password: bool = False,
        access_keys: int = 0,
        mfa_devices: int = 0,
        hardware_mfa: int = 0,
        certificates: int = 0,
    ) -> RootCredentials:
        """Add root credentials to a member account, with stable made-up ids."""
        target = self.account(account)
        root = target.root
        created = self.now - timedelta(days=400)
        if password:
            root.password = created
        for _ in range(access_keys):
            key_id = f"AKIA{target.id}{len(root.access_keys):04d}"
            root.access_keys[key_id] = AccessKey("Active", created, self.now - timedelta(days=30))
        for _ in range(mfa_devices):
            root.mfa_devices[f"arn:aws:iam::{target.id}:mfa/root-{len(root.mfa_devices)}"] = (
                MfaDevice(virtual=True, enabled=created)
            )
        for _ in range(hardware_mfa):
            root.mfa_devices[f"GAHT{target.id[-8:]}{len(root.mfa_devices)}"] = MfaDevice(
                virtual=False, enabled=created
            )
        for _ in range(certificates):
            cert_id = f"{target.id}CERT{len(root.certificates):024d}"
            root.certificates[cert_id] = Certificate("Active", created)
        return root


def _generated_ous(count: int) -> list[str]:
    """`count` OU paths: up to 10 top-level units, the rest one level below them."""
    top = max(1, min(10, count))
    paths: list[str] = []
    for index in range(count):
        name = f"Unit{index:04d}"
        paths.append(name if index < top else f"{paths[index % top]}/{name}")
    return paths


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
