"""`--ou PATH` and `--account ID|NAME`: audit part of the organization.

The names and paths are resolved against the live organization tree (collected first, a few
calls per OU), so `--ou Workloads/Prod` means the OU at that path today and everything below
it. With `--stack`, a name the stack declares but the live organization lacks is called out
as such. The member accounts outside the scope are not read at all (no AssumeRoot, no
contact calls), which is where an audit spends its calls.

The organization-level checks (the management account's root user, password policy and
contacts, the trail and its alarms, centralized root access) always run: they cost the same
few calls whatever the scope. SCP checks are judged for the targets in scope: the selected
OUs and the OUs below them, and the selected accounts; the organization root only when no
scope is given.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rootguard.config import RootGuardConfig
from rootguard.config.base import shorten

from .errors import AuditError
from .facts import Account, Organization
from .model import Finding

ACCOUNT_ID = re.compile(r"[0-9]{12}")


@dataclass(frozen=True)
class ScopeRequest:
    """What the command line asked for, before it is resolved against the organization."""

    ou_paths: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()  # account ids or names

    def __bool__(self) -> bool:
        return bool(self.ou_paths or self.accounts)

    def resolve(self, org: Organization, config: RootGuardConfig | None = None) -> Scope:
        """The accounts and OUs in scope; AuditError (one line) for a name that is not there."""
        paths = {path: ou_id for ou_id, path in org.ou_paths().items() if path}
        selected_ous: set[str] = set()
        for path in self.ou_paths:
            wanted = path.strip("/")
            if wanted not in paths:
                raise AuditError(_unknown("--ou", path, paths, _declared_ous(config)))
            selected_ous.add(paths[wanted])
        # An OU in scope brings every OU below it.
        lineage = org.lineage()
        ous = {ou.id for ou in org.ous if selected_ous & set(lineage.get(ou.id, ()))}
        by_name = {account.name: account.id for account in org.accounts}
        known_ids = {account.id for account in org.accounts}
        accounts = {a.id for a in org.members if a.parent_id in ous}
        for given in self.accounts:
            if ACCOUNT_ID.fullmatch(given):
                if given not in known_ids:
                    raise AuditError(
                        f"--account {given}: no account with that id in organization {org.id}"
                    )
                accounts.add(given)
            elif given in by_name:
                accounts.add(by_name[given])
            else:
                raise AuditError(_unknown("--account", given, by_name, _declared_accounts(config)))
        return Scope(
            management_account_id=org.management_account_id,
            account_ids=frozenset(accounts),
            ou_ids=frozenset(ous),
            ou_paths=frozenset(org.ou_paths()[ou] for ou in ous),
            account_names=frozenset(a.name for a in org.accounts if a.id in accounts),
            out_of_scope=frozenset(
                {org.root_id}
                | {ou.id for ou in org.ous if ou.id not in ous}
                | {a.id for a in org.accounts if a.id not in accounts}
            ),
        )


@dataclass(frozen=True)
class Scope:
    management_account_id: str
    account_ids: frozenset[str]
    ou_ids: frozenset[str]
    ou_paths: frozenset[str]
    account_names: frozenset[str]
    out_of_scope: frozenset[str]  # targets (root, OU and account ids) not in scope

    def includes(self, account: Account) -> bool:
        return account.id in self.account_ids

    def keeps(self, finding: Finding) -> bool:
        """Whether a finding is about something in scope.

        Findings filed under a member account are kept for the accounts in scope. Those filed
        under the management account are organization-level (kept) unless they name a target
        out of scope: an SCP target id, or a drift resource `ou:<path>` / `account:<name>`.
        """
        if finding.account_id != self.management_account_id:
            return finding.account_id in self.account_ids
        resource = finding.resource
        if resource in self.out_of_scope and resource != self.management_account_id:
            return False
        if resource.startswith("ou:"):
            return resource[3:] in self.ou_paths
        if resource.startswith("account:"):
            return resource[8:] in self.account_names
        return True

    def members(self, accounts: Iterable[Account]) -> list[Account]:
        return [account for account in accounts if self.includes(account)]


def _declared_ous(config: RootGuardConfig | None) -> set[str]:
    return set(config.organization.ou_paths) if config else set()


def _declared_accounts(config: RootGuardConfig | None) -> set[str]:
    return set(config.organization.account_names) if config else set()


def _unknown(option: str, given: str, known: Iterable[str], declared: set[str]) -> str:
    if given in declared:
        return (
            f"{option} {shorten(given)}: declared in the stack but not in the live organization "
            "(not created yet, or renamed: see DRIFT-OU / DRIFT-ACCOUNT)"
        )
    close = difflib.get_close_matches(given, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    what = "no OU at that path" if option == "--ou" else "no account with that id or name"
    return f"{option} {shorten(given)}: {what} in the organization{hint}"
