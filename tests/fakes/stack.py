"""A stack config that declares a `FakeOrganization`, and rootguard's guardrails deployed in it."""

from __future__ import annotations

from typing import Any

from rootguard.config import RootGuardConfig, load_config

from .organization import FakeOrganization


def stack_config(org: FakeOrganization, **sections: Any) -> RootGuardConfig:
    """A stack config that declares exactly the organization's OUs and members (by id)."""
    ou_paths = {ou.id: ou.path for ou in org.ous.values()}
    organization = {
        "organizationalUnits": [{"path": ou.path, "id": ou.id} for ou in org.ous.values()],
        "accounts": [
            {
                "name": account.name,
                "email": account.email,
                "ou": ou_paths[account.parent_id],
                "id": account.id,
            }
            for account in org.members
        ],
    }
    alarms = {"email": ["security@example.com"]}  # an alarm needs a subscriber
    return load_config({"organization": organization, "alarms": alarms, **sections})


def deploy_guardrails(org: FakeOrganization, config: RootGuardConfig) -> list[str]:
    """Replace the organization's own SCPs with what rootguard renders from `config`."""
    for policy in [p for p in org.policies.values() if not p.aws_managed]:
        del org.policies[policy.id]
    ids = {"root": org.root_id}
    ids.update({f"ou:{path}": ou.id for path, ou in org.ous.items()})
    ids.update({f"account:{a.name}": a.id for a in org.members})
    targets = {ids[t.label] for t in config.guardrails.attachment_targets(config.organization)}
    created = []
    for number, rendered in enumerate(config.guardrails.policies(), start=1):
        policy = org.add_policy(
            f"p-guardrails{number:02d}",
            f"rootguard-guardrails-{number}",
            rendered.document,
            targets=set(targets),
        )
        created.append(policy.id)
    return created
