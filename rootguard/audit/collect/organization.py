"""Read the organization: its root, OU tree, accounts and service control policies.

The tree is walked breadth-first, each level's parents listed concurrently, so a deep tree
costs one round-trip per level rather than one per OU. Attachments are read per policy
(ListTargetsForPolicy), which costs a few calls for the whole organization instead of one
ListPoliciesForTarget per account.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from ..aws import READ_ERRORS, Clients, attempt, describe_error, paginate
from ..errors import AuditError
from ..facts import Account, Maybe, Organization, OrganizationalUnit, Policy, Unavailable

SCP = "SERVICE_CONTROL_POLICY"


def describe_organization(clients: Clients) -> dict[str, Any]:
    """DescribeOrganization, or an AuditError saying why the audit cannot run here."""
    client = clients.management("organizations")
    try:
        organization: dict[str, Any] = client.describe_organization()["Organization"]
    except client.exceptions.AWSOrganizationsNotInUseException:
        raise AuditError(
            "this account is not in an AWS Organization; run the audit from the "
            "organization's management account"
        ) from None
    return organization


def management_identity(clients: Clients, command: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(GetCallerIdentity, DescribeOrganization), or an AuditError unless the credentials are
    the management account's: the audit and `rootguard remediate` run only from there."""
    identity: dict[str, Any] = clients.management("sts").get_caller_identity()
    description = describe_organization(clients)
    management_id = description["MasterAccountId"]
    if identity["Account"] != management_id:
        raise AuditError(
            f"not the management account: the credentials are for account "
            f"{identity['Account']}, but organization {description['Id']} is managed by "
            f"{management_id}; run {command} with the management account's credentials"
        )
    return identity, description


def collect_organization(
    clients: Clients, description: dict[str, Any], pool: Executor
) -> Organization:
    client = clients.management("organizations")
    root, ous, accounts = read_tree(clients, pool)
    return Organization(
        id=description["Id"],
        management_account_id=description["MasterAccountId"],
        feature_set=description.get("FeatureSet", "ALL"),
        root_id=root["Id"],
        scp_enabled=any(
            kind.get("Type") == SCP and kind.get("Status") == "ENABLED"
            for kind in root.get("PolicyTypes", [])
        ),
        ous=ous,
        accounts=accounts,
        policies=_collect_policies(client, pool),
    )


def read_tree(
    clients: Clients, pool: Executor
) -> tuple[dict[str, Any], tuple[OrganizationalUnit, ...], tuple[Account, ...]]:
    """The organization's root, every OU (with its path) and every account (the audit's and
    `rootguard remediate`'s view of the tree); an AuditError if it cannot be read."""
    client = clients.management("organizations")
    try:
        root = paginate(client, "list_roots", "Roots")[0]
        ous, accounts = walk_tree(client, root["Id"], pool)
    except READ_ERRORS as exc:
        # Without the tree nothing else can be judged: a permission problem, so stop.
        what = "organizations (ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent)"
        raise AuditError(
            f"cannot read the organization tree: {describe_error(exc, what)}"
        ) from None
    return root, ous, accounts


def walk_tree(
    client: Any, root_id: str, pool: Executor
) -> tuple[tuple[OrganizationalUnit, ...], tuple[Account, ...]]:
    ous: list[OrganizationalUnit] = []
    accounts: list[Account] = []
    level: list[tuple[str, str]] = [(root_id, "")]  # (parent id, parent path)
    while level:
        children = list(pool.map(lambda parent: _children(client, parent[0]), level))
        next_level: list[tuple[str, str]] = []
        for (parent_id, parent_path), (child_ous, child_accounts) in zip(
            level, children, strict=True
        ):
            for raw in child_ous:
                path = f"{parent_path}/{raw['Name']}" if parent_path else raw["Name"]
                ous.append(OrganizationalUnit(raw["Id"], raw["Name"], path, parent_id))
                next_level.append((raw["Id"], path))
            accounts.extend(
                Account(
                    id=raw["Id"],
                    name=raw.get("Name", ""),
                    email=raw.get("Email", ""),
                    state=raw.get("State") or raw.get("Status", "ACTIVE"),
                    parent_id=parent_id,
                )
                for raw in child_accounts
            )
        level = next_level
    return tuple(ous), tuple(accounts)


def _children(client: Any, parent_id: str) -> tuple[list[Any], list[Any]]:
    ous = paginate(
        client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id
    )
    accounts = paginate(client, "list_accounts_for_parent", "Accounts", ParentId=parent_id)
    return ous, accounts


def _collect_policies(client: Any, pool: Executor) -> Maybe[tuple[Policy, ...]]:
    summaries = attempt(
        lambda: paginate(client, "list_policies", "Policies", Filter=SCP),
        "organizations:ListPolicies",
    )
    if isinstance(summaries, Unavailable):
        return summaries
    return tuple(pool.map(lambda summary: _policy(client, summary), summaries))


def _policy(client: Any, summary: dict[str, Any]) -> Policy:
    policy_id = summary["Id"]
    document = attempt(
        lambda: str(client.describe_policy(PolicyId=policy_id)["Policy"]["Content"]),
        f"organizations:DescribePolicy({policy_id})",
    )
    targets = attempt(
        lambda: frozenset(
            target["TargetId"]
            for target in paginate(client, "list_targets_for_policy", "Targets", PolicyId=policy_id)
        ),
        f"organizations:ListTargetsForPolicy({policy_id})",
    )
    return Policy(
        id=policy_id,
        name=summary.get("Name", policy_id),
        aws_managed=bool(summary.get("AwsManaged", False)),
        document=document,
        target_ids=targets,
    )
