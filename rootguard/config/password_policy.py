"""`rootguard:passwordPolicy`: the management account's IAM password policy (CIS defaults)."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import InvalidKey, StrictModel


class PasswordPolicyConfig(StrictModel):
    """`rootguard:passwordPolicy`. Defaults follow CIS 1.8/1.9; ranges are IAM's own limits."""

    minimum_password_length: int = Field(default=14, ge=6, le=128, description="CIS: 14 or more.")
    password_reuse_prevention: int | None = Field(
        default=24,
        ge=1,
        le=24,
        description="How many previous passwords cannot be reused (CIS: 24); null turns it off.",
    )
    require_lowercase_characters: bool = True
    require_uppercase_characters: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    allow_users_to_change_password: bool = True
    max_password_age: int | None = Field(
        default=None,
        ge=1,
        le=1095,
        description="Days before a password expires; null (the default) means never.",
    )
    hard_expiry: bool = Field(
        default=False,
        description="Expired passwords can only be reset by an administrator.",
    )

    @model_validator(mode="after")
    def _check(self) -> PasswordPolicyConfig:
        if self.hard_expiry and self.max_password_age is None:
            raise InvalidKey(
                "hardExpiry", "needs maxPasswordAge: passwords that never expire cannot expire hard"
            )
        return self
