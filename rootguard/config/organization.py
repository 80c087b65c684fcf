"""`rootguard:organization`: the organization, its OU tree and its member accounts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import (
    AccountId,
    AccountName,
    Email,
    InvalidKey,
    Matching,
    OuId,
    ServicePrincipal,
    StrictModel,
    TagKey,
    TagValue,
    no_duplicates,
    shorten,
)

# AWS allows OUs nested at most five levels below the root.
MAX_OU_DEPTH = 5

# Trusted access the other components rely on: the organization trail (CloudTrail),
# centralized root access (IAM) and member-account alternate contacts (Account Management).
REQUIRED_SERVICE_PRINCIPALS: tuple[str, ...] = (
    "account.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "iam.amazonaws.com",
)

# One OU path: names separated by "/", each 1-128 characters, no surrounding spaces.
OuPath = Annotated[
    str,
    Matching(
        r"[^/\s](?:[^/]*[^/\s])?(?:/[^/\s](?:[^/]*[^/\s])?)*",
        "an OU path like Workloads/Prod: names of 1-128 characters separated by '/'",
        max_length=5 * 129,
    ),
]


def ou_parent(path: str) -> str | None:
    """`Workloads/Prod` -> `Workloads`; a top-level OU has the root as parent (None)."""
    head, _, _ = path.rpartition("/")
    return head or None


def ou_depth(path: str) -> int:
    return path.count("/") + 1


class OrganizationalUnit(StrictModel):
    """An OU written as its path from the root. Give `id` to adopt an existing OU."""

    path: OuPath
    id: OuId | None = Field(default=None, description="Existing OU id: imported, never created.")
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, max_length=50)


class Account(StrictModel):
    """A member account. Give `id` to adopt an existing account."""

    name: AccountName
    email: Email
    ou: OuPath = Field(description="Path of the OU the account lives in.")
    id: AccountId | None = Field(
        default=None, description="Existing account id: imported, never created."
    )
    iam_user_access_to_billing: Literal["ALLOW", "DENY"] = Field(
        default="DENY",
        description="Whether IAM users and roles in the account may see billing (set at creation).",
    )
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, max_length=50)


class OrganizationConfig(StrictModel):
    """`rootguard:organization`."""

    mode: Literal["adopt", "create"] = Field(
        default="adopt",
        description=(
            "adopt: look up the organization this stack runs in (no resource is created) and "
            "verify it has all features, SCPs and the trusted access rootguard needs; "
            "create: create a new organization with those settings."
        ),
    )
    trusted_services: list[ServicePrincipal] = Field(
        default_factory=list,
        description="Service principals to trust in addition to the ones rootguard needs.",
    )
    organizational_units: list[OrganizationalUnit] = Field(default_factory=list)
    accounts: list[Account] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_tree(self) -> OrganizationConfig:
        seen_paths: set[str] = set()
        for index, ou in enumerate(self.organizational_units):
            where = f"organizationalUnits[{index}].path"
            if ou.path in seen_paths:
                raise InvalidKey(where, f"OU path {shorten(ou.path)} is declared twice")
            if ou_depth(ou.path) > MAX_OU_DEPTH:
                raise InvalidKey(
                    where,
                    f"{shorten(ou.path)} is {ou_depth(ou.path)} levels deep; "
                    f"AWS allows at most {MAX_OU_DEPTH} below the root",
                )
            if any(len(part) > 128 for part in ou.path.split("/")):
                raise InvalidKey(where, "each OU name must be 1-128 characters")
            parent = ou_parent(ou.path)
            if parent is not None and parent not in seen_paths:
                raise InvalidKey(
                    where,
                    f"parent OU {shorten(parent)} of {shorten(ou.path)} must be declared before it",
                )
            seen_paths.add(ou.path)
        no_duplicates(
            "organizationalUnits", [ou.id for ou in self.organizational_units], field="id"
        )

        for index, account in enumerate(self.accounts):
            if account.ou not in seen_paths:
                raise InvalidKey(
                    f"accounts[{index}].ou",
                    f"OU {shorten(account.ou)} is not declared in organizationalUnits",
                )
        no_duplicates("accounts", [a.name for a in self.accounts], field="name")
        no_duplicates("accounts", [a.email.lower() for a in self.accounts], field="email")
        no_duplicates("accounts", [a.id for a in self.accounts], field="id")
        return self

    @property
    def service_principals(self) -> list[str]:
        """Every trusted service principal, sorted so previews are stable."""
        return sorted(set(REQUIRED_SERVICE_PRINCIPALS) | set(self.trusted_services))

    @property
    def ou_paths(self) -> frozenset[str]:
        return frozenset(ou.path for ou in self.organizational_units)

    @property
    def account_names(self) -> frozenset[str]:
        return frozenset(account.name for account in self.accounts)
