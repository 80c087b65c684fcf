"""`rootguard:alarms`: CIS metric filters and alarms on the trail's log group, and who hears."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from .. import alarm_policies
from ..alarm_catalog import (
    MAX_PATTERN_LENGTH,
    AlarmDefinition,
    Quiet,
    Verbatim,
    enabled_alarms,
    load_catalog,
    lookup,
)
from .base import InvalidKey, Matching, StrictModel
from .subscribers import SUBSCRIBER_KEYS, Subscribers

MetricNamespace = Annotated[
    str,
    Matching(
        r"(?!AWS/)[A-Za-z0-9 ._/#:-]+",
        "a CloudWatch namespace like RootGuard/CIS (letters, digits, spaces, '._/#:-'; "
        "not starting with AWS/)",
        max_length=255,
    ),
]
TopicName = Annotated[
    str,
    Matching(r"[A-Za-z0-9_-]+", "an SNS topic name of 1-256 letters, digits, '_' or '-'"),
]
TopicArn = Annotated[
    str,
    Matching(
        r"arn:aws(?:-[a-z]+)*:sns:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}",
        "an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:security-alerts",
        max_length=400,
    ),
]
# The AWS managed task policies sts:AssumeRoot accepts (STS API Reference, AssumeRoot,
# TaskPolicyArn: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html).
RootTaskName = Literal[
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
]
# A role in the management account, by name with an optional path (`ci/rootguard-ci-read`).
RoleName = Annotated[
    str,
    Matching(
        r"(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}",
        "an IAM role name in the management account, optionally with its path, like "
        "rootguard-ci-read or ci/rootguard-ci-read",
        max_length=512,
    ),
]


class SanctionedSession(StrictModel):
    """A role that routinely opens AssumeRoot sessions with these task policies."""

    role: RoleName = Field(description="The calling role in the management account.")
    tasks: list[RootTaskName] = Field(
        min_length=1, description="The task policies it may use without raising the alarm."
    )


def _default_sessions() -> list[dict[str, Any]]:
    # The shared CI roles: the daily audit reads, the remediation deletes root credentials.
    # Plain data (validated as the field's default), so the schema can show it.
    return [
        {"role": "rootguard-ci-read", "tasks": ["IAMAuditRootUserCredentials"]},
        {"role": "rootguard-ci-remediate", "tasks": ["IAMDeleteRootUserCredentials"]},
    ]


# The severity scale of rootguard/severity.py, as plain strings (component args are plain data).
SeverityName = Literal["critical", "high", "medium", "low", "info"]


class Route(Subscribers):
    """Where the alarms of one severity go instead of the default topic: a topic of their own."""

    topic_name: TopicName | None = Field(
        default=None, description="The route's SNS topic (default: <topicName>-<severity>)."
    )


class VerbatimCis(StrictModel):
    """The exact filter texts Security Hub and Prowler grade, beside rootguard's corrected ones."""

    enabled: bool = Field(
        default=False,
        description="Also deploy, for each enabled alarm whose corrected pattern a grader "
        "fails, a metric filter with the grader's exact text and an alarm of its own.",
    )
    # Both graders want an alarm on the filter's metric (Security Hub also a subscribed SNS
    # topic), so filters without alarms would pass neither: there is no such mode.
    severity: Literal["low", "info"] = Field(
        default="low",
        description="Severity of the verbatim alarms; routes.<severity> decides who hears them.",
    )


NO_SUBSCRIBER = (
    "every enabled alarm would notify nobody; give `email`, `https`, `slack`, `teams` or "
    "`existingTopicArn`, or list every alarm in `disabled`"
)


class AlarmsConfig(Subscribers):
    """`rootguard:alarms`."""

    namespace: MetricNamespace = Field(
        default="RootGuard/CIS", description="CloudWatch namespace of the alarm metrics."
    )
    topic_name: TopicName = Field(
        default="rootguard-security-alarms", description="Name of the SNS topic created here."
    )
    existing_topic_arn: TopicArn | None = Field(
        default=None,
        description="Notify this topic (say another stack's output) instead of creating one.",
    )
    disabled: list[str] = Field(
        default_factory=list,
        description="Catalog alarms to turn off, by name (security-group-changes) or quoted "
        'control id ("4.10").',
    )
    enabled: list[str] = Field(
        default_factory=list,
        description="Catalog alarms that are off by default to turn on, by name or quoted id.",
    )

    @model_validator(mode="before")
    @classmethod
    def _replaced_controls(cls, data: Any) -> Any:
        # The old mapping `controls: {"4.10": false}` silently turned off 4.1 when a key was
        # unquoted (YAML reads 4.10 as the number 4.1): refuse it and say what to write.
        if isinstance(data, dict) and "controls" in data:
            raise InvalidKey("controls", f"was replaced; write {_replacement(data['controls'])}")
        return data

    @field_validator("disabled", "enabled", mode="before")
    @classmethod
    def _alarm_references(cls, references: Any) -> Any:
        for index, reference in enumerate(references if isinstance(references, list) else ()):
            if isinstance(reference, bool | int | float):
                raise InvalidKey(f"[{index}]", _number_message(reference))
            if isinstance(reference, str) and lookup(reference) is None:
                raise InvalidKey(
                    f"[{index}]",
                    f"unknown alarm {reference[:60]!r}; the catalog's alarms are "
                    + ", ".join(d.name for d in load_catalog()),
                )
        return references

    routes: dict[SeverityName, Route] = Field(
        default_factory=dict,
        description="Per-severity destinations, like critical -> a paging topic, info -> a "
        "low-priority one; other severities notify the default topic.",
    )
    sanctioned_sessions: list[SanctionedSession] = Field(
        default_factory=_default_sessions,
        validate_default=True,
        description="AssumeRoot sessions that do not raise the 4.3-assumeroot alarm: a role in "
        "the management account and its task policies.",
    )
    pipeline_roles: list[RoleName] = Field(
        default_factory=lambda: ["rootguard-ci-deploy"],
        description="Roles in the management account whose contact changes are expected (the "
        "deploy pipeline); anyone else's raise 1.2-contacts.",
    )

    verbatim_cis: VerbatimCis = Field(
        default_factory=VerbatimCis,
        description="Verbatim CIS filters for compliance dashboards (Security Hub CloudWatch.1-14, "
        "Prowler), off by default: see the README's trade-off.",
    )

    def verbatim_filters(self) -> list[tuple[AlarmDefinition, Verbatim]]:
        """The graders' texts to deploy: for the enabled alarms, where rootguard's differs."""
        if not self.verbatim_cis.enabled:
            return []
        return [(d, text) for d in self.selected_alarms() for text in d.verbatim_filters]

    def quiet(self, partition: str, account_id: str) -> Quiet:
        """The sanctioned principals as ARNs in the deployment's partition and account."""

        def role(name: str) -> str:
            return f"arn:{partition}:iam::{account_id}:role/{name}"

        return Quiet(
            sessions=tuple(
                (role(s.role), f"arn:{partition}:iam::aws:policy/root-task/{task}")
                for s in self.sanctioned_sessions
                for task in s.tasks
            ),
            pipeline=tuple(role(name) for name in self.pipeline_roles),
        )

    def route_topic_name(self, severity: SeverityName) -> str:
        return self.routes[severity].topic_name or f"{self.topic_name}-{severity}"

    def notified_route(self, severity: str) -> SeverityName | None:
        """The route whose topic an alarm of this severity notifies: its severity's, or None
        for the default topic. The component and the audit's drift check both ask this."""
        return severity if severity in self.routes else None

    def topic_arn(
        self, route: SeverityName | None, partition: str, region: str, account_id: str
    ) -> str:
        """The ARN of a route's topic (None: the default topic, or existingTopicArn) as the
        component creates it in this partition, region and account."""
        if route is None and self.existing_topic_arn is not None:
            return self.existing_topic_arn
        name = self.topic_name if route is None else self.route_topic_name(route)
        return alarm_policies.topic_arn(partition, region, account_id, name)

    def selected_alarms(self) -> list[AlarmDefinition]:
        """The catalog's alarms this config turns on, in catalog order."""
        return enabled_alarms(self.disabled, self.enabled)

    def _default_severities(self) -> set[str]:
        """Severities of the enabled alarms that no route takes: they notify the default topic."""
        severities = {d.severity.value for d in self.selected_alarms()}
        if self.verbatim_filters():
            severities.add(self.verbatim_cis.severity)
        return severities - set(self.routes)

    @model_validator(mode="after")
    def _check(self) -> AlarmsConfig:
        for index, reference in enumerate(self.enabled):
            definition = lookup(reference)
            if definition is not None and {definition.name, definition.id} & set(self.disabled):
                raise InvalidKey(f"enabled[{index}]", f"{reference!r} is also in disabled")
        if self.existing_topic_arn is not None:
            # A chat channel subscribes AWS Chatbot to the topic: a change to it all the same.
            for key in SUBSCRIBER_KEYS:
                if getattr(self, key):
                    raise InvalidKey(
                        key,
                        "subscriptions cannot be added to existingTopicArn; its owner manages "
                        "them (remove this list or existingTopicArn)",
                    )
        elif not self.has_subscriber() and (unheard := self._default_severities()):
            # An alarm nobody hears is worse than none: it looks like coverage.
            verbatim = self.verbatim_cis.severity
            hint = (
                f"; the verbatimCis alarms are {verbatim}: give routes.{verbatim} a subscriber"
                if self.verbatim_filters() and verbatim in unheard
                else ""
            )
            raise InvalidKey("", f"no subscriber: {NO_SUBSCRIBER}{hint}")
        # Two topics of one name would collide on the topic and its key alias.
        owners = {self.topic_name: "topicName"}
        for severity, route in self.routes.items():
            if not route.has_subscriber():
                raise InvalidKey(
                    f"routes.{severity}", "no subscriber: give `email`, `https`, `slack` or `teams`"
                )
            name = self.route_topic_name(severity)
            if name in owners:
                raise InvalidKey(
                    f"routes.{severity}" + (".topicName" if route.topic_name else ""),
                    f"its topic {name!r} is {owners[name]}'s too; give each route its own "
                    "topicName",
                )
            owners[name] = f"routes.{severity}"
        # The longest ARNs rootguard may render (aws-us-gov, a 12-digit account) must fit
        # CloudWatch's 1024-character pattern limit.
        widest = self.quiet("aws-us-gov", "123456789012")
        for definition in self.selected_alarms():
            length = len(definition.render(widest))
            if length > MAX_PATTERN_LENGTH:
                key = (
                    "sanctionedSessions" if definition.quiet_for != "pipeline" else "pipelineRoles"
                )
                raise InvalidKey(
                    key,
                    f"the {definition.id} pattern would be {length} characters, over "
                    f"CloudWatch's {MAX_PATTERN_LENGTH}; list fewer roles or tasks",
                )
        return self


def _number_message(value: object) -> str:
    """A YAML number where an alarm reference belongs: name the alarms it may have meant."""
    meant = [d for d in load_catalog() if _as_number(d.id) == value]
    hint = " or ".join(f'"{d.id}" ({d.name})' for d in meant) if meant else '"4.10"'
    return (
        f"{value!r} is a number to YAML, not an alarm (an unquoted 4.10 reads as 4.1); "
        f"quote it, like {hint}, or use the alarm's name"
    )


def _as_number(control_id: str) -> float | None:
    try:
        return float(control_id)
    except ValueError:
        return None


def _replacement(controls: Any) -> str:
    """`disabled: [...]` / `enabled: [...]` equivalent to an old `controls` mapping."""
    lists: dict[bool, list[str]] = {False: [], True: []}
    for key, on in controls.items() if isinstance(controls, dict) else ():
        definition = lookup(key) if isinstance(key, str) else None
        if definition is None:
            return "`disabled: [<alarm name>, ...]` (names like security-group-changes)"
        if isinstance(on, bool):
            lists[on].append(definition.name)
    parts = [
        f"{key}: [{', '.join(names)}]"
        for key, names in (("disabled", lists[False]), ("enabled", lists[True]))
        if names
    ]
    return "`" + ("`, `".join(parts) or "disabled: [<alarm name>, ...]") + "` (alarm names)"
