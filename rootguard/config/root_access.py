"""`rootguard:rootAccess`: centralized root access for member accounts (IAM + Organizations)."""

from __future__ import annotations

from pydantic import Field

from .base import StrictModel


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

    @property
    def enabled_features(self) -> list[str]:
        """The IAM feature names to enable, in a stable order."""
        features = {
            "RootCredentialsManagement": self.root_credentials_management,
            "RootSessions": self.root_sessions,
        }
        return [name for name, enabled in features.items() if enabled]
