"""Drift of `rootguard:guardrails`: the rendered SCPs, by content, and their attachments."""

from __future__ import annotations

import json
from typing import Any

from rootguard.config import RootGuardConfig

from ..catalog import check
from ..facts import AuditFacts, Policy, Unavailable
from ..model import Finding


def scp_drift(facts: AuditFacts, config: RootGuardConfig) -> list[Finding]:
    """Each SCP rootguard renders exists with that exact content, attached where configured.

    Live policies are matched by content, not by name: a policy edited in the console no
    longer matches and is reported, and a renamed one still does.
    """
    item = check("DRIFT-SCP")
    org = facts.organization
    management = org.management_account_id
    if isinstance(org.policies, Unavailable):
        return [item.unknown(management, "scp", org.policies.reason)]
    ids = {"root": org.root_id}
    ids.update({f"ou:{ou.path}": ou.id for ou in org.ous})
    ids.update({f"account:{account.name}": account.id for account in org.members})
    labels = {target_id: label for label, target_id in ids.items()}
    wanted_targets = [t.label for t in config.guardrails.attachment_targets(config.organization)]
    findings: list[Finding] = []
    for rendered in config.guardrails.policies():
        resource = f"scp:{'+'.join(rendered.statement_ids)}"
        policy = _same_content(org.policies, rendered.document)
        if policy is None:
            findings.append(
                item.failed(
                    management,
                    resource,
                    "no SCP has the content rootguard renders for "
                    f"{', '.join(rendered.statement_ids)} (edited outside Pulumi, or not deployed)",
                )
            )
            continue
        if isinstance(policy.target_ids, Unavailable):
            findings.append(item.unknown(management, resource, policy.target_ids.reason))
            continue
        named = f"{policy.name} ({policy.id})"
        for label in wanted_targets:
            target_id = ids.get(label)
            if target_id is None:
                findings.append(item.failed(management, resource, f"target {label} does not exist"))
            elif target_id in policy.target_ids:
                findings.append(item.passed(management, resource, f"{named} attached to {label}"))
            else:
                findings.append(
                    item.failed(management, resource, f"{named} is not attached to {label}")
                )
        wanted_ids = {ids[label] for label in wanted_targets if label in ids}
        for target_id in sorted(policy.target_ids - wanted_ids):
            findings.append(
                item.failed(
                    management,
                    resource,
                    f"{named} is also attached to {labels.get(target_id, target_id)}, which "
                    "the stack config does not target",
                )
            )
    return findings


def _same_content(policies: tuple[Policy, ...], document: str) -> Policy | None:
    wanted = json.loads(document)
    for policy in policies:
        if isinstance(policy.document, str) and _parsed(policy.document) == wanted:
            return policy
    return None


def _parsed(document: str) -> Any:
    try:
        return json.loads(document)
    except ValueError:
        return None
