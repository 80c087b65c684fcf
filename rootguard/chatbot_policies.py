"""AWS Chatbot's role, its permissions and the channel guardrail, as pure functions.

A chat channel only shows alarms: Chatbot assumes the channel role to draw the alarm's
CloudWatch chart, and nobody may run commands from the channel. So the role and the
guardrail grant exactly AWS's "Notification permissions" channel-role template
(AWS-Chatbot-NotificationsOnly-Policy: cloudwatch:Describe*, Get*, List* on "*"; AWS Chatbot
Administrator Guide, "IAM policies for AWS Chatbot",
https://docs.aws.amazon.com/chatbot/latest/adminguide/chatbot-iam-policies.html). Without
a guardrail Chatbot applies AdministratorAccess to the channel (pulumi_aws
`guardrail_policy_arns`; CreateSlackChannelConfiguration, GuardrailPolicyArns), and a
guardrail caps every role used in the channel, user roles included
(https://docs.aws.amazon.com/chatbot/latest/adminguide/understanding-permissions.html).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from .config.subscribers import ChatChannel, Subscribers
from .policy_documents import VERSION, Policy

T = TypeVar("T")

CHATBOT = "chatbot.amazonaws.com"

NOTIFICATION_ACTIONS = ("cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*")

# Chatbot is a global service whose API is served only from these regions, and its console
# only from us-east-2; a configuration made in one is the account's everywhere (AWS Chatbot
# API Reference, Welcome, https://docs.aws.amazon.com/chatbot/latest/APIReference/Welcome.html;
# AWS General Reference, "AWS Chatbot endpoints and quotas"). rootguard manages channel
# configurations through us-east-2 whatever the stack's region, so moving a stack never
# replaces them. They may name topics in any region (the admin guide's "Add another Region").
API_REGIONS = ("us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1")
MANAGEMENT_REGION = "us-east-2"

# "ERROR" (the console's "Errors only"): a notification Chatbot could not deliver (a missing
# permission, throttling) is logged to /aws/chatbot/<configuration name> in us-east-1,
# without logging every alarm twice (AWS Chatbot Administrator Guide, "Accessing Amazon
# CloudWatch Logs for AWS Chatbot").
LOGGING_LEVEL = "ERROR"

# CreateSlackChannelConfiguration / CreateMicrosoftTeamsChannelConfiguration,
# ConfigurationName: 1-128 of [A-Za-z0-9-_], unique in the account, not editable.
_CONFIGURATION_NAME_MAX = 128
# IAM API Reference, CreatePolicy, PolicyName: 1-128 of [\w+=,.@-]; unique in the account.
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
_POLICY_NAME_MAX = 128
# The AWS managed policy Chatbot applies to a channel that has no guardrail: what a guardrail
# must never be (Administrator Guide, "Understanding permissions").
ADMINISTRATOR_ACCESS = "AdministratorAccess"


def trust_policy() -> Policy:
    """Only AWS Chatbot may assume the channel role.

    Chatbot's documentation names no aws:SourceArn or aws:SourceAccount for this assumption
    (no confused-deputy condition is documented; AWS's own CDK construct, aws_chatbot
    SlackChannelConfiguration, trusts chatbot.amazonaws.com without one). A condition that
    Chatbot does not send would break every notification, so none is added: the role can
    only read CloudWatch alarm and metric metadata, which bounds what a confused deputy
    could reach.
    """
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "ChatbotAssumesForNotifications",
                "Effect": "Allow",
                "Principal": {"Service": CHATBOT},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def notification_permissions() -> Policy:
    """The channel role's policy: read CloudWatch alarms and metrics to draw the chart."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "ReadAlarmsAndMetricsForNotifications",
                "Effect": "Allow",
                "Action": list(NOTIFICATION_ACTIONS),
                "Resource": "*",
            }
        ],
    }


def guardrail_policy() -> Policy:
    """The channel guardrail: the same read-only scope, so no role used in the channel (a
    user role with more rights included) can do more than the notifications need."""
    return notification_permissions()


def channels_by_identity(
    destinations: Sequence[tuple[T, Subscribers]],
) -> dict[str, tuple[ChatChannel, list[T]]]:
    """Each distinct channel (first spelling wins) with the topics that reach it.

    `destinations` pairs each topic (the component's ARN output, the audit's route key) with
    its subscribers, so the component and the audit's drift check agree on who hears what."""
    channels: dict[str, tuple[ChatChannel, list[T]]] = {}
    for topic, subscribers in destinations:
        for channel in subscribers.chat_channels:
            channels.setdefault(channel.identity, (channel, []))[1].append(topic)
    return channels


def configuration_name(prefix: str, kind: str, suffix: str) -> str:
    """`<prefix>-<kind>-<suffix>`, the prefix cut so the whole fits Chatbot's 128 characters.

    The prefix is the alarm topic's name (unique in the account's region, so two stacks in
    one account do not collide); the suffix identifies the channel.
    """
    tail = f"-{kind}-{suffix}"
    return prefix[: _CONFIGURATION_NAME_MAX - len(tail)] + tail


def guardrail_name(prefix: str) -> str:
    """`<prefix>-chatbot-guardrail`, the customer-managed guardrail policy of every channel.

    A fixed name (not Pulumi's random suffix), so the audit can tell rootguard's guardrail
    from any other on a live channel configuration. The prefix is the default topic's name,
    as for the configuration names; cut so the whole fits IAM's 128 characters.
    """
    tail = "-chatbot-guardrail"
    return prefix[: _POLICY_NAME_MAX - len(tail)] + tail


def guardrail_arn(partition: str, account_id: str, prefix: str) -> str:
    """The guardrail's ARN (IAM policies are global: no region; the default path `/`)."""
    return f"arn:{partition}:iam::{account_id}:policy/{guardrail_name(prefix)}"
