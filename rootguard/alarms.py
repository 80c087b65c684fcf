"""SecurityAlarms: CIS metric filters and alarms on the trail's log group, and who hears them.

For every enabled control of the alarm catalog: a metric filter on the organization trail's
log group, counting matches in its own metric, and an alarm at Sum >= 1 over 300 seconds
(one period; no data is not breaching) that notifies an SNS topic. The topic is created here,
encrypted with its own KMS key that only this account's alarms may use, with email and HTTPS
subscriptions from the config and Slack or Teams channels through AWS Chatbot (chatbot.py); or
an existing topic (another stack's output) is notified.
"""

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from . import alarm_policies, chatbot
from .alarm_catalog import AlarmDefinition, Verbatim
from .args import links_of, validated
from .aws_context import AwsContext
from .config.alarms import AlarmsConfig
from .config.subscribers import Subscribers, stable_suffix
from .errors import RootGuardError
from .inputs import SecurityAlarmsArgs as SecurityAlarmsArgs  # re-exported

# CIS monitoring controls: any match within five minutes raises the alarm.
PERIOD_SECONDS = 300
THRESHOLD = 1

_LINKS = links_of(SecurityAlarmsArgs, AlarmsConfig)


def _json(value: pulumi.Output[Any]) -> pulumi.Output[str]:
    return value.apply(lambda document: json.dumps(document, sort_keys=True))


def _pattern(
    definition: AlarmDefinition, config: AlarmsConfig, here: AwsContext | None
) -> pulumi.Input[str]:
    """The filter pattern, with the stack's sanctioned principals as this account's ARNs."""
    if definition.quiet_for is None or here is None:
        return definition.pattern
    return pulumi.Output.all(here.partition, here.account_id).apply(
        lambda v: definition.render(config.quiet(v[0], v[1]))
    )


def alarm_name(definition: AlarmDefinition) -> str:
    return f"rootguard-{definition.id}-{definition.metric}"


def verbatim_alarm_name(definition: AlarmDefinition, text: Verbatim) -> str:
    return f"rootguard-{definition.id}-{definition.verbatim_metric(text)}"


def verbatim_description(definition: AlarmDefinition, text: Verbatim, severity: str) -> str:
    """Says what the alarm is for, so a responder knows its noise is expected."""
    return (
        f"[{definition.id} {severity.upper()}] {definition.title}, the exact {text.source} "
        f"filter text kept for compliance graders (rootguard:alarms.verbatimCis). It also "
        f"fires on events rootguard's corrected alarm {alarm_name(definition)} ignores; act "
        "on that one."
    )


class SecurityAlarms(pulumi.ComponentResource):
    """CIS metric filters and alarms on a CloudTrail log group, notifying an encrypted SNS
    topic."""

    topic_arn: pulumi.Output[str]
    """The topic the alarms notify."""
    alarm_arns: pulumi.Output[dict[str, str]]
    """Each alarm's ARN, by control id."""

    def __init__(
        self, name: str, args: SecurityAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        config = validated(AlarmsConfig, args, links=_LINKS, where=f"SecurityAlarms {name!r}")
        if "log_group_name" not in args:
            raise RootGuardError(f"SecurityAlarms {name!r}: log_group_name: is required")
        super().__init__("rootguard:index:SecurityAlarms", name, None, opts)
        log_group_name = args["log_group_name"]

        topic_arn: pulumi.Output[str] = (
            pulumi.Output.from_input(config.existing_topic_arn)
            if config.existing_topic_arn is not None
            else self._topic(name, config.topic_name, config)
        )
        # Per-severity routes: each its own encrypted topic and subscribers; None: the default.
        topics: dict[str | None, pulumi.Output[str]] = {None: topic_arn}
        for severity, route in config.routes.items():
            topics[severity] = self._topic(
                f"{name}-{severity}", config.route_topic_name(severity), route
            )
        # Chat channels (the config refuses them on an existingTopicArn).
        chatbot.chat_channels(
            self,
            name,
            config.topic_name,
            [(topic_arn, config), *((topics[s], r) for s, r in config.routes.items())],
        )

        alarms = config.selected_alarms()
        here = AwsContext.lookup(self) if any(d.quiet_for for d in alarms) else None
        alarm_arns: dict[str, pulumi.Output[str]] = {}
        for definition in alarms:
            alarm_arns[definition.id] = self._filter_and_alarm(
                f"{name}-{definition.slug}",
                alarm_name(definition),
                log_group_name=log_group_name,
                pattern=_pattern(definition, config, here),
                metric=definition.metric,
                namespace=config.namespace,
                description=definition.description(),
                action=topics[config.notified_route(definition.severity.value)],
                tags={
                    "rootguard:control": definition.id,
                    "rootguard:severity": definition.severity.value,
                },
            )
        # The graders' exact texts (verbatimCis): own metrics, so they never feed the
        # corrected alarms, and a low severity, so their noise goes where it is cheap.
        verbatim_severity = config.verbatim_cis.severity
        for definition, text in config.verbatim_filters():
            self._filter_and_alarm(
                f"{name}-{definition.slug}-verbatim-{text.source}",
                verbatim_alarm_name(definition, text),
                log_group_name=log_group_name,
                pattern=text.pattern,
                metric=definition.verbatim_metric(text),
                namespace=config.namespace,
                description=verbatim_description(definition, text, verbatim_severity),
                action=topics[config.notified_route(verbatim_severity)],
                tags={
                    "rootguard:control": definition.id,
                    "rootguard:severity": verbatim_severity,
                    "rootguard:verbatim": text.source,
                },
            )

        self.topic_arn = topic_arn
        # dict(): with every control off, Output.all() of nothing resolves to [].
        self.alarm_arns = pulumi.Output.all(**alarm_arns).apply(dict)
        self.register_outputs({"topic_arn": self.topic_arn, "alarm_arns": self.alarm_arns})

    def _filter_and_alarm(
        self,
        name: str,
        resource_name: str,
        *,
        log_group_name: pulumi.Input[str],
        pattern: pulumi.Input[str],
        metric: str,
        namespace: str,
        description: str,
        action: pulumi.Input[str],
        tags: dict[str, str],
    ) -> pulumi.Output[str]:
        """A metric filter counting matches in its own metric, and the alarm on that metric."""
        metric_filter = aws.cloudwatch.LogMetricFilter(
            f"{name}-filter",
            name=resource_name,
            log_group_name=log_group_name,
            pattern=pattern,
            metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                name=metric, namespace=namespace, value="1"
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        alarm = aws.cloudwatch.MetricAlarm(
            f"{name}-alarm",
            name=resource_name,
            alarm_description=description,
            namespace=namespace,
            metric_name=metric,
            statistic="Sum",
            period=PERIOD_SECONDS,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            threshold=THRESHOLD,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[action],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[metric_filter]),
        )
        return alarm.arn

    def _topic(self, name: str, topic_name: str, subscribers: Subscribers) -> pulumi.Output[str]:
        """The encrypted topic, its policy and subscriptions; returns the topic ARN."""
        here = AwsContext.lookup(self)
        child = pulumi.ResourceOptions(parent=self)
        # Known before the topic exists, so the key policy can name it without a cycle.
        topic_arn = pulumi.Output.all(here.partition, here.region, here.account_id).apply(
            lambda v: alarm_policies.topic_arn(v[0], v[1], v[2], topic_name)
        )
        alarm_arns = pulumi.Output.all(here.partition, here.region, here.account_id).apply(
            lambda v: alarm_policies.alarm_arn_pattern(v[0], v[1], v[2])
        )
        key = aws.kms.Key(
            f"{name}-topic-key",
            description=f"Encrypts SNS topic {topic_name} for rootguard's alarms",
            enable_key_rotation=True,
            policy=_json(
                pulumi.Output.all(here.partition, here.account_id, topic_arn, alarm_arns).apply(
                    lambda v: alarm_policies.topic_key_policy(
                        partition=v[0], account_id=v[1], topic_arn=v[2], alarm_arns=v[3]
                    )
                )
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        aws.kms.Alias(
            f"{name}-topic-key-alias",
            name=f"alias/rootguard/{topic_name}",
            target_key_id=key.key_id,
            opts=child,
        )
        topic = aws.sns.Topic(
            f"{name}-topic",
            name=topic_name,
            display_name="rootguard security alarms",
            kms_master_key_id=key.arn,
            opts=child,
        )
        aws.sns.TopicPolicy(
            f"{name}-topic-policy",
            arn=topic.arn,
            policy=_json(
                pulumi.Output.all(topic.arn, alarm_arns, here.account_id).apply(
                    lambda v: alarm_policies.topic_policy(
                        topic_arn=v[0], alarm_arns=v[1], account_id=v[2]
                    )
                )
            ),
            opts=child,
        )
        for protocol, endpoints in (("email", subscribers.email), ("https", subscribers.https)):
            for endpoint in endpoints:
                aws.sns.TopicSubscription(
                    f"{name}-{protocol}-{stable_suffix(endpoint)}",
                    topic=topic.arn,
                    protocol=protocol,
                    endpoint=endpoint,
                    opts=child,
                )
        return topic.arn
