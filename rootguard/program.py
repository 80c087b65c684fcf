"""rootguard's Pulumi program: validate the stack config, build RootGuard, export outputs.

The project's `__main__.py` calls `run()`; the offline plan runs the same function under mocks.
"""

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env

from .baseline import RootGuard
from .config import (
    NAMESPACE,
    REGION_KEY,
    ConfigError,
    RootGuardConfig,
    config_keys,
    load_config,
    namespace_warnings,
)


def stack_config() -> RootGuardConfig:
    """Every `rootguard:*` key, validated before any resource is registered.

    Keys that look meant for rootguard but are in another namespace are warned about.
    """
    config = pulumi.Config(NAMESPACE)
    sections: dict[str, object] = {}
    try:
        for key in config_keys():
            section = key.split(":", 1)[1]
            if config.get(section) is not None:
                sections[section] = config.get_object(section)
        present = set(CONFIG.get()) | set(get_config_env())
        provider, _, setting = REGION_KEY.partition(":")
        region = pulumi.Config(provider).get(setting)
        validated = load_config(sections, present_keys=present, aws_region=region)
    except pulumi.ConfigTypeError as error:
        raise pulumi.RunError(f"{error.key}: must be a structured value (a YAML mapping)") from None
    except ConfigError as error:
        raise pulumi.RunError(str(error)) from None
    for warning in namespace_warnings(present):
        pulumi.log.warn(warning)
    return validated


def run() -> RootGuard:
    """Build the baseline from the stack config and export what other stacks consume."""
    guard = RootGuard.from_config("rootguard", stack_config())
    pulumi.export("organizationId", guard.organization_id)
    pulumi.export("rootId", guard.root_id)
    pulumi.export("managementAccountId", guard.management_account_id)
    pulumi.export("organizationalUnitIds", guard.ou_ids)
    pulumi.export("accountIds", guard.account_ids)
    pulumi.export("guardrailPolicyIds", guard.guardrail_policy_ids)
    pulumi.export("guardrailPolicies", guard.guardrails.policies)
    pulumi.export("rootAccessFeatures", guard.root_access_features)
    if guard.security_contacts is not None:
        pulumi.export("securityContacts", guard.security_contacts)
    pulumi.export("trailArn", guard.trail_arn)
    if guard.trail_bucket_name is not None:  # absent with trail.existing
        pulumi.export("trailBucketName", guard.trail_bucket_name)
    pulumi.export("trailLogGroupName", guard.trail_log_group_name)
    pulumi.export("alarmTopicArn", guard.alarm_topic_arn)
    pulumi.export("alarmArns", guard.alarm_arns)
    return guard
