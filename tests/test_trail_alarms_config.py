"""`rootguard:trail` and `rootguard:alarms`: defaults and one-line errors naming the key."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from rootguard.alarm_catalog import load_catalog
from rootguard.config import ConfigError, load_config
from tests.config_samples import ALARMS

ORGANIZATION: dict[str, Any] = {"organization": {}}
# Control Tower's organization trail and the log group it delivers to.
EXISTING_TRAIL = {
    "trailArn": (
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/aws-controltower-BaselineCloudTrail"
    ),
    "logGroupName": "aws-controltower/CloudTrailLogs",
}


def load(**sections: Any) -> Any:
    return load_config({**ORGANIZATION, "alarms": ALARMS, **sections})


def error(**sections: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        load(**sections)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_defaults_are_the_secure_choice() -> None:
    config = load()
    trail = config.trail
    assert trail.name == "rootguard-organization-trail"
    assert trail.existing_bucket is None
    assert trail.bucket_settings.retention_days == 365
    assert trail.bucket_settings.object_lock is None
    assert trail.log_group_name == "/rootguard/cloudtrail/rootguard-organization-trail"
    assert trail.log_group.retention_days == 365
    assert trail.kms.deletion_window_days == 30
    alarms = config.alarms
    assert alarms.namespace == "RootGuard/CIS"
    assert alarms.existing_topic_arn is None
    assert alarms.disabled == [] and alarms.enabled == []
    assert alarms.selected_alarms() == [d for d in load_catalog() if d.enabled]


def test_full_sections_load() -> None:
    config = load(
        trail={
            "name": "org-trail",
            "s3KeyPrefix": "cloudtrail",
            "bucket": {
                "name": "example-org-trail",
                "retentionDays": 2557,
                "noncurrentVersionDays": 90,
                "objectLock": {"days": 365},
                "accessLogging": {"targetBucket": "example-access-logs"},
            },
            "logGroup": {"name": "/org/trail", "retentionDays": 400},
            "kms": {"readers": ["arn:aws:iam::123456789012:role/Auditor"]},
        },
        alarms={
            "namespace": "Org/Security",
            "email": ["security@example.com"],
            "https": ["https://hooks.example.com/aws"],
            "disabled": ["unauthorized-api-calls", "4.10"],
        },
    )
    assert config.trail.bucket_settings.object_lock is not None
    assert config.trail.bucket_settings.object_lock.days == 365
    assert config.trail.log_group_name == "/org/trail"
    selected = [d.id for d in config.alarms.selected_alarms()]
    assert "4.1" not in selected and "4.10" not in selected and "4.11" in selected


def test_existing_bucket_and_topic_load() -> None:
    config = load(
        trail={
            "existingBucket": {
                "name": "log-archive-trail",
                "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/"
                "1234abcd-12ab-34cd-56ef-1234567890ab",
            }
        },
        alarms={"existingTopicArn": "arn:aws:sns:us-east-1:123456789012:security"},
    )
    assert config.trail.existing_bucket is not None
    assert config.alarms.existing_topic_arn == "arn:aws:sns:us-east-1:123456789012:security"


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        (
            {"trail": {"logGroup": {"retentionDays": 2}}},
            "rootguard:trail.logGroup.retentionDays: input should be 1, 3, 5, 7, 14, 30, 60, "
            "90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 "
            "or 0, got 2",
        ),
        (
            {"trail": {"logGroup": {"retentionDays": 366}}},
            "rootguard:trail.logGroup.retentionDays: input should be 1, 3,",
        ),
        (
            {"alarms": {"email": ["security@example.com", "not-an-email"]}},
            "rootguard:alarms.email[1]: must be an email address like security@example.com, "
            "got 'not-an-email'",
        ),
        (
            {"alarms": {"email": ["security@example"]}},
            "rootguard:alarms.email[0]: must be an email address",
        ),
        (
            {"alarms": {"https": ["http://hooks.example.com"]}},
            "rootguard:alarms.https[0]: must be an https:// URL",
        ),
        (
            {"alarms": {"email": ["s@example.com"], "disabled": ["4.16"]}},
            "rootguard:alarms.disabled[0]: unknown alarm '4.16'; the catalog's alarms are "
            "unauthorized-api-calls, console-signin-without-mfa,",
        ),
        (
            {"alarms": {"email": ["s@example.com"], "disabled": ["nacl-changes", 4.1]}},
            # YAML's reading of an unquoted 4.10 in a list: refused, naming the key
            "rootguard:alarms.disabled[1]: 4.1 is a number to YAML, not an alarm (an unquoted "
            '4.10 reads as 4.1); quote it, like "4.1" (unauthorized-api-calls) or "4.10" '
            "(security-group-changes), or use the alarm's name",
        ),
        (
            {"alarms": {"email": ["s@example.com"], "enabled": [4.3]}},
            "rootguard:alarms.enabled[0]: 4.3 is a number to YAML, not an alarm (an unquoted 4.10 "
            'reads as 4.1); quote it, like "4.3" (root-credentials-used)',
        ),
        (
            {"alarms": {"email": ["s@example.com"], "disabled": [True]}},
            "rootguard:alarms.disabled[0]: True is a number to YAML, not an alarm",
        ),
        (
            {"alarms": {"email": ["s@example.com"], "disabled": ["4.1"], "enabled": ["4.1"]}},
            "rootguard:alarms.enabled[0]: '4.1' is also in disabled",
        ),
        (
            {"alarms": {"email": ["s@example.com"], "controls": {"4.10": False, "4.11": False}}},
            "rootguard:alarms.controls: was replaced; write `disabled: [security-group-changes, "
            "nacl-changes]` (alarm names)",
        ),
        (
            {"alarms": {"email": ["s@example.com"], "controls": {4.1: False}}},
            "rootguard:alarms.controls: was replaced; write `disabled: [<alarm name>, ...]`",
        ),
        (
            {"alarms": {"email": ["s@example.com"], "routes": {"critical": {}}}},
            "rootguard:alarms.routes.critical: no subscriber: give `email`, `https`, `slack` or "
            "`teams`",
        ),
        (
            {"alarms": {"routes": {"critical": {"email": ["p@example.com"]}}}},
            "rootguard:alarms: no subscriber: every enabled alarm would notify nobody",
        ),
        (
            {
                "alarms": {
                    "email": ["s@example.com"],
                    "routes": {
                        "critical": {"email": ["a@example.com"], "topicName": "pager"},
                        "high": {"email": ["b@example.com"], "topicName": "pager"},
                    },
                }
            },
            "rootguard:alarms.routes.high.topicName: its topic 'pager' is routes.critical's "
            "too; give each route its own topicName",
        ),
        (
            {
                "alarms": {
                    "email": ["s@example.com"],
                    "routes": {
                        "critical": {
                            "email": ["a@example.com"],
                            "topicName": "rootguard-security-alarms",
                        },
                    },
                }
            },
            "rootguard:alarms.routes.critical.topicName: its topic 'rootguard-security-alarms' "
            "is topicName's too",
        ),
        (
            {
                "alarms": {
                    "email": ["s@example.com"],
                    "routes": {
                        "critical": {
                            "email": ["a@example.com"],
                            "topicName": "rootguard-security-alarms-high",
                        },
                        "high": {"email": ["b@example.com"]},
                    },
                }
            },
            "rootguard:alarms.routes.high: its topic 'rootguard-security-alarms-high' is "
            "routes.critical's too",
        ),
        (
            {"alarms": {"email": ["s@example.com"], "routes": {"urgent": {"email": ["p@x.io"]}}}},
            "rootguard:alarms.routes.urgent: not an allowed key: input should be 'critical', "
            "'high', 'medium', 'low' or 'info', got 'urgent'",
        ),
        (
            {"alarms": {}},
            "rootguard:alarms: no subscriber: every enabled alarm would notify nobody; give "
            "`email`, `https`, `slack`, `teams` or `existingTopicArn`, or list every alarm in "
            "`disabled`",
        ),
        (
            {"trail": {"bucket": {"objectLock": {"days": 0}}}},
            "rootguard:trail.bucket.objectLock.days: input should be greater than or equal "
            "to 1, got 0",
        ),
        (
            {"trail": {"bucket": {"retentionDays": 36500, "objectLock": {"days": 36501}}}},
            "rootguard:trail.bucket.objectLock.days: input should be less than or equal to "
            "36500, got 36501",
        ),
        (
            {"trail": {"bucket": {"retentionDays": 90, "objectLock": {"days": 365}}}},
            "rootguard:trail.bucket.objectLock.days: 365 days of object lock exceeds "
            "retentionDays (90); locked logs cannot expire before the lock ends",
        ),
        (
            {"trail": {"bucket": {"retentionDays": 0}}},
            "rootguard:trail.bucket.retentionDays: input should be greater than or equal to 1",
        ),
        (
            {"trail": {"bucket": {}, "existingBucket": {"name": "log-archive-trail"}}},
            "rootguard:trail.existingBucket: cannot be combined with `bucket`",
        ),
        (
            {"trail": {"existingBucket": {"name": "Log_Archive"}}},
            "rootguard:trail.existingBucket.name: must be an S3 bucket name",
        ),
        (
            {"trail": {"existingBucket": {"name": "logs", "kmsKeyArn": "alias/aws/s3"}}},
            "rootguard:trail.existingBucket.kmsKeyArn: must be a KMS key ARN",
        ),
        (
            {"trail": {"existing": EXISTING_TRAIL, "name": "rootguard-organization-trail"}},
            "rootguard:trail.name: cannot be combined with `existing`",
        ),
        (
            {"trail": {"existing": EXISTING_TRAIL, "bucket": {"retentionDays": 90}}},
            "rootguard:trail.bucket: cannot be combined with `existing`",
        ),
        (
            {"trail": {"existing": EXISTING_TRAIL, "logGroup": {"retentionDays": 90}}},
            "rootguard:trail.logGroup: cannot be combined with `existing`",
        ),
        (
            {"trail": {"existing": {**EXISTING_TRAIL, "trailArn": "aws-controltower-Baseline"}}},
            "rootguard:trail.existing.trailArn: must be a CloudTrail trail ARN",
        ),
        (
            {"trail": {"existing": {"trailArn": EXISTING_TRAIL["trailArn"]}}},
            "rootguard:trail.existing.logGroupName: is required",
        ),
        (
            {"trail": {"name": "org--trail"}},
            "rootguard:trail.name: must be a trail name",
        ),
        (
            {"trail": {"kms": {"readers": ["arn:aws:iam::123456789012:group/Auditors"]}}},
            "rootguard:trail.kms.readers[0]: must be an IAM role, user or account-root ARN",
        ),
        (
            {"trail": {"kms": {"deletionWindowDays": 3}}},
            "rootguard:trail.kms.deletionWindowDays: input should be greater than or equal to 7",
        ),
        (
            {
                "alarms": {
                    "existingTopicArn": "arn:aws:sns:us-east-1:123456789012:security",
                    "email": ["security@example.com"],
                }
            },
            "rootguard:alarms.email: subscriptions cannot be added to existingTopicArn",
        ),
        (
            {"alarms": {"email": ["Sec@example.com", "sec@example.com"]}},
            "rootguard:alarms.email[1]: 'sec@example.com' is already listed at email[0]",
        ),
        (
            {"alarms": {"namespace": "AWS/CloudTrail"}},
            "rootguard:alarms.namespace: must be a CloudWatch namespace",
        ),
        (
            {"alarms": {"topicArn": "arn:aws:sns:us-east-1:123456789012:security"}},
            "rootguard:alarms.topicArn: unknown key; did you mean 'existingTopicArn'?",
        ),
    ],
)
def test_bad_input_names_the_key(sections: dict[str, Any], expected: str) -> None:
    assert error(**sections).startswith(expected)


def test_a_stack_without_the_alarms_section_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(ORGANIZATION)
    assert str(caught.value) == (
        "rootguard:alarms: is required: every enabled alarm would notify nobody; give `email`, "
        "`https`, `slack`, `teams` or `existingTopicArn`, or list every alarm in `disabled`"
    )


def test_no_subscriber_is_fine_when_every_alarm_is_off_or_a_topic_is_given() -> None:
    every = [d.name for d in load_catalog()]
    assert load_config({**ORGANIZATION, "alarms": {"disabled": every}}).alarms.email == []
    topic = "arn:aws:sns:us-east-1:123456789012:security"
    assert load_config({**ORGANIZATION, "alarms": {"existingTopicArn": topic}})


def test_an_unquoted_id_in_a_stack_file_is_refused_not_misread() -> None:
    # What a stack file says, read as Pulumi's YAML reader does: 4.10 becomes the number 4.1.
    section = yaml.safe_load("email: [s@example.com]\ndisabled: [nacl-changes, 4.10]\n")
    assert section["disabled"] == ["nacl-changes", 4.1]
    message = error(alarms=section)
    assert message.startswith("rootguard:alarms.disabled[1]: 4.1 is a number to YAML")
    assert "quote it" in message


def test_routes_alone_are_enough_when_they_cover_every_enabled_severity() -> None:
    route = {"email": ["oncall@example.com"]}
    routes = dict.fromkeys(("critical", "high", "medium", "low"), route)
    config = load_config({**ORGANIZATION, "alarms": {"routes": routes}})
    assert config.alarms.route_topic_name("critical") == "rootguard-security-alarms-critical"
