"""Which member accounts a run acts on: `--account ID|NAME`, `--ou PATH` or `--all`.

Everything is resolved against the live organization (its accounts and OU paths); with
`--stack`, names and OU paths the stack file declares with an id resolve to that id first.
An id or name that is not a member of this organization, an ambiguous name, or the
management account (by id or by name) is a usage error: nothing is read or changed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rootguard.audit.facts import Account, OrganizationalUnit
from rootguard.config import RootGuardConfig
from rootguard.config.base import shorten

ACCOUNT_ID = re.compile(r"\d{12}")
ROOT_PATH = "(root)"


class SelectionError(Exception):
    """A selection that cannot be honoured: one line naming the option, exit 2."""


@dataclass(frozen=True)
class Tree:
    organization_id: str
    management_account_id: str
    ous: tuple[OrganizationalUnit, ...]
    accounts: tuple[Account, ...]

    def ou_path(self, account: Account) -> str:
        paths = {ou.id: ou.path for ou in self.ous}
        return paths.get(account.parent_id, ROOT_PATH)


@dataclass(frozen=True)
class Target:
    account: Account
    ou_path: str


@dataclass(frozen=True)
class Selection:
    targets: tuple[Target, ...]
    # Accounts an --ou or --all selection contained but the run leaves alone, and why.
    excluded: tuple[str, ...] = ()


def select(
    tree: Tree,
    *,
    accounts: Sequence[str] = (),
    ous: Sequence[str] = (),
    everything: bool = False,
    config: RootGuardConfig | None = None,
) -> Selection:
    if everything and (accounts or ous):
        raise SelectionError("--all: selects every member account; drop --account and --ou")
    if not (everything or accounts or ous):
        raise SelectionError(
            "choose the accounts: --account ID|NAME (repeatable), --ou PATH (repeatable) or --all"
        )
    members = {a.id: a for a in tree.accounts if a.id != tree.management_account_id}
    chosen: dict[str, Account] = {}
    excluded: list[str] = []
    for value in accounts:
        account = _account(tree, value, config)
        chosen[account.id] = account
    for path in ous:
        for account in _in_ou(tree, path, config):
            if account.id == tree.management_account_id:
                excluded.append(f"{account.id} ({account.name}): the management account")
            else:
                chosen[account.id] = account
    if everything:
        chosen.update(members)
        excluded.append(f"{tree.management_account_id}: the management account")
    targets = tuple(
        Target(account, tree.ou_path(account))
        for account in sorted(chosen.values(), key=lambda a: a.id)
    )
    return Selection(targets, tuple(excluded))


def _account(tree: Tree, value: str, config: RootGuardConfig | None) -> Account:
    option = f"--account {shorten(value)}"
    by_id = {a.id: a for a in tree.accounts}
    account_id = value if ACCOUNT_ID.fullmatch(value) else None
    if account_id is None and config is not None:
        declared = {a.name: a.id for a in config.organization.accounts if a.id}
        account_id = declared.get(value)
    if account_id is None:
        named = [a for a in tree.accounts if a.name == value]
        if len(named) > 1:
            ids = ", ".join(a.id for a in named)
            raise SelectionError(
                f"{option}: {len(named)} accounts have this name ({ids}); give the id"
            )
        if not named:
            close = difflib.get_close_matches(value, [a.name for a in tree.accounts], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SelectionError(
                f"{option}: no account of organization {tree.organization_id} has this id or "
                f"name{hint}"
            )
        account_id = named[0].id
    if account_id == tree.management_account_id:
        raise SelectionError(
            f"{option}: {account_id} is the management account; rootguard remediate never "
            "touches it (its root user is protected by MFA and the break-glass runbook)"
        )
    if account_id not in by_id:
        raise SelectionError(
            f"{option}: {account_id} is not a member of organization {tree.organization_id}"
        )
    return by_id[account_id]


def _in_ou(tree: Tree, path: str, config: RootGuardConfig | None) -> list[Account]:
    option = f"--ou {shorten(path)}"
    normalized = path.strip("/")
    ou_id = None
    if config is not None:
        ou_id = {ou.path: ou.id for ou in config.organization.organizational_units}.get(normalized)
    live = {ou.path: ou.id for ou in tree.ous}
    ou_id = ou_id or live.get(normalized)
    if ou_id is None or ou_id not in live.values():
        close = difflib.get_close_matches(normalized, list(live), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise SelectionError(
            f"{option}: organization {tree.organization_id} has no OU with this path{hint} "
            "(paths are OU names from the root, like Workloads/Prod)"
        )
    below = {ou_id}
    changed = True
    while changed:  # every OU under the selected one, at any depth
        grown = below | {ou.id for ou in tree.ous if ou.parent_id in below}
        changed, below = grown != below, grown
    return [a for a in tree.accounts if a.parent_id in below]
