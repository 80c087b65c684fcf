"""rootguard's Pulumi program: validate the stack config, build RootGuard, export outputs."""

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env

from components.baseline import RootGuard
from components.config import NAMESPACE, ConfigError, RootGuardConfig, config_keys, load_config


def stack_config() -> RootGuardConfig:
    """Every `rootguard:*` key, validated before any resource is registered."""
    config = pulumi.Config(NAMESPACE)
    sections: dict[str, object] = {}
    try:
        for key in config_keys():
            section = key.split(":", 1)[1]
            if config.get(section) is not None:
                sections[section] = config.get_object(section)
        present = set(CONFIG.get()) | set(get_config_env())
        return load_config(sections, present_keys=present)
    except pulumi.ConfigTypeError as error:
        raise pulumi.RunError(f"{error.key}: must be a structured value (a YAML mapping)") from None
    except ConfigError as error:
        raise pulumi.RunError(str(error)) from None


guard = RootGuard("rootguard", stack_config())
organization = guard.organization
pulumi.export("organizationId", organization.organization_id)
pulumi.export("rootId", organization.root_id)
pulumi.export("managementAccountId", organization.management_account_id)
pulumi.export("organizationalUnitIds", organization.ou_ids)
pulumi.export("accountIds", organization.account_ids)
pulumi.export("guardrailPolicyIds", guard.guardrails.policy_ids)
pulumi.export("guardrailPolicies", guard.guardrails.policies)
pulumi.export("rootAccessFeatures", guard.root_access.enabled_features)
if guard.contacts is not None:
    pulumi.export("securityContacts", guard.contacts.security_contacts)
pulumi.export("trailArn", guard.trail.trail_arn)
pulumi.export("trailBucketName", guard.trail.bucket_name)
pulumi.export("trailLogGroupName", guard.trail.log_group_name)
pulumi.export("alarmTopicArn", guard.alarms.topic_arn)
pulumi.export("alarmArns", guard.alarms.alarm_arns)
