"""Chat destinations of the alarm topics: AWS Chatbot Slack and Microsoft Teams channels.

One channel configuration per channel, subscribed to every topic that lists the channel (a
channel on the default topic and on `routes.critical` is one configuration with two topics).
All channels share one role that Chatbot assumes and one customer-managed guardrail, both
limited to what notifications need (rootguard/chatbot_policies.py). Chatbot's service-linked
role subscribes its endpoint to the topics; rootguard creates no SNS subscription for it.

Encrypted topics: only the services that publish need the topic key (AWS Chatbot
Administrator Guide, "Setting up Amazon SNS topics" and Troubleshooting, "The Amazon SNS
topic has server-side encryption turned on"); CloudWatch already has it
(rootguard/alarm_policies.py), so the key policy is unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from . import chatbot_policies
from .config.subscribers import SlackChannel, Subscribers, stable_suffix


def chat_channels(
    parent: pulumi.Resource,
    name: str,
    prefix: str,
    destinations: Sequence[tuple[pulumi.Input[str], Subscribers]],
) -> None:
    """Register the role, guardrail and channel configurations as children of `parent`.

    `destinations` pairs each topic ARN with its subscribers; `prefix` (the default topic's
    name) starts every configuration name. Nothing is registered without a chat channel.
    """
    channels = chatbot_policies.channels_by_identity(destinations)
    if not channels:
        return
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-chatbot-role",
        description="AWS Chatbot reads CloudWatch alarms to show rootguard's alarms in chat",
        assume_role_policy=json.dumps(chatbot_policies.trust_policy(), sort_keys=True),
        opts=child,
    )
    permissions = aws.iam.RolePolicy(
        f"{name}-chatbot-notifications",
        role=role.id,
        policy=json.dumps(chatbot_policies.notification_permissions(), sort_keys=True),
        opts=child,
    )
    guardrail = aws.iam.Policy(
        f"{name}-chatbot-guardrail",
        # Named, so the audit's drift check (DRIFT-ALARM-CHAT) knows rootguard's guardrail.
        name=chatbot_policies.guardrail_name(prefix),
        description="Channel guardrail for rootguard's alarm channels: notifications only",
        policy=json.dumps(chatbot_policies.guardrail_policy(), sort_keys=True),
        opts=child,
    )
    # The role has its permissions before Chatbot first assumes it.
    ready = pulumi.ResourceOptions(parent=parent, depends_on=[permissions])
    for identity, (channel, topics) in channels.items():
        suffix = stable_suffix(identity)
        kind = channel.kind
        common: dict[str, Any] = {
            "configuration_name": chatbot_policies.configuration_name(prefix, kind, suffix),
            # Sorted: the order of routes in the stack file is no change to the channel.
            "sns_topic_arns": pulumi.Output.all(*topics).apply(sorted),
            "iam_role_arn": role.arn,
            "guardrail_policy_arns": [guardrail.arn],
            # Commands need a user role of their own (notifications do not): nobody acts
            # through the channel role (Administrator Guide, "User role requirement").
            "user_authorization_required": True,
            "logging_level": chatbot_policies.LOGGING_LEVEL,
            "region": chatbot_policies.MANAGEMENT_REGION,
            "opts": ready,
        }
        if isinstance(channel, SlackChannel):
            aws.chatbot.SlackChannelConfiguration(
                f"{name}-{kind}-{suffix}",
                slack_team_id=channel.workspace_id,
                slack_channel_id=channel.channel_id,
                **common,
            )
        else:
            aws.chatbot.TeamsChannelConfiguration(
                f"{name}-{kind}-{suffix}",
                tenant_id=channel.tenant_id,
                team_id=channel.team_id,
                channel_id=channel.channel_id,
                **common,
            )
