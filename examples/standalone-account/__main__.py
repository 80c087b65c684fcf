"""A standalone AWS account (no organization) with rootguard's trail and CIS alarms.

The components come from the rootguard package (see requirements.txt). Their args are plain
data keyed like rootguard's stack config, in Python names, and are checked the same way: a bad
value stops the program with one line that names the key, before anything is created.
"""

import pulumi

from rootguard.alarms import SecurityAlarms
from rootguard.trail import OrgTrail

config = pulumi.Config()

# No organization_id: a trail of this account only (not an organization trail), still
# multi-region, validated, KMS-encrypted and delivered to a protected bucket and log group.
trail = OrgTrail(
    "account-trail",
    {
        "name": "account-trail",
        "bucket": {"retention_days": config.get_int("logRetentionDays") or 365},
        "log_group": {"retention_days": 90},
    },
)

# The CIS metric filters and alarms read the trail's log group and notify an encrypted topic.
alarms = SecurityAlarms(
    "account-alarms",
    {
        "topic_name": "account-security-alarms",
        "email": config.require_object("alarmEmails"),
        "log_group_name": trail.log_group_name,
    },
)

pulumi.export("trailArn", trail.trail_arn)
pulumi.export("trailBucketName", trail.bucket_name)
pulumi.export("alarmTopicArn", alarms.topic_arn)
pulumi.export("alarmArns", alarms.alarm_arns)
