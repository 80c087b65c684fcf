"""`rootguard:alarms`: CIS metric filters and alarms on the trail's log group, and who hears."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictBool, field_validator, model_validator

from ..alarm_catalog import control_ids
from .base import InvalidKey, Matching, StrictModel

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


class AlarmsConfig(StrictModel):
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
    email: list[NotificationEmail] = Field(
        default_factory=list, description="Addresses subscribed to the topic (confirm by mail)."
    )
    https: list[HttpsUrl] = Field(
        default_factory=list, description="HTTPS endpoints subscribed to the topic."
    )
    controls: dict[str, StrictBool] = Field(
        default_factory=dict,
        description='Turn catalog alarms on or off by control id, like {"4.1": false}.',
    )

    @field_validator("controls", mode="before")
    @classmethod
    def _quoted_ids(cls, controls: Any) -> Any:
        # YAML reads an unquoted 4.10 as the number 4.1: say so instead of "not a string".
        for control in controls if isinstance(controls, dict) else ():
            if not isinstance(control, str):
                raise InvalidKey(
                    str(control),
                    f'control ids must be quoted strings like "4.10" (unquoted, YAML reads '
                    f"them as numbers: this one became {control!r})",
                )
        return controls

    @model_validator(mode="after")
    def _check(self) -> AlarmsConfig:
        known = control_ids()
        for control in self.controls:
            if control not in known:
                raise InvalidKey(
                    f"controls.{control}",
                    f"unknown control id; the catalog has {', '.join(known)}",
                )
        if self.existing_topic_arn is not None:
            for key in ("email", "https"):
                if getattr(self, key):
                    raise InvalidKey(
                        key,
                        "subscriptions cannot be added to existingTopicArn; its owner manages "
                        "them (remove this list or existingTopicArn)",
                    )
        for key in ("email", "https"):
            endpoints: list[str] = getattr(self, key)
            seen = [endpoint.lower() for endpoint in endpoints]
            for index, endpoint in enumerate(endpoints):
                if seen[index] in seen[:index]:
                    raise InvalidKey(f"{key}[{index}]", f"{endpoint!r} is listed twice")
        return self
