"""`rootguard:rootAccess`: centralized root access for member accounts (IAM + Organizations)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import AccountId, Matching, StrictModel

# IAM role names and paths: letters, digits and +=,.@_- (IAM User Guide, IAM object names).
RoleName = Annotated[
    str,
    Matching(
        r"/?(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}",
        "an IAM role name, optionally with its path, like RootTasks or ops/RootTasks",
        max_length=512,
    ),
]


class DelegatedAdministratorConfig(StrictModel):
    """A member account registered as IAM's delegated administrator (iam.amazonaws.com): it
    may manage member root credentials and open AssumeRoot sessions, like the management
    account."""

    account_id: AccountId = Field(description="The member account to register (it must exist).")
    role_name: RoleName = Field(
        description=(
            "The role in that account that opens AssumeRoot sessions; it is exempted from "
            "DenyMemberAssumeRoot, every other principal there stays denied."
        )
    )

    @property
    def role_arn_pattern(self) -> str:
        path = self.role_name.strip("/")
        return f"arn:*:iam::{self.account_id}:role/{path}"


class RootAccessConfig(StrictModel):
    """`rootguard:rootAccess`. Both features are on by default (CIS v7.0)."""

    root_credentials_management: bool = Field(
        default=True,
        description=(
            "RootCredentialsManagement: the management account can delete and audit member "
            "accounts' root credentials, and member root password recovery is blocked."
        ),
    )
    root_sessions: bool = Field(
        default=True,
        description=(
            "RootSessions: the management account can open short AssumeRoot sessions for the "
            "few tasks that need root in a member account."
        ),
    )

    delegated_administrator: DelegatedAdministratorConfig | None = Field(
        default=None,
        description=(
            "Register a member account as delegated administrator for centralized root access "
            "(iam.amazonaws.com); its role is exempted from DenyMemberAssumeRoot automatically."
        ),
    )

    @property
    def enabled_features(self) -> list[str]:
        """The IAM feature names to enable, in a stable order."""
        features = {
            "RootCredentialsManagement": self.root_credentials_management,
            "RootSessions": self.root_sessions,
        }
        return [name for name, enabled in features.items() if enabled]
