"""Guardrails: the root-restricting SCPs, rendered from the catalog and attached to targets."""

from typing import Any

import pulumi
import pulumi_aws as aws

from .args import links_of, validated, waits_for
from .config.guardrails import GuardrailPoliciesConfig
from .inputs import GuardrailsArgs as GuardrailsArgs  # re-exported
from .organization import SCP_POLICY_TYPE
from .scp import GUARDRAIL_TAG_KEY

# AWS's limit on a policy description.
MAX_DESCRIPTION = 512


_LINKS = links_of(GuardrailsArgs, GuardrailPoliciesConfig)


class Guardrails(pulumi.ComponentResource):
    """One SCP per packed group of catalog statements, attached to every target.

    SCPs never apply to the management account, so it is never a target.
    """

    policy_ids: pulumi.Output[list[str]]
    """The ids of the SCPs, in order."""
    policies: pulumi.Output[list[dict[str, Any]]]
    """Each SCP's name, statement ids, size against the quota, and targets."""

    def __init__(
        self, name: str, args: GuardrailsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        config = validated(
            GuardrailPoliciesConfig, args, links=_LINKS, where=f"Guardrails {name!r}"
        )
        super().__init__("rootguard:index:Guardrails", name, None, opts)
        targets = dict(args.get("attach_to") or {})
        # Creating an SCP needs the SCP policy type enabled: wait for the organization.
        organization_id = args.get("organization_id")
        organization = [] if organization_id is None else [waits_for(organization_id)]

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
                opts=pulumi.ResourceOptions(parent=self, depends_on=organization),
            )
            # The policy id and the target id are all an attachment waits for: the policy
            # already waited for the organization, and the target for its OU or account.
            for label, target_id in targets.items():
                aws.organizations.PolicyAttachment(
                    f"{name}-scp-{number}-{label.replace(':', '-', 1)}",
                    policy_id=policy.id,
                    target_id=target_id,
                    opts=pulumi.ResourceOptions(parent=self),
                )
            created.append(policy)
            summaries.append(
                {
                    "name": policy_name,
                    "statementIds": list(rendered.statement_ids),
                    "characters": rendered.characters,
                    "maxPolicyCharacters": config.max_policy_characters,
                    "size": f"{rendered.characters} of {config.max_policy_characters} characters",
                    "targets": list(targets),
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
