"""Guardrails: the root-restricting SCPs, rendered from the catalog and attached to targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from .config.guardrails import GuardrailsConfig
from .config.organization import OrganizationConfig
from .guardrail_targets import Target
from .organization import SCP_POLICY_TYPE, Organization
from .scp import GUARDRAIL_TAG_KEY

# AWS's limit on a policy description.
MAX_DESCRIPTION = 512


@dataclass(frozen=True)
class GuardrailsArgs:
    """What to render (`config`) and where to attach it.

    `targets` maps a readable label (`root`, `ou:Workloads`, `account:audit`) to the id of
    the root, OU or account, in attachment order. `depends_on` holds whatever must exist
    before an SCP can be created (the organization with the SCP policy type enabled).
    """

    config: GuardrailsConfig
    targets: Mapping[str, pulumi.Input[str]]
    depends_on: Sequence[pulumi.Resource] = field(default_factory=tuple)

    @staticmethod
    def for_organization(
        config: GuardrailsConfig,
        organization_config: OrganizationConfig,
        organization: Organization,
    ) -> GuardrailsArgs:
        """Targets routed around the exemptions and resolved to the organization's ids."""

        def target_id(target: Target) -> pulumi.Input[str]:
            if target.kind == "root":
                return organization.root_id
            if target.kind == "ou":
                return organization.ou_id(target.key)
            return organization.account_id(target.key)

        targets = config.attachment_targets(organization_config)
        return GuardrailsArgs(
            config=config,
            targets={target.label: target_id(target) for target in targets},
            depends_on=tuple(organization.trusted_access),
        )


class Guardrails(pulumi.ComponentResource):
    """One SCP per packed group of catalog statements, attached to every target.

    SCPs never apply to the management account, so it is never a target.
    """

    policy_ids: pulumi.Output[list[str]]
    policies: pulumi.Output[list[dict[str, Any]]]

    def __init__(
        self, name: str, args: GuardrailsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("rootguard:index:Guardrails", name, None, opts)
        config = args.config
        wait = list(args.depends_on)

        summaries: list[dict[str, Any]] = []
        created: list[aws.organizations.Policy] = []
        for number, rendered in enumerate(config.policies(), start=1):
            policy_name = f"{name}-{number}"
            description = f"rootguard guardrails: {', '.join(rendered.statement_ids)}"
            policy = aws.organizations.Policy(
                f"{name}-scp-{number}",
                name=policy_name,
                description=description[:MAX_DESCRIPTION],
                type=SCP_POLICY_TYPE,
                content=rendered.document,
                tags={GUARDRAIL_TAG_KEY: "true"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=wait),
            )
            for label, target_id in args.targets.items():
                aws.organizations.PolicyAttachment(
                    f"{name}-scp-{number}-{label.replace(':', '-', 1)}",
                    policy_id=policy.id,
                    target_id=target_id,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=wait),
                )
            created.append(policy)
            summaries.append(
                {
                    "name": policy_name,
                    "statementIds": list(rendered.statement_ids),
                    "characters": rendered.characters,
                    "maxPolicyCharacters": config.max_policy_characters,
                    "size": f"{rendered.characters} of {config.max_policy_characters} characters",
                    "targets": list(args.targets),
                }
            )

        self.policy_ids = pulumi.Output.all(*[policy.id for policy in created]).apply(list)
        self.policies = pulumi.Output.from_input(summaries)
        self.register_outputs(
            {
                "policyIds": self.policy_ids,
                "policies": self.policies,
                "freeSlotsPerTarget": config.quotas.free_slots,
                "policiesPerTarget": len(created),
            }
        )
