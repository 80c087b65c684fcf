"""Drift of where `rootguard:alarms` sends its alarms.

Each alarm the stack deploys (verbatim CIS ones included) notifies the topic the stack config
routes it to (`routes.<severity>`'s topic, else the default topic or `existingTopicArn`:
`AlarmsConfig.notified_route`, the question the component asks too), and each topic the
stack declares exists with its configured email and HTTPS subscribers, confirmed. A route
topic deleted, a subscriber removed or an alarm re-pointed silences a severity's pages
without touching the filters.
"""

from __future__ import annotations

from dataclasses import dataclass

from rootguard.config.alarms import AlarmsConfig

from ..catalog import check
from ..facts import Alarm, AuditFacts, TopicFact, TopicMissing, Unavailable
from ..model import Check, Finding
from .stack_alarms import StackAlarm, deployed

CHECK_ID = "DRIFT-ALARM-TOPIC"


@dataclass(frozen=True)
class DeclaredTopic:
    arn: str
    key: str  # the rootguard:alarms key that declares it: topicName, routes.critical, ...
    email: tuple[str, ...]
    https: tuple[str, ...]


def declared_topics(
    settings: AlarmsConfig, partition: str, region: str, account_id: str
) -> list[DeclaredTopic]:
    """The topics of the stack's alarms, where the component puts them: the default topic
    (rootguard creates it even when every severity is routed; an existingTopicArn counts only
    when some alarm notifies it) and every route's topic."""
    topics: list[DeclaredTopic] = []
    default_used = any(
        settings.notified_route(a.severity) is None
        for a in deployed(settings, partition, account_id)
    )
    if settings.existing_topic_arn is None or default_used:
        topics.append(
            DeclaredTopic(
                settings.topic_arn(None, partition, region, account_id),
                "existingTopicArn" if settings.existing_topic_arn else "topicName",
                tuple(settings.email),
                tuple(settings.https),
            )
        )
    for severity, route in settings.routes.items():
        topics.append(
            DeclaredTopic(
                settings.topic_arn(severity, partition, region, account_id),
                f"routes.{severity}",
                tuple(route.email),
                tuple(route.https),
            )
        )
    return topics


def declared_topic_arns(
    settings: AlarmsConfig, partition: str, region: str, account_id: str
) -> list[str]:
    """What the collector must read besides the topics the live alarms notify."""
    return [t.arn for t in declared_topics(settings, partition, region, account_id)]


def topic_drift(
    facts: AuditFacts, settings: AlarmsConfig, region: str, alarms: tuple[Alarm, ...]
) -> list[Finding]:
    """Each deployed alarm's destination, then each declared topic and its subscribers.

    `region` is where the alarms live (the trail's home region, where the collector read
    them): the component creates its topics beside its alarms, with one provider."""
    item = check(CHECK_ID)
    account = facts.organization.management_account_id
    place = (facts.partition, region, account)
    findings: list[Finding] = []
    for stack_alarm in deployed(settings, facts.partition, account):
        finding = _destination(item, stack_alarm, settings, place, alarms)
        if finding is not None:
            findings.append(finding)
    topics = facts.monitoring.topics
    for topic in declared_topics(settings, *place):
        findings.extend(_topic_findings(item, account, topic, topics.get(topic.arn)))
    return findings


def _destination(
    item: Check,
    stack_alarm: StackAlarm,
    settings: AlarmsConfig,
    place: tuple[str, str, str],
    alarms: tuple[Alarm, ...],
) -> Finding | None:
    """Whether an alarm on the filter's metric notifies the topic its route names; None when
    no alarm watches the metric (DRIFT-ALARM reports that)."""
    account = place[2]
    route = settings.notified_route(stack_alarm.severity)
    topic_arn = settings.topic_arn(route, *place)
    where = f"routes.{route}" if route else "the default topic"
    watching = [a for a in alarms if stack_alarm.metric in a.metrics]
    if not watching:
        return None
    resource = stack_alarm.resource
    for alarm in watching:
        if alarm.actions_enabled and topic_arn in alarm.alarm_actions:
            return item.passed(account, resource, f"alarm {alarm.name} notifies {topic_arn}")
    instead = "; ".join(
        f"alarm {a.name} has its actions disabled"
        if not a.actions_enabled
        else f"alarm {a.name} notifies {', '.join(a.alarm_actions) or 'nothing'}"
        for a in watching
    )
    return item.failed(
        account,
        resource,
        f"{instead}, not {topic_arn} ({where}, for {stack_alarm.severity} alarms)",
    )


def _topic_findings(
    item: Check, account: str, topic: DeclaredTopic, fact: TopicFact | None
) -> list[Finding]:
    """The topic exists, and each configured endpoint is subscribed and confirmed."""
    resource = f"topic:{topic.arn}"
    if fact is None:
        return [item.unknown(account, resource, f"{topic.key}'s topic {topic.arn} was not read")]
    if isinstance(fact, Unavailable):
        return [item.unknown(account, resource, fact.reason)]
    if isinstance(fact, TopicMissing):
        return [item.failed(account, resource, f"{topic.key}'s topic {topic.arn} does not exist")]
    findings = [
        item.passed(
            account,
            resource,
            f"{topic.key}'s topic exists ({fact.confirmed} confirmed, {fact.pending} pending "
            "subscriptions)",
        )
    ]
    name = topic.arn.rsplit(":", 1)[-1]
    for protocol, endpoints in (("email", topic.email), ("https", topic.https)):
        for endpoint in endpoints:
            resource = f"subscription:{name}/{endpoint}"
            match = [
                s
                for s in fact.subscriptions
                if s.protocol == protocol and s.endpoint.lower() == endpoint.lower()
            ]
            if not match:
                evidence = f"{endpoint} is not subscribed to {topic.arn}"
                findings.append(item.failed(account, resource, evidence))
            elif not any(s.confirmed for s in match):
                evidence = f"{endpoint}'s subscription to {topic.arn} is pending confirmation"
                findings.append(item.failed(account, resource, evidence))
            else:
                evidence = f"{endpoint} is subscribed to {topic.arn}"
                findings.append(item.passed(account, resource, evidence))
    return findings
