"""AWS Chatbot destinations of the alarm topics: config, registrations, role and guardrail."""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pytest

from rootguard import chatbot_policies
from rootguard.audit.drift.alarm_chat import declared_channels
from rootguard.config import ConfigError, load_config
from rootguard.config.alarms import AlarmsConfig
from rootguard.config.subscribers import SlackChannel, TeamsChannel, stable_suffix
from rootguard.offline import Recording, Registration
from rootguard.offline.fake_aws import MANAGEMENT_ACCOUNT_ID, FakeAws
from rootguard.offline.plan import plan_stack
from tests.conftest import minimal_organization
from tests.policy_checks import READ_LEVELS, access_levels, lint, privilege_problems
from tests.test_alarms_component import TOPIC, run_alarms

SLACK = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
TEAMS = "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
COMPONENT = "rootguard:index:SecurityAlarms"

ONCALL = {"workspaceId": "T07EA123LEP", "channelId": "C07ONCALL01"}
DIGEST = {"workspaceId": "T07EA123LEP", "channelId": "C07DIGEST02"}
TENANT = "00000000-1111-2222-3333-444444444444"
TEAM = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
SECOPS = {"tenantId": TENANT, "teamId": TEAM, "channelId": "19%3Aab12cd34%40thread.tacv2"}
# Names of the read-only API calls: every action a chat channel may use starts with one.
READ_ONLY_PREFIXES = ("Describe", "Get", "List")
NOTIFICATION_ACTIONS = list(chatbot_policies.NOTIFICATION_ACTIONS)


def chat_config(recording: Recording) -> list[Registration]:
    return recording.of_type(SLACK) + recording.of_type(TEAMS)


def one(recording: Recording, type_: str) -> Registration:
    (found,) = recording.of_type(type_)
    return found


def topics(recording: Recording) -> dict[str, str]:
    return {t.inputs["name"]: t.outputs["arn"] for t in recording.of_type(TOPIC)}


def chatbot_role(recording: Recording) -> Registration:
    return recording.named("alarms-chatbot-role")


def notification_policy(recording: Recording) -> Registration:
    return recording.named("alarms-chatbot-notifications")


@pytest.fixture(scope="module")
def routed() -> Recording:
    """One Slack channel on the default topic and on the paging route, another on the info
    route, a Teams channel on the paging route."""
    return run_alarms(
        {
            "email": ["security@example.com"],
            "slack": [ONCALL],
            "routes": {
                "critical": {"slack": [ONCALL], "teams": [SECOPS]},
                "info": {"slack": [DIGEST]},
            },
            "enabled": ["assumeroot-session-activity"],
        }
    )


# --- What is registered --------------------------------------------------------------------


def test_each_channel_is_one_configuration_with_every_topic_that_reaches_it(
    routed: Recording,
) -> None:
    by_name = topics(routed)
    default = by_name["rootguard-security-alarms"]
    critical = by_name["rootguard-security-alarms-critical"]
    info = by_name["rootguard-security-alarms-info"]
    slack = {c.inputs["slackChannelId"]: c for c in routed.of_type(SLACK)}
    assert set(slack) == {"C07ONCALL01", "C07DIGEST02"}
    assert slack["C07ONCALL01"].inputs["snsTopicArns"] == sorted([default, critical])
    assert slack["C07DIGEST02"].inputs["snsTopicArns"] == [info]
    assert all(c.inputs["slackTeamId"] == "T07EA123LEP" for c in slack.values())
    teams = one(routed, TEAMS)
    assert teams.inputs["snsTopicArns"] == [critical]
    assert {k: teams.inputs[k] for k in ("tenantId", "teamId", "channelId")} == SECOPS


def test_configurations_use_the_notification_role_quietly_and_in_chatbots_region(
    routed: Recording,
) -> None:
    role = chatbot_role(routed)
    permissions = notification_policy(routed)
    assert permissions.inputs["role"] == role.id
    component = one(routed, COMPONENT)
    for configuration in chat_config(routed):
        assert configuration.inputs["iamRoleArn"] == role.outputs["arn"]
        assert configuration.inputs["userAuthorizationRequired"] is True
        assert configuration.inputs["loggingLevel"] == "ERROR"
        # Chatbot's API answers in four regions only; the stack is in us-east-1.
        assert configuration.inputs["region"] == "us-east-2"
        assert permissions.urn in configuration.depends_on  # the role can act first
        assert configuration.parent == component.urn
        name = configuration.inputs["configurationName"]
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,128}", name)
        assert name.startswith("rootguard-security-alarms-")
    names = [c.inputs["configurationName"] for c in chat_config(routed)]
    assert len(set(names)) == len(names)  # unique in the account, as Chatbot requires
    for resource in (role, permissions, one(routed, MANAGED_POLICY)):
        assert resource.parent == component.urn and resource.name.startswith("alarms-chatbot-")


def test_the_guardrail_is_always_set_and_never_administrator_access(routed: Recording) -> None:
    guardrail = one(routed, MANAGED_POLICY)
    assert json.loads(guardrail.inputs["policy"]) == chatbot_policies.notification_permissions()
    for configuration in chat_config(routed):
        arns = configuration.inputs["guardrailPolicyArns"]
        # Without one, Chatbot applies AdministratorAccess to the channel.
        assert arns == [guardrail.outputs["arn"]]
        assert not any("AdministratorAccess" in arn for arn in arns)


def test_the_component_deploys_what_the_audits_drift_check_expects() -> None:
    """DRIFT-ALARM-CHAT builds each channel's topic ARNs and rootguard's guardrail ARN from
    the config alone; they must be what the component registers (here in eu-west-1)."""
    raw = {
        "email": ["security@example.com"],
        "teams": [SECOPS],
        "routes": {"critical": {"slack": [ONCALL], "teams": [SECOPS]}, "info": {"slack": [DIGEST]}},
    }
    fake = FakeAws(region="eu-west-1")
    recording = run_alarms(raw, fake)
    config = AlarmsConfig.model_validate(raw)
    place = (fake.partition, fake.region, MANAGEMENT_ACCOUNT_ID)
    guardrail = one(recording, MANAGED_POLICY)

    assert guardrail.inputs["name"] == "rootguard-security-alarms-chatbot-guardrail"
    assert guardrail.outputs["arn"] == chatbot_policies.guardrail_arn(
        fake.partition, MANAGEMENT_ACCOUNT_ID, config.topic_name
    )
    registered = {
        (c.inputs.get("slackChannelId") or c.inputs["channelId"]): c.inputs["snsTopicArns"]
        for c in chat_config(recording)
    }
    expected = {
        channel.channel_id: sorted(config.topic_arn(route, *place) for route in routes)
        for channel, routes in declared_channels(config).values()
    }
    assert registered == expected
    assert len(expected) == 3


def test_the_guardrail_name_fits_iam() -> None:
    name = chatbot_policies.guardrail_name("x" * 256)
    assert len(name) == 128 and name.endswith("-chatbot-guardrail")


def test_role_and_guardrail_grant_no_write_action(routed: Recording) -> None:
    documents = [
        json.loads(notification_policy(routed).inputs["policy"]),
        json.loads(one(routed, MANAGED_POLICY).inputs["policy"]),
    ]
    for document in documents:
        for statement in document["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"]
            for action in [actions] if isinstance(actions, str) else actions:
                service, _, name = action.partition(":")
                assert service == "cloudwatch" and name.startswith(READ_ONLY_PREFIXES), action
        # The same, by IAM's own access levels for every action a wildcard expands to.
        assert set(access_levels(document["Statement"])) <= READ_LEVELS
        assert lint(document, "identity") == []
    # The lint still flags Resource "*" once a write joins the reads.
    written = {**documents[0], "Statement": [{**documents[0]["Statement"][0]}]}
    written["Statement"][0]["Action"] = [*NOTIFICATION_ACTIONS, "cloudwatch:PutMetricAlarm"]
    assert any(f.startswith("RESOURCE_STAR") for f in lint(written, "identity"))


def test_only_chatbot_may_assume_the_role(routed: Recording) -> None:
    trust = json.loads(chatbot_role(routed).inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "chatbot.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert lint(trust, "trust") == []
    # Exempt from the "service without a source condition" rule as an AssumeRole only.
    assert privilege_problems(trust) == []
    granted = {**statement, "Action": "sns:Publish", "Resource": "*"}
    assert privilege_problems({**trust, "Statement": [granted]}) != []


def test_removing_a_channel_renames_no_other() -> None:
    both = run_alarms({"slack": [ONCALL, DIGEST], "teams": [SECOPS]})
    one_left = run_alarms({"slack": [DIGEST], "teams": [SECOPS]})

    def names(recording: Recording) -> dict[str, tuple[str, str]]:
        return {
            c.inputs.get("slackChannelId", c.inputs.get("channelId")): (
                c.name,
                c.inputs["configurationName"],
            )
            for c in chat_config(recording)
        }

    before, after = names(both), names(one_left)
    assert set(after) == {"C07DIGEST02", SECOPS["channelId"]}
    for channel, kept in after.items():
        assert kept == before[channel]


def test_without_a_chat_channel_nothing_of_chatbot_is_registered() -> None:
    recording = run_alarms({"email": ["security@example.com"]})
    assert not chat_config(recording)
    assert not recording.of_type(MANAGED_POLICY)
    assert not [r for r in recording.of_type(ROLE) if "chatbot" in r.name]


def test_a_route_channel_next_to_an_existing_topic_hears_only_its_route() -> None:
    recording = run_alarms(
        {
            "existingTopicArn": "arn:aws:sns:us-east-1:123456789012:org-security",
            "routes": {"critical": {"slack": [ONCALL]}},
        }
    )
    configuration = one(recording, SLACK)
    assert configuration.inputs["snsTopicArns"] == [
        topics(recording)["rootguard-security-alarms-critical"]
    ]


def test_a_chat_only_route_topic_is_heard() -> None:
    """No silent alarm: a topic whose only subscriber is a chat channel is in a configuration."""
    recording = run_alarms(
        {"email": ["security@example.com"], "routes": {"critical": {"teams": [SECOPS]}}}
    )
    critical = topics(recording)["rootguard-security-alarms-critical"]
    assert [c.inputs["snsTopicArns"] for c in chat_config(recording)] == [[critical]]
    paged = [
        a
        for a in recording.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if a.inputs["tags"]["rootguard:severity"] == "critical"
    ]
    assert paged and all(a.inputs["alarmActions"] == [critical] for a in paged)


def test_the_prod_stack_pages_its_oncall_slack_channel() -> None:
    recording = plan_stack("prod")
    configuration = one(recording, SLACK)
    assert configuration.inputs["snsTopicArns"] == [
        topics(recording)["rootguard-prod-security-alarms-critical"]
    ]
    assert configuration.inputs["guardrailPolicyArns"]


# --- The config ------------------------------------------------------------------------------


def load(alarms: dict[str, Any], aws_region: str | None = None) -> Any:
    return load_config({"organization": {}, "alarms": alarms}, aws_region=aws_region)


def error(alarms: dict[str, Any], aws_region: str | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load(alarms, aws_region)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_chat_channel_alone_is_a_subscriber() -> None:
    assert load({"slack": [ONCALL]}).alarms.slack == [
        SlackChannel(workspace_id="T07EA123LEP", channel_id="C07ONCALL01")
    ]
    route = {"teams": [SECOPS]}
    routes = dict.fromkeys(("critical", "high", "medium", "low"), route)
    assert load({"routes": routes}).alarms.routes["low"].teams == [
        TeamsChannel(tenant_id=TENANT, team_id=TEAM, channel_id=SECOPS["channelId"])
    ]


@pytest.mark.parametrize(
    ("alarms", "expected"),
    [
        (
            {"slack": [{"workspaceId": "t07ea123lep", "channelId": "C07ONCALL01"}]},
            "rootguard:alarms.slack[0].workspaceId: must be a Slack workspace id like "
            "T07EA123LEP (capital letters and digits;",
        ),
        (
            {"slack": [{"workspaceId": "T07EA123LEP", "channelId": "#security-oncall"}]},
            "rootguard:alarms.slack[0].channelId: must be a Slack channel id like C07EZ1ABC23",
        ),
        (
            {"slack": [{"workspaceId": "T07EA123LEP"}]},
            "rootguard:alarms.slack[0].channelId: is required",
        ),
        (
            {"slack": [{"workspace": "T07EA123LEP", "channelId": "C07ONCALL01"}]},
            "rootguard:alarms.slack[0].workspace: unknown key; did you mean 'workspaceId'?",
        ),
        (
            {"slack": "C07ONCALL01"},
            "rootguard:alarms.slack: input should be a valid list",
        ),
        (
            {"slack": [ONCALL, {"workspaceId": "T07EA123LEP", "channelId": "c07oncall01"}]},
            "rootguard:alarms.slack[1]: workspace T07EA123LEP channel c07oncall01 is already "
            "listed at slack[0]",
        ),
        (
            {"teams": [{**SECOPS, "channelId": "19:ab12cd34@thread.tacv2"}]},
            "rootguard:alarms.teams[0].channelId: must be a Microsoft Teams channel id "
            "URL-encoded as in the channel's Get link",
        ),
        (
            {"teams": [{**SECOPS, "tenantId": "contoso.onmicrosoft.com"}]},
            "rootguard:alarms.teams[0].tenantId: must be a UUID like",
        ),
        (
            {"teams": [SECOPS, {**SECOPS, "channelId": "19%3aAB12CD34%40thread.tacv2"}]},
            f"rootguard:alarms.teams[1]: team {TEAM} channel 19%3aAB12CD34%40thread.tacv2 is "
            "already listed at teams[0]",
        ),
        (
            {
                "email": ["s@example.com"],
                "routes": {"critical": {"slack": [ONCALL, ONCALL]}},
            },
            "rootguard:alarms.routes.critical.slack[1]: workspace T07EA123LEP channel "
            "C07ONCALL01 is already listed at slack[0]",
        ),
        (
            {
                "existingTopicArn": "arn:aws:sns:us-east-1:123456789012:org-security",
                "teams": [SECOPS],
            },
            "rootguard:alarms.teams: subscriptions cannot be added to existingTopicArn; its "
            "owner manages them",
        ),
        (
            {"email": ["s@example.com"], "routes": {"critical": {"slack": []}}},
            "rootguard:alarms.routes.critical: no subscriber: give `email`, `https`, `slack` or "
            "`teams`",
        ),
    ],
)
def test_bad_chat_input_is_one_line_naming_the_key(alarms: dict[str, Any], expected: str) -> None:
    assert error(alarms).startswith(expected)


def test_chat_channels_are_refused_outside_chatbots_partition() -> None:
    message = error(
        {"email": ["s@example.com"], "routes": {"critical": {"slack": [ONCALL]}}},
        aws_region="us-gov-west-1",
    )
    assert message.startswith(
        "rootguard:alarms.routes.critical.slack: AWS Chatbot's API is served only in the aws "
        "partition (us-east-2, us-west-2, eu-west-1, ap-southeast-1), not in aws-us-gov "
        "(aws:region us-gov-west-1)"
    )
    assert error({"teams": [SECOPS]}, aws_region="cn-north-1").startswith(
        "rootguard:alarms.teams: AWS Chatbot's API"
    )
    # Email alone is fine there, and chat is fine in any commercial region.
    assert load({"email": ["s@example.com"]}, aws_region="us-gov-west-1")
    assert load({"slack": [ONCALL]}, aws_region="eu-central-1").alarms.slack


def test_the_program_registers_nothing_for_a_chat_channel_in_govcloud(run_stack: Any) -> None:
    fake = FakeAws()
    with pytest.raises(pulumi.RunError, match=r"^rootguard:alarms\.slack: AWS Chatbot's API"):
        run_stack(
            {
                "aws:region": "us-gov-west-1",
                "rootguard:organization": minimal_organization(),
                "rootguard:alarms": {"slack": [ONCALL]},
            },
            fake=fake,
        )
    assert fake.registered == []


# --- Pure pieces -----------------------------------------------------------------------------


def test_configuration_names_fit_chatbots_limit_and_keep_the_channel_suffix() -> None:
    suffix = stable_suffix("slack/t07ea123lep/c07oncall01")
    name = chatbot_policies.configuration_name("x" * 256, "teams", suffix)
    assert len(name) == 128 and name.endswith(f"-teams-{suffix}")
    assert (
        chatbot_policies.configuration_name("alarms", "slack", suffix) == f"alarms-slack-{suffix}"
    )


def test_chatbot_is_managed_in_a_region_its_api_answers_in() -> None:
    assert chatbot_policies.MANAGEMENT_REGION in chatbot_policies.API_REGIONS
