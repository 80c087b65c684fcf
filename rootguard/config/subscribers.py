"""Who hears an alarm topic: the subscriber lists the default topic and every route share.

`email` and `https` endpoints become SNS subscriptions; `slack` and `teams` channels become
AWS Chatbot channel configurations that subscribe to the topic (rootguard/chatbot.py).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from .base import Matching, StrictModel, no_duplicates

# SNS's own limit for an email endpoint is the RFC 5321 path length.
NotificationEmail = Annotated[
    str,
    Matching(
        r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
        "an email address like security@example.com",
        min_length=6,
        max_length=254,
    ),
]
HttpsUrl = Annotated[
    str,
    Matching(
        r"https://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[^\s]*)?",
        "an https:// URL like https://hooks.example.com/aws-alarms",
        max_length=2048,
    ),
]

# The id formats AWS Chatbot accepts, from its API Reference: CreateSlackChannelConfiguration
# (SlackTeamId: 1-255 of [0-9A-Z]; SlackChannelId: 1-255 of [A-Za-z0-9]) and
# CreateMicrosoftTeamsChannelConfiguration (TenantId and TeamId: a 36-character UUID;
# ChannelId: 1-255 characters, URL-encoded, with %3A and %40), same in botocore's
# chatbot/2017-10-11 service model.
# https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateSlackChannelConfiguration.html
# https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateMicrosoftTeamsChannelConfiguration.html
SlackWorkspaceId = Annotated[
    str,
    Matching(
        r"[0-9A-Z]{1,255}",
        "a Slack workspace id like T07EA123LEP (capital letters and digits; the AWS Chatbot "
        "console shows it once the workspace is authorized)",
        max_length=255,
    ),
]
SlackChannelId = Annotated[
    str,
    Matching(
        r"[A-Za-z0-9]+",
        "a Slack channel id like C07EZ1ABC23 (letters and digits: the end of the channel's "
        "Copy link), not its #name",
        max_length=255,
    ),
]
TeamsUuid = Annotated[
    str,
    Matching(
        r"[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}",
        "a UUID like 00000000-1111-2222-3333-444444444444 (from the channel's Get link)",
        min_length=36,
        max_length=36,
    ),
]
TeamsChannelId = Annotated[
    str,
    Matching(
        r"[A-Za-z0-9_=+/.,-]*%3[aA][A-Za-z0-9_=+/.,-]*%40[A-Za-z0-9_=+/.,-]*",
        "a Microsoft Teams channel id URL-encoded as in the channel's Get link, like "
        "19%3Aab12cd34%40thread.tacv2 (':' as %3A, '@' as %40)",
        max_length=255,
    ),
]


def slack_identity(workspace_id: str, channel_id: str) -> str:
    """The same Slack channel however it is spelled (ids are compared case-insensitively): in
    the config, and in a live Chatbot configuration (the audit's drift check)."""
    return f"slack/{workspace_id}/{channel_id}".lower()


def teams_identity(tenant_id: str, team_id: str, channel_id: str) -> str:
    # UUIDs are hex and %3a is %3A: letter case never tells two channels apart.
    return f"teams/{tenant_id}/{team_id}/{channel_id}".lower()


class SlackChannel(StrictModel):
    """A Slack channel that receives the topic's alarms through AWS Chatbot."""

    kind: ClassVar[str] = "slack"

    workspace_id: SlackWorkspaceId = Field(
        description="The Slack workspace, authorized once in the AWS Chatbot console."
    )
    channel_id: SlackChannelId = Field(description="The channel (invite @aws if it is private).")

    @property
    def identity(self) -> str:
        return slack_identity(self.workspace_id, self.channel_id)

    def __str__(self) -> str:
        return f"workspace {self.workspace_id} channel {self.channel_id}"


class TeamsChannel(StrictModel):
    """A Microsoft Teams channel that receives the topic's alarms through AWS Chatbot."""

    kind: ClassVar[str] = "teams"

    tenant_id: TeamsUuid = Field(description="The Microsoft 365 tenant.")
    team_id: TeamsUuid = Field(description="The team, authorized once in the AWS Chatbot console.")
    channel_id: TeamsChannelId = Field(description="The channel in that team.")

    @property
    def identity(self) -> str:
        return teams_identity(self.tenant_id, self.team_id, self.channel_id)

    def __str__(self) -> str:
        return f"team {self.team_id} channel {self.channel_id}"


ChatChannel = SlackChannel | TeamsChannel
# Every subscriber list, in the order messages name them.
SUBSCRIBER_KEYS = ("email", "https", "slack", "teams")


def stable_suffix(identity: str) -> str:
    """A resource-name suffix from a subscriber's identity: removing one subscriber must not
    rename the others (as a list index would)."""
    return hashlib.sha256(identity.lower().encode()).hexdigest()[:10]


class Subscribers(StrictModel):
    """Who hears a topic: SNS subscriptions and AWS Chatbot channels."""

    email: list[NotificationEmail] = Field(
        default_factory=list,
        description="Addresses subscribed to the topic (each confirms by mail first).",
    )
    https: list[HttpsUrl] = Field(
        default_factory=list,
        description="HTTPS endpoints (PagerDuty, Opsgenie) subscribed to the topic.",
    )
    slack: list[SlackChannel] = Field(
        default_factory=list,
        description="Slack channels that receive the topic's alarms through AWS Chatbot.",
    )
    teams: list[TeamsChannel] = Field(
        default_factory=list,
        description="Microsoft Teams channels that receive the topic's alarms through AWS Chatbot.",
    )

    @property
    def chat_channels(self) -> list[ChatChannel]:
        return [*self.slack, *self.teams]

    def has_subscriber(self) -> bool:
        return any(getattr(self, key) for key in SUBSCRIBER_KEYS)

    @model_validator(mode="after")
    def _each_subscriber_once(self) -> Subscribers:
        no_duplicates("email", self.email, identity=str.lower, shown=repr)
        no_duplicates("https", self.https, identity=str.lower, shown=repr)
        no_duplicates("slack", self.slack, identity=lambda c: c.identity, shown=str)
        no_duplicates("teams", self.teams, identity=lambda c: c.identity, shown=str)
        return self
