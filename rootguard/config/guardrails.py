"""`rootguard:guardrails`: which SCP statements, who is exempt, where they attach, quotas."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema, model_validator

from ..guardrail_targets import Target, attachment_targets
from ..scp import (
    DEFAULT_MAX_POLICIES_PER_TARGET,
    DEFAULT_MAX_POLICY_CHARACTERS,
    QuotaError,
    Quotas,
    RenderedPolicy,
    catalog_ids,
    render_policies,
)
from .base import AccountName, InvalidKey, Matching, StrictModel, no_duplicates, shorten
from .organization import OrganizationConfig, OuPath

# The statement that keeps AssumeRoot sessions in the management account.
ASSUME_ROOT_STATEMENT = "DenyMemberAssumeRoot"

# The highest quotas AWS is reported to allow (see REFERENCE.md); the defaults are lower.
MAX_POLICY_CHARACTERS_LIMIT = 10240
MAX_POLICIES_PER_TARGET_LIMIT = 10

# A role or user ARN, wildcards allowed (ArnNotLike on aws:PrincipalArn). Root can never
# match: the resource part must start with `role/` or `user/`.
PrincipalArnPattern = Annotated[
    str,
    Matching(
        r"arn:(?:aws|aws-cn|aws-us-gov|\*):iam::(?:\d{12}|\*):(?:role|user)/[A-Za-z0-9+=,.@_/*?-]+",
        "an IAM role or user ARN pattern like arn:aws:iam::*:role/BreakGlass "
        "(account id or *, wildcards * and ? allowed in the name)",
        max_length=512,
    ),
]


def _known_statement(value: str) -> str:
    known = catalog_ids()
    if value not in known:
        raise ValueError(f"unknown statement id {shorten(value)}; allowed: {', '.join(known)}")
    return value


StatementId = Annotated[
    str,
    AfterValidator(_known_statement),
    WithJsonSchema({"type": "string", "enum": list(catalog_ids())}),
]


class GuardrailPoliciesConfig(StrictModel):
    """What the root-restricting SCPs say, and the quotas they must fit in.

    The Guardrails component renders these; where the policies attach is separate
    (`GuardrailsConfig` adds it for a whole organization).
    """

    statements: list[StatementId] = Field(
        default_factory=lambda: list(catalog_ids()),
        min_length=1,
        description="Catalog statement ids to enforce (default: every statement).",
    )
    exempt_principals: list[PrincipalArnPattern] = Field(
        default_factory=list,
        description=(
            "Break-glass / administrator role or user ARN patterns exempted from every "
            "exemptible statement (not from the root statements)."
        ),
    )
    assume_root_principals: list[PrincipalArnPattern] = Field(
        default_factory=list,
        description=(
            "Roles allowed to open AssumeRoot sessions from a member account: exempt from "
            "DenyMemberAssumeRoot only. rootguard:rootAccess.delegatedAdministrator adds its "
            "administrator role here."
        ),
    )
    max_policy_characters: int = Field(
        default=DEFAULT_MAX_POLICY_CHARACTERS,
        ge=256,
        le=MAX_POLICY_CHARACTERS_LIMIT,
        description="AWS's SCP size quota, in characters.",
    )
    max_policies_per_target: int = Field(
        default=DEFAULT_MAX_POLICIES_PER_TARGET,
        ge=2,
        le=MAX_POLICIES_PER_TARGET_LIMIT,
        description="AWS's quota of SCPs attached to one target, FullAWSAccess included.",
    )
    reserved_policies_per_target: int = Field(
        default=0,
        ge=0,
        le=MAX_POLICIES_PER_TARGET_LIMIT,
        description="Slots per target kept free for SCPs attached by others (Control Tower).",
    )

    @model_validator(mode="after")
    def _check_policies(self) -> GuardrailPoliciesConfig:
        no_duplicates("statements", self.statements)
        no_duplicates("exemptPrincipals", self.exempt_principals)
        no_duplicates("assumeRootPrincipals", self.assume_root_principals)
        for index, pattern in enumerate(self.exempt_principals):
            name = pattern.split(":", 5)[5].split("/", 1)[1]
            if not name.strip("*?/"):
                raise InvalidKey(
                    f"exemptPrincipals[{index}]",
                    f"{shorten(pattern)} would exempt every role or user; "
                    "name the break-glass role",
                )
        try:
            self.policies()
        except QuotaError as error:
            raise InvalidKey(error.key, error.message) from None
        return self

    @property
    def quotas(self) -> Quotas:
        return Quotas(
            max_policy_characters=self.max_policy_characters,
            max_policies_per_target=self.max_policies_per_target,
            reserved_policies_per_target=self.reserved_policies_per_target,
        )

    def policies(self) -> tuple[RenderedPolicy, ...]:
        """The rendered SCPs, each within the quotas (checked when the config loads)."""
        return render_policies(
            self.statements,
            self.exempt_principals,
            self.quotas,
            statement_exemptions={ASSUME_ROOT_STATEMENT: self.assume_root_principals},
        )


class GuardrailsConfig(GuardrailPoliciesConfig):
    """`rootguard:guardrails`: root-restricting SCPs rendered from the catalog."""

    # Where the policies attach in the organization, routed around exempt OUs and accounts.

    targets: list[OuPath] | None = Field(
        default=None,
        min_length=1,
        description="OU paths to attach the policies to (default: the organization root).",
    )
    exempt_ous: list[OuPath] = Field(
        default_factory=list,
        description="OU paths below a target that get no guardrails.",
    )
    exempt_accounts: list[AccountName] = Field(
        default_factory=list,
        description="Member account names below a target that get no guardrails.",
    )

    @model_validator(mode="after")
    def _check_routing(self) -> GuardrailsConfig:
        no_duplicates("targets", self.targets or [])
        no_duplicates("exemptOus", self.exempt_ous)
        no_duplicates("exemptAccounts", self.exempt_accounts)
        return self

    def attachment_targets(self, organization: OrganizationConfig) -> tuple[Target, ...]:
        """Where the policies attach: the targets, routed around exempt OUs and accounts."""
        return attachment_targets(
            self.targets,
            self.exempt_ous,
            self.exempt_accounts,
            [ou.path for ou in organization.organizational_units],
            {account.name: account.ou for account in organization.accounts},
        )


def check_guardrail_references(
    guardrails: GuardrailsConfig, organization: OrganizationConfig
) -> None:
    """Targets and exemptions must name declared OUs and accounts and make sense together.

    Called from RootGuardConfig._check_references; paths are relative to the whole config.
    """
    ous = organization.ou_paths
    accounts = {account.name: account.ou for account in organization.accounts}
    targets = guardrails.targets or []
    for index, path in enumerate(targets):
        where = f"guardrails.targets[{index}]"
        if path not in ous:
            raise InvalidKey(
                where, f"OU {shorten(path)} is not declared in organization.organizationalUnits"
            )
        covering = [other for other in targets if other != path and _is_below(path, other)]
        if covering:
            raise InvalidKey(
                where, f"OU {shorten(path)} is already covered by target {shorten(covering[0])}"
            )
    for index, path in enumerate(guardrails.exempt_ous):
        where = f"guardrails.exemptOus[{index}]"
        if path not in ous:
            raise InvalidKey(
                where, f"OU {shorten(path)} is not declared in organization.organizationalUnits"
            )
        if path in targets:
            raise InvalidKey(
                where, f"OU {shorten(path)} is also a target; remove it from targets instead"
            )
        if not _covered(path, guardrails.targets):
            raise InvalidKey(
                where, f"OU {shorten(path)} is not below any target, so it has nothing to exempt"
            )
        exempt_above = [ou for ou in guardrails.exempt_ous if _is_below(path, ou)]
        if exempt_above:
            raise InvalidKey(
                where, f"OU {shorten(path)} is already exempt through {shorten(exempt_above[0])}"
            )
    for index, name in enumerate(guardrails.exempt_accounts):
        where = f"guardrails.exemptAccounts[{index}]"
        if name not in accounts:
            raise InvalidKey(
                where, f"account {shorten(name)} is not declared in organization.accounts"
            )
        if not _covered(accounts[name], guardrails.targets, inclusive=True):
            raise InvalidKey(
                where,
                f"account {shorten(name)} is not below any target, so it has nothing to exempt",
            )
        if any(_is_below(accounts[name], ou, inclusive=True) for ou in guardrails.exempt_ous):
            raise InvalidKey(where, f"account {shorten(name)} is already in an exempt OU")
    if not guardrails.attachment_targets(organization):
        raise InvalidKey(
            "guardrails.exemptOus" if guardrails.exempt_ous else "guardrails.exemptAccounts",
            "exempts everything below the targets, so the guardrails would attach nowhere",
        )


def _is_below(path: str, ancestor: str, inclusive: bool = False) -> bool:
    return (inclusive and path == ancestor) or path.startswith(f"{ancestor}/")


def _covered(path: str, targets: list[str] | None, inclusive: bool = False) -> bool:
    if targets is None:  # the organization root covers every OU
        return True
    return any(_is_below(path, target, inclusive) for target in targets)
