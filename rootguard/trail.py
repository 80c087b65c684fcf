"""OrgTrail: the organization CloudTrail trail, tamper-evident and encrypted.

One multi-region organization trail (management events, global services, log file
validation) in the management account, or, without an organization id, the same trail for
the one account it is deployed in; writing to

- an S3 bucket created here (versioned, SSE-KMS with a bucket key, every public access block,
  bucket-owner-enforced, TLS-only, a lifecycle from the configured retention, optional Object
  Lock in COMPLIANCE mode and access logging), or to an existing bucket;
- a KMS-encrypted CloudWatch Logs group, through a role only this trail can assume, so the
  alarms' metric filters see every account's events within minutes.

The KMS key and the bucket are protected and never force-destroyed.
"""

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from . import trail_policies
from .args import links_of, validated, waits_for
from .aws_context import AwsContext
from .config.trail import BucketSettings, TrailConfig
from .errors import RootGuardError
from .inputs import OrgTrailArgs as OrgTrailArgs  # re-exported

_LINKS = links_of(OrgTrailArgs, TrailConfig)


def _json(value: pulumi.Output[Any]) -> pulumi.Output[str]:
    return value.apply(lambda document: json.dumps(document, sort_keys=True))


class OrgTrail(pulumi.ComponentResource):
    """A multi-region CloudTrail trail with log file validation, KMS-encrypted, delivering to a
    protected S3 bucket and to a CloudWatch Logs group for the alarms."""

    trail_arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    """The CloudWatch Logs group the trail delivers to (SecurityAlarms' input)."""
    log_group_arn: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: OrgTrailArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        config = validated(TrailConfig, args, links=_LINKS, where=f"OrgTrail {name!r}")
        if config.existing is not None:
            # This component creates a trail; an existing one needs no component at all.
            raise RootGuardError(
                f"OrgTrail {name!r}: existing: OrgTrail creates a trail; for an existing trail "
                "give its log group name to SecurityAlarms (RootGuard does so for trail.existing)"
            )
        super().__init__("rootguard:index:OrgTrail", name, None, opts)
        organization_id = args.get("organization_id")
        here = AwsContext.lookup(self)
        child = pulumi.ResourceOptions(parent=self)
        protected = pulumi.ResourceOptions(parent=self, protect=True)

        # Both ARNs are known before their resources exist: policies can name them.
        trail_arn = pulumi.Output.all(here.partition, here.region, here.account_id).apply(
            lambda v: trail_policies.trail_arn(v[0], v[1], v[2], config.name)
        )
        log_group_arn = pulumi.Output.all(here.partition, here.region, here.account_id).apply(
            lambda v: trail_policies.log_group_arn(v[0], v[1], v[2], config.log_group_name)
        )

        key = aws.kms.Key(
            f"{name}-key",
            description=f"Encrypts CloudTrail trail {config.name} and its log group",
            enable_key_rotation=True,
            deletion_window_in_days=config.kms.deletion_window_days,
            policy=_json(
                pulumi.Output.all(
                    here.partition,
                    here.account_id,
                    here.region,
                    trail_arn,
                    log_group_arn,
                    here.dns_suffix,
                ).apply(
                    lambda v: trail_policies.trail_key_policy(
                        partition=v[0],
                        account_id=v[1],
                        region=v[2],
                        trail_arn=v[3],
                        log_group_arn=v[4],
                        readers=list(config.kms.readers),
                        dns_suffix=v[5],
                    )
                )
            ),
            opts=protected,
        )
        aws.kms.Alias(
            f"{name}-key-alias",
            name=f"alias/rootguard/{config.name}",
            target_key_id=key.key_id,
            opts=child,
        )

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name=config.log_group_name,
            retention_in_days=config.log_group.retention_days,
            kms_key_id=key.arn,
            opts=child,
        )
        delivery_role = aws.iam.Role(
            f"{name}-delivery-role",
            description=f"CloudTrail trail {config.name} delivers events to CloudWatch Logs",
            assume_role_policy=_json(
                pulumi.Output.all(here.account_id, trail_arn).apply(
                    lambda v: trail_policies.delivery_trust_policy(account_id=v[0], trail_arn=v[1])
                )
            ),
            opts=child,
        )
        delivery_policy = aws.iam.RolePolicy(
            f"{name}-delivery-policy",
            role=delivery_role.id,
            policy=_json(
                pulumi.Output.all(
                    log_group_arn, here.account_id, organization_id, here.region
                ).apply(
                    lambda v: trail_policies.delivery_permissions_policy(
                        log_group_arn=v[0], account_id=v[1], organization_id=v[2], region=v[3]
                    )
                )
            ),
            opts=child,
        )

        storage_ready: list[pulumi.Resource]
        if config.existing_bucket is not None:
            bucket_name: pulumi.Output[str] = pulumi.Output.from_input(config.existing_bucket.name)
            trail_key_arn = (
                pulumi.Output.from_input(config.existing_bucket.kms_key_arn)
                if config.existing_bucket.kms_key_arn
                else key.arn
            )
            storage_ready = []
        else:
            bucket_name, storage_ready = self._bucket(
                name,
                config.bucket_settings,
                key=key,
                trail_arn=trail_arn,
                here=here,
                organization_id=organization_id,
                key_prefix=config.s3_key_prefix,
            )
            trail_key_arn = key.arn

        trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=config.name,
            s3_bucket_name=bucket_name,
            s3_key_prefix=config.s3_key_prefix,
            is_organization_trail=organization_id is not None,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=trail_key_arn,
            # CloudTrail wants the log-stream wildcard on the group ARN.
            cloud_watch_logs_group_arn=log_group.arn.apply(lambda arn: f"{arn}:*"),
            cloud_watch_logs_role_arn=delivery_role.arn,
            event_selectors=[
                aws.cloudtrail.TrailEventSelectorArgs(
                    read_write_type="All", include_management_events=True
                )
            ],
            opts=pulumi.ResourceOptions(
                parent=self,
                # Without trusted access for cloudtrail.amazonaws.com an organization trail
                # cannot be created: wait for whatever produces the organization id.
                depends_on=[
                    *storage_ready,
                    delivery_policy,
                    *([] if organization_id is None else [waits_for(organization_id)]),
                ],
            ),
        )

        self.trail_arn = trail.arn
        self.bucket_name = bucket_name
        self.log_group_name = log_group.name
        self.log_group_arn = log_group.arn
        self.kms_key_arn = key.arn
        self.register_outputs(
            {
                "trail_arn": self.trail_arn,
                "bucket_name": self.bucket_name,
                "log_group_name": self.log_group_name,
                "log_group_arn": self.log_group_arn,
                "kms_key_arn": self.kms_key_arn,
            }
        )

    def _bucket(
        self,
        name: str,
        settings: BucketSettings,
        *,
        key: aws.kms.Key,
        trail_arn: pulumi.Output[str],
        here: AwsContext,
        organization_id: pulumi.Input[str] | None,
        key_prefix: str | None,
    ) -> tuple[pulumi.Output[str], list[pulumi.Resource]]:
        """Create the trail bucket; return its name and what CloudTrail needs in place first."""
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=settings.name,
            object_lock_enabled=settings.object_lock is not None,
            force_destroy=False,
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-bucket-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"
            ),
            opts=child,
        )
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-bucket-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=key.arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=child,
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-bucket-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-bucket-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        policy = aws.s3.BucketPolicy(
            f"{name}-bucket-policy",
            bucket=bucket.id,
            policy=_json(
                pulumi.Output.all(bucket.arn, trail_arn, here.account_id, organization_id).apply(
                    lambda v: trail_policies.bucket_policy(
                        bucket_arn=v[0],
                        trail_arn=v[1],
                        account_id=v[2],
                        organization_id=v[3],
                        key_prefix=key_prefix,
                    )
                )
            ),
            # S3 rejects concurrent bucket-level changes; the policy goes last.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access, ownership]),
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-bucket-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-trail-logs",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                        days=settings.retention_days
                    ),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=settings.noncurrent_version_days
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=7
                    ),
                )
            ],
            # Lifecycle rules on a versioned bucket need versioning in place first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        if settings.object_lock is not None:
            aws.s3.BucketObjectLockConfiguration(
                f"{name}-bucket-object-lock",
                bucket=bucket.id,
                object_lock_enabled="Enabled",
                rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                    default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                        mode="COMPLIANCE", days=settings.object_lock.days
                    )
                ),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
            )
        if settings.access_logging is not None:
            aws.s3.BucketLogging(
                f"{name}-bucket-logging",
                bucket=bucket.id,
                target_bucket=settings.access_logging.target_bucket,
                target_prefix=f"{settings.access_logging.target_prefix}/",
                opts=child,
            )
        return bucket.bucket, [policy, encryption, public_access, ownership]
