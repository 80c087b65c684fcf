"""Drift of the alarm topics' chat channels (DRIFT-ALARM-CHAT): the AWS Chatbot configuration
of each Slack / Microsoft Teams channel the stack declares, judged against the shared fake
organization over HTTP (botocore's chatbot rest-json protocol)."""

from __future__ import annotations

from typing import Any

import pytest

from rootguard import chatbot_policies
from rootguard.audit.model import Finding, Status
from tests.fakes import MANAGEMENT, FakeAws, FakeOrganization
from tests.fakes.organization import ChatConfigurationState
from tests.fakes.stack import stack_config

from .conftest import audit

CHECK = "DRIFT-ALARM-CHAT"
ONCALL = {"workspaceId": "T07EA123LEP", "channelId": "C07ONCALL01"}
TENANT = "00000000-1111-2222-3333-444444444444"
TEAM = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
SECOPS = {"tenantId": TENANT, "teamId": TEAM, "channelId": "19%3Aab12cd34%40thread.tacv2"}
# A Teams channel on the default topic, a Slack channel on the paging route only.
CHAT: dict[str, Any] = {
    "email": ["security@example.com"],
    "teams": [SECOPS],
    "routes": {"critical": {"slack": [ONCALL]}},
}
SLACK = "chat:slack/T07EA123LEP/C07ONCALL01"
TEAMS = f"chat:teams/{TENANT}/{TEAM}/19%3Aab12cd34%40thread.tacv2"
SLACK_LABEL = "Slack channel workspace T07EA123LEP channel C07ONCALL01"
TEAMS_LABEL = f"Microsoft Teams channel team {TEAM} channel 19%3Aab12cd34%40thread.tacv2"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
GUARDRAIL = f"arn:aws:iam::{MANAGEMENT}:policy/rootguard-security-alarms-chatbot-guardrail"


def deploy(org: FakeOrganization, alarms: dict[str, Any]) -> dict[str, ChatConfigurationState]:
    """`alarms` as rootguard deploys it: each route's topic, then the channel configurations
    (keyed by resource, like the findings)."""
    config = stack_config(org, alarms=alarms).alarms
    for severity, route in config.routes.items():
        org.route_alarms(severity, config.route_topic_name(severity), *route.email, *route.https)
    deployed = org.deploy_chat_channels(config).values()
    return {f"chat:{c.kind}/{'/'.join(c.channel.values())}": c for c in deployed}


@pytest.fixture
def chat(org: FakeOrganization) -> dict[str, ChatConfigurationState]:
    return deploy(org, CHAT)


def findings(fake: FakeAws, org: FakeOrganization, alarms: dict[str, Any] = CHAT) -> list[Finding]:
    return audit(fake, config=stack_config(org, alarms=alarms))


def chat_findings(fake: FakeAws, org: FakeOrganization) -> dict[str, tuple[str, str]]:
    return {
        f.resource: (f.status.value, f.evidence) for f in findings(fake, org) if f.check_id == CHECK
    }


def test_channels_deployed_as_configured_show_no_drift(
    org: FakeOrganization, fake: FakeAws, chat: dict[str, ChatConfigurationState]
) -> None:
    judged = findings(fake, org)

    assert [f for f in judged if f.status not in (Status.PASS, Status.NOT_APPLICABLE)] == []
    critical = org.topic_arn("rootguard-security-alarms-critical")
    assert {f.resource: f.evidence for f in judged if f.check_id == CHECK} == {
        SLACK: f"{SLACK_LABEL}: configuration {chat[SLACK].name} receives routes.critical; "
        f"guardrail {GUARDRAIL}; user authorization required",
        TEAMS: f"{TEAMS_LABEL}: configuration {chat[TEAMS].name} receives the default topic; "
        f"guardrail {GUARDRAIL}; user authorization required",
    }
    assert chat[SLACK].topics == [critical]
    # One read of each kind, in the region rootguard manages the configurations in.
    reads = [c for c in fake.calls if c.service == "chatbot"]
    assert sorted(c.operation for c in reads) == [
        "DescribeSlackChannelConfigurations",
        "ListMicrosoftTeamsChannelConfigurations",
    ]


def test_the_audit_reads_chatbot_in_its_management_region(
    org: FakeOrganization, fake: FakeAws, chat: dict[str, ChatConfigurationState]
) -> None:
    regions: list[str] = []
    original = fake.handle

    def spy(method: str, url: str, headers: Any, body: bytes) -> Any:
        if "chatbot" in str(headers.get("Authorization", "")):
            regions.append(str(headers["Authorization"]).split("/")[2])
        return original(method, url, headers, body)

    fake.handle = spy  # type: ignore[method-assign]
    findings(fake, org)
    assert regions and set(regions) == {chatbot_policies.MANAGEMENT_REGION}


def test_a_deleted_configuration_is_reported(
    org: FakeOrganization, fake: FakeAws, chat: dict[str, ChatConfigurationState]
) -> None:
    org.chat_configurations.remove(chat[SLACK])
    # A configuration of another channel in the same workspace does not stand in for it.
    other = {**ONCALL, "channelId": "C07OTHER999"}
    elsewhere = {"email": ["security@example.com"], "slack": [other]}
    org.deploy_chat_channels(stack_config(org, alarms=elsewhere).alarms)
    assert len(org.chat_configurations) == 2

    judged = findings(fake, org)

    assert failing(judged) == [
        (
            CHECK,
            SLACK,
            f"{SLACK_LABEL} has no AWS Chatbot channel configuration: the alarms of "
            "routes.critical reach nobody there",
        )
    ]


def test_a_channel_unsubscribed_from_one_of_its_topics_is_reported(
    org: FakeOrganization, fake: FakeAws
) -> None:
    """The same Slack channel on the default topic and the paging route: one configuration
    with both topics; someone removes the paging topic from it."""
    both = {**CHAT, "slack": [ONCALL]}
    configuration = deploy(org, both)[SLACK]
    default, critical = (
        org.topic_arn("rootguard-security-alarms"),
        org.topic_arn("rootguard-security-alarms-critical"),
    )
    assert configuration.topics == sorted([default, critical])
    assert failing(findings(fake, org, both)) == []

    configuration.topics.remove(critical)

    assert failing(findings(fake, org, both)) == [
        (CHECK, SLACK, f"{SLACK_LABEL}: not subscribed to {critical} (routes.critical)")
    ]


@pytest.mark.parametrize(
    ("guardrails", "wrong"),
    [
        pytest.param(
            [],
            "has no guardrail, so Chatbot applies AdministratorAccess to the channel",
            id="removed",
        ),
        pytest.param(
            [GUARDRAIL, ADMIN], f"has the {ADMIN} guardrail", id="administrator-access-added"
        ),
        pytest.param(
            [ADMIN],
            f"lacks rootguard's guardrail {GUARDRAIL}; configuration {{name}} has the {ADMIN} "
            "guardrail",
            id="swapped-for-administrator-access",
        ),
        pytest.param(
            [GUARDRAIL, f"arn:aws:iam::{MANAGEMENT}:policy/chat-ops"],
            f"has guardrails rootguard does not set: arn:aws:iam::{MANAGEMENT}:policy/chat-ops",
            id="another-added",
        ),
    ],
)
def test_guardrail_changes_are_reported(
    org: FakeOrganization,
    fake: FakeAws,
    chat: dict[str, ChatConfigurationState],
    guardrails: list[str],
    wrong: str,
) -> None:
    chat[SLACK].guardrails = guardrails
    name = chat[SLACK].name

    assert failing(findings(fake, org)) == [
        (CHECK, SLACK, f"{SLACK_LABEL}: configuration {name} {wrong.format(name=name)}")
    ]


def test_user_authorization_turned_off_is_reported(
    org: FakeOrganization, fake: FakeAws, chat: dict[str, ChatConfigurationState]
) -> None:
    chat[TEAMS].user_authorization_required = False

    assert failing(findings(fake, org)) == [
        (
            CHECK,
            TEAMS,
            f"{TEAMS_LABEL}: configuration {chat[TEAMS].name} does not require user "
            "authorization: channel members may run commands with the channel role",
        )
    ]


def test_user_authorization_not_reported_by_the_api_is_not_judged(
    org: FakeOrganization, fake: FakeAws, chat: dict[str, ChatConfigurationState]
) -> None:
    chat[TEAMS].user_authorization_required = None

    status, evidence = chat_findings(fake, org)[TEAMS]
    assert status == "pass"
    assert evidence.endswith(f"guardrail {GUARDRAIL}")  # no claim about authorization


def test_a_disabled_configuration_is_reported_with_chatbots_reason(
    org: FakeOrganization, fake: FakeAws, chat: dict[str, ChatConfigurationState]
) -> None:
    chat[SLACK].state = "DISABLED"
    chat[SLACK].state_reason = "The Slack workspace authorization was revoked"

    assert failing(findings(fake, org)) == [
        (
            CHECK,
            SLACK,
            f"{SLACK_LABEL}: configuration {chat[SLACK].name} is disabled (The Slack workspace "
            "authorization was revoked)",
        )
    ]


def test_access_denied_on_chatbot_makes_only_those_channels_unknown(
    org: FakeOrganization, fake: FakeAws, chat: dict[str, ChatConfigurationState]
) -> None:
    clean = summary(findings(fake, org))
    fake.inject("access_denied", "DescribeSlackChannelConfigurations")

    judged = summary(findings(fake, org))

    changed = judged - clean
    ((check_id, resource, status, evidence),) = changed
    assert (check_id, resource, status) == (CHECK, SLACK, "unknown")
    assert evidence.startswith(
        "AccessDeniedException on chatbot:DescribeSlackChannelConfigurations: User: "
    )
    assert "is not authorized to perform: chatbot:DescribeSlackChannelConfigurations" in evidence
    # Nothing else changed: the Teams channel, the topics and the alarms are judged as before.
    assert clean - judged == {f for f in clean if f[1] == SLACK}


@pytest.mark.parametrize(
    ("kind", "reason", "tries"),
    [
        # max_attempts=2: botocore's retry count, so three tries.
        ("throttle", "ThrottlingException on chatbot:ListMicrosoftTeamsChannelConfigurations", 3),
        ("timeout", "ReadTimeoutError on chatbot:ListMicrosoftTeamsChannelConfigurations", 3),
        ("garbled", "ResponseParserError on chatbot:ListMicrosoftTeamsChannelConfigurations", 1),
    ],
)
def test_throttling_or_a_timeout_after_retries_or_a_garbled_answer_is_unknown(
    org: FakeOrganization,
    fake: FakeAws,
    chat: dict[str, ChatConfigurationState],
    kind: str,
    reason: str,
    tries: int,
) -> None:
    fake.inject(kind, "ListMicrosoftTeamsChannelConfigurations")

    judged = audit(fake, config=stack_config(org, alarms=CHAT), max_attempts=2)

    status, evidence = next(
        (f.status.value, f.evidence) for f in judged if f.resource == TEAMS and f.check_id == CHECK
    )
    assert status == "unknown"
    assert evidence.startswith(reason)
    assert fake.count("ListMicrosoftTeamsChannelConfigurations") == tries
    assert [f for f in judged if f.status is Status.FAIL] == []


def test_every_page_of_configurations_is_read(org: FakeOrganization, fake: FakeAws) -> None:
    """More channels than one page (the fake answers 3 a page, like AWS with MaxResults=3)."""
    channels = [{"workspaceId": "T07EA123LEP", "channelId": f"C07CHAN{n:04d}"} for n in range(7)]
    alarms = {"email": ["security@example.com"], "slack": channels}
    deploy(org, alarms)

    judged = [f for f in findings(fake, org, alarms) if f.check_id == CHECK]

    assert len(judged) == 7 and all(f.status is Status.PASS for f in judged)
    assert fake.count("DescribeSlackChannelConfigurations") == 3


def test_a_stack_without_chat_channels_makes_no_chatbot_call(
    org: FakeOrganization, fake: FakeAws
) -> None:
    judged = findings(fake, org, {"email": ["security@example.com"]})

    assert [c for c in fake.calls if c.service == "chatbot"] == []
    assert not [f for f in judged if f.check_id == CHECK]


def test_only_the_declared_kind_of_channel_is_read(org: FakeOrganization, fake: FakeAws) -> None:
    slack_only = {"email": ["security@example.com"], "slack": [ONCALL]}
    deploy(org, slack_only)

    findings(fake, org, slack_only)

    assert {c.operation for c in fake.calls if c.service == "chatbot"} == {
        "DescribeSlackChannelConfigurations"
    }


def test_over_http_the_configurations_are_read_the_same_way(
    org: FakeOrganization, fake: FakeAws, served: str, chat: dict[str, ChatConfigurationState]
) -> None:
    chat[SLACK].guardrails = [ADMIN]

    judged = audit(fake, config=stack_config(org, alarms=CHAT), endpoint_url=served)

    assert {(f.resource, f.status.value) for f in judged if f.check_id == CHECK} == {
        (SLACK, "fail"),
        (TEAMS, "pass"),
    }


def failing(judged: list[Finding]) -> list[tuple[str, str, str]]:
    return sorted(
        (f.check_id, f.resource, f.evidence) for f in judged if f.status is not Status.PASS
    )


def summary(judged: list[Finding]) -> set[tuple[str, str, str, str]]:
    return {(f.check_id, f.resource, f.status.value, f.evidence) for f in judged}
