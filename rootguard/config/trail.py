"""`rootguard:trail`: the organization CloudTrail trail, its KMS key, bucket and log group."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import InvalidKey, Matching, StrictModel, shorten

# CloudWatch Logs accepts only these retention periods (days); 0 keeps events forever.
LogRetentionDays = Literal[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653, 0,
]  # fmt: skip

# S3 Object Lock retention and lifecycle periods: one day to 100 years.
MAX_RETENTION_DAYS = 36500

TrailName = Annotated[
    str,
    Matching(
        r"[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?![._-]))*[A-Za-z0-9]",
        "a trail name of 3-128 letters, digits, '.', '_' or '-', starting and ending with a "
        "letter or digit, with no two of '._-' in a row",
        min_length=3,
        max_length=128,
    ),
]
BucketName = Annotated[
    str,
    Matching(
        r"[a-z0-9](?:[a-z0-9-]|\.(?![.-])|(?<!\.)-)*[a-z0-9]",
        "an S3 bucket name of 3-63 lowercase letters, digits, '.' or '-', starting and "
        "ending with a letter or digit",
        min_length=3,
        max_length=63,
    ),
]
KeyPrefix = Annotated[
    str,
    Matching(
        r"[A-Za-z0-9!_.*'()-]+(?:/[A-Za-z0-9!_.*'()-]+)*",
        "an S3 key prefix like cloudtrail or logs/org (no leading or trailing '/')",
        max_length=200,
    ),
]
LogGroupName = Annotated[
    str,
    Matching(
        r"[A-Za-z0-9._/#-]+",
        "a log group name of 1-512 letters, digits, '.', '_', '/', '#' or '-'",
        max_length=512,
    ),
]
KmsKeyArn = Annotated[
    str,
    Matching(
        r"arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:key/(?:mrk-)?[0-9a-f-]{32,36}",
        "a KMS key ARN like arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-"
        "1234567890ab",
    ),
]
TrailArn = Annotated[
    str,
    Matching(
        r"arn:aws(?:-[a-z]+)*:cloudtrail:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:trail/"
        r"[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?![._-]))*[A-Za-z0-9]",
        "a CloudTrail trail ARN like arn:aws:cloudtrail:us-east-1:123456789012:trail/"
        "aws-controltower-BaselineCloudTrail",
        max_length=2048,
    ),
]
PrincipalArn = Annotated[
    str,
    Matching(
        r"arn:aws(?:-[a-z]+)*:iam::\d{12}:(?:root|(?:role|user)/[\w+=,.@/-]+)",
        "an IAM role, user or account-root ARN like arn:aws:iam::123456789012:role/Auditor",
        max_length=2048,
    ),
]


class ObjectLock(StrictModel):
    """S3 Object Lock in COMPLIANCE mode: no one, root included, can delete a log early."""

    days: int = Field(
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="Days each log object is locked against deletion and overwrite.",
    )


class AccessLogging(StrictModel):
    """S3 server access logs of the trail bucket, written to another bucket."""

    target_bucket: BucketName
    target_prefix: KeyPrefix = Field(default="cloudtrail-bucket")


class BucketSettings(StrictModel):
    """The trail bucket rootguard creates (omit `existingBucket`)."""

    name: BucketName | None = Field(
        default=None, description="Bucket name; by default Pulumi picks a unique one."
    )
    retention_days: int = Field(
        default=365,
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="Days a log object is kept before the lifecycle expires it.",
    )
    noncurrent_version_days: int = Field(
        default=30,
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="Days an overwritten or deleted object version is kept.",
    )
    object_lock: ObjectLock | None = Field(
        default=None,
        description="Lock logs in COMPLIANCE mode. Can only be set when the bucket is created.",
    )
    access_logging: AccessLogging | None = None

    @model_validator(mode="after")
    def _lock_within_retention(self) -> BucketSettings:
        if self.object_lock is not None and self.object_lock.days > self.retention_days:
            raise InvalidKey(
                "objectLock.days",
                f"{self.object_lock.days} days of object lock exceeds retentionDays "
                f"({self.retention_days}); locked logs cannot expire before the lock ends",
            )
        return self


class ExistingBucket(StrictModel):
    """Write to a bucket managed elsewhere (say a log-archive account) instead of creating one.

    Its owner must grant CloudTrail s3:GetBucketAcl and s3:PutObject for this trail.
    """

    name: BucketName
    kms_key_arn: KmsKeyArn | None = Field(
        default=None,
        description="Key the trail encrypts logs with; by default the key rootguard creates.",
    )


class LogGroupSettings(StrictModel):
    """CloudWatch Logs delivery, which the alarms' metric filters read."""

    name: LogGroupName | None = Field(
        default=None, description="Log group name; default /rootguard/cloudtrail/<trail name>."
    )
    retention_days: LogRetentionDays = Field(
        default=365, description="Days CloudWatch Logs keeps events (0 keeps them forever)."
    )


class KeySettings(StrictModel):
    """The customer-managed KMS key for log files and the log group."""

    readers: list[PrincipalArn] = Field(
        default_factory=list,
        description="Principals allowed to decrypt this trail's log files.",
        max_length=50,
    )
    deletion_window_days: int = Field(default=30, ge=7, le=30)

    @model_validator(mode="after")
    def _distinct_readers(self) -> KeySettings:
        for index, arn in enumerate(self.readers):
            if arn in self.readers[:index]:
                raise InvalidKey(f"readers[{index}]", f"{shorten(arn)} is listed twice")
        return self


class ExistingTrail(StrictModel):
    """An organization trail managed elsewhere (say Control Tower's) that rootguard uses as is.

    Nothing of it is created, changed or imported: the alarms' metric filters go on its log
    group, and the audit judges this trail.
    """

    trail_arn: TrailArn = Field(description="ARN of the existing organization trail.")
    # Control Tower's trail delivers to aws-controltower/CloudTrailLogs (the group its role may
    # write to in the AWS managed policy AWSControlTowerCloudTrailRolePolicy,
    # https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSControlTowerCloudTrailRolePolicy.html).
    log_group_name: LogGroupName = Field(
        description="The CloudWatch Logs group that trail delivers to (Control Tower: "
        "aws-controltower/CloudTrailLogs)."
    )


# The settings that only shape a trail rootguard creates: meaningless next to `existing`.
_CREATION_KEYS = {
    "name": "name",
    "s3_key_prefix": "s3KeyPrefix",
    "bucket": "bucket",
    "existing_bucket": "existingBucket",
    "log_group": "logGroup",
    "kms": "kms",
}


class TrailConfig(StrictModel):
    """`rootguard:trail`."""

    name: TrailName = Field(default="rootguard-organization-trail")
    s3_key_prefix: KeyPrefix | None = Field(default=None, description="Prefix of log objects.")
    bucket: BucketSettings | None = Field(
        default=None, description="The bucket rootguard creates (the default)."
    )
    existing_bucket: ExistingBucket | None = Field(
        default=None, description="Use this bucket instead of creating one."
    )
    log_group: LogGroupSettings = Field(default_factory=LogGroupSettings)
    kms: KeySettings = Field(default_factory=KeySettings)
    existing: ExistingTrail | None = Field(
        default=None,
        description="Use this existing organization trail and log group instead of creating "
        "one; excludes every creation setting.",
    )

    @model_validator(mode="after")
    def _existing_alone(self) -> TrailConfig:
        if self.existing is None:
            return self
        for field, key in _CREATION_KEYS.items():
            if field in self.model_fields_set:
                raise InvalidKey(
                    key,
                    "cannot be combined with `existing`: rootguard creates nothing for an "
                    "existing trail; remove one of the two",
                )
        return self

    @model_validator(mode="after")
    def _one_bucket(self) -> TrailConfig:
        if self.bucket is not None and self.existing_bucket is not None:
            raise InvalidKey(
                "existingBucket",
                "cannot be combined with `bucket`: give `bucket` to create the trail bucket "
                "or `existingBucket` to use one managed elsewhere",
            )
        return self

    @property
    def bucket_settings(self) -> BucketSettings:
        """Settings of the bucket to create (defaults when `bucket` is omitted)."""
        return self.bucket or BucketSettings()

    @property
    def log_group_name(self) -> str:
        return self.log_group.name or f"/rootguard/cloudtrail/{self.name}"
