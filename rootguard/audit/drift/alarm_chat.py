"""Drift of the chat channels `rootguard:alarms` sends alarms to through AWS Chatbot.

A route whose only subscriber is a Slack or Teams channel depends on a channel configuration
DRIFT-ALARM-TOPIC does not see: deleted, unsubscribed from a topic, disabled, or with its
guardrail removed or swapped, the channel stays silent (or open to more than notifications)
while the topic looks fine. For each channel the stack declares (the default topic's and every
route's `slack`/`teams`), the live configuration of that channel, matched by the channel's
identity as the config compares it, must:

- be subscribed to every topic that lists the channel (the ARNs the component builds:
  `AlarmsConfig.topic_arn`, the channel-to-topics map shared with the component:
  `chatbot_policies.channels_by_identity`);
- carry rootguard's guardrail (`chatbot_policies.guardrail_arn`) and no other: without a
  guardrail Chatbot applies the AWS managed AdministratorAccess policy (API Reference,
  UpdateSlackChannelConfiguration, GuardrailPolicyArns, "The AWS managed AdministratorAccess
  policy is applied by default if this is not set"), and AdministratorAccess is named as such;
- still require user authorization, when the API reports it;
- not be DISABLED (State, botocore's chatbot model: ENABLED | DISABLED).

Configurations of channels the stack does not declare are not reported (as SNS subscribers
the config does not list are not).
"""

from __future__ import annotations

from rootguard.chatbot_policies import ADMINISTRATOR_ACCESS, channels_by_identity, guardrail_arn
from rootguard.config import RootGuardConfig
from rootguard.config.alarms import AlarmsConfig, SeverityName
from rootguard.config.subscribers import ChatChannel, Subscribers

from ..catalog import check
from ..facts import AuditFacts, ChatConfiguration, Unavailable
from ..model import Check, Finding

CHECK_ID = "DRIFT-ALARM-CHAT"
LABELS = {"slack": "Slack channel", "teams": "Microsoft Teams channel"}


def declared_channels(
    settings: AlarmsConfig,
) -> dict[str, tuple[ChatChannel, list[SeverityName | None]]]:
    """Each channel the stack declares, with the routes (None: the default topic) listing it."""
    destinations: list[tuple[SeverityName | None, Subscribers]] = [
        (None, settings),
        *settings.routes.items(),
    ]
    return channels_by_identity(destinations)


def chat_drift(facts: AuditFacts, config: RootGuardConfig) -> list[Finding]:
    """One finding per declared chat channel: what its live configuration lacks, or a pass."""
    settings = config.alarms
    channels = declared_channels(settings)
    if not channels:
        return []
    item = check(CHECK_ID)
    account = facts.organization.management_account_id
    trail = facts.monitoring.trail
    findings = []
    for channel, routes in channels.values():
        resource = _resource(channel)
        live = facts.chat.of_kind(channel.kind)
        if trail is None:
            # The component creates the topics beside the alarms, on the trail's log group.
            reason = "no organization trail was found, so the region of the alarm topics is unknown"
            findings.append(item.unknown(account, resource, reason))
        elif live is None:
            findings.append(item.unknown(account, resource, "chat channels were not read"))
        elif isinstance(live, Unavailable):
            findings.append(item.unknown(account, resource, live.reason))
        else:
            place = (facts.partition, trail.home_region, account)
            topics = [(settings.topic_arn(route, *place), _where(route)) for route in routes]
            guardrail = guardrail_arn(facts.partition, account, settings.topic_name)
            configurations = [c for c in live if c.identity == channel.identity]
            findings.append(
                _judge(item, account, resource, channel, topics, guardrail, configurations)
            )
    return findings


def _judge(
    item: Check,
    account: str,
    resource: str,
    channel: ChatChannel,
    topics: list[tuple[str, str]],
    guardrail: str,
    configurations: list[ChatConfiguration],
) -> Finding:
    label = f"{LABELS[channel.kind]} {channel}"
    wheres = ", ".join(where for _, where in topics)
    if not configurations:
        return item.failed(
            account,
            resource,
            f"{label} has no AWS Chatbot channel configuration: the alarms of {wheres} reach "
            "nobody there",
        )
    subscribed = {arn for c in configurations for arn in c.topic_arns}
    problems = [
        f"not subscribed to {arn} ({where})" for arn, where in topics if arn not in subscribed
    ]
    for configuration in configurations:
        problems.extend(
            f"configuration {configuration.name} {problem}"
            for problem in _configuration_problems(configuration, guardrail)
        )
    if problems:
        return item.failed(account, resource, f"{label}: {'; '.join(problems)}")
    names = ", ".join(c.name for c in configurations)
    authorization = (
        "; user authorization required"
        if all(c.user_authorization_required for c in configurations)
        else ""
    )
    return item.passed(
        account,
        resource,
        f"{label}: configuration {names} receives {wheres}; guardrail {guardrail}{authorization}",
    )


def _configuration_problems(configuration: ChatConfiguration, guardrail: str) -> list[str]:
    problems = []
    if configuration.state == "DISABLED":
        reason = f" ({configuration.state_reason})" if configuration.state_reason else ""
        problems.append(f"is disabled{reason}")
    guardrails = configuration.guardrail_arns
    if not guardrails:
        problems.append("has no guardrail, so Chatbot applies AdministratorAccess to the channel")
    else:
        if guardrail not in guardrails:
            problems.append(f"lacks rootguard's guardrail {guardrail}")
        administrator = [g for g in guardrails if g.rsplit("/", 1)[-1] == ADMINISTRATOR_ACCESS]
        if administrator:
            problems.append(f"has the {', '.join(administrator)} guardrail")
        others = [g for g in guardrails if g != guardrail and g not in administrator]
        if others:
            problems.append(f"has guardrails rootguard does not set: {', '.join(others)}")
    if configuration.user_authorization_required is False:
        problems.append(
            "does not require user authorization: channel members may run commands with the "
            "channel role"
        )
    return problems


def _resource(channel: ChatChannel) -> str:
    """`chat:slack/<workspace>/<channel>`, `chat:teams/<tenant>/<team>/<channel>`, as spelled."""
    return f"chat:{channel.kind}/{'/'.join(channel.model_dump().values())}"


def _where(route: SeverityName | None) -> str:
    return f"routes.{route}" if route else "the default topic"
