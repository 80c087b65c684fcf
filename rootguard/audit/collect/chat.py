"""Read the account's AWS Chatbot channel configurations, for the chat-channel drift check.

Read only when the stack declares chat channels, and only the kinds it declares: a stack
without `slack` makes no Slack call. The client is made in the region rootguard manages the
configurations in (rootguard/chatbot_policies.py MANAGEMENT_REGION); Chatbot is a global
service, so that region lists every configuration of the account.

Operations and fields from botocore's chatbot 2017-10-11 model (AWS Chatbot API Reference):
DescribeSlackChannelConfigurations (result key SlackChannelConfigurations) and
ListMicrosoftTeamsChannelConfigurations (TeamChannelConfigurations), both paginated with
NextToken/MaxResults; each configuration has SnsTopicArns, GuardrailPolicyArns,
UserAuthorizationRequired and State (ENABLED | DISABLED).
https://docs.aws.amazon.com/chatbot/latest/APIReference/API_DescribeSlackChannelConfigurations.html
https://docs.aws.amazon.com/chatbot/latest/APIReference/API_ListMicrosoftTeamsChannelConfigurations.html
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rootguard.chatbot_policies import MANAGEMENT_REGION
from rootguard.config.subscribers import slack_identity, teams_identity

from ..aws import Clients, attempt, paginate
from ..facts import ChatConfiguration, ChatConfigurations, Maybe

# kind -> (operation, result key, IAM action named in an error, identity of one entry)
_READS: dict[str, tuple[str, str, str, Callable[[dict[str, Any]], str]]] = {
    "slack": (
        "describe_slack_channel_configurations",
        "SlackChannelConfigurations",
        "chatbot:DescribeSlackChannelConfigurations",
        lambda raw: slack_identity(raw.get("SlackTeamId", ""), raw.get("SlackChannelId", "")),
    ),
    "teams": (
        "list_microsoft_teams_channel_configurations",
        "TeamChannelConfigurations",
        "chatbot:ListMicrosoftTeamsChannelConfigurations",
        lambda raw: teams_identity(
            raw.get("TenantId", ""), raw.get("TeamId", ""), raw.get("ChannelId", "")
        ),
    ),
}
KINDS = tuple(_READS)


def collect_chat(clients: Clients, kinds: Iterable[str]) -> ChatConfigurations:
    """The configurations of each kind in `kinds` ("slack", "teams"); others are not read."""
    wanted = set(kinds)
    read = {kind: _read(clients, kind) for kind in KINDS if kind in wanted}
    return ChatConfigurations(**read)


def _read(clients: Clients, kind: str) -> Maybe[tuple[ChatConfiguration, ...]]:
    operation, key, action, identity = _READS[kind]
    chatbot = clients.management("chatbot", MANAGEMENT_REGION)
    return attempt(
        lambda: tuple(
            _configuration(kind, raw, identity(raw)) for raw in paginate(chatbot, operation, key)
        ),
        action,
    )


def _configuration(kind: str, raw: dict[str, Any], identity: str) -> ChatConfiguration:
    required = raw.get("UserAuthorizationRequired")
    return ChatConfiguration(
        kind=kind,
        name=raw.get("ConfigurationName") or raw.get("ChatConfigurationArn", ""),
        identity=identity,
        topic_arns=tuple(raw.get("SnsTopicArns", [])),
        guardrail_arns=tuple(raw.get("GuardrailPolicyArns", [])),
        user_authorization_required=required if isinstance(required, bool) else None,
        state=raw.get("State") or None,
        state_reason=raw.get("StateReason") or None,
    )
