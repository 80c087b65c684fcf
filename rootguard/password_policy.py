"""PasswordPolicy: the management account's IAM password policy."""

from typing import Any

import pulumi
import pulumi_aws as aws

from .args import links_of, validated
from .config.password_policy import PasswordPolicyConfig
from .inputs import PasswordPolicyArgs as PasswordPolicyArgs  # re-exported

_LINKS = links_of(PasswordPolicyArgs, PasswordPolicyConfig)


class PasswordPolicy(pulumi.ComponentResource):
    """The IAM password policy of the account the provider runs in (the management account).

    SCPs do not reach the management account, so its IAM users get this policy instead;
    an account has exactly one password policy, and this resource replaces whatever was set.
    """

    settings: pulumi.Output[dict[str, Any]]
    """The policy as applied, by camelCase setting name."""

    def __init__(
        self, name: str, args: PasswordPolicyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        config = validated(
            PasswordPolicyConfig, args, links=_LINKS, where=f"PasswordPolicy {name!r}"
        )
        super().__init__("rootguard:index:PasswordPolicy", name, None, opts)
        aws.iam.AccountPasswordPolicy(
            f"{name}-policy",
            minimum_password_length=config.minimum_password_length,
            password_reuse_prevention=config.password_reuse_prevention,
            require_lowercase_characters=config.require_lowercase_characters,
            require_uppercase_characters=config.require_uppercase_characters,
            require_numbers=config.require_numbers,
            require_symbols=config.require_symbols,
            allow_users_to_change_password=config.allow_users_to_change_password,
            max_password_age=config.max_password_age,
            hard_expiry=config.hard_expiry,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.settings = pulumi.Output.from_input(config.model_dump(by_alias=True))
        self.register_outputs({"settings": self.settings})
